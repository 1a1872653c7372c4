/**
 * One CSV record as byte ranges into the current read buffer, decoded only on demand. Numeric
 * columns parse their cells straight from the bytes ({@link parseDecimalBytes}), so most cells of
 * a numeric CSV never become strings; the view is reused from record to record.
 */

interface FastSlices {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

/**
 * Decodes a field. Pure-ASCII fields (no byte ≥ 0x80, tracked while scanning) take Node's latin1
 * path, which skips UTF-8 validation; the public `toString` also pays an encoding lookup per call.
 */
export const decodeField = (buf: Buffer, start: number, end: number, high: number): string =>
  high < 0x80 ? (buf as unknown as FastSlices).latin1Slice(start, end) : (buf as unknown as FastSlices).utf8Slice(start, end);

const EMPTY = Buffer.alloc(0);

export class RecordView {
  buf: Buffer = EMPTY;
  count = 0;
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  readonly highs: number[] = [];
  /** The unescaped text of quoted fields; undefined for unquoted ones. */
  readonly texts: Array<string | undefined> = [];

  addRange(start: number, end: number, high: number): void {
    const k = this.count++;
    this.starts[k] = start;
    this.ends[k] = end;
    this.highs[k] = high;
    this.texts[k] = undefined;
  }

  addText(text: string): void {
    this.texts[this.count++] = text;
  }

  /** Field k as a string. */
  text(k: number): string {
    const t = this.texts[k];
    return t !== undefined ? t : decodeField(this.buf, this.starts[k]!, this.ends[k]!, this.highs[k]!);
  }

  /** Whether field k is a plain byte range (unquoted), which {@link parseDecimalBytes} can read. */
  isRange(k: number): boolean {
    return this.texts[k] === undefined;
  }

  toArray(): string[] {
    return Array.from({ length: this.count }, (_, k) => this.text(k));
  }
}

const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/**
 * Parses a plain decimal number (`-12.5`, `3e-4`, `.5`) from bytes, or returns NaN when the bytes
 * are anything else (spaces, missing tokens, more than 15 significant digits, huge exponents) so
 * the caller falls back to the string path. When it answers, the answer is exact: a mantissa below
 * 10^15 and a power of ten up to 10^22 are both exact doubles, and one multiplication or division
 * of exact doubles is correctly rounded — the same value `Number()` gives (Clinger's fast path).
 */
export const parseDecimalBytes = (buf: Buffer, start: number, end: number): number => {
  let i = start;
  if (i >= end) return NaN;
  let c = buf[i]!;
  let negative = false;
  if (c === 45) {
    negative = true;
    i++;
  } else if (c === 43) i++;
  let mantissa = 0;
  let digits = 0;
  let fraction = 0;
  let sawDigit = false;
  while (i < end) {
    c = buf[i]!;
    if (c < 48 || c > 57) break;
    if (mantissa !== 0 || c !== 48) digits++;
    mantissa = mantissa * 10 + (c - 48);
    sawDigit = true;
    i++;
  }
  if (i < end && buf[i] === 46) {
    i++;
    while (i < end) {
      c = buf[i]!;
      if (c < 48 || c > 57) break;
      if (mantissa !== 0 || c !== 48) digits++;
      mantissa = mantissa * 10 + (c - 48);
      fraction++;
      sawDigit = true;
      i++;
    }
  }
  if (!sawDigit || digits > 15) return NaN;
  let exponent = 0;
  if (i < end && (buf[i] === 101 || buf[i] === 69)) {
    i++;
    let expNegative = false;
    if (buf[i] === 45) {
      expNegative = true;
      i++;
    } else if (buf[i] === 43) i++;
    let expDigits = 0;
    while (i < end) {
      c = buf[i]!;
      if (c < 48 || c > 57) break;
      exponent = exponent * 10 + (c - 48);
      if (++expDigits > 4) return NaN;
      i++;
    }
    if (expDigits === 0) return NaN;
    if (expNegative) exponent = -exponent;
  }
  if (i !== end) return NaN;
  const p = exponent - fraction;
  let value: number;
  if (p === 0) value = mantissa;
  else if (p > 0) {
    if (p > 22) return NaN;
    value = mantissa * POW10[p]!;
  } else {
    if (p < -22) return NaN;
    value = mantissa / POW10[-p]!;
  }
  return negative ? -value : value;
};

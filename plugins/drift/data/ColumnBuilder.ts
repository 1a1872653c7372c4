/**
 * Growable typed-array builders, one per column type, that turn raw cells (CSV text or JSON
 * values) into a {@link Column} while counting missing and invalid cells.
 */
import { BOOLEAN_MISSING, type Column, type ColumnType, type InvalidValues } from "./Dataset.js";
import { parseDecimalBytes, type RecordView } from "./RecordView.js";

/** Missing-value tokens recognised by default (after trimming whitespace). */
export const DEFAULT_MISSING: ReadonlyArray<string> = ["", "NA", "N/A", "NaN", "nan", "null", "NULL", "None"];

const EXAMPLES = 5;

/** Whether a missing-value token would otherwise read as a number (e.g. "-999"): then tokens are checked first. */
export const hasNumericToken = (missing: ReadonlySet<string>): boolean =>
  [...missing].some((t) => t.trim() !== "" && !Number.isNaN(Number(t)));

/**
 * Reads a cell as a number; `undefined` = missing, NaN = not a number. The common case (a
 * decimal number) costs one `Number()` call; missing tokens are looked up only when that fails,
 * unless a token is itself numeric (`numericTokens`).
 */
export const parseNumberCell = (cell: unknown, missing: ReadonlySet<string>, numericTokens = false): number | undefined => {
  if (typeof cell === "number") return Number.isNaN(cell) ? undefined : cell;
  if (typeof cell !== "string") return cell === null || cell === undefined ? undefined : NaN;
  if (numericTokens && (missing.has(cell) || missing.has(cell.trim()))) return undefined;
  const n = Number(cell);
  if (n === n) {
    const c0 = cell.charCodeAt(0);
    // Number("") and Number("  ") are 0; Number("0x1f") is 31: only decimal notation counts.
    if (n === 0 && cell.trim() === "") return missing.has(cell) || missing.has("") ? undefined : NaN;
    if ((c0 === 48 || c0 === 32 || c0 === 9) && /^\s*0[xXbBoO]/.test(cell)) return NaN;
    return n;
  }
  return missing.has(cell) || missing.has(cell.trim()) ? undefined : NaN;
};

/** Reads a cell as a boolean: true/false in any case, 1/0; `undefined` = missing, null = invalid. */
export const parseBooleanCell = (cell: unknown, missing: ReadonlySet<string>): boolean | undefined | null => {
  if (typeof cell === "boolean") return cell;
  if (cell === null || cell === undefined) return undefined;
  if (typeof cell === "number") return cell === 1 ? true : cell === 0 ? false : null;
  if (typeof cell !== "string") return null;
  const t = cell.trim();
  if (missing.has(cell) || missing.has(t)) return undefined;
  const l = t.toLowerCase();
  return l === "true" || l === "1" ? true : l === "false" || l === "0" ? false : null;
};

const textOf = (cell: unknown): string => (typeof cell === "string" ? cell : JSON.stringify(cell) ?? String(cell));

/** Collects invalid cells: a count and the first few examples. */
class InvalidTracker {
  count = 0;
  readonly examples: Array<{ row: number; value: string }> = [];
  add(row: number, cell: unknown): void {
    this.count++;
    if (this.examples.length < EXAMPLES) this.examples.push({ row, value: textOf(cell) });
  }
  result(): InvalidValues {
    return { count: this.count, examples: this.examples };
  }
}

/** Builds one column; `push` receives the cell of the next row (0-based `row`). */
export interface ColumnBuilder {
  push(cell: unknown, row: number): void;
  /** Pushes field k of a CSV record view (number columns read it from the bytes when they can). */
  pushField(view: RecordView, k: number, row: number): void;
  finish(): Column;
}

/** Doubles capacity as rows arrive; the final column is a view of exactly `length` rows. */
const grow = <A extends Float64Array | Uint8Array | Int32Array>(array: A, needed: number, make: (n: number) => A): A => {
  if (needed <= array.length) return array;
  const next = make(Math.max(needed, array.length * 2));
  next.set(array);
  return next;
};

export const makeColumnBuilder = (
  name: string,
  type: ColumnType,
  declared: boolean,
  missingTokens: ReadonlySet<string>,
): ColumnBuilder => {
  const invalid = new InvalidTracker();
  let missing = 0;
  const missingRows: number[] = [];
  const noteMissing = (row: number) => {
    if (missing++ < EXAMPLES) missingRows.push(row + 1);
  };
  let length = 0;
  if (type === "number" || type === "integer") {
    let values = new Float64Array(1024);
    const numericTokens = hasNumericToken(missingTokens);
    const push = (cell: unknown, row: number): void => {
      if (length === values.length) values = grow(values, length + 1, (n) => new Float64Array(n));
      const v = parseNumberCell(cell, missingTokens, numericTokens);
      if (v === undefined) {
        noteMissing(row);
        values[length++] = NaN;
      } else {
        if (Number.isNaN(v)) invalid.add(row + 1, cell);
        values[length++] = v;
      }
    };
    return {
      push,
      pushField(view, k, row) {
        if (!numericTokens && view.isRange(k)) {
          const v = parseDecimalBytes(view.buf, view.starts[k]!, view.ends[k]!);
          if (v === v) {
            if (length === values.length) values = grow(values, length + 1, (n) => new Float64Array(n));
            values[length++] = v;
            return;
          }
        }
        push(view.text(k), row);
      },
      finish: () => ({ name, type, declared, missing, missingRows, invalid: invalid.result(), values: values.subarray(0, length) }),
    };
  }
  if (type === "boolean") {
    let values = new Uint8Array(1024);
    return {
      push(cell, row) {
        if (length === values.length) values = grow(values, length + 1, (n) => new Uint8Array(n));
        const v = parseBooleanCell(cell, missingTokens);
        if (v === undefined) noteMissing(row);
        else if (v === null) invalid.add(row + 1, cell);
        values[length++] = v === true ? 1 : v === false ? 0 : BOOLEAN_MISSING;
      },
      pushField(view, k, row) {
        this.push(view.text(k), row);
      },
      finish: () => ({ name, type, declared, missing, missingRows, invalid: invalid.result(), values: values.subarray(0, length) }),
    };
  }
  let codes = new Int32Array(1024);
  const dictionary: string[] = [];
  const index = new Map<string, number>();
  return {
    push(cell, row) {
      if (length === codes.length) codes = grow(codes, length + 1, (n) => new Int32Array(n));
      if (cell === null || cell === undefined || (typeof cell === "string" && missingTokens.has(cell))) {
        noteMissing(row);
        codes[length++] = -1;
        return;
      }
      const text = textOf(cell);
      let code = index.get(text);
      if (code === undefined) {
        code = dictionary.length;
        dictionary.push(text);
        index.set(text, code);
      }
      codes[length++] = code;
    },
    pushField(view, k, row) {
      this.push(view.text(k), row);
    },
    finish: () => ({ name, type: "string", declared, missing, missingRows, invalid: invalid.result(), codes: codes.subarray(0, length), dictionary }),
  };
};

/**
 * Infers a column type from sample cells: "number" when every present cell is a number,
 * "boolean" when every present cell is true/false, else "string" (also when all are missing).
 */
export const inferType = (cells: ReadonlyArray<unknown>, missingTokens: ReadonlySet<string>): ColumnType => {
  let present = 0;
  let numbers = 0;
  let booleans = 0;
  for (const cell of cells) {
    const n = parseNumberCell(cell, missingTokens);
    if (n === undefined) continue;
    present++;
    if (!Number.isNaN(n) && typeof cell !== "boolean") numbers++;
    else if (typeof cell === "boolean" || /^(true|false)$/i.test(String(cell).trim())) booleans++;
  }
  if (present === 0) return "string";
  if (numbers === present) return "number";
  if (booleans === present) return "boolean";
  return "string";
};

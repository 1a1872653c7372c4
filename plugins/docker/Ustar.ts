/**
 * A small streaming tar (ustar + pax) writer for build contexts. Entries carry no owner and a
 * fixed mtime, so the same files always give the same bytes and the same COPY layers.
 */
import { createReadStream } from "node:fs";

/** One entry of the archive. Files are read from `absPath` while streaming. */
export interface TarEntry {
  /** Slash-separated path inside the archive (directories without a trailing slash). */
  readonly name: string;
  readonly type: "file" | "dir" | "symlink";
  /** Permission bits (e.g. 0o755). */
  readonly mode: number;
  readonly size: number;
  readonly absPath: string;
  readonly linkTarget?: string;
}

const BLOCK = 512;

/** Writes `value` as a NUL-terminated octal field of `width` bytes. */
const octal = (buf: Buffer, offset: number, width: number, value: number): void => {
  buf.write(value.toString(8).padStart(width - 1, "0"), offset, width - 1, "ascii");
  buf[offset + width - 1] = 0;
};

/** A pax extended header record: "<len> key=value\n", where len counts the whole record. */
const paxRecord = (key: string, value: string): string => {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
  return `${len}${body}`;
};

/** Splits a long name into ustar prefix/name when possible. */
const splitName = (name: string): { prefix: string; name: string } | undefined => {
  if (Buffer.byteLength(name) <= 100) return { prefix: "", name };
  for (let i = name.indexOf("/"); i >= 0; i = name.indexOf("/", i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest !== "") return { prefix, name: rest };
  }
  return undefined;
};

const MAX_OCTAL_SIZE = 0o77777777777;

/** One 512-byte ustar header. */
const header = (args: { name: string; prefix: string; mode: number; size: number; typeflag: string; linkname: string }): Buffer => {
  const buf = Buffer.alloc(BLOCK, 0);
  buf.write(args.name, 0, 100, "utf8");
  octal(buf, 100, 8, args.mode & 0o7777);
  octal(buf, 108, 8, 0);
  octal(buf, 116, 8, 0);
  octal(buf, 124, 12, args.size);
  octal(buf, 136, 12, 0);
  buf.fill(0x20, 148, 156); // checksum is computed with its own field as spaces
  buf.write(args.typeflag, 156, 1, "ascii");
  buf.write(args.linkname, 157, 100, "utf8");
  buf.write("ustar\u0000", 257, 6, "ascii");
  buf.write("00", 263, 2, "ascii");
  buf.write(args.prefix, 345, 155, "utf8");
  let sum = 0;
  for (const b of buf) sum += b;
  buf.write(sum.toString(8).padStart(6, "0"), 148, 6, "ascii");
  buf[154] = 0;
  buf[155] = 0x20;
  return buf;
};

const padding = (size: number): Buffer => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK, 0);

/** The header block(s) of an entry: a pax header first when the name, link or size does not fit ustar. */
const headersFor = (entry: TarEntry): Buffer[] => {
  const fullName = entry.type === "dir" ? `${entry.name}/` : entry.name;
  const split = splitName(fullName);
  const linkname = entry.linkTarget ?? "";
  const size = entry.type === "file" ? entry.size : 0;
  const records: string[] = [];
  if (split === undefined) records.push(paxRecord("path", fullName));
  if (Buffer.byteLength(linkname) > 100) records.push(paxRecord("linkpath", linkname));
  if (size > MAX_OCTAL_SIZE) records.push(paxRecord("size", String(size)));
  const out: Buffer[] = [];
  if (records.length > 0) {
    const body = Buffer.from(records.join(""), "utf8");
    out.push(header({ name: "PaxHeader", prefix: "", mode: 0o644, size: body.length, typeflag: "x", linkname: "" }), body, padding(body.length));
  }
  const typeflag = entry.type === "file" ? "0" : entry.type === "dir" ? "5" : "2";
  const fallback = split ?? { prefix: "", name: fullName.slice(0, 100) };
  out.push(header({ ...fallback, mode: entry.mode, size: size > MAX_OCTAL_SIZE ? 0 : size, typeflag, linkname: linkname.slice(0, 100) }));
  return out;
};

/**
 * Streams the archive of `entries` in order. A file whose size changed since it was listed fails
 * the stream instead of producing a corrupt archive.
 */
export async function* tarChunks(entries: ReadonlyArray<TarEntry>): AsyncGenerator<Buffer> {
  for (const entry of entries) {
    yield* headersFor(entry);
    if (entry.type !== "file") continue;
    let written = 0;
    for await (const chunk of createReadStream(entry.absPath)) {
      const b = chunk as Buffer;
      written += b.length;
      if (written > entry.size) break;
      yield b;
    }
    if (written !== entry.size) {
      throw new Error(`${entry.absPath} changed size while the build context was being sent (${entry.size} → ${written} bytes); run again`);
    }
    yield padding(entry.size);
  }
  yield Buffer.alloc(BLOCK * 2, 0);
}

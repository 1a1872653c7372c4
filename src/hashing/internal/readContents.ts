/** Main-thread content hashing: one read for small files, 16 MiB chunks into a reused buffer for
 *  medium ones. Both give exactly `hashBytes(readFileSync(path))`. */
import * as fs from "node:fs";
import { combineChunkHashes, HASH_CHUNK_BYTES, hashBytes, hashChunk, type ContentHash } from "../ContentHash.js";

/** The hash of the bytes actually read, and how many there were. */
export interface ReadHash {
  readonly hash: ContentHash;
  readonly size: number;
}

/** Reads the whole file at once and hashes it (for files of at most one chunk). */
export const hashWholeSync = (path: string): ReadHash => {
  const bytes = fs.readFileSync(path);
  return { hash: hashBytes(bytes), size: bytes.byteLength };
};

/** Async twin of `hashWholeSync`. */
export const hashWhole = async (path: string): Promise<ReadHash> => {
  const bytes = await fs.promises.readFile(path);
  return { hash: hashBytes(bytes), size: bytes.byteLength };
};

/** Fills `buffer` from `position` until full or end of file; returns the bytes read. */
const fillSync = (fd: number, buffer: Buffer, position: number): number => {
  let got = 0;
  while (got < buffer.byteLength) {
    const n = fs.readSync(fd, buffer, got, buffer.byteLength - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
};

const fill = async (fh: fs.promises.FileHandle, buffer: Buffer, position: number): Promise<number> => {
  let got = 0;
  while (got < buffer.byteLength) {
    const { bytesRead } = await fh.read(buffer, got, buffer.byteLength - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
};

/**
 * Combines per-chunk digests the way `hashBytes` does: a blob of at most one chunk is hashed
 * directly, a longer one as a tree. Reading runs to end of file (not to a size seen earlier), so
 * the result always describes bytes that were really there.
 */
const finish = (chunks: string[], size: number): ReadHash => ({
  hash: size <= HASH_CHUNK_BYTES ? (chunks[0] as ContentHash) : combineChunkHashes(chunks, size),
  size,
});

/** Hashes the file chunk by chunk, reading into `buffer` (exactly HASH_CHUNK_BYTES long). */
export const hashChunkedSync = (path: string, buffer: Buffer): ReadHash => {
  const fd = fs.openSync(path, "r");
  try {
    const chunks: string[] = [];
    let size = 0;
    for (;;) {
      const n = fillSync(fd, buffer, size);
      if (n === 0 && size > 0) break;
      chunks.push(hashChunk(buffer.subarray(0, n)));
      size += n;
      if (n < buffer.byteLength) break;
    }
    return finish(chunks, size);
  } finally {
    fs.closeSync(fd);
  }
};

/** Async twin of `hashChunkedSync`. */
export const hashChunked = async (path: string, buffer: Buffer): Promise<ReadHash> => {
  const fh = await fs.promises.open(path, "r");
  try {
    const chunks: string[] = [];
    let size = 0;
    for (;;) {
      const n = await fill(fh, buffer, size);
      if (n === 0 && size > 0) break;
      chunks.push(hashChunk(buffer.subarray(0, n)));
      size += n;
      if (n < buffer.byteLength) break;
    }
    return finish(chunks, size);
  } finally {
    await fh.close();
  }
};

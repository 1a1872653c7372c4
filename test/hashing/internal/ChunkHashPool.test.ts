/** The worker pool on real files: digests per chunk, read failures reported as data, restart after close. */
import { randomFillSync } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hashChunk } from "../../../src/hashing/ContentHash.js";
import { ChunkHashPool } from "../../../src/hashing/internal/ChunkHashPool.js";

// Small chunks keep the files small; the protocol does not depend on the chunk size.
const CHUNK = 64 * 1024;
let dir: string;
let pool: ChunkHashPool;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-pool-"));
  pool = new ChunkHashPool(2, CHUNK);
});
afterEach(async () => {
  await pool.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const writeRandom = (name: string, size: number): { p: string; bytes: Buffer } => {
  const bytes = randomFillSync(Buffer.allocUnsafe(size));
  const p = path.join(dir, name);
  fs.writeFileSync(p, bytes);
  return { p, bytes };
};
const expectedChunks = (bytes: Buffer): string[] => {
  const out: string[] = [];
  for (let off = 0; off < bytes.length; off += CHUNK) out.push(hashChunk(bytes.subarray(off, off + CHUNK)));
  return out;
};

/**
 * On a cold pool the calling thread hashes chunks until a worker is up (with these small chunks it
 * usually does all of them); on a warm pool the workers do. Both paths must give the same answers.
 */
const warmUp = async (): Promise<void> => {
  const { p, bytes } = writeRandom("warmup.bin", 2 * CHUNK);
  await pool.hash(p, bytes.length);
};

describe.each([
  ["a cold pool (the caller helps)", async () => {}],
  ["a warm pool (workers only)", warmUp],
])("ChunkHashPool on %s", (_name, prepare) => {
  it("returns hashChunk of every chunk in order, sync and async", async () => {
    await prepare();
    const { p, bytes } = writeRandom("f.bin", 7 * CHUNK + 5);
    expect(pool.hashSync(p, bytes.length)).toEqual({ ok: true, chunks: expectedChunks(bytes) });
    expect(await pool.hash(p, bytes.length)).toEqual({ ok: true, chunks: expectedChunks(bytes) });
  });

  it("reports a file that does not exist as a failure with its errno code", async () => {
    await prepare();
    const r = await pool.hash(path.join(dir, "gone.bin"), 3 * CHUNK);
    expect(r).toMatchObject({ ok: false, failure: { code: "ENOENT" } });
  });

  it("reports a file shorter than the size it was asked to hash", async () => {
    await prepare();
    const { p } = writeRandom("short.bin", 2 * CHUNK);
    expect(pool.hashSync(p, 4 * CHUNK)).toMatchObject({ ok: false, failure: { code: "ESHRUNK" } });
  });
});

describe("ChunkHashPool", () => {
  it("fails a job still running when the pool is closed, instead of leaving it waiting", async () => {
    await warmUp();
    const { p, bytes } = writeRandom("f.bin", 1024 * CHUNK);
    const running = pool.hash(p, bytes.length);
    await pool.close();
    expect(await running).toMatchObject({ ok: false, failure: { code: "EWORKER" } });
  });

  it("starts new workers for a job after close", async () => {
    const { p, bytes } = writeRandom("f.bin", 3 * CHUNK);
    await pool.hash(p, bytes.length);
    await pool.close();
    expect(await pool.hash(p, bytes.length)).toEqual({ ok: true, chunks: expectedChunks(bytes) });
  });
});

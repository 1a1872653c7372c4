/** The source of a chunk-hashing worker, run as an `eval` worker (CommonJS).
 *  Why a string and not a module file: it then runs the same from `src/` under vitest and from `dist/`. */

/**
 * Protocol (see ChunkHashPool): each message is a job `{ path, size, chunks, control, digests, error }`
 * whose buffers are SharedArrayBuffers. The worker claims chunk indices with `Atomics.add` on
 * control[0] until they run out, writes each chunk's digest (see hashChunk) as 32 ASCII hex chars at
 * `digests[i * 32]`, and finally increments control[1] and notifies. On failure it sets control[2]
 * and writes "CODE\nmessage" into `error`. control[3] counts workers that have begun the job.
 *
 * The digest formatting must stay identical to `hashChunk` in ContentHash.ts; the tests compare
 * pool results with `hashBytes` of the same bytes.
 */
import { LANE2_SEED, SMALL_CHUNK_BYTES } from "../ContentHash.js";

export const WORKER_SOURCE = `
"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const fs = require("node:fs");
const { xxh3 } = require(workerData.xxhashPath);
const CHUNK = workerData.chunkBytes;
let buffer = null; // one reused chunk buffer per worker, allocated on its first job

parentPort.on("message", (job) => {
  const control = new Int32Array(job.control);
  const digests = Buffer.from(job.digests);
  Atomics.add(control, 3, 1); // started: the calling thread stops helping
  let fd = -1;
  try {
    for (;;) {
      if (Atomics.load(control, 2) !== 0) break;
      const i = Atomics.add(control, 0, 1);
      if (i >= job.chunks) break;
      if (fd < 0) fd = fs.openSync(job.path, "r");
      if (buffer === null) buffer = Buffer.allocUnsafe(CHUNK);
      const start = i * CHUNK;
      const want = Math.min(CHUNK, job.size - start);
      let got = 0;
      while (got < want) {
        const n = fs.readSync(fd, buffer, got, want - got, start + got);
        if (n === 0) break;
        got += n;
      }
      if (got !== want) {
        const e = new Error("the file became shorter while it was being hashed");
        e.code = "ESHRUNK";
        throw e;
      }
      const data = buffer.subarray(0, want);
      let hex;
      if (want < ${SMALL_CHUNK_BYTES}) hex = xxh3.xxh128(data).toString(16).padStart(32, "0");
      else {
        const a = xxh3.Xxh3.withSeed(0n);
        a.update(data);
        const b = xxh3.Xxh3.withSeed(${LANE2_SEED}n);
        b.update(data);
        hex = a.digest().toString(16).padStart(16, "0") + b.digest().toString(16).padStart(16, "0");
      }
      digests.write(hex, i * 32, "latin1");
    }
  } catch (err) {
    if (Atomics.compareExchange(control, 2, 0, 1) === 0) {
      const text = String((err && err.code) || "EUNKNOWN") + "\\n" + String((err && err.message) || err);
      Buffer.from(job.error).write(text.slice(0, 1000), 0, "utf8");
    }
  } finally {
    if (fd >= 0) try { fs.closeSync(fd); } catch {}
    Atomics.add(control, 1, 1);
    Atomics.notify(control, 1);
  }
});
`;

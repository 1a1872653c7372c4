/** Worker threads that hash the 16 MiB chunks of one large file in parallel; usable from both
 *  async code (Atomics.waitAsync) and sync code (Atomics.wait), because jobs complete in shared memory. */
import * as fs from "node:fs";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { HASH_CHUNK_BYTES, hashChunk } from "../ContentHash.js";
import { WORKER_SOURCE } from "./chunkWorkerSource.js";

/** Layout of a job's control block (Int32 slots). */
const NEXT = 0; // next chunk index to claim (workers Atomics.add it)
const DONE = 1; // workers finished with this job
const FAILED = 2; // non-zero once any worker failed; the others stop claiming
const STARTED = 3; // workers that have begun this job
const ERROR_BYTES = 1024;

/** `Atomics.waitAsync` exists since Node 16 but is typed only in lib es2024 (we compile against es2023). */
type WaitAsync = (
  a: Int32Array,
  index: number,
  value: number,
) => { async: false; value: "not-equal" | "timed-out" } | { async: true; value: Promise<"ok" | "timed-out"> };
const waitAsync: WaitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;
const HEX = 32;
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A worker's read or hash failure, with the errno code when there was one. */
export interface ChunkFailure {
  readonly code: string;
  readonly message: string;
}

/** The per-chunk digests of a file, or why they could not be computed. */
export type ChunkResult = { readonly ok: true; readonly chunks: string[] } | { readonly ok: false; readonly failure: ChunkFailure };

interface Job {
  readonly control: Int32Array;
  readonly digests: Uint8Array;
  readonly error: Uint8Array;
  readonly chunks: number;
  readonly path: string;
  readonly bytes: number;
  /** True when this job started the workers: the caller hashes chunks itself until one is up. */
  readonly cold: boolean;
}

/**
 * A fixed set of workers, started on first use and unref'd (an idle pool never keeps the process
 * alive). Every job is posted to every worker; workers claim chunk indices from a shared counter,
 * so a slow read on one chunk never idles the other worker. Each worker reads its chunks itself
 * with `fs.readSync` into one reused 16 MiB buffer: no bytes cross threads, and no thread waits
 * for another's read (measured here, a read is ~20% of a chunk's time, XXH3-128 the rest).
 *
 * Starting the workers takes 30-60 ms; on that first job the calling thread claims chunks too,
 * until a worker has begun, so the start-up is not idle time.
 */
export class ChunkHashPool {
  private workers: Worker[] | undefined;
  private readonly inFlight = new Set<Job>();

  constructor(
    private readonly size: number,
    private readonly chunkBytes: number = HASH_CHUNK_BYTES,
  ) {}

  /** Hashes the chunks of `path` (expected `bytes` long), blocking the calling thread. */
  hashSync(path: string, bytes: number): ChunkResult {
    const job = this.post(path, bytes);
    if (job.cold) {
      const helper = this.helper(job);
      while (helper.next());
    }
    for (;;) {
      const done = Atomics.load(job.control, DONE);
      if (done >= this.size) break;
      Atomics.wait(job.control, DONE, done);
    }
    return this.finish(job);
  }

  /** Hashes the chunks of `path` (expected `bytes` long) without blocking the event loop. */
  async hash(path: string, bytes: number): Promise<ChunkResult> {
    const job = this.post(path, bytes);
    if (job.cold) {
      // One chunk (~8 ms) at a time, then let timers and I/O run.
      const helper = this.helper(job);
      while (helper.next()) await yieldToEventLoop();
    }
    for (;;) {
      const done = Atomics.load(job.control, DONE);
      if (done >= this.size) break;
      const waited = waitAsync(job.control, DONE, done);
      if (waited.async) await waited.value;
    }
    return this.finish(job);
  }

  /** Stops the workers (jobs still running fail); a later job starts new ones. */
  async close(): Promise<void> {
    const workers = this.workers;
    this.workers = undefined;
    this.failAll("the hashing pool was closed while hashing");
    if (workers) await Promise.all(workers.map((w) => w.terminate()));
  }

  private start(): Worker[] {
    if (this.workers) return this.workers;
    // Why resolve here: an `eval` worker has no module context of its own to resolve packages from.
    const xxhashPath = createRequire(import.meta.url).resolve("@node-rs/xxhash");
    const workers = Array.from({ length: this.size }, () => {
      const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { xxhashPath, chunkBytes: this.chunkBytes } });
      w.unref();
      // A dead worker would leave waiters hanging forever: fail their jobs and retire the pool.
      w.on("error", (e) => this.retire(workers, `hashing worker crashed: ${e.message}`));
      w.on("exit", () => this.retire(workers, "hashing worker exited unexpectedly"));
      return w;
    });
    this.workers = workers;
    return workers;
  }

  private retire(workers: Worker[], message: string): void {
    if (this.workers !== workers) return; // already closed or retired: an expected exit
    this.workers = undefined;
    for (const w of workers) void w.terminate();
    this.failAll(message);
  }

  private post(path: string, bytes: number): Job {
    const cold = this.workers === undefined;
    const workers = this.start();
    const chunks = Math.ceil(bytes / this.chunkBytes);
    const job: Job = {
      control: new Int32Array(new SharedArrayBuffer(4 * 4)),
      digests: new Uint8Array(new SharedArrayBuffer(chunks * HEX)),
      error: new Uint8Array(new SharedArrayBuffer(ERROR_BYTES)),
      chunks,
      path,
      bytes,
      cold,
    };
    this.inFlight.add(job);
    // Why ref: a pending Atomics.waitAsync does not keep the event loop alive; the workers must.
    for (const w of workers) w.ref();
    for (const w of workers) {
      w.postMessage({ path, size: bytes, chunks, control: job.control.buffer, digests: job.digests.buffer, error: job.error.buffer });
    }
    return job;
  }

  /**
   * Hashes chunks of `job` on the calling thread, one per `next()`, exactly as a worker would;
   * `next()` returns false once a worker has begun, no chunk is left, or something failed.
   */
  private helper(job: Job): { next(): boolean } {
    let fd = -1;
    let buffer: Buffer | undefined;
    const stop = (): false => {
      if (fd >= 0) fs.closeSync(fd);
      fd = -1;
      return false;
    };
    return {
      next: () => {
        if (Atomics.load(job.control, STARTED) > 0 || Atomics.load(job.control, FAILED) !== 0) return stop();
        const i = Atomics.add(job.control, NEXT, 1);
        if (i >= job.chunks) return stop();
        try {
          if (fd < 0) fd = fs.openSync(job.path, "r");
          buffer ??= Buffer.allocUnsafe(this.chunkBytes);
          const start = i * this.chunkBytes;
          const want = Math.min(this.chunkBytes, job.bytes - start);
          let got = 0;
          while (got < want) {
            const n = fs.readSync(fd, buffer, got, want - got, start + got);
            if (n === 0) break;
            got += n;
          }
          if (got !== want) throw Object.assign(new Error("the file became shorter while it was being hashed"), { code: "ESHRUNK" });
          Buffer.from(job.digests.buffer).write(hashChunk(buffer.subarray(0, want)), i * HEX, "latin1");
          return true;
        } catch (err) {
          const e = err as NodeJS.ErrnoException;
          if (Atomics.compareExchange(job.control, FAILED, 0, 1) === 0) {
            Buffer.from(job.error.buffer).write(`${e.code ?? "EUNKNOWN"}\n${e.message}`.slice(0, 1000), 0, "utf8");
          }
          return stop();
        }
      },
    };
  }

  private finish(job: Job): ChunkResult {
    this.inFlight.delete(job);
    if (this.inFlight.size === 0) for (const w of this.workers ?? []) w.unref();
    if (Atomics.load(job.control, FAILED) !== 0) {
      const text = Buffer.from(job.error).toString("utf8").replace(/\0+$/, "");
      const nl = text.indexOf("\n");
      return { ok: false, failure: { code: text.slice(0, nl), message: text.slice(nl + 1) } };
    }
    const ascii = Buffer.from(job.digests).toString("latin1");
    const chunks: string[] = [];
    for (let i = 0; i < job.chunks; i++) chunks.push(ascii.slice(i * HEX, (i + 1) * HEX));
    return { ok: true, chunks };
  }

  private failAll(message: string): void {
    for (const job of this.inFlight) {
      if (Atomics.compareExchange(job.control, FAILED, 0, 1) === 0) job.error.set(Buffer.from(`EWORKER\n${message}`));
      Atomics.store(job.control, DONE, this.size);
      Atomics.notify(job.control, DONE);
    }
  }
}

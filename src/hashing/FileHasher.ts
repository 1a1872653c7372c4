/** Content hashes of declared input files and directories, re-reading a file only when its stat
 *  says it may have changed; large files are hashed on worker threads. */
import * as fs from "node:fs";
import { availableParallelism } from "node:os";
import * as path from "node:path";
import { combineChunkHashes, HASH_CHUNK_BYTES, hashBytes, type ContentHash } from "./ContentHash.js";
import type { StatCache, StatEntry } from "./StatCache.js";
import { ChunkHashPool, type ChunkResult } from "./internal/ChunkHashPool.js";
import { fromFsError, InputFileMissingError, InputFileUnreadableError } from "./internal/InputFileError.js";
import { hashChunked, hashChunkedSync, hashWhole, hashWholeSync, type ReadHash } from "./internal/readContents.js";
import { listFilesRecursive } from "./internal/walk.js";

export { InputFileMissingError, InputFileUnreadableError } from "./internal/InputFileError.js";

/** A file's content hash (equal to `hashBytes(readFileSync(path))`) and its size in bytes. */
export interface HashedFile {
  readonly hash: ContentHash;
  readonly size: number;
}

/** A directory's tree hash and every file in it, sorted by `rel` (see `FileHasher.hashDir`). */
export interface HashedDir {
  readonly hash: ContentHash;
  readonly files: ReadonlyArray<{ readonly rel: string; readonly hash: ContentHash; readonly size: number }>;
}

/** Counters since construction, for run summaries ("12 inputs, 3.1 GB hashed, 10 from cache"). */
export interface FileHasherStats {
  readonly cacheHits: number;
  readonly filesHashed: number;
  readonly bytesHashed: number;
}

/** Tuning knobs; the defaults suit the CLI, tests lower the worker threshold or move the clock. */
export interface FileHasherOptions {
  /** Files larger than this are hashed on worker threads. Default 64 MiB: below it, starting
   *  workers (~35 ms) costs more than parallel hashing saves. */
  readonly workerThresholdBytes?: number;
  /** Hashing workers. Default: the core count, at least 2, at most 4 (memory bandwidth caps gains). */
  readonly workers?: number;
  /** An entry is "racily clean" when the file changed less than this long before the entry was
   *  recorded. Default 2000 ms: covers coarse file-system timestamps (ext4 ticks, FAT's 2 s). */
  readonly racyWindowMs?: number;
  /** Wall clock in ms, for `checkedAtMs`. Default `Date.now`. */
  readonly now?: () => number;
  /**
   * Files hashed once and then deleted (a run's staging area, `.cairn/tmp`): hashed, never
   * remembered. Why: every task output is hashed there under a path unique to the run, and
   * remembering them grew the stat cache by a dead row per output per run.
   */
  readonly transient?: (absPath: string) => boolean;
  /**
   * Stats taken moments ago by the caller (the engine's validation stats every input file): the
   * first hash of such a path uses its stat instead of taking another, and removes it.
   */
  readonly recentStats?: Map<string, fs.BigIntStats>;
}

/** How often a file that changes while being read is re-read before giving up. */
const ATTEMPTS = 3;
/**
 * Files up to this size are read synchronously even by `hashFile`. Why: for small files the four
 * thread-pool round trips of an async readFile dominate — measured here, a cold `hashDir` of 10,000
 * 1 KB files took 1.4 s with async reads and 0.2 s with sync ones — while blocking the event loop
 * for a page-cache read of 1 MiB costs well under a millisecond.
 */
const SYNC_READ_BYTES = 1024 * 1024;
/** `hashDir` lets timers and I/O (the TUI) run at least this often while it hashes many files. */
const YIELD_EVERY_MS = 20;

type BigStats = fs.BigIntStats;

/**
 * Hashes files and directories through a `StatCache`. A cached hash is trusted only when size,
 * mtime, ctime and inode all match the file now AND the entry is not racily clean: if the file was
 * modified within `racyWindowMs` before the hash was recorded, a later write in the same timestamp
 * tick would leave the stat unchanged, so such an entry is re-verified by reading (git's
 * racy-clean rule). A byte change with `utimes`-restored mtime is caught because ctime moves.
 *
 * @example
 * const hasher = new FileHasher(new SqliteStatCache(db));
 * const { hash, size } = await hasher.hashFile("/abs/data/churn.csv");
 * const tree = await hasher.hashDir("/abs/data/images");
 * statCache.flush(); await hasher.close();
 */
export class FileHasher {
  private readonly workerThreshold: number;
  private readonly racyWindowMs: number;
  private readonly now: () => number;
  private readonly transient: (absPath: string) => boolean;
  private readonly recentStats: Map<string, BigStats>;
  private readonly pool: ChunkHashPool;
  /** Reused 16 MiB read buffers for medium files (one per concurrent async hash). */
  private readonly buffers: Buffer[] = [];
  private counters = { cacheHits: 0, filesHashed: 0, bytesHashed: 0 };

  constructor(
    private readonly statCache: StatCache,
    options: FileHasherOptions = {},
  ) {
    this.workerThreshold = options.workerThresholdBytes ?? 64 * 1024 * 1024;
    this.racyWindowMs = options.racyWindowMs ?? 2000;
    this.now = options.now ?? Date.now;
    this.transient = options.transient ?? (() => false);
    this.recentStats = options.recentStats ?? new Map();
    this.pool = new ChunkHashPool(options.workers ?? Math.min(4, Math.max(2, availableParallelism())));
  }

  /** Counters since construction. */
  get stats(): FileHasherStats {
    return { ...this.counters };
  }

  /** Content hash of one file. Fails with InputFileMissingError / InputFileUnreadableError. */
  async hashFile(absPath: string): Promise<HashedFile> {
    const p = path.resolve(absPath);
    for (let attempt = 1; ; attempt++) {
      const before = (attempt === 1 && this.takeRecentStat(p)) || this.statFile(p);
      const hit = this.fromCache(p, before);
      if (hit) return hit;
      let read: ReadHash;
      try {
        read = await this.readAsync(p, Number(before.size));
      } catch (err) {
        if (isShrunk(err) && attempt < ATTEMPTS) continue; // truncated mid-read: read it again
        throw fromFsError(p, err);
      }
      const done = this.record(p, before, read, attempt);
      if (done) return done;
    }
  }

  /** Blocking twin of `hashFile` (large files still use the workers; this thread waits). */
  hashFileSync(absPath: string): HashedFile {
    const p = path.resolve(absPath);
    for (let attempt = 1; ; attempt++) {
      const before = (attempt === 1 && this.takeRecentStat(p)) || this.statFile(p);
      const hit = this.fromCache(p, before);
      if (hit) return hit;
      let read: ReadHash;
      try {
        read = this.readSync(p, Number(before.size));
      } catch (err) {
        if (isShrunk(err) && attempt < ATTEMPTS) continue; // truncated mid-read: read it again
        throw fromFsError(p, err);
      }
      const done = this.record(p, before, read, attempt);
      if (done) return done;
    }
  }

  /**
   * Tree hash of a directory: every regular file below it (dotfiles included, symlinks followed,
   * `.cairn` and `node_modules` directories skipped — see walk.ts for why), with
   * `hash = hashBytes("cairn-dir-v1\n" + lines)` where each line is `JSON.stringify(rel) + " " + hash + "\n"`
   * in sorted `rel` order (`/` separators). Empty directories do not count, as in git; a renamed
   * file changes the hash. Files are hashed one at a time: each large one already uses every worker.
   */
  async hashDir(absDir: string): Promise<HashedDir> {
    const root = this.checkDir(absDir);
    const files: Array<HashedDir["files"][number]> = [];
    let lastYield = performance.now();
    for (const rel of listFilesRecursive(root)) {
      files.push({ rel, ...(await this.hashFile(path.join(root, rel))) });
      // Cached and small files complete without real I/O waits; without this the loop would
      // hold the event loop for the whole directory.
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }
    return { hash: treeHash(files), files };
  }

  /** Blocking twin of `hashDir`. */
  hashDirSync(absDir: string): HashedDir {
    const root = this.checkDir(absDir);
    const files = listFilesRecursive(root).map((rel) => ({ rel, ...this.hashFileSync(path.join(root, rel)) }));
    return { hash: treeHash(files), files };
  }

  /** Stops the hashing workers (they are unref'd, so this only matters for tidy shutdowns and tests). */
  close(): Promise<void> {
    return this.pool.close();
  }

  private takeRecentStat(p: string): BigStats | undefined {
    const st = this.recentStats.get(p);
    if (st === undefined) return undefined;
    this.recentStats.delete(p);
    return st.isFile() ? st : undefined;
  }

  private statFile(p: string): BigStats {
    let st: BigStats | undefined;
    try {
      st = fs.statSync(p, { bigint: true, throwIfNoEntry: false });
    } catch (err) {
      throw fromFsError(p, err);
    }
    if (st === undefined) throw new InputFileMissingError({ path: p, reason: "missing" });
    if (!st.isFile()) throw new InputFileMissingError({ path: p, reason: "not-a-file" });
    return st;
  }

  private checkDir(absDir: string): string {
    const root = path.resolve(absDir);
    const st = fs.statSync(root, { throwIfNoEntry: false });
    if (st === undefined) throw new InputFileMissingError({ path: root, reason: "missing" });
    if (!st.isDirectory()) throw new InputFileMissingError({ path: root, reason: "not-a-directory" });
    return root;
  }

  private fromCache(p: string, st: BigStats): HashedFile | undefined {
    const e = this.statCache.get(p);
    if (e === undefined || !sameStat(e, st)) return undefined;
    // Racily clean: a write within the same timestamp tick after hashing would be invisible.
    const racyFromNs = BigInt(Math.floor(e.checkedAtMs - this.racyWindowMs)) * 1_000_000n;
    if (e.mtimeNs >= racyFromNs || e.ctimeNs >= racyFromNs) return undefined;
    this.counters.cacheHits++;
    return { hash: e.hash, size: e.size };
  }

  /** Stores the result if the file did not change while it was read; otherwise asks for a retry. */
  private record(p: string, before: BigStats, read: ReadHash, attempt: number): HashedFile | undefined {
    this.counters.filesHashed++;
    this.counters.bytesHashed += read.size;
    const after = this.statFile(p);
    const stable = read.size === Number(before.size) && statsEqual(before, after);
    if (!stable) {
      if (attempt >= ATTEMPTS) {
        throw new InputFileUnreadableError({ path: p, reason: "changing", detail: `${ATTEMPTS} reads gave different stats` });
      }
      return undefined;
    }
    const entry: StatEntry = {
      size: read.size,
      mtimeNs: after.mtimeNs,
      ctimeNs: after.ctimeNs,
      ino: after.ino,
      hash: read.hash,
      checkedAtMs: this.now(),
    };
    if (!this.transient(p)) this.statCache.set(p, entry);
    return { hash: read.hash, size: read.size };
  }

  private readSync(p: string, size: number): ReadHash {
    if (size <= HASH_CHUNK_BYTES) return hashWholeSync(p);
    if (size <= this.workerThreshold) return this.withBuffer((b) => hashChunkedSync(p, b));
    return fromChunks(p, size, this.pool.hashSync(p, size));
  }

  private async readAsync(p: string, size: number): Promise<ReadHash> {
    if (size <= SYNC_READ_BYTES) return hashWholeSync(p);
    if (size <= HASH_CHUNK_BYTES) return hashWhole(p);
    if (size <= this.workerThreshold) {
      const b = this.buffers.pop() ?? Buffer.allocUnsafe(HASH_CHUNK_BYTES);
      try {
        return await hashChunked(p, b);
      } finally {
        this.buffers.push(b);
      }
    }
    return fromChunks(p, size, await this.pool.hash(p, size));
  }

  private withBuffer<A>(f: (b: Buffer) => A): A {
    const b = this.buffers.pop() ?? Buffer.allocUnsafe(HASH_CHUNK_BYTES);
    try {
      return f(b);
    } finally {
      this.buffers.push(b);
    }
  }
}

const isShrunk = (err: unknown): boolean => (err as NodeJS.ErrnoException | undefined)?.code === "ESHRUNK";

const sameStat = (e: StatEntry, st: BigStats): boolean =>
  e.size === Number(st.size) && e.mtimeNs === st.mtimeNs && e.ctimeNs === st.ctimeNs && e.ino === st.ino;

const statsEqual = (a: BigStats, b: BigStats): boolean =>
  a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.ino === b.ino && a.dev === b.dev;

const fromChunks = (p: string, size: number, r: ChunkResult): ReadHash => {
  if (!r.ok) throw fromFsError(p, Object.assign(new Error(r.failure.message), { code: r.failure.code }));
  return { hash: combineChunkHashes(r.chunks, size), size };
};

const treeHash = (files: HashedDir["files"]): ContentHash =>
  hashBytes(`cairn-dir-v1\n${files.map((f) => `${JSON.stringify(f.rel)} ${f.hash}\n`).join("")}`);

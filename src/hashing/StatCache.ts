/** The stat cache: remembers (size, mtime, ctime, inode) → content hash per file, so unchanged
 *  files are not re-read. The interface, an in-memory layer for tests and the SQLite layer. */
import { existsSync } from "node:fs";
import type { Database, Statement } from "better-sqlite3";
import type { ContentHash } from "./ContentHash.js";

/**
 * What was true of a file when its content was hashed. The hash is trusted later only if every
 * stat field still matches and the entry is not "racily clean" (see `FileHasher`).
 */
export interface StatEntry {
  /** Size in bytes. */
  readonly size: number;
  /** Modification time, nanoseconds since the epoch (`statSync(p, { bigint: true }).mtimeNs`). */
  readonly mtimeNs: bigint;
  /** Status-change time in ns. Why: writing bytes and restoring mtime with `utimes` still moves ctime. */
  readonly ctimeNs: bigint;
  /** Inode. Why: an atomic replace (write temp, rename) can keep size and mtime but not the inode. */
  readonly ino: bigint;
  /** The file's content hash, equal to `hashBytes(readFileSync(path))`. */
  readonly hash: ContentHash;
  /** Wall-clock ms when the hash was recorded; decides whether the entry is racily clean. */
  readonly checkedAtMs: number;
}

/**
 * Where `FileHasher` keeps its entries, keyed by absolute path. Reads and writes are synchronous
 * (the SQLite driver is); writes may be buffered until `flush()`, which the engine calls at the end
 * of a run. Losing unflushed writes is safe: the files are simply hashed again.
 */
export interface StatCache {
  get(path: string): StatEntry | undefined;
  set(path: string, entry: StatEntry): void;
  delete(path: string): void;
  /** Makes buffered writes durable. */
  flush(): void;
}

/** A StatCache held in a Map, for tests and for runs that must not touch the database. */
export class MemoryStatCache implements StatCache {
  private readonly entries = new Map<string, StatEntry>();
  get(path: string): StatEntry | undefined {
    return this.entries.get(path);
  }
  set(path: string, entry: StatEntry): void {
    this.entries.set(path, entry);
  }
  delete(path: string): void {
    this.entries.delete(path);
  }
  /** Nothing to make durable: the Map is the whole store. */
  flush(): void {}
  /** Number of entries, for tests and diagnostics. */
  get size(): number {
    return this.entries.size;
  }
}

/** Exactly the table the owner of `cairn.db` creates in its migrations; exported for tests. */
export const STAT_CACHE_DDL =
  "CREATE TABLE IF NOT EXISTS stat_cache (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns TEXT NOT NULL, ctime_ns TEXT NOT NULL, ino TEXT NOT NULL, hash TEXT NOT NULL, checked_at_ms INTEGER NOT NULL)";

type Row = [path: string, size: number, mtimeNs: string, ctimeNs: string, ino: string, hash: string, checkedAtMs: number];

const toEntry = (r: Row): StatEntry => ({
  size: r[1],
  mtimeNs: BigInt(r[2]),
  ctimeNs: BigInt(r[3]),
  ino: BigInt(r[4]),
  hash: r[5] as ContentHash,
  checkedAtMs: r[6],
});

/**
 * The stat cache in the `stat_cache` table of an open better-sqlite3 database (the caller owns the
 * connection and the schema; this class never creates or alters tables).
 *
 * Reads are lazy, one indexed lookup per path, memoised (misses too) for the life of the instance.
 * Why not load the whole table up front: measured here, a bulk load costs ~2.2 µs per row and a
 * point lookup ~3.2 µs, so bulk only wins when a run touches most of the table — and the table
 * keeps entries of every flow and of deleted files, so a run that hashes 10 files of a 200k-row
 * table would pay ~0.5 s. Callers that know they will touch most rows may call `loadAll()`.
 * Writes are buffered and written in one transaction by `flush()`.
 *
 * @example
 * const cache = new SqliteStatCache(db);
 * const hasher = new FileHasher(cache);
 * await hasher.hashFile("/abs/data/train.csv");
 * cache.flush();
 */
export class SqliteStatCache implements StatCache {
  /** Known state per path: an entry, or null when the table has none (so misses are not re-queried). */
  private readonly known = new Map<string, StatEntry | null>();
  /** Writes not yet flushed: an entry to upsert, or null to delete. */
  private readonly pending = new Map<string, StatEntry | null>();
  private loadedAll = false;
  private selectOne: Statement<[string], Row> | undefined;
  private upsert: Statement<[string, number, string, string, string, string, number]> | undefined;
  private remove: Statement<[string]> | undefined;

  constructor(private readonly db: Database) {}

  get(path: string): StatEntry | undefined {
    const memo = this.known.get(path);
    if (memo !== undefined) return memo ?? undefined;
    if (this.loadedAll) return undefined;
    this.selectOne ??= this.db
      .prepare<[string], Row>(
        "SELECT path, size, mtime_ns, ctime_ns, ino, hash, checked_at_ms FROM stat_cache WHERE path = ?",
      )
      .raw(true);
    const row = this.selectOne.get(path);
    const entry = row === undefined ? null : toEntry(row);
    this.known.set(path, entry);
    return entry ?? undefined;
  }

  set(path: string, entry: StatEntry): void {
    this.known.set(path, entry);
    this.pending.set(path, entry);
  }

  delete(path: string): void {
    this.known.set(path, null);
    this.pending.set(path, null);
  }

  /** Reads every row into memory at once (keeping unflushed writes); later `get`s never query. */
  loadAll(): void {
    if (this.loadedAll) return;
    const rows = this.db
      .prepare<[], Row>("SELECT path, size, mtime_ns, ctime_ns, ino, hash, checked_at_ms FROM stat_cache")
      .raw(true)
      .iterate();
    for (const row of rows) if (!this.pending.has(row[0])) this.known.set(row[0], toEntry(row));
    this.loadedAll = true;
  }

  /** Writes every buffered change in one transaction. */
  flush(): void {
    if (this.pending.size === 0) return;
    this.upsert ??= this.db.prepare(
      "INSERT OR REPLACE INTO stat_cache (path, size, mtime_ns, ctime_ns, ino, hash, checked_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    this.remove ??= this.db.prepare("DELETE FROM stat_cache WHERE path = ?");
    const upsert = this.upsert;
    const remove = this.remove;
    const writes = [...this.pending];
    this.db.transaction(() => {
      for (const [path, e] of writes) {
        if (e === null) remove.run(path);
        else upsert.run(path, e.size, String(e.mtimeNs), String(e.ctimeNs), String(e.ino), e.hash, e.checkedAtMs);
      }
    })();
    this.pending.clear();
  }

  /**
   * Forgets the entries of files that no longer exist (deleted inputs, objects freed by gc, the
   * staging files of old runs); returns how many. With `dryRun`, only counts them. `cairn gc`
   * calls it: without it the table only grows, and big plans load all of it (`loadAll`).
   */
  pruneMissing(options: { readonly dryRun?: boolean; readonly exists?: (path: string) => boolean } = {}): number {
    this.flush();
    const exists = options.exists ?? existsSync;
    const gone = (this.db.prepare<[], string>("SELECT path FROM stat_cache").pluck().all() as string[]).filter((p) => !exists(p));
    if (!options.dryRun && gone.length > 0) {
      const remove = this.db.prepare("DELETE FROM stat_cache WHERE path = ?");
      this.db.transaction(() => {
        for (const p of gone) remove.run(p);
      })();
      for (const p of gone) this.known.set(p, null);
    }
    return gone.length;
  }
}

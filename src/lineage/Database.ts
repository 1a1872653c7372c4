/** Opens `.cairn/cairn.db`: WAL, busy timeout, migrations. The one place that configures SQLite. */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { createRequire } from "node:module";
import type BetterSqlite3 from "better-sqlite3";
import { MIGRATIONS } from "./schema.js";
import { classifySqliteError, LineageSchemaError, StoreNotWritableError } from "./LineageError.js";

export type Db = BetterSqlite3.Database;

const require = createRequire(import.meta.url);

/** How long a writer waits for another process's transaction before failing with LineageLockedError. */
export const busyTimeoutMs = (): number => Number(process.env.CAIRN_BUSY_TIMEOUT_MS ?? 10_000);

/**
 * Opens (creating if needed) the lineage DB and applies pending migrations. Why WAL +
 * synchronous=NORMAL: readers never block the writer, and a committed transaction survives the
 * engine being killed (it may be lost only on power failure, where the next run re-executes).
 */
export const openDatabase = (dbPath: string, options: { readonly readonly?: boolean } = {}): Db => {
  try {
    mkdirSync(dirname(dbPath), { recursive: true });
  } catch (e) {
    throw new StoreNotWritableError(dirname(dbPath), (e as Error).message);
  }
  const Database = require("better-sqlite3") as typeof BetterSqlite3;
  const timeout = busyTimeoutMs();
  const deadline = Date.now() + timeout;
  for (let attempt = 1; ; attempt++) {
    let db: Db | undefined;
    try {
      db = new Database(dbPath, { timeout, readonly: options.readonly ?? false });
      if (!options.readonly) {
        db.pragma("journal_mode = WAL");
        db.pragma("synchronous = NORMAL");
        // Checkpoints are run by the engine's durability barrier, right after it fsyncs the objects
        // the new rows name: that ordering is what makes "object durable before its row" hold.
        db.pragma("wal_autocheckpoint = 0");
      }
      db.pragma("foreign_keys = ON");
      if (!options.readonly) migrate(db, dbPath);
      return db;
    } catch (e) {
      db?.close();
      if (e instanceof LineageSchemaError) throw e;
      // Two processes opening a brand-new store at once: switching it to WAL takes an exclusive
      // lock, and SQLite reports BUSY for that at once instead of waiting. Wait and open again.
      if (isBusy(e) && Date.now() < deadline) {
        sleepSync(Math.min(10 * attempt, 100));
        continue;
      }
      throw classifySqliteError(e, dbPath, timeout);
    }
  }
};

const isBusy = (e: unknown): boolean => {
  const code = (e as { code?: string })?.code ?? "";
  return code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED");
};

/** Blocks the thread: opening the store is synchronous, and so is waiting to retry it. */
const sleepSync = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

const migrate = (db: Db, dbPath: string): void => {
  const all = [...MIGRATIONS].sort((a, b) => a.version - b.version);
  const latest = all[all.length - 1]!.version;
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > latest) {
    throw new LineageSchemaError(dbPath, `was written by a newer cairn (schema ${current}, this one knows ${latest}); upgrade cairn.`);
  }
  if (current === latest) return;
  // IMMEDIATE: two processes migrating at once serialise; the second sees the new version.
  const apply = db.transaction(() => {
    const now = db.pragma("user_version", { simple: true }) as number;
    for (const m of all) {
      if (m.version <= now) continue;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
  });
  apply.immediate();
};

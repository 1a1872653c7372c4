/** SqliteStatCache and MemoryStatCache on real SQLite files in a temp directory. */
import Database from "better-sqlite3";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ContentHash } from "../../src/hashing/ContentHash.js";
import { MemoryStatCache, SqliteStatCache, STAT_CACHE_DDL, type StatEntry } from "../../src/hashing/StatCache.js";

let dir: string;
let dbFile: string;
const open = (): Database.Database => {
  const db = new Database(dbFile);
  db.pragma("journal_mode = WAL");
  db.exec(STAT_CACHE_DDL); // in the product the lineage migrations create this table
  return db;
};

// Nanosecond values above 2^53 must survive the round trip exactly.
const entry = (over: Partial<StatEntry> = {}): StatEntry => ({
  size: 1234,
  mtimeNs: 1733349600123456789n,
  ctimeNs: 1733349600987654321n,
  ino: 18446744073709551557n,
  hash: "0123456789abcdef0123456789abcdef" as ContentHash,
  checkedAtMs: 1733349700000,
  ...over,
});

const rowCount = (db: Database.Database): number =>
  (db.prepare("SELECT count(*) AS n FROM stat_cache").get() as { n: number }).n;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-statcache-"));
  dbFile = path.join(dir, "cairn.db");
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("SqliteStatCache", () => {
  it("keeps an entry, with exact nanosecond times and inode, across two instances on the same database file", () => {
    const db1 = open();
    const first = new SqliteStatCache(db1);
    first.set("/data/a.csv", entry());
    first.flush();
    db1.close();

    const db2 = open();
    const second = new SqliteStatCache(db2);
    expect(second.get("/data/a.csv")).toEqual(entry());
    expect(second.get("/data/other.csv")).toBeUndefined();
    db2.close();
  });

  it("buffers writes until flush and then writes them all", () => {
    const db = open();
    const cache = new SqliteStatCache(db);
    for (let i = 0; i < 100; i++) cache.set(`/data/${i}.csv`, entry({ size: i }));
    expect(rowCount(db)).toBe(0);
    expect(cache.get("/data/7.csv")?.size).toBe(7); // visible to its own reads before flush
    cache.flush();
    expect(rowCount(db)).toBe(100);
    db.close();
  });

  it("replaces an entry for the same path instead of adding a row", () => {
    const db = open();
    const cache = new SqliteStatCache(db);
    cache.set("/a", entry({ size: 1 }));
    cache.flush();
    cache.set("/a", entry({ size: 2 }));
    cache.flush();
    expect(rowCount(db)).toBe(1);
    expect(new SqliteStatCache(db).get("/a")?.size).toBe(2);
    db.close();
  });

  it("removes a deleted entry from the table at flush", () => {
    const db = open();
    const cache = new SqliteStatCache(db);
    cache.set("/a", entry());
    cache.flush();
    cache.delete("/a");
    expect(cache.get("/a")).toBeUndefined();
    cache.flush();
    expect(rowCount(db)).toBe(0);
    db.close();
  });

  it("does not see rows written by another connection after it has memoised a miss", () => {
    // Documents the memo: one instance per run, so a run sees a consistent cache.
    const db = open();
    const cache = new SqliteStatCache(db);
    expect(cache.get("/a")).toBeUndefined();
    const other = new SqliteStatCache(db);
    other.set("/a", entry());
    other.flush();
    expect(cache.get("/a")).toBeUndefined();
    expect(new SqliteStatCache(db).get("/a")).toEqual(entry());
    db.close();
  });

  it("loadAll reads every row and keeps writes that were not flushed yet", () => {
    const db = open();
    const writer = new SqliteStatCache(db);
    writer.set("/a", entry({ size: 1 }));
    writer.set("/b", entry({ size: 2 }));
    writer.flush();

    const cache = new SqliteStatCache(db);
    cache.set("/b", entry({ size: 20 }));
    cache.loadAll();
    expect(cache.get("/a")?.size).toBe(1);
    expect(cache.get("/b")?.size).toBe(20);
    expect(cache.get("/c")).toBeUndefined();
    db.close();
  });

  it("never creates its table: on a database without stat_cache it fails instead", () => {
    const db = new Database(dbFile);
    const cache = new SqliteStatCache(db);
    expect(() => cache.get("/a")).toThrow(/no such table: stat_cache/);
    cache.set("/a", entry());
    expect(() => cache.flush()).toThrow(/no such table: stat_cache/);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all();
    expect(tables).toEqual([]);
    db.close();
  });
});

describe("MemoryStatCache", () => {
  it("returns what was set and forgets what was deleted", () => {
    const cache = new MemoryStatCache();
    cache.set("/a", entry());
    expect(cache.get("/a")).toEqual(entry());
    cache.delete("/a");
    expect(cache.get("/a")).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});

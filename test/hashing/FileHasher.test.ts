/** FileHasher on real files: hash equality with hashBytes, when the stat cache is trusted, and errors. */
import Database from "better-sqlite3";
import { execFileSync, spawn } from "node:child_process";
import { randomFillSync } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HASH_CHUNK_BYTES, hashBytes, type ContentHash } from "../../src/hashing/ContentHash.js";
import { FileHasher, InputFileMissingError, InputFileUnreadableError, type FileHasherOptions } from "../../src/hashing/FileHasher.js";
import { MemoryStatCache, SqliteStatCache, STAT_CACHE_DDL, type StatCache, type StatEntry } from "../../src/hashing/StatCache.js";

const MiB = 1024 * 1024;
const BOGUS = "ffffffffffffffffffffffffffffffff" as ContentHash;
let dir: string;
const hashers: FileHasher[] = [];

const makeHasher = (cache: StatCache = new MemoryStatCache(), options: FileHasherOptions = {}): FileHasher => {
  const h = new FileHasher(cache, options);
  hashers.push(h);
  return h;
};
const write = (rel: string, bytes: Uint8Array | string): string => {
  const p = path.join(dir, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, bytes);
  return p;
};
/**
 * Bytes where every 64 KiB block differs (a random block, stamped with its index), so swapped or
 * repeated chunks change the hash; much faster to make than n random bytes.
 */
const randomBytes = (n: number): Buffer => {
  const block = randomFillSync(Buffer.allocUnsafe(64 * 1024));
  const out = Buffer.allocUnsafe(n);
  for (let off = 0, i = 0; off < n; off += block.length, i++) {
    block.writeUInt32LE(i, 0);
    block.copy(out, off, 0, Math.min(block.length, n - off));
  }
  return out;
};
/** Upper bound for tests that write and hash tens of MiB on a shared, possibly busy machine. */
const BIG = { timeout: 60_000 };
/** The entry a hash recorded long after the file's last change would have: trusted if nothing differs. */
const settledEntry = (p: string, hash: ContentHash): StatEntry => {
  const st = fs.statSync(p, { bigint: true });
  return { size: Number(st.size), mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs, ino: st.ino, hash, checkedAtMs: Number(st.ctimeNs / 1_000_000n) + 60_000 };
};

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-hasher-"));
});
afterEach(async () => {
  await Promise.all(hashers.splice(0).map((h) => h.close()));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("hash values", () => {
  it.each([
    ["an empty file", 0],
    ["a small file", 1000],
    ["a file of exactly one 16 MiB chunk", HASH_CHUNK_BYTES],
    ["a file one byte over a chunk", HASH_CHUNK_BYTES + 1],
    ["a multi-chunk file hashed on the main thread", 3 * HASH_CHUNK_BYTES + 77],
  ])("hashes %s to hashBytes of its bytes, sync and async", async (_name, size) => {
    const bytes = randomBytes(size);
    const p = write("f.bin", bytes);
    const expected = { hash: hashBytes(bytes), size };
    expect(await makeHasher().hashFile(p)).toEqual(expected);
    expect(makeHasher().hashFileSync(p)).toEqual(expected);
  }, BIG.timeout);

  it("hashes a large file on the worker threads to hashBytes of its bytes, sync and async", async () => {
    // Threshold lowered so a 50 MiB file takes the worker path; chunk count not a multiple of the workers.
    const bytes = randomBytes(3 * HASH_CHUNK_BYTES + 12345);
    const p = write("big.bin", bytes);
    const hasher = makeHasher(new MemoryStatCache(), { workerThresholdBytes: 20 * MiB, workers: 2 });
    const expected = { hash: hashBytes(bytes), size: bytes.byteLength };
    expect(await hasher.hashFile(p)).toEqual(expected);
    expect(makeHasher(new MemoryStatCache(), { workerThresholdBytes: 20 * MiB }).hashFileSync(p)).toEqual(expected);
  }, BIG.timeout);

  it("hashes a file over the default 64 MiB worker threshold to hashBytes of its bytes", async () => {
    const bytes = randomBytes(65 * MiB + 3);
    const p = write("big.bin", bytes);
    expect(await makeHasher().hashFile(p)).toEqual({ hash: hashBytes(bytes), size: bytes.byteLength });
  }, BIG.timeout);

  it("hashes several large files concurrently, and a sync hash meanwhile, each to its own hash", async () => {
    const hasher = makeHasher(new MemoryStatCache(), { workerThresholdBytes: 17 * MiB });
    const files = [0, 1, 2].map((i) => {
      const bytes = randomBytes(2 * HASH_CHUNK_BYTES + i * 1000 + 1);
      return { p: write(`f${i}.bin`, bytes), hash: hashBytes(bytes) };
    });
    const pending = files.map((f) => hasher.hashFile(f.p));
    const syncResult = hasher.hashFileSync(files[2]!.p);
    const results = await Promise.all(pending);
    expect(results.map((r) => r.hash)).toEqual(files.map((f) => f.hash));
    expect(syncResult.hash).toBe(files[2]!.hash);
  }, BIG.timeout);
});

describe("stat cache", () => {
  it("returns the cached hash without reading the file when every stat field matches", async () => {
    // The recorded hash is deliberately wrong: getting it back proves the bytes were not read.
    const p = write("a.txt", "hello");
    const cache = new MemoryStatCache();
    cache.set(p, settledEntry(p, BOGUS));
    const hasher = makeHasher(cache);
    expect(await hasher.hashFile(p)).toEqual({ hash: BOGUS, size: 5 });
    expect(hasher.hashFileSync(p)).toEqual({ hash: BOGUS, size: 5 });
    expect(hasher.stats).toEqual({ cacheHits: 2, filesHashed: 0, bytesHashed: 0 });
  });

  it.each([
    ["size", { size: 6 }],
    ["mtime", { mtimeNs: 1n }],
    ["ctime", { ctimeNs: 1n }],
    ["inode", { ino: 1n }],
  ] as const)("re-reads the file when the recorded %s differs", async (_field, change) => {
    const p = write("a.txt", "hello");
    const cache = new MemoryStatCache();
    cache.set(p, { ...settledEntry(p, BOGUS), ...change });
    const hasher = makeHasher(cache);
    expect((await hasher.hashFile(p)).hash).toBe(hashBytes("hello"));
    expect(hasher.stats.filesHashed).toBe(1);
    expect(cache.get(p)?.hash).toBe(hashBytes("hello")); // the entry healed
  });

  it("detects a same-size byte change whose mtime was restored with utimes", async () => {
    // The clock runs 60 s ahead so the first entry is not racily clean: only ctime can tell.
    const p = write("data.csv", "a,b\n1,2\n");
    const hasher = makeHasher(new MemoryStatCache(), { now: () => Date.now() + 60_000 });
    const before = fs.statSync(p, { bigint: true });
    const reference = write("reference", "");
    execFileSync("touch", ["-r", p, reference]); // touch copies timestamps to the nanosecond; fs.utimes rounds
    expect((await hasher.hashFile(p)).hash).toBe(hashBytes("a,b\n1,2\n"));
    await sleep(30); // let the file-system clock tick past the first write, so ctime can move
    fs.writeFileSync(p, "a,b\n9,2\n");
    execFileSync("touch", ["-r", reference, p]);
    const after = fs.statSync(p, { bigint: true });
    expect([after.size, after.mtimeNs, after.ino]).toEqual([before.size, before.mtimeNs, before.ino]);
    expect(after.ctimeNs).not.toBe(before.ctimeNs);
    expect((await hasher.hashFile(p)).hash).toBe(hashBytes("a,b\n9,2\n"));
  });

  it("re-reads a racily clean file: one hashed right after it was written", async () => {
    // Stands in for a write in the same timestamp tick right after hashing, which leaves every
    // stat field unchanged: the entry's hash no longer describes the bytes, yet the stat matches.
    const p = write("model.json", "{}");
    const cache = new MemoryStatCache();
    const hasher = makeHasher(cache);
    await hasher.hashFile(p);
    const recorded = cache.get(p)!;
    cache.set(p, { ...recorded, hash: BOGUS });
    expect((await hasher.hashFile(p)).hash).toBe(hashBytes("{}"));
    expect(hasher.stats.cacheHits).toBe(0);
  });

  it("re-reads a file whose mtime is old but whose ctime is within the racy window", async () => {
    // An mtime set back with utimes (as unpackers and `cp -p` do) leaves only ctime recent.
    const p = write("restored.bin", "bytes");
    execFileSync("touch", ["-m", "-d", "2020-01-01T00:00:00Z", p]);
    const cache = new MemoryStatCache();
    const hasher = makeHasher(cache);
    await hasher.hashFile(p);
    cache.set(p, { ...cache.get(p)!, hash: BOGUS });
    expect((await hasher.hashFile(p)).hash).toBe(hashBytes("bytes"));
  });

  it("trusts an entry recorded more than the racy window after the file's last change", async () => {
    const p = write("model.json", "{}");
    const cache = new MemoryStatCache();
    const later = makeHasher(cache, { now: () => Date.now() + 2_100 });
    await later.hashFile(p);
    cache.set(p, { ...cache.get(p)!, hash: BOGUS });
    expect((await later.hashFile(p)).hash).toBe(BOGUS);
    const st = fs.statSync(p, { bigint: true });
    const atEdge = Number(st.ctimeNs > st.mtimeNs ? st.ctimeNs : st.mtimeNs) / 1e6 + 1_999;
    cache.set(p, { ...cache.get(p)!, checkedAtMs: atEdge });
    expect((await later.hashFile(p)).hash).toBe(hashBytes("{}"));
  });

  it("keeps entries across two SqliteStatCache instances on the same database file", async () => {
    const p = write("train.csv", randomBytes(4096));
    const dbFile = path.join(dir, "cairn.db");
    const openDb = (): Database.Database => {
      const db = new Database(dbFile);
      db.exec(STAT_CACHE_DDL); // the lineage migrations own this table in the product
      return db;
    };
    const db1 = openDb();
    const cache1 = new SqliteStatCache(db1);
    const first = await makeHasher(cache1, { now: () => Date.now() + 60_000 }).hashFile(p);
    cache1.flush();
    db1.close();

    const db2 = openDb();
    db2.prepare("UPDATE stat_cache SET hash = ? WHERE path = ?").run(BOGUS, p); // proof of no read
    const second = makeHasher(new SqliteStatCache(db2));
    expect(first.hash).toBe(hashBytes(fs.readFileSync(p)));
    expect(await second.hashFile(p)).toEqual({ hash: BOGUS, size: 4096 });
    expect(second.stats).toEqual({ cacheHits: 1, filesHashed: 0, bytesHashed: 0 });
    db2.close();
  });
});

describe("errors", () => {
  it("fails with InputFileMissingError naming the file and the fix when the file does not exist", async () => {
    const p = path.join(dir, "data", "absent.csv");
    const hasher = makeHasher();
    const err = await hasher.hashFile(p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputFileMissingError);
    expect(err).toMatchObject({ _tag: "InputFileMissingError", path: p, reason: "missing" });
    expect((err as Error).message).toContain(p);
    expect((err as Error).message).toMatch(/Create it .* or fix the path/);
    expect(() => hasher.hashFileSync(p)).toThrow(InputFileMissingError);
  });

  it("reports a path through a regular file as missing", async () => {
    const file = write("plain.txt", "x");
    await expect(makeHasher().hashFile(path.join(file, "child"))).rejects.toMatchObject({ reason: "missing" });
  });

  it("fails with InputFileUnreadableError when the file keeps changing while it is read", async () => {
    // A real writer process appends in a tight loop; each read of 48 MiB takes far longer than an append.
    const p = write("growing.log", randomBytes(3 * HASH_CHUNK_BYTES));
    const writer = spawn("sh", ["-c", `while :; do echo x >> '${p}'; done`], { stdio: "ignore" });
    try {
      while (fs.statSync(p).size === 3 * HASH_CHUNK_BYTES) await sleep(5);
      const hasher = makeHasher(new MemoryStatCache(), { workerThresholdBytes: 20 * MiB });
      const err = await hasher.hashFile(p).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputFileUnreadableError);
      expect(err).toMatchObject({ path: p, reason: "changing" });
      expect((err as Error).message).toMatch(/kept changing .* Wait for whatever writes it to finish/);
      expect(hasher.stats.filesHashed).toBe(3);
    } finally {
      writer.kill();
    }
  }, BIG.timeout);

  it("refuses a directory where a file was declared", async () => {
    await expect(makeHasher().hashFile(dir)).rejects.toMatchObject({ _tag: "InputFileMissingError", reason: "not-a-file" });
  });

  it("refuses a FIFO instead of blocking on it", async () => {
    const fifo = path.join(dir, "pipe");
    execFileSync("mkfifo", [fifo]);
    await expect(makeHasher().hashFile(fifo)).rejects.toMatchObject({ reason: "not-a-file", path: fifo });
  });
});

describe("hashDir", () => {
  const tree = (): void => {
    write("b.txt", "b");
    write("a/z.bin", "z");
    write(".hidden", "h");
    write(".cairn/objects/ab", "store");
    write("node_modules/pkg/index.js", "dep");
    write("sub/node_modules/x.js", "dep");
    fs.mkdirSync(path.join(dir, "empty"));
  };
  /** The documented canonical listing, rebuilt independently of the implementation. */
  const expectedHash = (files: Array<[string, string]>): ContentHash =>
    hashBytes(`cairn-dir-v1\n${files.map(([rel, content]) => `${JSON.stringify(rel)} ${hashBytes(content)}\n`).join("")}`);

  it("hashes every file except under .cairn and node_modules, as the sorted canonical listing", async () => {
    tree();
    const result = await makeHasher().hashDir(dir);
    expect(result.files.map((f) => f.rel)).toEqual([".hidden", "a/z.bin", "b.txt"]);
    expect(result.files[1]).toEqual({ rel: "a/z.bin", hash: hashBytes("z"), size: 1 });
    expect(result.hash).toBe(expectedHash([[".hidden", "h"], ["a/z.bin", "z"], ["b.txt", "b"]]));
    expect(makeHasher().hashDirSync(dir)).toEqual(result);
  });

  it("changes the tree hash when a file changes or is renamed, but not for an empty directory", async () => {
    tree();
    const hash = async (): Promise<ContentHash> => (await makeHasher().hashDir(dir)).hash;
    const original = await hash();
    fs.mkdirSync(path.join(dir, "another-empty"));
    expect(await hash()).toBe(original);
    fs.renameSync(path.join(dir, "b.txt"), path.join(dir, "c.txt"));
    const renamed = await hash();
    expect(renamed).not.toBe(original);
    fs.writeFileSync(path.join(dir, "c.txt"), "c");
    expect(await hash()).not.toBe(renamed);
  });

  it("follows a symlink to a directory once and does not loop on a link to an ancestor", async () => {
    write("real/f.txt", "f");
    fs.symlinkSync(path.join(dir, "real"), path.join(dir, "alias"));
    fs.symlinkSync(dir, path.join(dir, "real", "loop"));
    const result = await makeHasher().hashDir(dir);
    expect(result.files.map((f) => f.rel)).toEqual(["alias/f.txt", "real/f.txt"]);
  });

  it("fails with InputFileMissingError for a missing directory or a file given as one", async () => {
    const file = write("f.txt", "f");
    await expect(makeHasher().hashDir(path.join(dir, "nope"))).rejects.toMatchObject({ _tag: "InputFileMissingError", reason: "missing" });
    expect(() => makeHasher().hashDirSync(file)).toThrow(/is not a directory/);
  });
});

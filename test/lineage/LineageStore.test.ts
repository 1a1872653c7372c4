/**
 * The lineage store on real SQLite files: WAL and migrations, commits visible across
 * connections, cross-process key claims and dead-run reaping (with real child processes), and
 * through the CLI a DB locked by another process and a `.cairn` that cannot be written.
 */
import { spawn, execFileSync } from "node:child_process";
import { chmodSync, lstatSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { LineageStore } from "../../src/lineage/LineageStore.js";
import { assertBuilt, cached, describeResult, executed, makeProject, REPO, runningAsRoot, waitForFile } from "../helpers/CliRig.js";
import { withDb } from "../helpers/StoreInspect.js";

beforeAll(assertBuilt);

const opened: LineageStore[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});
const open = (path: string): LineageStore => {
  const s = LineageStore.open(path);
  opened.push(s);
  return s;
};
/**
 * Adds or removes write permission on a tree. Entries vanishing meanwhile are ignored: a finished
 * run deletes its temp files in a detached background process.
 */
const chmodTree = (root: string, writable: boolean): void => {
  const tryChmod = (path: string, mode: number) => {
    try {
      chmodSync(path, mode & 0o7777);
    } catch {
      /* removed meanwhile */
    }
  };
  let st;
  try {
    st = lstatSync(root);
  } catch {
    return;
  }
  if (st.isSymbolicLink()) return;
  const mode = writable ? st.mode | 0o200 : st.mode & ~0o222;
  if (!st.isDirectory()) return tryChmod(root, mode);
  // A directory must be writable before its entries are fixed, and locked only after them.
  if (writable) tryChmod(root, mode);
  let entries: string[] = [];
  try {
    entries = readdirSync(root);
  } catch {
    return;
  }
  for (const e of entries) chmodTree(join(root, e), writable);
  if (!writable) tryChmod(root, mode);
};

const tempDb = (): string => join(mkdtempSync(join(tmpdir(), "cairn-lineage-")), ".cairn/cairn.db");

/** Runs a script in a fresh Node process that can import the compiled LineageStore. */
const runChild = (script: string, args: string[]): string =>
  execFileSync(process.execPath, ["--input-type=module", "-e", script, ...args], { encoding: "utf8" });
const DIST_STORE = JSON.stringify(join(REPO, "dist/src/lineage/LineageStore.js"));

const execution = (runId: string) => ({
  runId, flow: "f", task: "train", kind: "function" as const, cacheKey: "k1", fingerprint: { v: 1 }, ingredients: { code: "x" },
  reason: { kind: "new" }, startedAt: 1, logPath: null,
});

describe("LineageStore", () => {
  it("creates the database in WAL mode with every migration applied", () => {
    const s = open(tempDb());
    expect(s.db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(s.db.pragma("user_version", { simple: true })).toBeGreaterThan(0);
    const tables = (s.db.prepare(`SELECT name FROM sqlite_master WHERE type='table'`).all() as { name: string }[]).map((t) => t.name);
    for (const t of ["runs", "executions", "execution_inputs", "execution_outputs", "params", "metrics", "cache_entries", "running_keys"]) expect(tables).toContain(t);
  });

  it("commits a succeeded execution with its cache entry, visible at once to another connection", () => {
    const path = tempDb();
    const s = open(path);
    s.beginRun({ id: "r1", flow: "f", flowFile: "/x/flow.ts", startedAt: 1, targets: [], options: {} });
    const id = s.startExecution(execution("r1"));
    expect(open(path).lookupCache("k1")).toBeUndefined();
    s.succeedExecution(id, {
      task: "train", cacheKey: "k1", finishedAt: 2, durationMs: 1, attempts: 1, outputHash: "tree1", valueHash: "val1",
      outputs: [{ name: "tree", hash: "tree1", size: 0, kind: "tree" }], facts: { inputs: [], params: { lr: 0.1 }, metrics: [], tags: {} }, cache: true,
    });
    const other = open(path);
    expect(other.lookupCache("k1")).toEqual({ cacheKey: "k1", executionId: id, outputHash: "tree1", valueHash: "val1", runId: "r1", tree: null });
    expect(other.execution(id)).toMatchObject({ status: "succeeded", output_hash: "tree1", attempts: 1 });
  });

  it("records no cache entry for an execution with cache: false", () => {
    const s = open(tempDb());
    s.beginRun({ id: "r1", flow: "f", flowFile: "/x/flow.ts", startedAt: 1, targets: [], options: {} });
    const id = s.startExecution(execution("r1"));
    s.succeedExecution(id, { task: "train", cacheKey: "k1", finishedAt: 2, durationMs: 1, attempts: 1, outputHash: "t", valueHash: null, outputs: [], facts: { inputs: [], params: {}, metrics: [], tags: {} }, cache: false });
    expect(s.lookupCache("k1")).toBeUndefined();
  });

  it("lets only one live run hold a cache key, and frees it on release", () => {
    const path = tempDb();
    const first = open(path);
    const second = open(path);
    expect(first.claimKey("k", "run-a")).toBeUndefined();
    expect(second.claimKey("k", "run-b")).toMatchObject({ runId: "run-a", pid: process.pid });
    first.releaseKey("k", "run-a");
    expect(second.claimKey("k", "run-b")).toBeUndefined();
  });

  it("takes over a key held by a process that died, and marks that process's run cancelled", () => {
    const path = tempDb();
    open(path).close();
    // A real process claims a key and starts a run, then exits without releasing anything (like kill -9).
    const pid = runChild(
      `const { LineageStore } = await import(${DIST_STORE});
       const s = LineageStore.open(process.argv[1]);
       s.beginRun({ id: "dead-run", flow: "f", flowFile: "/x/flow.ts", startedAt: 1, targets: [], options: {} });
       s.startExecution({ runId: "dead-run", flow: "f", task: "train", kind: "function", cacheKey: "k", fingerprint: null, ingredients: null, reason: null, startedAt: 1, logPath: null });
       if (s.claimKey("k", "dead-run") !== undefined) throw new Error("claim failed");
       process.stdout.write(String(process.pid));`,
      [path],
    );
    const s = open(path);
    expect(s.claimKey("k", "live-run")).toBeUndefined();
    expect(s.reapDeadRuns()).toEqual(["dead-run"]);
    expect(s.run("dead-run")).toMatchObject({ status: "cancelled", pid: Number(pid) });
    const row = s.db.prepare(`SELECT status FROM executions WHERE run_id = 'dead-run'`).get() as { status: string };
    expect(row.status).toBe("cancelled");
  });
});

describe("the store as the CLI meets it", () => {
  const FLOW = `import { task, flow } from "cairn";
const a = task("a", { run: () => 1 });
const b = task("b", { deps: { a }, run: ({ a }) => a + 1 });
export default flow("store", { tasks: [b] });
`;

  it("fails with a clear message and exit code 75 when another process holds the database beyond the busy timeout", async () => {
    const p = await makeProject({ "flow.ts": FLOW });
    const first = await p.run();
    expect(first.code, describeResult(first)).toBe(0);
    const locked = p.path("locked.marker");
    const release = p.path("release.marker");
    // Another process holds a write transaction until the test releases it.
    const holder = spawn(
      process.execPath,
      [
        "-e",
        `const fs = require("node:fs");
         const Database = require(${JSON.stringify(join(REPO, "node_modules/better-sqlite3"))});
         const db = new Database(process.argv[1]);
         db.exec("BEGIN EXCLUSIVE");
         db.prepare("INSERT INTO code_cache (key, value) VALUES ('held', 'by another process')").run();
         fs.writeFileSync(process.argv[2], "1");
         const t = setInterval(() => { if (fs.existsSync(process.argv[3])) { db.exec("ROLLBACK"); db.close(); clearInterval(t); } }, 20);`,
        p.path(".cairn/cairn.db"),
        locked,
        release,
      ],
      { stdio: "ignore" },
    );
    const holderExit = new Promise((resolve) => holder.on("exit", resolve));
    try {
      await waitForFile(locked, 30_000, () => (holder.exitCode !== null ? `the lock holder exited with ${holder.exitCode}` : undefined));
      await p.write({ "flow.ts": FLOW.replace("a + 1", "a + 2") });
      const r = await p.run([], { env: { CAIRN_BUSY_TIMEOUT_MS: "300" } });
      expect(r.code, describeResult(r)).toBe(75);
      expect(r.stderr).toContain("locked");
      expect(r.stderr).toContain(".cairn/cairn.db");
      expect(r.stderr).toContain("CAIRN_BUSY_TIMEOUT_MS");
      expect(r.stderr).not.toContain("dist/src");
    } finally {
      writeFileSync(release, "1");
      await holderExit;
    }
    // Nothing already produced was lost: once the lock is gone, only the edited task runs.
    const after = await p.run();
    expect(after.code, describeResult(after)).toBe(0);
    expect(executed(after)).toEqual(["b"]);
    expect(cached(after)).toEqual(["a"]);
  });

  it("fails with a clear message and exit code 75 when cairn.db is not a database", async () => {
    const p = await makeProject({ "flow.ts": FLOW, ".cairn/cairn.db": "SQLite format 3\0 but then garbage, not a database at all\n".repeat(100) });
    const r = await p.run();
    expect(r.code, describeResult(r)).toBe(75);
    expect(r.stderr).toContain(".cairn/cairn.db");
    expect(r.stderr).not.toContain("internal error");
    expect(r.stderr).not.toContain("dist/src");
  });

  it("fails with a clear message and exit code 75 when .cairn is a file, not a directory", async () => {
    const p = await makeProject({ "flow.ts": FLOW, ".cairn": "not a directory\n" });
    const r = await p.run();
    expect(r.code, describeResult(r)).toBe(75);
    expect(r.stderr).toContain(".cairn");
    expect(r.stderr).toMatch(/--store/);
    expect(r.stderr).not.toContain("dist/src");
  });

  it("fails with a clear message and exit code 75 when .cairn is not writable, and loses nothing", async () => {
    const p = await makeProject({ "flow.ts": FLOW });
    const first = await p.run();
    expect(first.code, describeResult(first)).toBe(0);
    await p.write({ "flow.ts": FLOW.replace("a + 1", "a + 2") });
    // Permission bits do not stop root: as root, run the CLI as the unprivileged "nobody" (65534).
    const as = runningAsRoot() ? { uid: 65534, gid: 65534 } : {};
    chmodSync(p.dir, 0o755);
    const store = p.path(".cairn");
    const setWritable = (writable: boolean) => chmodTree(store, writable);
    setWritable(false);
    try {
      const r = await p.run([], as);
      expect(r.code, describeResult(r)).toBe(75);
      expect(r.stderr).toContain(store);
      expect(r.stderr).toMatch(/writ/);
      expect(r.stderr).not.toContain("dist/src");
    } finally {
      setWritable(true);
    }
    const after = await p.run();
    expect(after.code, describeResult(after)).toBe(0);
    expect(executed(after)).toEqual(["b"]);
    expect(cached(after)).toEqual(["a"]);
  });
});

describe("what a run records", () => {
  it("records executions with their fingerprint, params, metrics, input and dep edges, outputs and the stat cache", async () => {
    const p = await makeProject({
      "flow.ts": `import { task, flow, file } from "cairn";
const load = task("load", { inputs: { csv: file("data/in.csv") }, run: async ({ csv }) => (await csv.text()).trim().split("\\n").length });
const fit = task("fit", { deps: { load }, params: { lr: 0.5 }, run: ({ load }, ctx) => { ctx.metric("loss", 0.25, 1); ctx.metric("loss", 0.125, 2); return load * ctx.params.lr; } });
const fail = task("fail", { deps: { fit }, cmd: "echo about to fail; exit 9" });
export default flow("recorded", { tasks: [fail] });
`,
      "data/in.csv": "a\nb\nc\nd\n",
    });
    const r = await p.run();
    expect(r.code, describeResult(r)).toBe(1);
    const runId = r.events[0]!.runId;
    withDb(p.dir, (db) => {
      expect(db.prepare(`SELECT status, executed, failed FROM runs WHERE id = ?`).get(runId)).toEqual({ status: "failed", executed: 2, failed: 1 });
      const ex = (task: string) => db.prepare(`SELECT * FROM executions WHERE run_id = ? AND task = ?`).get(runId, task) as Record<string, unknown>;
      const load = ex("load");
      const fit = ex("fit");
      const fail = ex("fail");
      expect(load).toMatchObject({ status: "succeeded", kind: "function", attempts: 1 });
      expect(typeof load.cache_key).toBe("string");
      expect(JSON.parse(String(load.ingredients))).toHaveProperty("inputs");
      expect(JSON.parse(String(fit.fingerprint))).toHaveProperty("params");
      expect(fail).toMatchObject({ status: "failed", kind: "command", error_tag: "CommandExitError" });
      expect(String(fail.error_text)).toContain("exited with code 9");
      expect(String(fail.error_text)).toContain("about to fail");
      const input = db.prepare(`SELECT kind, name, path, size FROM execution_inputs WHERE execution_id = ?`).all(load.id);
      expect(input).toEqual([{ kind: "file", name: "csv", path: "data/in.csv", size: 8 }]);
      const dep = db.prepare(`SELECT kind, name, path, hash, upstream_execution_id AS up FROM execution_inputs WHERE execution_id = ?`).get(fit.id) as Record<string, unknown>;
      expect(dep).toMatchObject({ kind: "dep", name: "load", path: "load", hash: load.output_hash, up: load.id });
      expect(db.prepare(`SELECT name, value FROM params WHERE execution_id = ?`).all(fit.id)).toEqual([{ name: "lr", value: "0.5" }]);
      expect(db.prepare(`SELECT name, value, step FROM metrics WHERE execution_id = ? ORDER BY step`).all(fit.id)).toEqual([
        { name: "loss", value: 0.25, step: 1 },
        { name: "loss", value: 0.125, step: 2 },
      ]);
      const outputs = db.prepare(`SELECT name, hash FROM execution_outputs WHERE execution_id = ? ORDER BY name`).all(fit.id) as { name: string; hash: string }[];
      expect(outputs.map((o) => o.name)).toEqual(["tree", "value"]);
      expect(outputs.find((o) => o.name === "tree")!.hash).toBe(fit.output_hash);
      const statTables = (db.prepare(`SELECT name FROM sqlite_master WHERE type='table' AND name LIKE '%stat%'`).all() as { name: string }[]).map((t) => t.name);
      expect(statTables.length).toBeGreaterThan(0);
      const statRows = statTables.reduce((n, t) => n + (db.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n, 0);
      expect(statRows).toBeGreaterThan(0);
    });
    // A cached execution points at the execution that produced its outputs.
    const again = await p.run();
    const againId = again.events[0]!.runId;
    withDb(p.dir, (db) => {
      const row = db.prepare(`SELECT status, source_execution_id AS src, output_hash FROM executions WHERE run_id = ? AND task = 'load'`).get(againId) as { status: string; src: number; output_hash: string };
      expect(row.status).toBe("cached");
      const source = db.prepare(`SELECT run_id, output_hash FROM executions WHERE id = ?`).get(row.src) as { run_id: string; output_hash: string };
      expect(source).toEqual({ run_id: runId, output_hash: row.output_hash });
    });
  });
});


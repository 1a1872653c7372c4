#!/usr/bin/env node
// Tracking benchmark (issue 4, "Scale"): records 30,000 runs of a 10-task flow through the public
// write API (LineageStore + recordModelRegistrations, from dist/), then times whole `cairn`
// processes answering tracking queries. Prints medians. Run: `npm run build && node bench/tracking.mjs`.
// Options (env): BENCH_RUNS (default 30000), BENCH_REPEAT (default 9), BENCH_DIR (reuse a store).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = join(dirname(fileURLToPath(import.meta.url)), "..");
const { LineageStore } = await import(join(REPO, "dist/src/lineage/LineageStore.js"));
const { recordModelRegistrations } = await import(join(REPO, "dist/src/tracking/ModelRegistry.js"));

const RUNS = Number(process.env.BENCH_RUNS ?? 30_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 9);
const root = process.env.BENCH_DIR ?? join(tmpdir(), `cairn-bench-tracking-${RUNS}`);
const dbPath = join(root, ".cairn", "cairn.db");
const done = join(root, ".cairn", "bench-complete");

// Deterministic pseudo-random numbers, so every machine records the same store.
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const hex = (n) => n.toString(16).padStart(32, "0");

/** The 10 tasks: a data prefix that is mostly cached, and a training tail that runs every time. */
const TASKS = ["extract", "clean", "split", "features", "train", "evaluate", "calibrate", "explain", "report", "export"];
const DEPS = { clean: "extract", split: "clean", features: "split", train: "features", evaluate: "train", calibrate: "train", explain: "evaluate", report: "evaluate", export: "calibrate" };

const generate = () => {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, ".cairn"), { recursive: true });
  writeFileSync(join(root, "package.json"), "{}\n");
  const store = LineageStore.open(dbPath);
  const t0 = performance.now();
  let last = {}; // task → producing execution id and output hash of the latest execution
  const started = Date.UTC(2026, 0, 1);
  for (let r = 0; r < RUNS; r++) {
    const runId = `r${String(r).padStart(6, "0")}`;
    const at = started + r * 60_000;
    const dataVersion = Math.floor(r / 500); // the dataset changes every 500 runs
    const codeVersion = Math.floor(r / 1000); // feature code changes every 1000 runs
    const params = { trees: 50 + Math.floor(rand() * 20) * 10, lr: Math.round(rand() * 1000) / 10_000, seed: r % 7 };
    // One transaction per run (the write API's own transactions nest as savepoints): generation speed only.
    store.db.transaction(() => {
      store.beginRun({ id: runId, flow: "churn", flowFile: "flows/churn.ts", startedAt: at, targets: [], options: {} });
      const counts = { executed: 0, cached: 0, failed: 0, cancelled: 0, skipped: 0 };
      const next = {};
      TASKS.forEach((task, i) => {
        const prefix = i < 4;
        const version = prefix ? `${dataVersion}-${codeVersion}` : `${r}`;
        const key = `key-${task}-${version}`;
        const dep = DEPS[task];
        const outputHash = hex(Number(BigInt.asUintN(40, BigInt(r * 16 + i) * 2654435761n)));
        if (prefix && last[task] && last[task].version === version) {
          store.recordRestored([{ runId, flow: "churn", task, kind: "function", cacheKey: key, fingerprint: { keyVersion: 1, task }, ingredients: {}, reason: null, startedAt: at + i, logPath: null, status: "cached", outputHash: last[task].outputHash, sourceExecutionId: last[task].id }]);
          next[task] = last[task];
          counts.cached++;
          return;
        }
        const id = store.startExecution({ runId, flow: "churn", task, kind: task === "train" ? "command" : "function", cacheKey: key, fingerprint: { keyVersion: 1, task, code: `c${codeVersion}` }, ingredients: { code: { modules: [{ path: "src/features.ts", hash: `m${codeVersion}` }] } }, reason: null, startedAt: at + i, logPath: null });
        const inputs = task === "extract" ? [{ kind: "file", name: "csv", path: "data/churn.csv", hash: hex(dataVersion + 1), size: 1_000_000 + dataVersion }] : dep ? [{ kind: "dep", name: dep, path: dep, hash: next[dep].outputHash, upstreamExecutionId: next[dep].id }] : [];
        const metrics = [];
        if (task === "train") for (let s = 1; s <= 10; s++) metrics.push({ name: "loss", value: 1 / s + rand() * 0.05, step: s, at: at + s });
        const accuracy = 0.7 + rand() * 0.28;
        if (task === "evaluate") metrics.push({ name: "accuracy", value: accuracy, step: null, at }, { name: "f1", value: accuracy - 0.05, step: null, at }, { name: "auc", value: Math.min(0.999, accuracy + 0.03), step: null, at });
        if (!prefix && task !== "evaluate" && task !== "train") metrics.push({ name: `${task}_seconds`, value: rand() * 10, step: null, at });
        store.succeedExecution(id, {
          task, cacheKey: key, finishedAt: at + i + 5, durationMs: 5, attempts: 1, outputHash, valueHash: outputHash,
          outputs: [{ name: "value", path: null, hash: outputHash, size: 1000, kind: "blob" }],
          facts: { inputs, params: task === "train" ? params : task === "split" ? { test_size: 0.2 } : {}, metrics, tags: {} },
          cache: true,
          extra: task === "evaluate" ? (db, executionId) => recordModelRegistrations(db, executionId, runId, [{ name: r % 3 === 0 ? "churn-xgb" : "churn", artifactHash: next.train.outputHash, artifactPath: null, metrics: { accuracy } }], at + 60) : undefined,
        });
        next[task] = { id, outputHash, version };
        counts.executed++;
      });
      store.finishRun(runId, "succeeded", counts, at + 30_000);
      last = next;
    }).immediate();
    // The store disables autocheckpoint (the engine checkpoints after its durability barrier): do it here too.
    if (r % 100 === 99) store.checkpoint();
  }
  store.db.pragma("wal_checkpoint(TRUNCATE)");
  store.close();
  writeFileSync(done, String(RUNS));
  return performance.now() - t0;
};

// The store must come from the project directory, never from the caller's shell.
const childEnv = { ...process.env };
delete childEnv.CAIRN_STORE;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// Wall time of the whole process, and its CPU time (user + sys, from /usr/bin/time when present):
// on a loaded machine wall time mostly measures the queue for a core, CPU time what cairn needs.
const TIME_BIN = existsSync("/usr/bin/time") ? "/usr/bin/time" : null;
const cpuFile = join(tmpdir(), `cairn-bench-cpu-${process.pid}`);
const time = (args) => {
  const ms = [];
  const cpu = [];
  let out = "";
  for (let i = 0; i < REPEAT; i++) {
    const [cmd, argv] = TIME_BIN ? [TIME_BIN, ["-f", "%U %S", "-o", cpuFile, process.execPath, ...args]] : [process.execPath, args];
    const t = performance.now();
    const r = spawnSync(cmd, argv, { cwd: root, encoding: "utf8", env: childEnv });
    ms.push(performance.now() - t);
    if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr}`);
    if (TIME_BIN) {
      const [u, sy] = readFileSync(cpuFile, "utf8").trim().split("\n").pop().split(" ").map(Number);
      cpu.push((u + sy) * 1000);
    }
    out = r.stdout;
  }
  return { ms: median(ms), min: Math.min(...ms), cpu: cpu.length > 0 ? median(cpu) : null, out };
};

let genMs = null;
if (!existsSync(done)) genMs = generate();
const bin = join(REPO, "bin/cairn.js");
// Promote a version so `models list` has aliases to show (idempotent on reruns).
execFileSync(process.execPath, [bin, "models", "promote", "churn", "2", "--to", "production"], { cwd: root, env: childEnv });

// In-process query times (no process start-up): what the indexes and run_metrics buy.
const { queryRuns } = await import(join(REPO, "dist/src/tracking/RunsQuery.js"));
const { listModels } = await import(join(REPO, "dist/src/tracking/ModelQueries.js"));
const inProcess = (() => {
  const store = LineageStore.open(dbPath);
  const q = [];
  const m = [];
  for (let i = 0; i < REPEAT; i++) {
    let t = performance.now();
    queryRuns(store.db, { metrics: ["accuracy"], where: ["accuracy>0.9"], sort: "-accuracy" });
    q.push(performance.now() - t);
    t = performance.now();
    listModels(store.db);
    m.push(performance.now() - t);
  }
  store.close();
  return { runs: median(q), models: median(m) };
})();

const rows = [
  ["node -e 0 (floor)", ["-e", "0"]],
  ["cairn --version", [bin, "--version"]],
  ['cairn runs --metrics accuracy --where "accuracy>0.9" --sort -accuracy', [bin, "runs", "--metrics", "accuracy", "--where", "accuracy>0.9", "--sort", "-accuracy"]],
  ["cairn models list", [bin, "models", "list"]],
  ["cairn runs", [bin, "runs"]],
  ["cairn runs --json --limit 100", [bin, "runs", "--json", "--limit", "100"]],
  ["cairn models show churn@production --json", [bin, "models", "show", "churn@production", "--json"]],
  ["cairn compare latest~1 latest", [bin, "compare", "latest~1", "latest"]],
  ["cairn lineage churn@production", [bin, "lineage", "churn@production"]],
];
const size = statSync(dbPath).size + (existsSync(`${dbPath}-wal`) ? statSync(`${dbPath}-wal`).size : 0);
console.log(`store: ${RUNS} runs x ${TASKS.length} tasks, ${(size / 2 ** 20).toFixed(0)} MiB at ${root}${genMs === null ? " (reused)" : `, recorded in ${(genMs / 1000).toFixed(1)} s`}`);
console.log(`in-process query time, median of ${REPEAT}: runs --where/--sort ${inProcess.runs.toFixed(1)} ms, models list ${inProcess.models.toFixed(1)} ms`);
console.log(`whole process, median of ${REPEAT}: wall time (min) and CPU time (user+sys, 10 ms resolution)`);
for (const [label, args] of rows) {
  const r = time(args);
  console.log(`  ${label.padEnd(72)} ${r.ms.toFixed(0).padStart(5)} ms  (${r.min.toFixed(0).padStart(4)})   cpu ${r.cpu === null ? "?" : r.cpu.toFixed(0).padStart(4)} ms`);
  if (label.startsWith("cairn runs --metrics")) console.log(`    → ${r.out.trim().split("\n").length - 1} rows shown, first: ${r.out.split("\n")[1]?.replace(/\s+/g, " ")}`);
}
rmSync(cpuFile, { force: true });

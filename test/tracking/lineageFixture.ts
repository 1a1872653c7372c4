/**
 * Builds real lineage databases for the tracking tests through the public write API
 * (LineageStore + recordModelRegistrations), the way the engine records runs.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LineageStore } from "../../src/lineage/LineageStore.js";
import { recordModelRegistrations } from "../../src/tracking/ModelRegistry.js";

export interface ExecSpec {
  readonly runId: string;
  readonly flow: string;
  readonly task: string;
  readonly at: number;
  readonly kind?: "function" | "command";
  readonly files?: ReadonlyArray<{ name: string; path: string; hash: string; size: number }>;
  readonly deps?: ReadonlyArray<{ name: string; task: string; execution: number; hash: string }>;
  readonly params?: Record<string, unknown>;
  readonly metrics?: ReadonlyArray<{ name: string; value: number; step?: number }>;
  readonly tags?: Record<string, string>;
  readonly modules?: ReadonlyArray<{ path: string; hash: string }>;
  readonly image?: string;
  readonly outputHash: string;
  readonly models?: ReadonlyArray<{ name: string; artifactHash: string; metrics?: Record<string, number> }>;
  readonly fail?: string;
}

/** A temp project directory with a fresh `.cairn/cairn.db`. */
export const tempProject = (): { root: string; store: string; db: string; open: () => LineageStore } => {
  const root = mkdtempSync(join(tmpdir(), "cairn-tracking-"));
  const store = join(root, ".cairn");
  const db = join(store, "cairn.db");
  return { root, store, db, open: () => LineageStore.open(db) };
};

const keyOf = (s: ExecSpec): string => `key-${s.flow}-${s.task}-${JSON.stringify(s.params ?? {})}-${s.outputHash}-${(s.files ?? []).map((f) => f.hash).join(",")}`;

const fingerprintOf = (s: ExecSpec) => ({
  keyVersion: 1,
  task: s.task,
  code: `code-${(s.modules ?? []).map((m) => m.hash).join("-") || "0"}`,
  params: `params-${JSON.stringify(s.params ?? {})}`,
  inputs: `inputs-${(s.files ?? []).map((f) => f.hash).join("-")}`,
  deps: `deps-${(s.deps ?? []).map((d) => d.hash).join("-")}`,
  env: "env-0",
  executor: `executor-${s.image ?? "local"}`,
  dependencies: "deps-0",
});

const ingredientsOf = (s: ExecSpec) => ({
  code: { kind: s.kind ?? "function", body: "body", modules: s.modules ?? [], scripts: [], ...(s.kind === "command" ? { command: "python train.py" } : {}) },
  params: s.params ?? {},
  inputs: {},
  deps: Object.fromEntries((s.deps ?? []).map((d) => [d.name, { task: d.task, outputHash: d.hash }])),
  env: {},
  executor: s.image ? { image: s.image } : null,
  dependencies: [],
});

/** Records one executed task (succeeded, or failed when `fail` is set); returns its execution id. */
export const recordExecution = (store: LineageStore, s: ExecSpec): number => {
  const id = store.startExecution({
    runId: s.runId,
    flow: s.flow,
    task: s.task,
    kind: s.kind ?? "function",
    cacheKey: keyOf(s),
    fingerprint: fingerprintOf(s),
    ingredients: ingredientsOf(s),
    reason: { kind: "changed" },
    startedAt: s.at,
    logPath: null,
  });
  const facts = {
    inputs: [
      ...(s.files ?? []).map((f) => ({ kind: "file" as const, name: f.name, path: f.path, hash: f.hash, size: f.size })),
      ...(s.deps ?? []).map((d) => ({ kind: "dep" as const, name: d.name, path: d.task, hash: d.hash, upstreamExecutionId: d.execution })),
    ],
    params: s.params ?? {},
    metrics: (s.metrics ?? []).map((m, i) => ({ name: m.name, value: m.value, step: m.step ?? null, at: s.at + i })),
    tags: s.tags ?? {},
  };
  if (s.fail !== undefined) {
    store.failExecution(id, { status: "failed", finishedAt: s.at + 50, durationMs: 50, attempts: 1, errorTag: "TaskFailedError", errorText: s.fail, facts });
    return id;
  }
  store.succeedExecution(id, {
    task: s.task,
    cacheKey: keyOf(s),
    finishedAt: s.at + 100,
    durationMs: 100,
    attempts: 1,
    outputHash: s.outputHash,
    valueHash: s.outputHash,
    outputs: [{ name: "value", path: null, hash: s.outputHash, size: 10, kind: "blob" }],
    facts,
    cache: true,
    extra: (db, executionId) =>
      recordModelRegistrations(db, executionId, s.runId, (s.models ?? []).map((m) => ({ name: m.name, artifactHash: m.artifactHash, artifactPath: null, metrics: m.metrics ?? {} })), s.at + 100),
  });
  return id;
};

/** Records a cache hit of `source` in run `runId`; returns the new execution id. */
export const recordCached = (store: LineageStore, runId: string, flow: string, task: string, source: number, at: number): number => {
  const src = store.execution(source)!;
  store.recordRestored([
    {
      runId,
      flow,
      task,
      kind: "function",
      cacheKey: src.cache_key,
      fingerprint: JSON.parse(src.fingerprint ?? "null"),
      ingredients: JSON.parse(src.ingredients ?? "null"),
      reason: null,
      startedAt: at,
      logPath: null,
      status: "cached",
      outputHash: src.output_hash,
      sourceExecutionId: source,
    },
  ]);
  return Number(store.db.prepare(`SELECT MAX(id) FROM executions`).pluck().get());
};

export const beginRun = (store: LineageStore, id: string, flow: string, at: number): void =>
  store.beginRun({ id, flow, flowFile: `flows/${flow}.ts`, startedAt: at, targets: [], options: {} });

export const finishRun = (store: LineageStore, id: string, status: "succeeded" | "failed", at: number): void => {
  const counts = store.db
    .prepare(`SELECT SUM(status='succeeded') AS executed, SUM(status='cached') AS cached, SUM(status='failed') AS failed FROM executions WHERE run_id = ?`)
    .get(id) as { executed: number; cached: number; failed: number };
  store.finishRun(id, status, { executed: counts.executed ?? 0, cached: counts.cached ?? 0, failed: counts.failed ?? 0, cancelled: 0, skipped: 0 }, at);
};

export const H = {
  data1: "d1".padEnd(32, "0"),
  data2: "d2".padEnd(32, "0"),
  out: (n: string) => n.padEnd(32, "a"),
};

/**
 * The churn story: run 1 trains v1 (trees=100, accuracy 0.81); run 2 reuses extract/features
 * from the cache and trains v2 (trees=200, model.ts changed, 0.92); run 3 reads a new version of
 * the data and trains v3 (0.88); run 4 is all cache hits of run 3; run 5 fails in train. One
 * `iris` run logs accuracy 0.95.
 */
export const churnStory = () => {
  const p = tempProject();
  const s = p.open();
  const churnFile = (hash: string, size: number) => [{ name: "csv", path: "data/churn.csv", hash, size }];
  const story = (run: string, at: number, data: string, size: number, trees: number, acc: number, f1: number, modelHash: string, fOut: string, version: string) => {
    const ex = recordExecution(s, { runId: run, flow: "churn", task: "extract", at, files: churnFile(data, size), outputHash: H.out(`x${data.slice(0, 2)}`) });
    const fe = recordExecution(s, { runId: run, flow: "churn", task: "features", at: at + 1, deps: [{ name: "raw", task: "extract", execution: ex, hash: H.out(`x${data.slice(0, 2)}`) }], outputHash: fOut });
    const tr = recordExecution(s, {
      runId: run, flow: "churn", task: "train", at: at + 2, kind: "command", image: "sha256:feedbeef",
      files: [{ name: "script", path: "train.py", hash: "s1".padEnd(32, "0"), size: 42 }],
      deps: [{ name: "features", task: "features", execution: fe, hash: fOut }],
      params: { trees, seed: 42 },
      metrics: [{ name: "loss", value: 0.9, step: 1 }, { name: "loss", value: 0.4, step: 2 }, { name: "accuracy", value: acc }, { name: "f1", value: f1 }],
      modules: [{ path: "src/model.ts", hash: version }],
      outputHash: modelHash,
      models: [{ name: "churn", artifactHash: modelHash, metrics: { accuracy: acc } }],
    });
    return { ex, fe, tr };
  };
  beginRun(s, "r1", "churn", 1_000_000);
  const r1 = story("r1", 1_000_000, H.data1, 100, 100, 0.81, 0.7, H.out("m1"), H.out("f1"), "v1");
  finishRun(s, "r1", "succeeded", 1_000_500);

  beginRun(s, "r2", "churn", 2_000_000);
  const r2ex = recordCached(s, "r2", "churn", "extract", r1.ex, 2_000_000);
  const r2fe = recordCached(s, "r2", "churn", "features", r1.fe, 2_000_000);
  const r2tr = recordExecution(s, {
    runId: "r2", flow: "churn", task: "train", at: 2_000_002, kind: "command", image: "sha256:feedbeef",
    files: [{ name: "script", path: "train.py", hash: "s1".padEnd(32, "0"), size: 42 }],
    deps: [{ name: "features", task: "features", execution: r2fe, hash: H.out("f1") }],
    params: { trees: 200, seed: 42 },
    metrics: [{ name: "accuracy", value: 0.92 }, { name: "f1", value: 0.85 }],
    modules: [{ path: "src/model.ts", hash: "v2" }],
    outputHash: H.out("m2"),
    models: [{ name: "churn", artifactHash: H.out("m2"), metrics: { accuracy: 0.92 } }],
  });
  finishRun(s, "r2", "succeeded", 2_000_500);

  beginRun(s, "r3", "churn", 3_000_000);
  const r3 = story("r3", 3_000_000, H.data2, 120, 200, 0.88, 0.8, H.out("m3"), H.out("f3"), "v2");
  finishRun(s, "r3", "succeeded", 3_000_500);

  beginRun(s, "r4", "churn", 4_000_000);
  const r4tr = [recordCached(s, "r4", "churn", "extract", r3.ex, 4_000_000), recordCached(s, "r4", "churn", "features", r3.fe, 4_000_000), recordCached(s, "r4", "churn", "train", r3.tr, 4_000_000)][2]!;
  finishRun(s, "r4", "succeeded", 4_000_010);

  beginRun(s, "r5", "churn", 5_000_000);
  recordCached(s, "r5", "churn", "extract", r3.ex, 5_000_000);
  recordCached(s, "r5", "churn", "features", r3.fe, 5_000_000);
  const r5tr = recordExecution(s, { runId: "r5", flow: "churn", task: "train", at: 5_000_002, params: { trees: 300, seed: 42 }, outputHash: "", fail: "train.py exited with code 1: CUDA out of memory" });
  finishRun(s, "r5", "failed", 5_000_100);

  beginRun(s, "iris1", "iris", 6_000_000);
  const iris = recordExecution(s, { runId: "iris1", flow: "iris", task: "fit", at: 6_000_000, files: [{ name: "csv", path: "data/iris.csv", hash: "i1".padEnd(32, "0"), size: 50 }], params: { k: 3 }, metrics: [{ name: "accuracy", value: 0.95 }], outputHash: H.out("iris") });
  finishRun(s, "iris1", "succeeded", 6_000_100);
  s.close();
  const ids = { r1ex: r1.ex, r1fe: r1.fe, r1tr: r1.tr, r2ex, r2fe, r2tr, r3ex: r3.ex, r3fe: r3.fe, r3tr: r3.tr, r4tr, r5tr, iris };
  return { ...p, ids };
};

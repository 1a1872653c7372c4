/**
 * `runFlow`: one run of a flow, from loading the file to the RunFinished event. Planning and
 * cache restoration happen synchronously first; only when something must execute is the Effect
 * scheduler loaded, so a no-op run never pays for it.
 */
import { statSync, type BigIntStats } from "node:fs";
import { dirname, resolve, sep } from "node:path";
import { randomBytes } from "node:crypto";
import { cpus } from "node:os";
import { loadFlowModule } from "../loader/FlowLoader.js";
import { buildGraph, selectTargets } from "../graph/Graph.js";
import { projectPaths } from "../cli/Project.js";
import { LineageStore, type StartExecution } from "../lineage/LineageStore.js";
import { LocalArtifactStore } from "../store/LocalArtifactStore.js";
import { FileHasher } from "../hashing/FileHasher.js";
import { SqliteStatCache } from "../hashing/StatCache.js";
import type { EventBus } from "../events/EventBus.js";
import type { RunFinished } from "../events/RunEvent.js";
import type { ExecutorPlugin } from "../executors/Executor.js";
import type { CommandTaskSpec } from "../dsl/Task.js";
import { moduleCodeHasher } from "./ModuleCodeHasher.js";
import { taskStatics, type TaskStatics } from "./StaticIngredients.js";
import { resolveTask, type CacheIndex } from "./Resolver.js";
import type { RunContext, RunOptions, TaskOutput } from "./RunContext.js";
import { Durability } from "./Durability.js";
import { removeInBackground } from "./Cleanup.js";
import { spawner } from "../executors/spawner/Spawner.js";

export type { RunOptions } from "./RunContext.js";

export interface RunSummary {
  readonly runId: string;
  readonly flow: string;
  readonly status: RunFinished["status"];
  readonly counts: { executed: number; cached: number; failed: number; cancelled: number; skipped: number };
  /** Dry runs only: what would happen per task. */
  readonly plan?: ReadonlyArray<{ task: string; action: "cached" | "run" | "pending" | "skipped"; why: string }>;
  /** Local modules and input files the flow depends on (watch mode watches these). */
  readonly watchedFiles: ReadonlyArray<string>;
  /** Declared input files (absolute) per task, so watch mode can tell which tasks a change affects. */
  readonly taskFiles?: Readonly<Record<string, ReadonlyArray<string>>>;
  /** Every declared input file; a watched file not among them is code (affects every task). */
  readonly inputFiles?: ReadonlyArray<string>;
  /** Tasks that executed (or tried to) in this run — what a watch-mode change invalidated. */
  readonly ran?: ReadonlyArray<string>;
}

export const defaultConcurrency = (): number => Math.max(1, cpus().length);

/** A sortable, unique run id: `r20261204T213301Z-4f2a9c`. */
export const newRunId = (): string => `r${new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z")}-${randomBytes(3).toString("hex")}`;

/** A loaded, validated flow with its stores open: what `run`, `--dry-run` and `explain` share. */
export interface OpenedRun {
  readonly cx: RunContext;
  readonly watchedFiles: ReadonlyArray<string>;
  close(): void;
}

/** Loads and validates the flow, opens the stores and computes every task's static ingredients. */
export const openRun = async (options: RunOptions, bus: EventBus): Promise<OpenedRun> => {
  const flowFile = resolve(options.flowFile);
  const flowDir = dirname(flowFile);
  const paths = projectPaths({ flowFile, ...(options.store ? { store: options.store } : {}) });
  const loaded = await loadFlowModule(flowFile, { cacheDir: resolve(paths.cache, "ts"), ...(options.generation !== undefined ? { generation: options.generation } : {}) });
  options.onLoaded?.();
  // Validation stats every declared file; the hasher reuses those stats instead of taking its own.
  const recentStats = new Map<string, BigIntStats>();
  const full = buildGraph(loaded.flow, flowFile, {
    inputProblem: (kind, p) => {
      const abs = resolve(flowDir, p);
      let st: BigIntStats | undefined;
      try {
        st = statSync(abs, { bigint: true, throwIfNoEntry: false });
      } catch (e) {
        return `${kind} ${p} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check its permissions`;
      }
      if (st === undefined) return `${kind} ${p} does not exist; create it, or fix the path (relative to the flow file)`;
      if (kind === "file") recentStats.set(abs, st);
      if (kind === "file" && !st.isFile()) return `${p} is ${st.isDirectory() ? "a directory" : "not a regular file"}; declare it with dir("${p}"), or point file() at a file`;
      if (kind === "dir" && !st.isDirectory()) return `${p} is a file, not a directory; declare it with file("${p}"), or point dir() at a directory`;
      return undefined;
    },
  });
  const graph = selectTargets(full, options.targets);
  const lineage = LineageStore.open(paths.db);
  const statCache = new SqliteStatCache(lineage.db);
  const close = () => {
    try {
      statCache.flush();
    } finally {
      lineage.close();
    }
  };
  try {
    if (graph.order.length > 200) statCache.loadAll();
    const tmpPrefix = paths.tmp.endsWith(sep) ? paths.tmp : paths.tmp + sep;
    const hasher = new FileHasher(statCache, { transient: (p) => p.startsWith(tmpPrefix), recentStats });
    const store = new LocalArtifactStore(paths.objects, paths.tmp, (p) => hasher.hashFileSync(p), lineage.smallObjects);
    const runId = newRunId();
    lineage.reapDeadRuns();
    // Executors: prepare once each (e.g. remove containers of crashed runs), fingerprint per task.
    const executors = new Map<string, ExecutorPlugin>();
    const executorPrints = new Map<string, unknown>();
    // Executor output while fingerprinting (e.g. an image build) is shown once RunStarted is out.
    const preLogs: { task: string; line: string; at: number }[] = [];
    const prepared = new Set<ExecutorPlugin>();
    for (const name of graph.order) {
      const t = graph.tasks.get(name)!;
      const ex = t.kind === "command" ? (t.spec as CommandTaskSpec<unknown, unknown, unknown>).executor : undefined;
      if (!ex) continue;
      executors.set(name, ex);
      if (!prepared.has(ex) && ex.prepare && !options.dryRun) {
        prepared.add(ex);
        await ex.prepare({ projectDir: paths.root, runId });
      }
      executorPrints.set(
        name,
        ex.fingerprint
          ? { name: ex.name, ...((await ex.fingerprint({ flow: graph.flow.name, task: name, flowDir, resources: t.spec.resources ?? {}, log: (line) => preLogs.push({ task: name, line, at: Date.now() }) })) as object) }
          : { name: ex.name },
      );
    }
    const codeHasher = moduleCodeHasher(loaded.graph, lineage);
    const statics = new Map<string, TaskStatics>();
    for (const name of graph.order) {
      statics.set(name, taskStatics(graph.tasks.get(name)!, {
        flow: graph.flow.name, flowDir, projectRoot: paths.root, hasher, code: codeHasher,
        executorFingerprint: (t) => executorPrints.get(t.name) ?? { name: "local" },
      }));
    }
    codeHasher.persist();
    const cx: RunContext = {
      runId, flowName: graph.flow.name, flowFile, flowDir, paths, graph, lineage, store, hasher, bus, options, statics, executors,
      outputs: new Map<string, TaskOutput>(), resolved: new Map(), executionIds: new Map(),
      durability: new Durability(store, lineage),
      preLogs,
    };
    const watchedFiles = [...new Set([...loaded.graph.modules.keys(), ...[...statics.values()].flatMap((s) => s.inputs.flatMap((i) => i.files.map((f) => f.abs)))])];
    return { cx, watchedFiles, close };
  } catch (e) {
    close();
    throw e;
  }
};

/** Loads, validates and runs a flow, publishing events on `bus`. Throws tagged errors for bad input. */
export const runFlow = async (options: RunOptions, bus: EventBus): Promise<RunSummary> => {
  const opened = await openRun(options, bus);
  try {
    const watched = [...opened.watchedFiles];
    const taskFiles = Object.fromEntries([...opened.cx.statics].map(([t, st]) => [t, st.inputs.flatMap((i) => i.files.map((f) => f.abs))]));
    options.onPlanned?.({ watchedFiles: watched, taskFiles });
    const summary = options.dryRun ? dryRun(opened.cx, watched) : await realRun(opened.cx, watched);
    return { ...summary, taskFiles, inputFiles: [...new Set(Object.values(taskFiles).flat())], ran: [...opened.cx.executionIds.keys()] };
  } finally {
    opened.close();
  }
};

const bulkCache = (cx: RunContext): CacheIndex =>
  cx.graph.order.length > 200 ? cx.lineage.allCacheEntries() : { get: (k) => cx.lineage.lookupCache(k) };

export const dryRun = (cx: RunContext, watchedFiles: string[]): RunSummary => {
  const cache = bulkCache(cx);
  const plan: { task: string; action: "cached" | "run" | "pending" | "skipped"; why: string }[] = [];
  const blocked = new Set<string>();
  for (const name of cx.graph.order) {
    const up = (cx.graph.deps.get(name) ?? []).find((d) => blocked.has(d.task));
    if (up) {
      blocked.add(name);
      plan.push({ task: name, action: "pending", why: `runs after "${up.task}"; restored from cache if its output is unchanged` });
      continue;
    }
    const r = resolveTask(cx, name, cache);
    if (r.kind === "cached") {
      cx.outputs.set(name, r.output);
      plan.push({ task: name, action: "cached", why: `key ${r.resolved.key.slice(0, 12)} from run ${r.entry.runId}` });
    } else if (r.kind === "skipped") {
      plan.push({ task: name, action: "skipped", why: r.reason });
    } else {
      blocked.add(name);
      const rs = r.resolved.reason;
      plan.push({ task: name, action: "run", why: rs.detail ?? rs.kind });
    }
  }
  const count = (a: string) => plan.filter((p) => p.action === a).length;
  return { runId: cx.runId, flow: cx.flowName, status: "succeeded", counts: { executed: count("run"), cached: count("cached"), failed: 0, cancelled: 0, skipped: count("skipped") }, plan, watchedFiles };
};

const realRun = async (cx: RunContext, watchedFiles: string[]): Promise<RunSummary> => {
  const started = Date.now();
  const { lineage, bus, graph } = cx;
  lineage.beginRun({
    id: cx.runId, flow: cx.flowName, flowFile: cx.flowFile, startedAt: started, targets: cx.options.targets,
    options: { concurrency: cx.options.concurrency, keepGoing: cx.options.keepGoing, force: cx.options.force === true ? true : cx.options.force === false ? false : [...cx.options.force], pools: cx.options.pools },
  });
  bus.publish({
    type: "RunStarted", runId: cx.runId, at: started, flow: cx.flowName, flowFile: cx.flowFile,
    tasks: graph.order.map((n) => ({ name: n, kind: graph.tasks.get(n)!.kind, deps: (graph.deps.get(n) ?? []).map((d) => d.task) })),
    ...(cx.options.watch ? { watch: cx.options.watch } : {}),
  });
  for (const l of cx.preLogs) bus.publish({ type: "TaskLogged", runId: cx.runId, task: l.task, at: l.at, stream: "log", line: l.line });
  const counts = { executed: 0, cached: 0, failed: 0, cancelled: 0, skipped: 0 };
  // Fast path: restore everything whose deps are already known, in topological order.
  const cache = bulkCache(cx);
  const restored: (StartExecution & { status: "cached" | "skipped"; outputHash: string | null; sourceExecutionId: number | null; errorText?: string | null })[] = [];
  const pending = new Set<string>();
  let status: RunFinished["status"] = "succeeded";
  try {
    for (const name of graph.order) {
      if ((graph.deps.get(name) ?? []).some((d) => pending.has(d.task))) {
        pending.add(name);
        continue;
      }
      const r = resolveTask(cx, name, cache);
      const t = graph.tasks.get(name)!;
      const row = { runId: cx.runId, flow: cx.flowName, task: name, kind: t.kind, startedAt: Date.now(), logPath: null };
      if (r.kind === "cached") {
        cx.outputs.set(name, r.output);
        counts.cached++;
        restored.push({ ...row, status: "cached", cacheKey: r.resolved.key, fingerprint: undefined, ingredients: undefined, reason: null, outputHash: r.entry.outputHash, sourceExecutionId: r.entry.executionId });
        bus.publish({ type: "TaskCached", runId: cx.runId, task: name, at: row.startedAt, key: r.resolved.key, fromRun: r.entry.runId });
      } else if (r.kind === "skipped") {
        counts.skipped++;
        restored.push({ ...row, status: "skipped", cacheKey: null, fingerprint: null, ingredients: null, reason: null, outputHash: null, sourceExecutionId: null, errorText: r.reason });
        bus.publish({ type: "TaskSkipped", runId: cx.runId, task: name, at: row.startedAt, reason: r.reason });
      } else {
        pending.add(name);
      }
    }
    lineage.recordRestored(restored);
    if (pending.size > 0) {
      // The spawner process boots (≈50 ms) while Effect and the scheduler load, not after.
      if ([...pending].some((n) => graph.tasks.get(n)!.kind === "command" && !cx.executors.has(n))) spawner().warmUp();
      // Loaded only now: Effect and the scheduler cost ~100 ms of start-up a no-op run never needs.
      const { executeRemaining } = await import("./Execution.js");
      const res = await executeRemaining(cx, [...pending], counts);
      status = res;
    }
  } catch (e) {
    status = "failed";
    await cx.durability.close();
    lineage.finishRun(cx.runId, status, counts, Date.now());
    throw e;
  }
  await cx.durability.close();
  const finishedAt = Date.now();
  lineage.finishRun(cx.runId, status, counts, finishedAt);
  bus.publish({ type: "RunFinished", runId: cx.runId, at: finishedAt, status, ...counts, durationMs: finishedAt - started });
  removeInBackground(resolve(cx.paths.tmp, cx.runId), resolve(cx.paths.tmp, "trash"));
  return { runId: cx.runId, flow: cx.flowName, status, counts, watchedFiles };
};

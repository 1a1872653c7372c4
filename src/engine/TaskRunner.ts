/**
 * Executes one attempt of a task: prepares its directories, hands it its inputs, runs it through
 * its executor, moves its outputs into the store, and commits the result to lineage — objects
 * durable first, then the row that names them.
 */
import { closeSync, mkdirSync, openSync, writeSync, readdirSync, readFileSync, statSync, symlinkSync, existsSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import type { CommandTaskSpec, FunctionTaskSpec, TaskContext } from "../dsl/Task.js";
import type { CommandInput } from "../executors/Executor.js";
import { localProcessExecutor } from "../executors/LocalProcessExecutor.js";
import { runFunction } from "../executors/FunctionExecutor.js";
import { canonicalJson, NotSerializableError } from "../hashing/CanonicalJson.js";
import type { ContentHash } from "../hashing/ContentHash.js";
import type { OutputTree, TreeEntry } from "../store/ArtifactStore.js";
import type { MetricPoint, OutputEdge } from "../lineage/LineageStore.js";
import { ExecutionRecorder, parseMetricLine } from "./ExecutionRecorder.js";
import { CommandExitError, MetricsFileError, TaskOutputError } from "./TaskError.js";
import type { Resolved, RunContext, TaskOutput } from "./RunContext.js";
import { makeTaskOutput } from "./TaskOutputs.js";
import { resolvedFile } from "./ResolvedFile.js";
import { recordModels, registeredMetrics } from "./ModelRecording.js";

/** Host environment variables every command gets (they never enter the cache key). */
const PASSTHROUGH_ENV = ["PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TERM", "SHELL", "TMPDIR"];

export interface AttemptResult {
  readonly output: TaskOutput;
}

/** Where a task's log goes: `.cairn/logs/<run>/<task>.log`. */
export const logPath = (cx: RunContext, task: string): string => join(cx.paths.logs, cx.runId, `${task}.log`);

/**
 * A log sink for one attempt: lines go to the task's log file and out as TaskLogged events. The
 * file is opened on the first line (most tasks print nothing) and kept open until `close`, so a
 * chatty task costs one write per line, not an open/write/close.
 */
export const taskLog = (cx: RunContext, task: string) => {
  const file = logPath(cx, task);
  let fd: number | undefined;
  return {
    file,
    write(stream: "stdout" | "stderr" | "log", line: string): void {
      if (fd === undefined) {
        mkdirSync(dirname(file), { recursive: true });
        fd = openSync(file, "a");
      }
      writeSync(fd, `${line}\n`);
      cx.bus.publish({ type: "TaskLogged", runId: cx.runId, task, at: Date.now(), stream, line });
    },
    close(): void {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
};

/** Walks an output directory: every regular file, sorted by path. */
const listOutputFiles = (root: string): string[] => {
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() || (e.isSymbolicLink() && statSync(p).isFile())) out.push(p);
    }
  };
  walk(root);
  return out.sort();
};

/** Parses `$CAIRN_OUT/metrics.json`: `{ name: number }` or `{ name: [{ step, value }] }`. */
const readMetricsFile = (task: string, file: string, display: string): MetricPoint[] => {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new MetricsFileError(task, display, (e as Error).message);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw new MetricsFileError(task, display, "the top level must be an object");
  const at = Date.now();
  const points: MetricPoint[] = [];
  for (const [name, v] of Object.entries(data)) {
    if (typeof v === "number" && Number.isFinite(v)) points.push({ name, value: v, step: null, at });
    else if (Array.isArray(v) && v.every((p) => typeof p?.value === "number")) {
      for (const p of v as { value: number; step?: number }[]) points.push({ name, value: p.value, step: p.step ?? null, at });
    } else throw new MetricsFileError(task, display, `"${name}" is neither a number nor a list of {step, value}`);
  }
  return points;
};

/** Runs whose tmp dir exists already. */
const runTmpMade = new WeakSet<RunContext>();

/** Runs attempt `attempt` of `task`, whose key and reason are already resolved. */
export const runAttempt = async (cx: RunContext, task: string, r: Resolved, attempt: number, signal: AbortSignal, executionId: number): Promise<AttemptResult> => {
  const log = taskLog(cx, task);
  try {
    return await attemptWithLog(cx, task, r, attempt, signal, executionId, log);
  } finally {
    log.close();
  }
};

const attemptWithLog = async (cx: RunContext, task: string, r: Resolved, attempt: number, signal: AbortSignal, executionId: number, log: ReturnType<typeof taskLog>): Promise<AttemptResult> => {
  const t = cx.graph.tasks.get(task)!;
  const statics = cx.statics.get(task)!;
  // Flat names under the run's tmp dir ('@' never occurs in a task name): two mkdirs per command
  // attempt instead of the six a nested <task>/a<n>/out layout took (mkdir showed up at ~0.8 ms
  // per task in cold-run profiles). Unique per run, task and attempt: nothing to clean first; the
  // whole run's tmp dir goes at the end. Function tasks create theirs on first use of ctx.outDir /
  // ctx.tmpDir (most never write files).
  const runTmp = join(cx.paths.tmp, cx.runId);
  const outDir = join(runTmp, `${task}@${attempt}.out`);
  const tmpDir = join(runTmp, `${task}@${attempt}.tmp`);
  if (t.kind === "command") {
    if (!runTmpMade.has(cx)) {
      mkdirSync(runTmp, { recursive: true });
      runTmpMade.add(cx);
    }
    mkdirSync(outDir);
    mkdirSync(tmpDir);
  }
  const recorder = new ExecutionRecorder((m) =>
    cx.bus.publish({ type: "TaskMetricLogged", runId: cx.runId, task, at: m.at, name: m.name, value: m.value, step: m.step }),
  );
  const params = (t.spec.params ?? {}) as Record<string, unknown>;
  const deps = cx.graph.deps.get(task) ?? [];
  let value: unknown = undefined;
  let metricsError: MetricsFileError | undefined;

  try {
    if (t.kind === "function") {
      const args: Record<string, unknown> = {};
      for (const d of deps) {
        const o = cx.outputs.get(d.task)!;
        args[d.key] = o.tree.value !== null ? o.value() : { path: o.dir() };
      }
      for (const i of statics.inputs) {
        if (i.spec._tag === "file") args[i.key] = resolvedFile(i.absPath);
        else if (i.spec._tag === "dir") args[i.key] = { path: i.absPath };
        else args[i.key] = { paths: i.files.map((f) => f.abs), files: i.files.map((f) => resolvedFile(f.abs)) };
      }
      const spec = t.spec as FunctionTaskSpec<unknown, unknown, unknown, unknown>;
      value = await runFunction(spec.run as (a: Record<string, unknown>, c: TaskContext) => unknown, {
        task, runId: cx.runId, attempt, params, args, outDir, tmpDir, signal,
        log: (line) => log.write("log", line),
        report: (title, text) => {
          for (const line of `${title}\n${text}`.split("\n")) log.write("log", line);
          cx.bus.publish({ type: "TaskReported", runId: cx.runId, task, at: Date.now(), title, text });
        },
        recorder,
        modelMetrics: (name, ref) => registeredMetrics(cx.lineage.db, name, ref),
      });
    } else {
      const spec = t.spec as CommandTaskSpec<unknown, unknown, unknown>;
      const inputs: CommandInput[] = [];
      for (const d of deps) {
        const o = cx.outputs.get(d.task)!;
        const dir = o.dir();
        const onlyValue = o.tree.files.length === 0 && o.tree.value !== null;
        inputs.push({ name: d.key, envVar: `CAIRN_IN_${d.key}`, hostPath: onlyValue ? join(dir, "value.json") : dir, kind: "dep" });
      }
      for (const i of statics.inputs) {
        let hostPath = i.absPath;
        if (i.spec._tag === "glob") {
          // A glob becomes a directory of links mirroring the matched files' relative paths.
          hostPath = join(tmpDir, "in", i.key);
          for (const f of i.files) {
            const link = join(hostPath, relative(cx.flowDir, f.abs));
            mkdirSync(dirname(link), { recursive: true });
            symlinkSync(f.abs, link);
          }
          mkdirSync(hostPath, { recursive: true });
        }
        inputs.push({ name: i.key, envVar: `CAIRN_IN_${i.key}`, hostPath, kind: i.spec._tag });
      }
      const env: Record<string, string> = {};
      for (const k of PASSTHROUGH_ENV) if (process.env[k] !== undefined) env[k] = process.env[k]!;
      for (const k of spec.env ?? []) if (process.env[k] !== undefined) env[k] = process.env[k]!;
      for (const i of inputs) env[i.envVar] = i.hostPath;
      for (const [k, v] of Object.entries(params)) env[`CAIRN_PARAM_${k}`] = typeof v === "string" ? v : JSON.stringify(v);
      Object.assign(env, { CAIRN_OUT: outDir, CAIRN_TMP: tmpDir, CAIRN_RUN_ID: cx.runId, CAIRN_TASK: task, CAIRN_ATTEMPT: String(attempt) });
      const executor = spec.executor ?? localProcessExecutor;
      const result = await executor.run({
        runId: cx.runId, flow: cx.flowName, task, attempt,
        command: typeof spec.cmd === "string" ? { shell: spec.cmd } : { argv: spec.cmd },
        env, inputs, outDir, tmpDir,
        cwd: resolve(cx.flowDir, spec.cwd ?? "."),
        resources: spec.resources ?? {},
        signal,
        log: (stream, line) => {
          const m = parseMetricLine(line);
          if (m) recorder.metric(m.name, m.value, m.step);
          log.write(stream, line);
        },
      });
      if (signal.aborted) throw signal.reason ?? new Error("aborted");
      if (result.exitCode !== 0) throw new CommandExitError(task, result.exitCode, result.signal ?? null, result.tail);
      const mf = join(outDir, "metrics.json");
      if (existsSync(mf)) {
        try {
          for (const m of readMetricsFile(task, mf, `${task}/metrics.json ($CAIRN_OUT/metrics.json)`)) recorder.metric(m.name, m.value, m.step ?? undefined);
        } catch (e) {
          metricsError = e as MetricsFileError;
        }
      }
    }
  } catch (e) {
    if (metricsError === undefined) throw e;
  }

  // Outputs: the value as a JSON blob, files moved from outDir into the store.
  let valueHash: ContentHash | null = null;
  if (value !== undefined) {
    let text: string;
    try {
      text = canonicalJson(value, "result");
    } catch (e) {
      if (e instanceof NotSerializableError) throw new TaskOutputError(task, e.path, e.kind);
      throw e;
    }
    valueHash = cx.store.putBytes(Buffer.from(text, "utf8"));
  }
  // A command's outDir stays as the directory its downstream commands read ($CAIRN_IN_<dep>): its
  // files become store objects by hard link, so no second directory of links is made for them.
  const keepOutDir = t.kind === "command";
  const files: TreeEntry[] = [];
  for (const abs of listOutputFiles(outDir)) {
    const st = statSync(abs);
    const { hash, size } = cx.store.putFile(abs, { mode: keepOutDir ? "link" : "move" });
    files.push({ path: relative(outDir, abs).split("\\").join("/"), hash, size, executable: (st.mode & 0o111) !== 0 });
  }
  const tree: OutputTree = { version: 1, value: valueHash, files };
  const outputHash = cx.store.putTree(tree);
  const models = metricsError ? undefined : recordModels(cx, task, recorder.models, outDir, tree);
  // Durability: objects are fsynced in batches by the engine's durability barrier, before the WAL
  // checkpoint that makes this row durable (see Durability.ts).

  const outputs: (OutputEdge & { kind: "blob" | "tree" })[] = [
    { name: "tree", hash: outputHash, size: files.reduce((s, f) => s + f.size, 0), kind: "tree" },
    ...(valueHash ? [{ name: "value", hash: valueHash, size: 0, kind: "blob" as const }] : []),
    ...files.map((f) => ({ name: f.path, path: f.path, hash: f.hash, size: f.size, kind: "blob" as const })),
  ];
  const facts = {
    inputs: [...statics.inputEdges, ...r.depEdges.map((d) => ({ kind: "dep" as const, name: d.key, path: d.task, hash: d.outputHash, upstreamExecutionId: d.executionId }))],
    params,
    metrics: recorder.metrics,
    tags: { ...recorder.tags, ...Object.fromEntries(recorder.artifacts.map((a) => [`artifact:${a.name}`, a.path])) },
  };
  if (metricsError) {
    cx.lineage.failExecution(executionId, { status: "failed", finishedAt: Date.now(), durationMs: null, attempts: attempt, errorTag: metricsError._tag, errorText: metricsError.message, facts, outputs });
    throw metricsError;
  }
  const finishedAt = Date.now();
  const cache = t.spec.cache !== false;
  cx.lineage.succeedExecution(executionId, {
    task, cacheKey: r.key, finishedAt, durationMs: null, attempts: attempt, outputHash, valueHash, outputs, facts, cache,
    extra: models,
    release: { key: r.key, runId: cx.runId },
  });
  cx.durability.committed();
  return { output: makeTaskOutput(cx, task, executionId, outputHash, tree, value, keepOutDir ? outDir : undefined) };
};

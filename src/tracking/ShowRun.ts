/**
 * `cairn show <run>`: one run with every execution, its status, timings, cache source, error,
 * inputs, outputs, metrics, params, tags and the model versions it registered.
 */
import type { Db } from "../lineage/Database.js";
import type { ExecutionRow, RunRow } from "../lineage/LineageStore.js";
import type { RunView } from "./RunDetails.js";
import { loadFacts, runHeader } from "./RunDetails.js";
import { resolveRunId } from "./RunRef.js";
import { isoTime } from "./Table.js";

/** One execution of a run, with the facts of the execution that produced its outputs. */
export interface ExecutionView {
  readonly id: number;
  readonly task: string;
  readonly kind: string;
  readonly status: string;
  readonly attempts: number;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly durationMs: number | null;
  readonly cacheKey: string | null;
  readonly outputHash: string | null;
  /** For cache hits: the execution (and run) whose outputs were restored. */
  readonly source: { readonly execution: number; readonly run: string } | null;
  readonly error: { readonly tag: string | null; readonly text: string } | null;
  readonly metrics: Record<string, number>;
  readonly params: Record<string, unknown>;
  readonly tags: Record<string, string>;
  readonly inputs: ReadonlyArray<{ kind: string; name: string; path: string | null; hash: string; size: number | null }>;
  readonly outputs: ReadonlyArray<{ name: string; path: string | null; hash: string; size: number }>;
  readonly logPath: string | null;
  /** Why it ran (the engine's recorded reason), parsed from JSON when possible. */
  readonly reason: unknown;
}

export interface RunShow extends RunView {
  readonly targets: ReadonlyArray<string>;
  readonly options: unknown;
  readonly executions: ReadonlyArray<ExecutionView>;
  readonly models: ReadonlyArray<{ readonly name: string; readonly version: number; readonly task: string }>;
}

const parse = (text: string | null): unknown => {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** Loads everything `cairn show` prints for the run `ref` names. */
export const showRun = (db: Db, ref: string): RunShow => {
  const id = resolveRunId(db, ref);
  const run = db.prepare(`SELECT * FROM runs WHERE id = ?`).get(id) as RunRow;
  const execs = db.prepare(`SELECT * FROM executions WHERE run_id = ? ORDER BY id`).all(id) as ExecutionRow[];
  const sourceRuns = db.prepare(`SELECT run_id FROM executions WHERE id = ?`).pluck();
  const tagsOf = db.prepare(`SELECT key, value FROM tags WHERE execution_id = ?`);
  const inputsOf = db.prepare(`SELECT kind, name, path, hash, size FROM execution_inputs WHERE execution_id = ? ORDER BY kind, name`);
  const outputsOf = db.prepare(`SELECT name, path, hash, size FROM execution_outputs WHERE execution_id = ? ORDER BY name`);
  const metricsOf = db.prepare(`SELECT name, value FROM metrics WHERE execution_id = ? ORDER BY COALESCE(step, -1), at, rowid`);
  const paramsOf = db.prepare(`SELECT name, value FROM params WHERE execution_id = ?`);
  const executions = execs.map((e): ExecutionView => {
    const factId = e.source_execution_id ?? e.id;
    const metrics: Record<string, number> = {};
    for (const m of metricsOf.all(factId) as Array<{ name: string; value: number }>) metrics[m.name] = m.value;
    const params: Record<string, unknown> = {};
    for (const p of paramsOf.all(factId) as Array<{ name: string; value: string }>) params[p.name] = parse(p.value);
    const tags: Record<string, string> = {};
    for (const t of tagsOf.all(factId) as Array<{ key: string; value: string }>) tags[t.key] = t.value;
    return {
      id: e.id,
      task: e.task,
      kind: e.kind,
      status: e.status,
      attempts: e.attempts,
      startedAt: isoTime(e.started_at)!,
      finishedAt: isoTime(e.finished_at),
      durationMs: e.duration_ms,
      cacheKey: e.cache_key,
      outputHash: e.output_hash,
      source: e.source_execution_id === null ? null : { execution: e.source_execution_id, run: (sourceRuns.get(e.source_execution_id) as string | undefined) ?? "?" },
      error: e.error_text === null ? null : { tag: e.error_tag, text: e.error_text },
      metrics,
      params,
      tags,
      inputs: inputsOf.all(factId) as ExecutionView["inputs"],
      outputs: outputsOf.all(factId) as ExecutionView["outputs"],
      logPath: e.log_path,
      reason: parse(e.reason),
    };
  });
  const models = db
    .prepare(`SELECT v.model AS name, v.version, e.task FROM model_versions v JOIN executions e ON e.id = v.execution_id WHERE v.run_id = ? ORDER BY v.model, v.version`)
    .all(id) as RunShow["models"];
  const facts = loadFacts(db, [id]).get(id)!;
  return { ...runHeader(run), ...facts, targets: parse(run.targets) as string[], options: parse(run.options), executions, models };
};

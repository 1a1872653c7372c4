/**
 * Loads runs with the metrics and params of their executions, keyed by task. Cached executions
 * show the facts of the execution that produced their outputs (`source_execution_id`): a cache hit
 * keeps reporting the accuracy of the training it reused.
 */
import type { Db } from "../lineage/Database.js";
import type { RunRow } from "../lineage/LineageStore.js";
import { isoTime } from "./Table.js";

/** A run as `cairn runs --json` prints it (pinned: id, flow, status, startedAt, metrics, params). */
export interface RunView {
  readonly id: string;
  readonly flow: string;
  readonly flowFile: string;
  readonly status: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly durationMs: number | null;
  readonly user: string | null;
  readonly host: string | null;
  readonly counts: { readonly executed: number; readonly cached: number; readonly failed: number; readonly cancelled: number; readonly skipped: number };
  /** task → metric name → last value (highest step, then latest). */
  readonly metrics: Record<string, Record<string, number>>;
  /** task → param name → value. */
  readonly params: Record<string, Record<string, unknown>>;
}

/** SQLite's default limit on bound parameters is 32766; stay far below it. */
const CHUNK = 900;

/** Runs `f` over `items` in chunks, concatenating results (for `IN (…)` lists). */
export const inChunks = <T, R>(items: ReadonlyArray<T>, f: (chunk: ReadonlyArray<T>, placeholders: string) => ReadonlyArray<R>): R[] => {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += CHUNK) {
    const chunk = items.slice(i, i + CHUNK);
    out.push(...f(chunk, chunk.map(() => "?").join(",")));
  }
  return out;
};

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** Executions of the given runs with the id whose facts they carry (their own, or their source's). */
const factExecutions = (db: Db, runIds: ReadonlyArray<string>) =>
  inChunks(runIds, (chunk, ph) =>
    db
      .prepare(`SELECT id, run_id AS runId, task, COALESCE(source_execution_id, id) AS factId FROM executions WHERE run_id IN (${ph}) AND status <> 'skipped' ORDER BY id`)
      .all(...chunk) as Array<{ id: number; runId: string; task: string; factId: number }>,
  );

/**
 * Metrics and params by task for each run. One query per fact table per chunk, so 1,000 runs
 * cost a few milliseconds, not a thousand round trips.
 */
export const loadFacts = (
  db: Db,
  runIds: ReadonlyArray<string>,
): Map<string, { metrics: Record<string, Record<string, number>>; params: Record<string, Record<string, unknown>> }> => {
  const out = new Map<string, { metrics: Record<string, Record<string, number>>; params: Record<string, Record<string, unknown>> }>();
  for (const id of runIds) out.set(id, { metrics: {}, params: {} });
  const execs = factExecutions(db, runIds);
  const byFact = new Map<number, Array<{ runId: string; task: string }>>();
  for (const e of execs) {
    const list = byFact.get(e.factId);
    if (list) list.push(e);
    else byFact.set(e.factId, [e]);
  }
  const factIds = [...byFact.keys()];
  const metricRows = inChunks(factIds, (chunk, ph) =>
    db
      .prepare(`SELECT execution_id AS e, name, value FROM metrics WHERE execution_id IN (${ph}) ORDER BY execution_id, COALESCE(step, -1), at, rowid`)
      .all(...chunk) as Array<{ e: number; name: string; value: number }>,
  );
  for (const m of metricRows) {
    for (const user of byFact.get(m.e) ?? []) ((out.get(user.runId)!.metrics[user.task] ??= {})[m.name] = m.value);
  }
  const paramRows = inChunks(factIds, (chunk, ph) =>
    db.prepare(`SELECT execution_id AS e, name, value FROM params WHERE execution_id IN (${ph})`).all(...chunk) as Array<{ e: number; name: string; value: string }>,
  );
  for (const p of paramRows) {
    const value = parseJson(p.value);
    for (const user of byFact.get(p.e) ?? []) ((out.get(user.runId)!.params[user.task] ??= {})[p.name] = value);
  }
  return out;
};

/** Turns a `runs` row into the JSON view (without facts). */
export const runHeader = (r: RunRow): Omit<RunView, "metrics" | "params"> => ({
  id: r.id,
  flow: r.flow,
  flowFile: r.flow_file,
  status: r.status,
  startedAt: isoTime(r.started_at)!,
  finishedAt: isoTime(r.finished_at),
  durationMs: r.finished_at === null ? null : r.finished_at - r.started_at,
  user: r.user,
  host: r.host,
  counts: { executed: r.executed, cached: r.cached, failed: r.failed, cancelled: r.cancelled, skipped: r.skipped },
});

/** Loads the given runs (in the given order) with their facts. */
export const loadRuns = (db: Db, runIds: ReadonlyArray<string>): RunView[] => {
  const rows = inChunks(runIds, (chunk, ph) => db.prepare(`SELECT * FROM runs WHERE id IN (${ph})`).all(...chunk) as RunRow[]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const facts = loadFacts(db, runIds);
  return runIds.flatMap((id) => {
    const r = byId.get(id);
    return r ? [{ ...runHeader(r), ...facts.get(id)! }] : [];
  });
};

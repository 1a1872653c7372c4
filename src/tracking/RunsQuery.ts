/**
 * `cairn runs`: recent runs, optionally filtered (`--where "accuracy>0.9"`), sorted
 * (`--sort -f1`) and with chosen metric/param columns. Filtering and sorting read one metric's
 * rows through the `metrics(name, execution_id, …)` index, so 30,000 runs answer in milliseconds.
 */
import type { Db } from "../lineage/Database.js";
import type { Condition } from "./Condition.js";
import { holds, parseCondition, splitConditions } from "./Condition.js";
import type { RunView } from "./RunDetails.js";
import { inChunks, loadRuns } from "./RunDetails.js";
import { InvalidOptionError, UnknownFieldError, WhereSyntaxError } from "./TrackingError.js";

/** What to list. `limit: null` lists every matching run. */
export interface RunsQueryOptions {
  readonly flow?: string | undefined;
  readonly status?: string | undefined;
  readonly metrics?: ReadonlyArray<string>;
  readonly params?: ReadonlyArray<string>;
  readonly where?: ReadonlyArray<string>;
  readonly sort?: string | undefined;
  readonly limit?: number | null;
}

/**
 * A metric or param a column, condition or sort refers to. `task` restricts it to one task
 * (`evaluate.accuracy`, `params.train.trees`); without it the run's latest execution that
 * recorded the name wins.
 */
export interface Field {
  readonly kind: "metric" | "param";
  readonly task: string | null;
  readonly name: string;
  readonly label: string;
}

export interface RunsResult {
  readonly runs: ReadonlyArray<RunView>;
  readonly metricColumns: ReadonlyArray<Field>;
  readonly paramColumns: ReadonlyArray<Field>;
  /** runId → column label → value, for the table. */
  readonly columns: ReadonlyMap<string, Readonly<Record<string, number | string>>>;
  /** How many runs matched before `limit`. */
  readonly matched: number;
}

const BUILTIN_SORTS = new Set(["started", "duration", "status", "flow", "id"]);

const exists = (db: Db, kind: Field["kind"], name: string): boolean =>
  db.prepare(kind === "metric" ? `SELECT 1 FROM metrics WHERE name = ? LIMIT 1` : `SELECT 1 FROM params WHERE name = ? LIMIT 1`).get(name) !== undefined;

const knownNames = (db: Db, kind: Field["kind"]): string[] =>
  db.prepare(kind === "metric" ? `SELECT DISTINCT name FROM metrics ORDER BY name` : `SELECT DISTINCT name FROM params ORDER BY name`).pluck().all() as string[];

/** Resolves `accuracy`, `evaluate.accuracy`, `params.trees` or `params.train.trees`; throws UnknownFieldError. */
export const resolveField = (db: Db, text: string, option: string): Field => {
  const isParam = text.startsWith("params.") || text.startsWith("param.");
  const kind: Field["kind"] = isParam ? "param" : "metric";
  const rest = isParam ? text.slice(text.indexOf(".") + 1) : text;
  if (rest.length > 0 && exists(db, kind, rest)) return { kind, task: null, name: rest, label: text };
  const dot = rest.indexOf(".");
  if (dot > 0 && exists(db, kind, rest.slice(dot + 1))) return { kind, task: rest.slice(0, dot), name: rest.slice(dot + 1), label: text };
  throw new UnknownFieldError(kind, rest, option, knownNames(db, kind).map((n) => (isParam ? `params.${n}` : n)));
};

/**
 * Each run's value of `field`, scoped to a flow and/or a set of runs. Cached executions carry
 * the value of their source execution. When several executions of a run recorded it, the latest
 * (by execution id, then step, then time) wins.
 */
export const fieldValues = (db: Db, field: Field, scope: { flow?: string | undefined; runIds?: ReadonlyArray<string> }): Map<string, number | string> => {
  if (field.kind === "metric" && field.task === null) return summaryValues(db, field.name, scope);
  const table = field.kind === "metric" ? "metrics" : "params";
  const cols = field.kind === "metric" ? "f.value AS v, COALESCE(f.step, -1) AS step, f.at AS at" : "f.value AS v, 0 AS step, 0 AS at";
  const where = (alias: string) =>
    [field.task === null ? "" : ` AND ${alias}.task = @task`, scope.flow === undefined ? "" : ` AND ${alias}.flow = @flow`].join("");
  const sql = (runFilter: string) => `
    SELECT e.run_id AS run, e.id AS eid, ${cols} FROM ${table} f JOIN executions e ON e.id = f.execution_id
      WHERE f.name = @name${where("e")}${runFilter.replaceAll("$", "e")}
    UNION ALL
    SELECT c.run_id AS run, c.id AS eid, ${cols} FROM ${table} f JOIN executions c ON c.source_execution_id = f.execution_id
      WHERE f.name = @name${where("c")}${runFilter.replaceAll("$", "c")}`;
  const params = { name: field.name, ...(field.task === null ? {} : { task: field.task }), ...(scope.flow === undefined ? {} : { flow: scope.flow }) };
  type Row = { run: string; eid: number; v: number | string; step: number; at: number };
  const rows: Row[] =
    scope.runIds === undefined
      ? (db.prepare(sql("")).all(params) as Row[])
      : inChunks(scope.runIds, (chunk) => {
          const named = Object.fromEntries(chunk.map((id, i) => [`r${i}`, id]));
          const list = chunk.map((_, i) => `@r${i}`).join(",");
          return db.prepare(sql(` AND $.run_id IN (${list})`)).all({ ...params, ...named }) as Row[];
        });
  const best = new Map<string, Row>();
  for (const r of rows) {
    const b = best.get(r.run);
    if (!b || r.eid > b.eid || (r.eid === b.eid && (r.step > b.step || (r.step === b.step && r.at >= b.at)))) best.set(r.run, r);
  }
  const out = new Map<string, number | string>();
  for (const [run, r] of best) out.set(run, field.kind === "param" ? paramValue(r.v as string) : (r.v as number));
  return out;
};

const paramValue = (json: string): number | string => {
  try {
    const v = JSON.parse(json) as unknown;
    return typeof v === "number" ? v : typeof v === "string" ? v : JSON.stringify(v);
  } catch {
    return json;
  }
};

/** Each run's latest value of an unqualified metric, from the trigger-maintained `run_metrics` table. */
const summaryValues = (db: Db, name: string, scope: { flow?: string | undefined; runIds?: ReadonlyArray<string> }): Map<string, number | string> => {
  const rows =
    scope.runIds !== undefined
      ? inChunks(scope.runIds, (chunk, ph) =>
          db.prepare(`SELECT run_id AS run, value AS v FROM run_metrics WHERE name = ? AND run_id IN (${ph})`).all(name, ...chunk) as Array<{ run: string; v: number }>,
        )
      : scope.flow !== undefined
        ? (db.prepare(`SELECT m.run_id AS run, m.value AS v FROM run_metrics m JOIN runs r ON r.id = m.run_id WHERE m.name = ? AND r.flow = ?`).all(name, scope.flow) as Array<{ run: string; v: number }>)
        : (db.prepare(`SELECT run_id AS run, value AS v FROM run_metrics WHERE name = ?`).all(name) as Array<{ run: string; v: number }>);
  return new Map(rows.map((r) => [r.run, r.v]));
};

const SQL_OP: Record<Condition["op"], string> = { ">": ">", ">=": ">=", "<": "<", "<=": "<=", "=": "=", "!=": "<>" };

/**
 * The scale path: when every condition compares an unqualified metric with a number, filtering and
 * sorting run in SQL over the covering index `run_metrics(name, value, run_id)`. The first condition
 * drives an index range scan, the others are primary-key probes, and a sort on the same metric
 * reads the index in order, so only `limit` rows are produced and a COUNT over the index gives the
 * total: 30,000 runs answer in milliseconds. Ties go to the newer run id (ids sort by start time).
 * Returns undefined when the query needs the general path (params, task-qualified metrics, text).
 */
const sqlPath = (
  db: Db,
  conditions: ReadonlyArray<{ c: Condition; field: Field }>,
  sort: SortKey,
  filter: { flow?: string | undefined; status?: string | undefined },
  limit: number | null,
): { ids: string[]; matched: number } | undefined => {
  const simple = (f: Field | null) => f !== null && f.kind === "metric" && f.task === null;
  if (!conditions.every(({ c, field }) => simple(field) && typeof c.value === "number")) return undefined;
  if (sort.field !== null && !simple(sort.field)) return undefined;
  const dir = sort.desc ? "DESC" : "ASC";
  const lim = limit === null ? "" : ` LIMIT ${Math.max(0, Math.floor(limit))}`;
  const bind: Record<string, string | number> = {};
  const runFilters: string[] = [];
  if (filter.flow !== undefined) (runFilters.push("r.flow = @flow"), (bind.flow = filter.flow));
  if (filter.status !== undefined) (runFilters.push("r.status = @status"), (bind.status = filter.status));
  const builtinOrder = (): string =>
    sort.builtin === "duration"
      ? `(r.finished_at IS NULL), (r.finished_at - r.started_at) ${dir}, r.started_at DESC, r.id DESC`
      : `r.${sort.builtin === "started" ? "started_at" : sort.builtin} ${dir}, r.started_at DESC, r.id DESC`;
  const all = <T>(sql: string): T[] => db.prepare(sql).pluck().all(bind) as T[];

  if (conditions.length === 0) {
    const runWhere = runFilters.length > 0 ? `WHERE ${runFilters.join(" AND ")}` : "";
    const matched = all<number>(`SELECT COUNT(*) FROM runs r ${runWhere}`)[0]!;
    if (sort.field === null) return { ids: all<string>(`SELECT r.id FROM runs r ${runWhere} ORDER BY ${builtinOrder()}${lim}`), matched };
    // Runs with the metric in index order, then (if room is left) the runs without it, newest first.
    bind.sortName = sort.field.name;
    const join = runFilters.length > 0 ? `JOIN runs r ON r.id = m.run_id AND ${runFilters.join(" AND ")}` : "";
    const ids = all<string>(`SELECT m.run_id FROM run_metrics m ${join} WHERE m.name = @sortName ORDER BY m.value ${dir}, m.run_id DESC${lim}`);
    if (limit === null || ids.length < limit) {
      const rest = limit === null ? "" : ` LIMIT ${limit - ids.length}`;
      const without = `NOT EXISTS (SELECT 1 FROM run_metrics m WHERE m.run_id = r.id AND m.name = @sortName)`;
      ids.push(...all<string>(`SELECT r.id FROM runs r WHERE ${[...runFilters, without].join(" AND ")} ORDER BY r.started_at DESC, r.id DESC${rest}`));
    }
    return { ids, matched };
  }

  const joins: string[] = [];
  const wheres: string[] = [];
  conditions.forEach(({ c, field }, i) => {
    bind[`n${i}`] = field.name;
    bind[`v${i}`] = c.value;
    if (i === 0) wheres.push(`w0.name = @n0 AND w0.value ${SQL_OP[c.op]} @v0`);
    else joins.push(`JOIN run_metrics w${i} ON w${i}.run_id = w0.run_id AND w${i}.name = @n${i} AND w${i}.value ${SQL_OP[c.op]} @v${i}`);
  });
  const needRuns = runFilters.length > 0 || sort.field === null;
  if (needRuns) joins.unshift(`JOIN runs r ON r.id = w0.run_id`);
  wheres.push(...runFilters);
  let order: string;
  const same = sort.field === null ? -1 : conditions.findIndex(({ field }) => field.name === sort.field!.name);
  if (sort.field === null) order = builtinOrder();
  else if (same >= 0) order = `w${same}.value ${dir}, w0.run_id DESC`;
  else {
    bind.sortName = sort.field.name;
    joins.push(`LEFT JOIN run_metrics s ON s.run_id = w0.run_id AND s.name = @sortName`);
    order = `(s.value IS NULL), s.value ${dir}, w0.run_id DESC`;
  }
  const from = `FROM run_metrics w0 ${joins.join(" ")} WHERE ${wheres.join(" AND ")}`;
  return { ids: all<string>(`SELECT w0.run_id ${from} ORDER BY ${order}${lim}`), matched: all<number>(`SELECT COUNT(*) ${from}`)[0]! };
};

/** Parses every `--where` option into conditions, or throws WhereSyntaxError naming the bad one. */
export const parseWhere = (expressions: ReadonlyArray<string>): Condition[] =>
  expressions.flatMap((expr) => {
    const parts = splitConditions(expr);
    if (parts.length === 0) throw new WhereSyntaxError(expr, "it is empty");
    return parts.map((p) => {
      const c = parseCondition(p);
      if (!c) throw new WhereSyntaxError(expr, `"${p}" is not <field><op><value>`);
      return c;
    });
  });

type SortKey = { readonly desc: boolean; readonly builtin: string | null; readonly field: Field | null };

const parseSort = (db: Db, sort: string | undefined): SortKey => {
  const text = (sort ?? "-started").trim();
  const desc = text.startsWith("-");
  const name = text.replace(/^[-+]/, "");
  if (name.length === 0) throw new InvalidOptionError("--sort", text, "a field name with an optional leading - for descending, e.g. --sort -accuracy");
  if (BUILTIN_SORTS.has(name)) return { desc, builtin: name, field: null };
  return { desc, builtin: null, field: resolveField(db, name, "--sort") };
};

const compare = (a: number | string | undefined, b: number | string | undefined, desc: boolean): number => {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1; // missing values last either way
  const c = typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b));
  return desc ? -c : c;
};

/** Filters and sorts in JS over per-run field values: params, task-qualified metrics, text comparisons. */
const generalPath = (
  db: Db,
  conditions: ReadonlyArray<{ c: Condition; field: Field }>,
  sort: SortKey,
  whereSql: string,
  bind: Record<string, string>,
  flow: string | undefined,
  limit: number | null,
): { ids: string[]; matched: number } => {
  type Candidate = { id: string; started: number; duration: number | null; status: string; flow: string };
  // Each condition narrows the set to runs that recorded the field with a passing value.
  let pass: Set<string> | undefined;
  for (const { c, field } of conditions) {
    const ok = new Set<string>();
    for (const [run, v] of fieldValues(db, field, { flow })) if ((pass === undefined || pass.has(run)) && holds(c, v)) ok.add(run);
    pass = ok;
  }
  const all = db.prepare(`SELECT id, started_at AS started, finished_at - started_at AS duration, status, flow FROM runs ${whereSql}`).all(bind) as Candidate[];
  const candidates = pass === undefined ? all : all.filter((r) => pass.has(r.id));
  const sortValues = sort.field ? fieldValues(db, sort.field, { flow }) : undefined;
  const key = (r: Candidate): number | string | undefined =>
    sortValues ? sortValues.get(r.id) : sort.builtin === "duration" ? (r.duration ?? undefined) : sort.builtin === "status" ? r.status : sort.builtin === "flow" ? r.flow : sort.builtin === "id" ? r.id : r.started;
  candidates.sort((a, b) => compare(key(a), key(b), sort.desc) || b.started - a.started);
  const ids = (limit === null ? candidates : candidates.slice(0, Math.max(0, limit))).map((r) => r.id);
  return { ids, matched: candidates.length };
};

/** Answers `cairn runs`. */
export const queryRuns = (db: Db, o: RunsQueryOptions): RunsResult => {
  const conditions = parseWhere(o.where ?? []).map((c) => ({ c, field: resolveField(db, c.field, "--where") }));
  const sort = parseSort(db, o.sort);
  const metricColumns = (o.metrics ?? []).map((m) => resolveField(db, m, "--metrics"));
  const paramColumns = (o.params ?? []).map((p) => resolveField(db, p.startsWith("params.") ? p : `params.${p}`, "--params"));
  const limit = o.limit === undefined ? 20 : o.limit;
  const filters = [o.flow === undefined ? "" : "flow = @flow", o.status === undefined ? "" : "status = @status"].filter((s) => s !== "");
  const whereSql = filters.length > 0 ? `WHERE ${filters.join(" AND ")}` : "";
  const bind = { ...(o.flow === undefined ? {} : { flow: o.flow }), ...(o.status === undefined ? {} : { status: o.status }) };

  let ids: string[];
  let matched: number;
  if (conditions.length === 0 && sort.builtin === "started") {
    // The common case reads only the newest rows through the runs(started_at) index.
    const order = `ORDER BY started_at ${sort.desc ? "DESC" : "ASC"}, id ${sort.desc ? "DESC" : "ASC"}`;
    ids = db.prepare(`SELECT id FROM runs ${whereSql} ${order} ${limit === null ? "" : `LIMIT ${Math.max(0, Math.floor(limit))}`}`).pluck().all(bind) as string[];
    matched = limit === null ? ids.length : (db.prepare(`SELECT COUNT(*) FROM runs ${whereSql}`).pluck().get(bind) as number);
  } else {
    const viaSql = sqlPath(db, conditions, sort, { flow: o.flow, status: o.status }, limit);
    if (viaSql !== undefined) ({ ids, matched } = viaSql);
    else {
      ({ ids, matched } = generalPath(db, conditions, sort, whereSql, bind, o.flow, limit));
    }
  }

  const runs = loadRuns(db, ids);
  const columns = new Map<string, Record<string, number | string>>(ids.map((id) => [id, {}]));
  for (const f of [...metricColumns, ...paramColumns]) {
    for (const [run, v] of fieldValues(db, f, { runIds: ids })) columns.get(run)![f.label] = v;
  }
  return { runs, metricColumns, paramColumns, columns, matched };
};

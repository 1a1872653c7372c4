/**
 * OpenLineage export: each cairn run becomes a parent job run (`<flow>`) and each task execution
 * a child run (`<flow>.<task>`), with START and COMPLETE/FAIL/ABORT events, file and upstream-output
 * datasets versioned by content hash, and a `cairn` facet with params, metrics and cache facts.
 * Events follow spec 2-0-2 (test/fixtures/openlineage/OpenLineage.json).
 */
import { createHash } from "node:crypto";
import { posix } from "node:path";
import type { Db } from "../lineage/Database.js";
import type { ExecutionRow, RunRow } from "../lineage/LineageStore.js";
import { parseColumn } from "./IngredientView.js";

export const PRODUCER = "https://github.com/cairn-ml/cairn";
const EVENT_SCHEMA = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";
const FACETS = {
  parent: "https://openlineage.io/spec/facets/1-2-0/ParentRunFacet.json#/$defs/ParentRunFacet",
  errorMessage: "https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet",
  version: "https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet",
  jobType: "https://openlineage.io/spec/facets/2-0-4/JobTypeJobFacet.json#/$defs/JobTypeJobFacet",
  cairn: "https://github.com/cairn-ml/cairn/blob/main/docs/lineage.md#the-cairn-openlineage-facet",
} as const;

type Json = Record<string, unknown>;

/** One OpenLineage RunEvent. */
export interface RunEvent {
  readonly eventType: "START" | "COMPLETE" | "FAIL" | "ABORT";
  readonly eventTime: string;
  readonly producer: string;
  readonly schemaURL: string;
  readonly run: { readonly runId: string; readonly facets?: Json };
  readonly job: { readonly namespace: string; readonly name: string; readonly facets?: Json };
  readonly inputs: ReadonlyArray<Json>;
  readonly outputs: ReadonlyArray<Json>;
}

/**
 * A stable UUID (version-5 layout over SHA-1) for a cairn id: exporting twice yields the same
 * runIds, so a consumer that ingests both deduplicates instead of seeing new runs.
 */
export const stableUuid = (name: string): string => {
  const b = createHash("sha1").update(`cairn:${name}`).digest();
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.subarray(0, 16).toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

const facet = (schema: string, body: Json): Json => ({ _producer: PRODUCER, _schemaURL: schema, ...body });
const iso = (ms: number): string => new Date(ms).toISOString();
const versioned = (namespace: string, name: string, version: string, extra: Json = {}): Json => ({
  namespace,
  name,
  facets: { version: facet(FACETS.version, { datasetVersion: version }), ...extra },
});

const terminal = (status: string): RunEvent["eventType"] | null =>
  status === "succeeded" || status === "cached" ? "COMPLETE" : status === "failed" ? "FAIL" : status === "cancelled" ? "ABORT" : null;

const parse = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** Options: the job namespace and the project root (file datasets are named by absolute path). */
export interface ExportOptions {
  readonly namespace: string;
  readonly root: string;
  readonly hostname: string;
}

/** The events of one run, in time order: parent START, each execution's START and end, parent end. */
export const runEvents = (db: Db, runId: string, o: ExportOptions): RunEvent[] => {
  const run = db.prepare(`SELECT * FROM runs WHERE id = ?`).get(runId) as RunRow | undefined;
  if (!run) return [];
  const parentId = stableUuid(run.id);
  const parentJob = { namespace: o.namespace, name: run.flow };
  const base = { producer: PRODUCER, schemaURL: EVENT_SCHEMA };
  const flowJobFacets = { jobType: facet(FACETS.jobType, { processingType: "BATCH", integration: "CAIRN", jobType: "DAG" }) };
  const events: RunEvent[] = [
    { ...base, eventType: "START", eventTime: iso(run.started_at), run: { runId: parentId }, job: { ...parentJob, facets: flowJobFacets }, inputs: [], outputs: [] },
  ];
  const execs = db.prepare(`SELECT * FROM executions WHERE run_id = ? AND status <> 'skipped' ORDER BY id`).all(runId) as ExecutionRow[];
  const inputsOf = db.prepare(`SELECT kind, name, path, hash, size, upstream_execution_id AS up FROM execution_inputs WHERE execution_id = ? ORDER BY kind, name, path`);
  const taskOf = db.prepare(`SELECT task FROM executions WHERE id = ?`).pluck();
  const factsOf = (id: number) => ({
    params: Object.fromEntries((db.prepare(`SELECT name, value FROM params WHERE execution_id = ?`).all(id) as Array<{ name: string; value: string }>).map((p) => [p.name, parse(p.value)])),
    metrics: Object.fromEntries((db.prepare(`SELECT name, value FROM metrics WHERE execution_id = ? ORDER BY COALESCE(step, -1), at, rowid`).all(id) as Array<{ name: string; value: number }>).map((m) => [m.name, m.value])),
  });
  const sourceRun = db.prepare(`SELECT run_id FROM executions WHERE id = ?`).pluck();
  for (const e of execs) {
    const factId = e.source_execution_id ?? e.id;
    const deps = parseColumn(e.ingredients).deps as Record<string, { task?: string }> | undefined;
    const inputs = (inputsOf.all(factId) as Array<{ kind: string; name: string; path: string | null; hash: string; size: number | null; up: number | null }>).flatMap((i): Json[] => {
      if (i.kind === "file" && i.path !== null) return [versioned(`file://${o.hostname}`, posix.join(o.root.split("\\").join("/"), i.path), i.hash)];
      if (i.kind === "dep") {
        const upTask = deps?.[i.name]?.task ?? (i.up !== null ? (taskOf.get(i.up) as string | undefined) : undefined) ?? i.path ?? i.name;
        return [versioned(o.namespace, `${e.flow}.${upTask}`, i.hash)];
      }
      return [];
    });
    const job = { namespace: o.namespace, name: `${e.flow}.${e.task}`, facets: { jobType: facet(FACETS.jobType, { processingType: "BATCH", integration: "CAIRN", jobType: "TASK" }) } };
    const facts = factsOf(factId);
    const runFacets: Json = {
      parent: facet(FACETS.parent, { run: { runId: parentId }, job: parentJob }),
      cairn: facet(FACETS.cairn, {
        runId: run.id,
        execution: e.id,
        status: e.status,
        attempts: e.attempts,
        cacheKey: e.cache_key,
        ...(e.source_execution_id === null ? {} : { cachedFrom: { execution: e.source_execution_id, run: sourceRun.get(e.source_execution_id) ?? null } }),
        params: facts.params,
        metrics: facts.metrics,
      }),
    };
    const runId = stableUuid(`${run.id}/${e.id}`);
    events.push({ ...base, eventType: "START", eventTime: iso(e.started_at), run: { runId, facets: runFacets }, job, inputs, outputs: [] });
    const end = terminal(e.status);
    if (end === null) continue;
    const endFacets = e.status === "failed" || e.status === "cancelled"
      ? { ...runFacets, errorMessage: facet(FACETS.errorMessage, { message: e.error_text ?? e.status, programmingLanguage: e.kind === "command" ? "shell" : "TypeScript" }) }
      : runFacets;
    const outputs = end === "COMPLETE" && e.output_hash !== null ? [versioned(o.namespace, `${e.flow}.${e.task}`, e.output_hash)] : [];
    events.push({ ...base, eventType: end, eventTime: iso(e.finished_at ?? e.started_at), run: { runId, facets: endFacets }, job, inputs, outputs });
  }
  const end = terminal(run.status);
  if (end !== null) events.push({ ...base, eventType: end, eventTime: iso(run.finished_at ?? run.started_at), run: { runId: parentId }, job: { ...parentJob, facets: flowJobFacets }, inputs: [], outputs: [] });
  return events;
};

/** Ids of the runs to export, oldest first. */
export const exportRunIds = (db: Db): string[] => db.prepare(`SELECT id FROM runs ORDER BY started_at, id`).pluck().all() as string[];

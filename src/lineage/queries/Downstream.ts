/**
 * Downstream impact: everything derived from a file (optionally one version of it) or from an
 * execution — tasks, their executions, the artifacts they wrote and the model versions registered
 * from them. Answers "this dataset was wrong: which models must be retrained?".
 */
import type { Db } from "../Database.js";
import { inChunks } from "../../tracking/RunDetails.js";

export interface DerivedExecution {
  readonly execution: number;
  readonly run: string;
  readonly flow: string;
  readonly task: string;
  readonly status: string;
  readonly startedAt: string;
  readonly outputHash: string | null;
  /** 0 for the starting executions (direct readers of the file, or the start itself). */
  readonly depth: number;
  /** Runs that reused this execution's outputs from the cache. */
  readonly reusedBy: ReadonlyArray<string>;
}

export interface DownstreamImpact {
  readonly executions: ReadonlyArray<DerivedExecution>;
  readonly tasks: ReadonlyArray<{ flow: string; task: string; executions: number; runs: number }>;
  readonly artifacts: ReadonlyArray<{ hash: string; name: string; path: string | null; size: number | null; task: string; execution: number }>;
  readonly models: ReadonlyArray<{ name: string; version: number; aliases: ReadonlyArray<string>; artifact: string; execution: number }>;
  readonly edges: ReadonlyArray<{ from: number; to: number; name: string }>;
}

/** Producing executions that read `path` (relative to the project root), optionally only content `hashPrefix`. */
export const fileReaders = (db: Db, path: string, hashPrefix: string | null): number[] =>
  db
    .prepare(
      `SELECT DISTINCT COALESCE(e.source_execution_id, e.id) FROM execution_inputs i JOIN executions e ON e.id = i.execution_id
       WHERE i.kind = 'file' AND i.path = ? AND (? IS NULL OR substr(i.hash, 1, length(?)) = ?) ORDER BY 1`,
    )
    .pluck()
    .all(path, hashPrefix, hashPrefix, hashPrefix) as number[];

/** Walks downstream from `start` producing executions through dependency edges, breadth-first. */
export const downstreamLineage = (db: Db, start: ReadonlyArray<number>): DownstreamImpact => {
  const depth = new Map<number, number>(start.map((s) => [s, 0]));
  const edges: Array<{ from: number; to: number; name: string }> = [];
  let frontier = [...start];
  let level = 0;
  while (frontier.length > 0) {
    level += 1;
    // A consumer may name the producer or one of its cache-hit copies as its upstream.
    const copies = inChunks(frontier, (chunk, ph) =>
      db.prepare(`SELECT id, source_execution_id AS src FROM executions WHERE source_execution_id IN (${ph})`).all(...chunk) as Array<{ id: number; src: number }>,
    );
    const producerOfAlias = new Map<number, number>(frontier.map((f) => [f, f]));
    for (const c of copies) producerOfAlias.set(c.id, c.src);
    const consumers = inChunks([...producerOfAlias.keys()], (chunk, ph) =>
      db
        .prepare(
          `SELECT i.execution_id AS consumer, i.upstream_execution_id AS up, i.name, COALESCE(e.source_execution_id, e.id) AS producer
           FROM execution_inputs i JOIN executions e ON e.id = i.execution_id WHERE i.kind = 'dep' AND i.upstream_execution_id IN (${ph})`,
        )
        .all(...chunk) as Array<{ consumer: number; up: number; name: string; producer: number }>,
    );
    const next: number[] = [];
    for (const c of consumers) {
      edges.push({ from: producerOfAlias.get(c.up)!, to: c.producer, name: c.name });
      if (!depth.has(c.producer)) {
        depth.set(c.producer, level);
        next.push(c.producer);
      }
    }
    frontier = next;
  }
  const ids = [...depth.keys()];
  const rows = inChunks(ids, (chunk, ph) =>
    db.prepare(`SELECT id, run_id, flow, task, status, started_at, output_hash FROM executions WHERE id IN (${ph})`).all(...chunk) as Array<{
      id: number; run_id: string; flow: string; task: string; status: string; started_at: number; output_hash: string | null;
    }>,
  );
  const reuse = new Map<number, Set<string>>();
  for (const r of inChunks(ids, (chunk, ph) =>
    db.prepare(`SELECT source_execution_id AS src, run_id AS run FROM executions WHERE source_execution_id IN (${ph})`).all(...chunk) as Array<{ src: number; run: string }>,
  )) {
    (reuse.get(r.src) ?? reuse.set(r.src, new Set()).get(r.src)!).add(r.run);
  }
  const executions = rows
    .map((r) => ({
      execution: r.id,
      run: r.run_id,
      flow: r.flow,
      task: r.task,
      status: r.status,
      startedAt: new Date(r.started_at).toISOString(),
      outputHash: r.output_hash,
      depth: depth.get(r.id)!,
      reusedBy: [...(reuse.get(r.id) ?? [])].sort(),
    }))
    .sort((a, b) => a.depth - b.depth || a.execution - b.execution);
  const taskMap = new Map<string, { flow: string; task: string; executions: number; runs: Set<string> }>();
  for (const e of executions) {
    const k = `${e.flow}\0${e.task}`;
    const t = taskMap.get(k) ?? { flow: e.flow, task: e.task, executions: 0, runs: new Set<string>() };
    t.executions += 1;
    t.runs.add(e.run);
    for (const r of e.reusedBy) t.runs.add(r);
    taskMap.set(k, t);
  }
  const taskOf = new Map(executions.map((e) => [e.execution, e.task]));
  const artifacts = inChunks(ids, (chunk, ph) =>
    db.prepare(`SELECT execution_id AS execution, name, path, hash, size FROM execution_outputs WHERE execution_id IN (${ph}) ORDER BY execution_id, name`).all(...chunk) as Array<{
      execution: number; name: string; path: string | null; hash: string; size: number;
    }>,
  ).map((a) => ({ ...a, task: taskOf.get(a.execution) ?? "?" }));
  const aliasRows = db.prepare(`SELECT model, alias, version FROM model_aliases`).all() as Array<{ model: string; alias: string; version: number }>;
  const models = inChunks(ids, (chunk, ph) =>
    db.prepare(`SELECT model AS name, version, artifact_hash AS artifact, execution_id AS execution FROM model_versions WHERE execution_id IN (${ph})`).all(...chunk) as Array<{
      name: string; version: number; artifact: string; execution: number;
    }>,
  )
    .map((m) => ({ ...m, aliases: aliasRows.filter((a) => a.model === m.name && a.version === m.version).map((a) => a.alias) }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.version - b.version);
  return {
    executions,
    tasks: [...taskMap.values()].map((t) => ({ flow: t.flow, task: t.task, executions: t.executions, runs: t.runs.size })),
    artifacts,
    models,
    edges,
  };
};

/** The versions of an input file cairn has seen: content hash, size, how many executions read it, when. */
export const fileVersions = (db: Db, path: string): ReadonlyArray<{ hash: string; size: number | null; executions: number; firstSeen: string; lastSeen: string }> =>
  (
    db
      .prepare(
        `SELECT i.hash, MAX(i.size) AS size, COUNT(DISTINCT i.execution_id) AS executions, MIN(e.started_at) AS first, MAX(e.started_at) AS last
         FROM execution_inputs i JOIN executions e ON e.id = i.execution_id WHERE i.kind = 'file' AND i.path = ? GROUP BY i.hash ORDER BY first`,
      )
      .all(path) as Array<{ hash: string; size: number | null; executions: number; first: number; last: number }>
  ).map((r) => ({ hash: r.hash, size: r.size, executions: r.executions, firstSeen: new Date(r.first).toISOString(), lastSeen: new Date(r.last).toISOString() }));

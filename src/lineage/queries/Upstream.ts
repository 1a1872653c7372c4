/**
 * Upstream provenance: from one execution back through every dependency to the source files —
 * each step with its code hash and the modules that changed, params, input files (path, content
 * hash, size), container image, metrics and timestamps. The compliance record behind a model.
 */
import type { Db } from "../Database.js";
import type { ExecutionRow } from "../LineageStore.js";
import { codeView, diffPaths, executorDetails, executorImage, parseColumn } from "../../tracking/IngredientView.js";

/** One producing execution in a lineage graph (cache hits are resolved to the execution they reuse). */
export interface LineageNode {
  readonly execution: number;
  readonly run: string;
  readonly flow: string;
  readonly task: string;
  readonly kind: string;
  readonly status: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly durationMs: number | null;
  readonly cacheKey: string | null;
  readonly outputHash: string | null;
  readonly code: {
    readonly hash: string | null;
    readonly kind: string | null;
    readonly command: string | null;
    readonly modules: ReadonlyArray<{ path: string; hash: string }>;
    readonly scripts: ReadonlyArray<{ path: string; hash: string }>;
    /** Modules/scripts that differ from the previous successful execution of the same task. */
    readonly changed: ReadonlyArray<{ path: string; change: string; from: string | null; to: string | null }>;
  };
  readonly params: Record<string, unknown>;
  readonly metrics: Record<string, number>;
  readonly tags: Record<string, string>;
  readonly inputs: ReadonlyArray<{ name: string; path: string; hash: string; size: number | null }>;
  /** Names of the declared env vars (their values are never stored, only salted hashes). */
  readonly env: ReadonlyArray<string>;
  readonly image: string | null;
  readonly executor: unknown;
  readonly deps: ReadonlyArray<{ name: string; task: string; execution: number | null; outputHash: string }>;
  readonly outputs: ReadonlyArray<{ name: string; path: string | null; hash: string; size: number }>;
}

/** The upstream closure of a start execution: nodes (start first, then breadth-first) and every input file. */
export interface UpstreamLineage {
  readonly nodes: ReadonlyArray<LineageNode>;
  /** Every source file read anywhere upstream, deduplicated by (path, hash). */
  readonly files: ReadonlyArray<{ path: string; hash: string; size: number | null; readBy: ReadonlyArray<string> }>;
  readonly edges: ReadonlyArray<{ from: number; to: number; name: string }>;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const parse = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** The execution whose outputs and facts `id` carries: itself, or the one its cache hit restored. */
export const producerOf = (db: Db, id: number): number => {
  let cur = id;
  // Follow at most a few hops: a restored row normally points straight at its producer.
  for (let i = 0; i < 8; i++) {
    const src = db.prepare(`SELECT source_execution_id FROM executions WHERE id = ?`).pluck().get(cur) as number | null | undefined;
    if (src === null || src === undefined) return cur;
    cur = src;
  }
  return cur;
};

/** Loads one node: every fact of the producing execution. */
export const loadNode = (db: Db, id: number): LineageNode | undefined => {
  const e = db.prepare(`SELECT * FROM executions WHERE id = ?`).get(id) as ExecutionRow | undefined;
  if (!e) return undefined;
  const code = codeView(e.fingerprint, e.ingredients);
  const prev = db
    .prepare(`SELECT fingerprint, ingredients FROM executions WHERE flow = ? AND task = ? AND status = 'succeeded' AND id < ? ORDER BY id DESC LIMIT 1`)
    .get(e.flow, e.task, e.id) as { fingerprint: string | null; ingredients: string | null } | undefined;
  const before = prev ? codeView(prev.fingerprint, prev.ingredients) : null;
  const changed = before ? [...diffPaths(before.modules, code.modules), ...diffPaths(before.scripts, code.scripts)] : [];
  const params: Record<string, unknown> = {};
  for (const p of db.prepare(`SELECT name, value FROM params WHERE execution_id = ? ORDER BY name`).all(id) as Array<{ name: string; value: string }>) params[p.name] = parse(p.value);
  const metrics: Record<string, number> = {};
  for (const m of db.prepare(`SELECT name, value FROM metrics WHERE execution_id = ? ORDER BY COALESCE(step, -1), at, rowid`).all(id) as Array<{ name: string; value: number }>) metrics[m.name] = m.value;
  const tags: Record<string, string> = {};
  for (const t of db.prepare(`SELECT key, value FROM tags WHERE execution_id = ?`).all(id) as Array<{ key: string; value: string }>) tags[t.key] = t.value;
  const edges = db.prepare(`SELECT kind, name, path, hash, size, upstream_execution_id AS up FROM execution_inputs WHERE execution_id = ? ORDER BY kind, name, path`).all(id) as Array<{
    kind: string; name: string; path: string | null; hash: string; size: number | null; up: number | null;
  }>;
  const depTasks = parseColumn(e.ingredients).deps as Record<string, { task?: string }> | undefined;
  const deps = edges
    .filter((d) => d.kind === "dep")
    .map((d) => ({
      name: d.name,
      task: depTasks?.[d.name]?.task ?? d.path ?? d.name,
      execution: d.up !== null ? producerOf(db, d.up) : findProducer(db, e.flow, depTasks?.[d.name]?.task ?? d.path ?? d.name, d.hash, e.id),
      outputHash: d.hash,
    }));
  return {
    execution: e.id,
    run: e.run_id,
    flow: e.flow,
    task: e.task,
    kind: e.kind,
    status: e.status,
    startedAt: iso(e.started_at)!,
    finishedAt: iso(e.finished_at),
    durationMs: e.duration_ms,
    cacheKey: e.cache_key,
    outputHash: e.output_hash,
    code: {
      hash: code.hash,
      kind: code.kind,
      command: code.command,
      modules: Object.entries(code.modules).map(([path, hash]) => ({ path, hash })),
      scripts: Object.entries(code.scripts).map(([path, hash]) => ({ path, hash })),
      changed,
    },
    params,
    metrics,
    tags,
    inputs: edges.filter((i) => i.kind === "file" && i.path !== null).map((i) => ({ name: i.name, path: i.path!, hash: i.hash, size: i.size })),
    env: edges.filter((i) => i.kind === "env").map((i) => i.name),
    image: executorImage(e.ingredients),
    executor: executorDetails(e.ingredients),
    deps,
    outputs: db.prepare(`SELECT name, path, hash, size FROM execution_outputs WHERE execution_id = ? ORDER BY name`).all(id) as LineageNode["outputs"],
  };
};

// When an edge lacks its upstream id (older rows), the producer is the latest success of that task with that output.
const findProducer = (db: Db, flow: string, task: string, outputHash: string, before: number): number | null =>
  (db
    .prepare(`SELECT id FROM executions WHERE flow = ? AND task = ? AND output_hash = ? AND status = 'succeeded' AND id < ? ORDER BY id DESC LIMIT 1`)
    .pluck()
    .get(flow, task, outputHash, before) as number | undefined) ?? null;

/** Walks upstream from `start` (any execution id; cache hits resolve to their producer). */
export const upstreamLineage = (db: Db, start: number): UpstreamLineage => {
  const nodes: LineageNode[] = [];
  const edges: Array<{ from: number; to: number; name: string }> = [];
  const seen = new Set<number>();
  const queue = [producerOf(db, start)];
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const node = loadNode(db, id);
    if (!node) continue;
    nodes.push(node);
    for (const d of node.deps) {
      if (d.execution === null) continue;
      edges.push({ from: d.execution, to: id, name: d.name });
      if (!seen.has(d.execution)) queue.push(d.execution);
    }
  }
  const files = new Map<string, { path: string; hash: string; size: number | null; readBy: string[] }>();
  for (const n of nodes) {
    for (const i of n.inputs) {
      const k = `${i.path}\0${i.hash}`;
      const f = files.get(k) ?? { path: i.path, hash: i.hash, size: i.size, readBy: [] };
      if (!f.readBy.includes(n.task)) f.readBy.push(n.task);
      files.set(k, f);
    }
  }
  return { nodes, edges, files: [...files.values()].sort((a, b) => a.path.localeCompare(b.path)) };
};

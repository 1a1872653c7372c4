/**
 * `cairn compare <runA> <runB>`: what differs between two runs — params, metrics (with deltas),
 * input file hashes, code (which modules and scripts), and which tasks' cache keys differ and why.
 */
import type { Db } from "../lineage/Database.js";
import type { ExecutionView, RunShow } from "./ShowRun.js";
import { showRun } from "./ShowRun.js";
import { codeView, diffPaths, fingerprintFields } from "./IngredientView.js";

type Side<T> = { readonly a: T | null; readonly b: T | null };

export interface TaskDiff extends Side<{ status: string; cacheKey: string | null; outputHash: string | null; execution: number }> {
  readonly task: string;
  /** True when the cache keys (or presence, or outputs) differ. */
  readonly differs: boolean;
  /** Fingerprint ingredients whose hashes differ (code, params, inputs, deps, env, executor, dependencies). */
  readonly ingredients: ReadonlyArray<string>;
}

export interface RunComparison {
  readonly a: Pick<RunShow, "id" | "flow" | "status" | "startedAt" | "durationMs">;
  readonly b: Pick<RunShow, "id" | "flow" | "status" | "startedAt" | "durationMs">;
  readonly tasks: ReadonlyArray<TaskDiff>;
  readonly params: ReadonlyArray<{ task: string; name: string; a: unknown; b: unknown; changed: boolean }>;
  readonly metrics: ReadonlyArray<{ task: string; name: string; a: number | null; b: number | null; delta: number | null }>;
  readonly inputs: ReadonlyArray<{ task: string; path: string; a: { hash: string; size: number | null } | null; b: { hash: string; size: number | null } | null; changed: boolean }>;
  readonly code: ReadonlyArray<{
    task: string;
    a: string | null;
    b: string | null;
    changed: boolean;
    command: { from: string | null; to: string | null } | null;
    modules: ReturnType<typeof diffPaths>;
    scripts: ReturnType<typeof diffPaths>;
  }>;
}

// The last execution of each task in the run (a retried or re-planned task keeps its final word).
const byTask = (r: RunShow): Map<string, ExecutionView> => new Map(r.executions.map((e) => [e.task, e]));

const same = (x: unknown, y: unknown): boolean => JSON.stringify(x) === JSON.stringify(y);

/** Compares the runs `refA` and `refB` (ids, prefixes, `latest`, `latest~N`). */
export const compareRuns = (db: Db, refA: string, refB: string): RunComparison => {
  const ra = showRun(db, refA);
  const rb = showRun(db, refB);
  const ea = byTask(ra);
  const eb = byTask(rb);
  const tasks = [...new Set([...ea.keys(), ...eb.keys()])];
  const rowOf = db.prepare(`SELECT fingerprint, ingredients FROM executions WHERE id = ?`);
  const stored = (e: ExecutionView | undefined) =>
    e ? ((rowOf.get(e.id) as { fingerprint: string | null; ingredients: string | null } | undefined) ?? { fingerprint: null, ingredients: null }) : null;

  const out: { tasks: TaskDiff[]; params: RunComparison["params"][number][]; metrics: RunComparison["metrics"][number][]; inputs: RunComparison["inputs"][number][]; code: RunComparison["code"][number][] } = {
    tasks: [], params: [], metrics: [], inputs: [], code: [],
  };
  for (const task of tasks) {
    const x = ea.get(task);
    const y = eb.get(task);
    const sx = stored(x);
    const sy = stored(y);
    const fx = fingerprintFields(sx?.fingerprint ?? null);
    const fy = fingerprintFields(sy?.fingerprint ?? null);
    const ingredients = x && y ? [...new Set([...Object.keys(fx), ...Object.keys(fy)])].filter((k) => k !== "task" && fx[k] !== fy[k]).sort() : [];
    const side = (e: ExecutionView | undefined) => (e ? { status: e.status, cacheKey: e.cacheKey, outputHash: e.outputHash, execution: e.id } : null);
    const differs = !x || !y || x.cacheKey !== y.cacheKey || x.outputHash !== y.outputHash || ingredients.length > 0;
    out.tasks.push({ task, a: side(x), b: side(y), differs, ingredients });

    const pa = x?.params ?? {};
    const pb = y?.params ?? {};
    for (const name of [...new Set([...Object.keys(pa), ...Object.keys(pb)])].sort()) {
      out.params.push({ task, name, a: pa[name] ?? null, b: pb[name] ?? null, changed: !same(pa[name], pb[name]) });
    }
    const ma = x?.metrics ?? {};
    const mb = y?.metrics ?? {};
    for (const name of [...new Set([...Object.keys(ma), ...Object.keys(mb)])].sort()) {
      const va = ma[name] ?? null;
      const vb = mb[name] ?? null;
      out.metrics.push({ task, name, a: va, b: vb, delta: va !== null && vb !== null ? vb - va : null });
    }
    const fa = new Map((x?.inputs ?? []).filter((i) => i.kind === "file" && i.path).map((i) => [i.path!, { hash: i.hash, size: i.size }]));
    const fb = new Map((y?.inputs ?? []).filter((i) => i.kind === "file" && i.path).map((i) => [i.path!, { hash: i.hash, size: i.size }]));
    for (const path of [...new Set([...fa.keys(), ...fb.keys()])].sort()) {
      const ia = fa.get(path) ?? null;
      const ib = fb.get(path) ?? null;
      out.inputs.push({ task, path, a: ia, b: ib, changed: ia?.hash !== ib?.hash });
    }
    if (sx && sy) {
      const ca = codeView(sx.fingerprint, sx.ingredients);
      const cb = codeView(sy.fingerprint, sy.ingredients);
      out.code.push({
        task,
        a: ca.hash,
        b: cb.hash,
        changed: ca.hash !== cb.hash,
        command: ca.command !== cb.command ? { from: ca.command, to: cb.command } : null,
        modules: diffPaths(ca.modules, cb.modules),
        scripts: diffPaths(ca.scripts, cb.scripts),
      });
    }
  }
  const head = (r: RunShow) => ({ id: r.id, flow: r.flow, status: r.status, startedAt: r.startedAt, durationMs: r.durationMs });
  return { a: head(ra), b: head(rb), ...out };
};

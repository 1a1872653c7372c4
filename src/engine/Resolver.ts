/**
 * Decides, once a task's deps are done, whether it is skipped, restored from cache, or must
 * run — and why. A cache hit requires every output object to exist and verify; otherwise the
 * entry is dropped and the task runs to heal it.
 */
import { computeFingerprint, diffFingerprints, type Fingerprint, type Ingredients } from "../hashing/Fingerprint.js";
import type { ContentHash } from "../hashing/ContentHash.js";
import type { RunReason } from "../events/RunEvent.js";
import type { CacheEntry } from "../lineage/LineageStore.js";
import type { OutputTree } from "../store/ArtifactStore.js";
import type { Resolved, RunContext, TaskOutput } from "./RunContext.js";
import { makeTaskOutput } from "./TaskOutputs.js";
import { TaskCodeError, userFrames } from "./TaskError.js";

export type Resolution =
  | { readonly kind: "skipped"; readonly reason: string }
  | { readonly kind: "cached"; readonly resolved: Resolved; readonly entry: CacheEntry; readonly output: TaskOutput }
  | { readonly kind: "run"; readonly resolved: Resolved };

/** Cache entries looked up in bulk for big plans (one scan beats thousands of point queries). */
export interface CacheIndex {
  get(key: string): CacheEntry | undefined;
}

/** Reads and verifies a cached output tree; undefined when anything is missing or corrupt. */
export const verifiedTree = (cx: RunContext, outputHash: string, treeBytes?: Buffer | null): OutputTree | undefined =>
  cx.store.verifiedTree(outputHash as ContentHash, treeBytes ?? undefined);

const isForced = (cx: RunContext, task: string): boolean =>
  cx.options.force === true || (typeof cx.options.force === "object" && cx.options.force.has(task));

/** Explains a miss by comparing with the task's last recorded execution. */
export const missReason = (cx: RunContext, task: string, fp: Fingerprint, ing: Ingredients): RunReason => {
  const last = cx.lineage.lastKeyed(cx.flowName, task);
  if (!last?.fingerprint) return { kind: "new", detail: "no earlier execution" };
  const diffs = diffFingerprints(JSON.parse(last.fingerprint) as Fingerprint, last.ingredients ? (JSON.parse(last.ingredients) as Ingredients) : undefined, fp, ing);
  const changed = diffs.filter((d) => d.changed);
  if (changed.length === 0) return { kind: "heal", detail: "same key as the last execution, but its cache entry is gone" };
  return {
    kind: "changed",
    changed: changed.map((d) => d.ingredient),
    detail: changed.flatMap((d) => (d.details.length ? d.details : [`${d.ingredient} changed`])).slice(0, 6).join("; "),
  };
};

export const resolveTask = (cx: RunContext, task: string, cache: CacheIndex): Resolution => {
  const t = cx.graph.tasks.get(task)!;
  const deps = cx.graph.deps.get(task) ?? [];
  const depOutputs = deps.map((d) => ({ d, o: cx.outputs.get(d.task) }));
  const skippedDep = depOutputs.find(({ o }) => o === undefined);
  if (skippedDep) return { kind: "skipped", reason: `upstream "${skippedDep.d.task}" was skipped` };
  if (t.spec.when) {
    const depValues: Record<string, unknown> = {};
    for (const { d, o } of depOutputs) depValues[d.key] = o!.tree.value !== null ? o!.value() : { path: o!.dir() };
    let go: unknown;
    try {
      go = t.spec.when(depValues as never);
    } catch (e) {
      throw new TaskCodeError(task, `its when() condition threw: ${e instanceof Error ? e.message : String(e)}`, userFrames(e));
    }
    if (!go) return { kind: "skipped", reason: "condition false (when)" };
  }
  const statics = cx.statics.get(task)!;
  const ingredients: Ingredients = {
    ...statics.ingredients,
    deps: Object.fromEntries(depOutputs.map(({ d, o }) => [d.key, { task: d.task, outputHash: o!.outputHash }])),
  };
  const { fingerprint, key } = computeFingerprint(task, ingredients);
  const depEdges = depOutputs.map(({ d, o }) => ({ key: d.key, task: d.task, outputHash: o!.outputHash, executionId: o!.executionId }));
  const base = { key, fingerprint, ingredients, depEdges };
  if (isForced(cx, task)) return { kind: "run", resolved: { ...base, reason: { kind: "forced", detail: "--force" } } };
  if (t.spec.cache === false) return { kind: "run", resolved: { ...base, reason: { kind: "no-cache", detail: "cache: false" } } };
  const entry = cache.get(key);
  if (entry) {
    const tree = verifiedTree(cx, entry.outputHash, entry.tree);
    if (tree) return { kind: "cached", resolved: { ...base, reason: { kind: "new" } }, entry, output: makeTaskOutput(cx, task, entry.executionId, entry.outputHash, tree) };
    cx.lineage.dropCacheEntry(key);
    return { kind: "run", resolved: { ...base, reason: { kind: "heal", detail: "cached outputs are missing or corrupt in the store; running again to heal" } } };
  }
  return { kind: "run", resolved: { ...base, reason: missReason(cx, task, fingerprint, ingredients) } };
};

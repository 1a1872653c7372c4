/**
 * Cross-process exclusion per cache key: two `cairn run`s on the same project never execute the
 * same key at once. The second waits for the first, then restores its result from the cache.
 */
import type { StartExecution } from "../lineage/LineageStore.js";
import type { RunContext, TaskOutput } from "./RunContext.js";
import { verifiedTree } from "./Resolver.js";
import { makeTaskOutput } from "./TaskOutputs.js";

const POLL_MS = 100;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(t), reject(signal.reason)), { once: true });
  });

/**
 * Claims `key` for this run and inserts the task's running execution row, in one transaction.
 * If another run committed the key meanwhile, returns its output instead; if another live
 * process holds the key, waits for it and tries again.
 */
export const claimOrRestore = async (
  cx: RunContext,
  task: string,
  key: string,
  row: StartExecution,
  signal: AbortSignal,
  /** false when the task must execute regardless (forced, cache: false, healing). */
  useCache: boolean,
): Promise<{ restored: TaskOutput } | { executionId: number }> => {
  let announced = false;
  let checkCache = useCache;
  for (;;) {
    const r = cx.lineage.claimAndStart(key, cx.runId, row, checkCache);
    if ("executionId" in r) return r;
    if ("entry" in r) {
      const tree = verifiedTree(cx, r.entry.outputHash, r.entry.tree);
      if (tree) return { restored: makeTaskOutput(cx, task, r.entry.executionId, r.entry.outputHash, tree) };
      // The other run's outputs are damaged: execute and heal.
      checkCache = false;
      continue;
    }
    if (!announced) {
      announced = true;
      cx.bus.publish({ type: "TaskLogged", runId: cx.runId, task, at: Date.now(), stream: "log", line: `waiting: run ${r.holder.runId} (pid ${r.holder.pid} on ${r.holder.host}) is executing the same cache key` });
    }
    await sleep(POLL_MS, signal);
  }
};

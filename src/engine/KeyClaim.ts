/**
 * Cross-process exclusion per cache key: two `cairn run`s on the same project never execute the
 * same key at once. The second waits for the first, then restores its result from the cache.
 */
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
 * Claims `key` for this run. If another live process holds it, waits until it is released and
 * returns the output it produced (when it produced one); otherwise returns undefined and the
 * caller executes the task holding the claim.
 */
export const waitForKey = async (cx: RunContext, task: string, key: string, signal: AbortSignal): Promise<TaskOutput | undefined> => {
  let announced = false;
  for (;;) {
    const holder = cx.lineage.claimKey(key, cx.runId);
    if (!holder) {
      // Claimed. Another run may have committed this key since we planned (or while we waited).
      const entry = cx.lineage.lookupCache(key);
      const tree = entry ? verifiedTree(cx, entry.outputHash) : undefined;
      if (entry && tree) {
        cx.lineage.releaseKey(key, cx.runId);
        return makeTaskOutput(cx, task, entry.executionId, entry.outputHash, tree);
      }
      return undefined;
    }
    if (!announced) {
      announced = true;
      cx.bus.publish({ type: "TaskLogged", runId: cx.runId, task, at: Date.now(), stream: "log", line: `waiting: run ${holder.runId} (pid ${holder.pid} on ${holder.host}) is executing the same cache key` });
    }
    await sleep(POLL_MS, signal);
  }
};

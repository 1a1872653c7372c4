/**
 * Executes the tasks the fast path could not restore: builds the scheduler's task list and the
 * hooks that connect it to caching, lineage and events. Loaded (with Effect) only when needed.
 */
import { Effect, Exit, Cause } from "../scheduler/effect.js";
import { schedule, type Outcome, type SchedulerHooks, type SchedulerTask } from "../scheduler/Scheduler.js";
import { retryPolicy } from "../scheduler/RetryPolicy.js";
import { parseDuration } from "../dsl/Duration.js";
import type { RunFinished } from "../events/RunEvent.js";
import type { RunContext, TaskOutput } from "./RunContext.js";
import { resolveTask } from "./Resolver.js";
import { logPath, runAttempt } from "./TaskRunner.js";
import { errorMessage, errorTag, TaskInterruptedError, TaskInvalidatedError } from "./TaskError.js";
import { claimOrRestore } from "./KeyClaim.js";

/** How long a finished run waits for attempts that were told to stop. */
const INFLIGHT_GRACE_MS = 5000;

/** A task claims more units of a pool than `--resources` provides: it could never start. */
export class PoolCapacityError extends Error {
  readonly _tag = "PoolCapacityError";
  readonly exitCode = 2;
  constructor(readonly flow: string, readonly problems: ReadonlyArray<{ task: string; pool: string; n: number }>, pools: Readonly<Record<string, number>>) {
    super(
      problems
        .map((p) => `flow "${flow}": task "${p.task}" claims ${p.n} ${p.pool} but --resources provides ${pools[p.pool] ?? 0}; raise it (--resources ${p.pool}=${p.n}) or lower the task's resources.${p.pool}`)
        .join("\n"),
    );
  }
}

type Done = { readonly kind: "executed" | "cached" | "skipped"; readonly output?: TaskOutput };

export const executeRemaining = async (
  cx: RunContext,
  names: ReadonlyArray<string>,
  counts: { executed: number; cached: number; failed: number; cancelled: number; skipped: number },
): Promise<RunFinished["status"]> => {
  const { graph, bus, lineage, runId } = cx;
  const set = new Set(names);
  const tasks: SchedulerTask[] = names.map((name) => {
    const t = graph.tasks.get(name)!;
    const pools: Record<string, number> = {};
    for (const [k, v] of Object.entries(t.spec.resources ?? {})) if (typeof v === "number" && k in cx.options.pools) pools[k] = v;
    const timeout = t.spec.timeout === undefined ? undefined : parseDuration(t.spec.timeout);
    return { name, deps: (graph.deps.get(name) ?? []).map((d) => d.task).filter((d) => set.has(d)), pools, retry: retryPolicy(t.spec.retry), timeoutMs: typeof timeout === "number" ? timeout : undefined };
  });
  const impossible = tasks.flatMap((t) => Object.entries(t.pools).filter(([pool, n]) => n > (cx.options.pools[pool] ?? 0)).map(([pool, n]) => ({ task: t.name, pool, n })));
  if (impossible.length > 0) throw new PoolCapacityError(cx.flowName, impossible, cx.options.pools);
  const started = new Map<string, number>();
  const tails = new Map<string, string[]>();
  const unsubscribe = bus.subscribe((e) => {
    if (e.type !== "TaskLogged") return;
    const tail = tails.get(e.task) ?? [];
    tail.push(e.line);
    if (tail.length > 20) tail.shift();
    tails.set(e.task, tail);
  });
  const inflight = new Set<Promise<unknown>>();

  const ensureExecution = (name: string): number => {
    let id = cx.executionIds.get(name);
    if (id === undefined) {
      const r = cx.resolved.get(name);
      const t = graph.tasks.get(name)!;
      id = lineage.startExecution({
        runId, flow: cx.flowName, task: name, kind: t.kind, cacheKey: r?.key ?? null, fingerprint: r?.fingerprint, ingredients: r?.ingredients,
        reason: r?.reason, startedAt: started.get(name) ?? Date.now(), logPath: logPath(cx, name),
      });
      cx.executionIds.set(name, id);
    }
    return id;
  };

  const hooks: SchedulerHooks<Done> = {
    prepare(name) {
      const r = resolveTask(cx, name, { get: (k) => lineage.lookupCache(k) });
      const at = Date.now();
      if (r.kind === "skipped") {
        counts.skipped++;
        lineage.recordRestored([{ runId, flow: cx.flowName, task: name, kind: graph.tasks.get(name)!.kind, cacheKey: null, fingerprint: null, ingredients: null, reason: null, startedAt: at, logPath: null, status: "skipped", outputHash: null, sourceExecutionId: null, errorText: r.reason }]);
        bus.publish({ type: "TaskSkipped", runId, task: name, at, reason: r.reason });
        return { kind: "skipped" };
      }
      if (r.kind === "cached") {
        cx.outputs.set(name, r.output);
        counts.cached++;
        lineage.recordRestored([{ runId, flow: cx.flowName, task: name, kind: graph.tasks.get(name)!.kind, cacheKey: r.resolved.key, fingerprint: undefined, ingredients: undefined, reason: null, startedAt: at, logPath: null, status: "cached", outputHash: r.entry.outputHash, sourceExecutionId: r.entry.executionId }]);
        bus.publish({ type: "TaskCached", runId, task: name, at, key: r.resolved.key, fromRun: r.entry.runId });
        return { kind: "cached", output: r.output };
      }
      cx.resolved.set(name, r.resolved);
      bus.publish({ type: "TaskQueued", runId, task: name, at, reason: r.resolved.reason });
      return "run";
    },
    started(name) {
      started.set(name, Date.now());
    },
    async attempt(name, attempt, schedulerSignal) {
      const r = cx.resolved.get(name)!;
      const invalidated = cx.options.invalidation?.(name);
      const signal = invalidated ? AbortSignal.any([schedulerSignal, invalidated]) : schedulerSignal;
      if (invalidated?.aborted) throw new TaskInvalidatedError(name);
      const p = (async (): Promise<Done> => {
        if (attempt === 1) {
          // Another process may have executed (or be executing) this very key: take its result.
          const t = graph.tasks.get(name)!;
          const claim = await claimOrRestore(cx, name, r.key, {
            runId, flow: cx.flowName, task: name, kind: t.kind, cacheKey: r.key, fingerprint: r.fingerprint, ingredients: r.ingredients,
            reason: r.reason, startedAt: started.get(name) ?? Date.now(), logPath: logPath(cx, name),
          }, signal, r.reason.kind !== "forced" && r.reason.kind !== "no-cache" && r.reason.kind !== "heal");
          if ("restored" in claim) {
            const other = claim.restored;
            cx.outputs.set(name, other);
            counts.cached++;
            const at = Date.now();
            const fromRun = lineage.execution(other.executionId)?.run_id ?? "";
            lineage.recordRestored([{ runId, flow: cx.flowName, task: name, kind: t.kind, cacheKey: r.key, fingerprint: r.fingerprint, ingredients: r.ingredients, reason: null, startedAt: at, logPath: null, status: "cached", outputHash: other.outputHash, sourceExecutionId: other.executionId }]);
            bus.publish({ type: "TaskCached", runId, task: name, at, key: r.key, fromRun });
            return { kind: "cached", output: other };
          }
          cx.executionIds.set(name, claim.executionId);
        }
        const id = ensureExecution(name);
        bus.publish({ type: "TaskStarted", runId, task: name, at: Date.now(), attempt, reason: r.reason, logFile: logPath(cx, name) });
        let res;
        try {
          res = await runAttempt(cx, name, r, attempt, signal, id);
        } catch (e) {
          if (invalidated?.aborted && !schedulerSignal.aborted) throw new TaskInvalidatedError(name);
          throw e;
        }
        cx.outputs.set(name, res.output);
        counts.executed++;
        const t0 = started.get(name) ?? Date.now();
        bus.publish({ type: "TaskSucceeded", runId, task: name, at: Date.now(), key: r.key, durationMs: Date.now() - t0, attempts: attempt, outputHash: res.output.outputHash });
        return { kind: "executed", output: res.output };
      })();
      inflight.add(p);
      p.then(() => inflight.delete(p), () => inflight.delete(p));
      return p;
    },
    retrying(name, failedAttempt, maxAttempts, delayMs, error) {
      bus.publish({ type: "TaskRetrying", runId, task: name, at: Date.now(), attempt: failedAttempt, maxAttempts, delayMs, error: errorMessage(error) });
    },
    failed(name, error, attempts) {
      counts.failed++;
      const at = Date.now();
      const id = ensureExecution(name);
      const r = cx.resolved.get(name);
      if (r) lineage.releaseKey(r.key, runId);
      const already = lineage.execution(id)?.status === "failed";
      if (!already) lineage.failExecution(id, { status: "failed", finishedAt: at, durationMs: null, attempts, errorTag: errorTag(error), errorText: errorMessage(error), facts: { inputs: [], params: (graph.tasks.get(name)!.spec.params ?? {}) as Record<string, unknown>, metrics: [], tags: {} } });
      bus.publish({ type: "TaskFailed", runId, task: name, at, error: errorTag(error), message: errorMessage(error), durationMs: at - (started.get(name) ?? at), attempts, tail: tails.get(name) ?? [] });
    },
    cancelled(name, reason, wasRunning) {
      counts.cancelled++;
      const at = Date.now();
      if (wasRunning || cx.executionIds.has(name)) {
        const id = ensureExecution(name);
        const err = new TaskInterruptedError(name);
        lineage.failExecution(id, { status: "cancelled", finishedAt: at, durationMs: null, attempts: 1, errorTag: err._tag, errorText: `${err.message} (${reason})`, facts: { inputs: [], params: {}, metrics: [], tags: {} } });
      }
      const r = cx.resolved.get(name);
      if (r) lineage.releaseKey(r.key, runId);
      bus.publish({ type: "TaskCancelled", runId, task: name, at, reason });
    },
  };

  const program = schedule(tasks, hooks, { concurrency: cx.options.concurrency, keepGoing: cx.options.keepGoing, pools: cx.options.pools });
  const exit = await Effect.runPromiseExit(program, cx.options.signal ? { signal: cx.options.signal } : undefined);
  // Interrupted attempts were told to stop; wait until their processes are really gone. A
  // function task that ignores its AbortSignal cannot be stopped in-process: after a grace period
  // the run ends without it (its result, should it ever come, is discarded).
  await Promise.race([Promise.allSettled([...inflight]), new Promise((r) => setTimeout(r, INFLIGHT_GRACE_MS).unref())]);
  unsubscribe();
  if (Exit.isFailure(exit)) {
    if (Cause.isInterruptedOnly(exit.cause)) return "cancelled";
    throw Cause.squash(exit.cause);
  }
  const outcomes: ReadonlyMap<string, Outcome<Done>> = exit.value;
  if (cx.options.signal?.aborted) return "cancelled";
  return [...outcomes.values()].some((o) => o.status === "failed") ? "failed" : [...outcomes.values()].some((o) => o.status === "cancelled") ? "failed" : "succeeded";
};

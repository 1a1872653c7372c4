/**
 * The Effect scheduler: runs a DAG of tasks with bounded concurrency, resource pools, retries
 * with backoff, per-attempt timeouts, fail-fast or keep-going, and clean cancellation. It knows
 * nothing of caching or lineage: the engine supplies those as hooks, and the scheduler only
 * decides when each hook runs.
 *
 * Per task:  waiting ──deps done──▶ prepare ──done──▶ (outcome)
 *                                      │ run
 *                                      ▼
 *            acquire pools + slot ─▶ attempt ──ok──▶ succeeded
 *                                      │ fail (retryable, attempts left)
 *                                      ▼
 *                                   sleep(backoff) ─▶ attempt …   else ─▶ failed
 */
import { Effect, Deferred, Duration, Exit, Fiber, Runtime } from "./effect.js";
import type { RetryPolicy } from "./RetryPolicy.js";
import { isRetryable, retryDelayMs } from "./RetryPolicy.js";
import { TaskTimeoutError } from "../engine/TaskError.js";

export interface SchedulerTask {
  readonly name: string;
  readonly deps: ReadonlyArray<string>;
  /** Units claimed from each pool by name. */
  readonly pools: Readonly<Record<string, number>>;
  readonly retry: RetryPolicy;
  readonly timeoutMs: number | undefined;
}

/** Terminal states the scheduler itself distinguishes; the engine attaches data via `O`. */
export type Outcome<O> =
  | { readonly status: "done"; readonly value: O }
  | { readonly status: "failed"; readonly error: unknown }
  | { readonly status: "cancelled"; readonly reason: "interrupted" | "fail-fast" | "upstream-failed" | "watch-invalidated" };

export interface SchedulerHooks<O> {
  /** Deps are done: return an outcome without running (cache hit, skip), or "run". */
  prepare(name: string, deps: ReadonlyMap<string, Outcome<O>>): O | "run";
  /** The task is about to take a slot. */
  started?(name: string): void;
  /** Runs one attempt; must stop promptly when `signal` aborts. */
  attempt(name: string, attempt: number, signal: AbortSignal): Promise<O>;
  retrying(name: string, failedAttempt: number, maxAttempts: number, delayMs: number, error: unknown): void;
  /** The task failed for good (after retries). */
  failed(name: string, error: unknown, attempts: number): void;
  /** The task did not finish: interrupted, stopped by fail-fast, or its upstream failed. */
  cancelled(name: string, reason: "interrupted" | "fail-fast" | "upstream-failed" | "watch-invalidated", wasRunning: boolean): void;
}

export interface SchedulerOptions {
  readonly concurrency: number;
  readonly keepGoing: boolean;
  /** Capacity of each resource pool (`--resources gpu=1`). */
  readonly pools: Readonly<Record<string, number>>;
  /** Random source for jitter (tests pass a fixed one). */
  readonly random?: () => number;
}

/**
 * The scheduler as an Effect: resolves with every task's outcome. Interrupting it (Ctrl-C)
 * cancels running attempts — their AbortSignals fire — and marks unfinished tasks cancelled.
 *
 * Why a ready queue and not one fiber per task waiting on its deps and a semaphore: with 5,000
 * tasks the waiting fibers and semaphore waiters cost ~150 MB and ~2.7 s on their own. Here a task
 * only becomes a fiber once its deps are done, it is not restored from cache, and a slot and its
 * pool units are free; everything else is plain bookkeeping.
 */
export const schedule = <O>(tasks: ReadonlyArray<SchedulerTask>, hooks: SchedulerHooks<O>, options: SchedulerOptions) =>
  Effect.gen(function* () {
    const runtime = yield* Effect.runtime<never>();
    const byName = new Map(tasks.map((t) => [t.name, t]));
    const dependents = new Map<string, string[]>(tasks.map((t) => [t.name, []]));
    const waitingOn = new Map<string, number>();
    for (const t of tasks) {
      const deps = t.deps.filter((d) => byName.has(d));
      waitingOn.set(t.name, deps.length);
      for (const d of deps) dependents.get(d)!.push(t.name);
    }
    const outcomes = new Map<string, Outcome<O>>();
    const ready: string[] = tasks.filter((t) => waitingOn.get(t.name) === 0).map((t) => t.name);
    const fibers = new Map<string, Fiber.RuntimeFiber<void, never>>();
    const poolUse = new Map<string, number>();
    const capacity = Math.max(1, options.concurrency);
    let failFastBy: string | undefined;
    let stopping = false;
    const allDone = yield* Deferred.make<void>();

    const settle = (name: string, o: Outcome<O>): void => {
      if (outcomes.has(name)) return;
      outcomes.set(name, o);
      fibers.delete(name);
      for (const d of dependents.get(name)!) {
        const left = waitingOn.get(d)! - 1;
        waitingOn.set(d, left);
        if (left === 0) ready.push(d);
      }
      if (outcomes.size === tasks.length) Deferred.unsafeDone(allDone, Exit.void);
    };

    const canStart = (t: SchedulerTask): boolean =>
      fibers.size < capacity && Object.entries(t.pools).every(([p, n]) => n <= 0 || !(p in options.pools) || (poolUse.get(p) ?? 0) + n <= options.pools[p]!);
    const claim = (t: SchedulerTask, sign: 1 | -1): void => {
      for (const [p, n] of Object.entries(t.pools)) if (n > 0 && p in options.pools) poolUse.set(p, (poolUse.get(p) ?? 0) + sign * n);
    };

    const oneAttempt = (t: SchedulerTask, attempt: number) => {
      const run = Effect.tryPromise({ try: (signal) => hooks.attempt(t.name, attempt, signal), catch: (e) => e });
      return t.timeoutMs === undefined
        ? run
        : Effect.timeoutFail(run, { duration: Duration.millis(t.timeoutMs), onTimeout: () => new TaskTimeoutError(t.name, t.timeoutMs!) });
    };

    const withRetries = (t: SchedulerTask): Effect.Effect<O, { error: unknown; attempts: number }> => {
      const loop = (attempt: number): Effect.Effect<O, { error: unknown; attempts: number }> =>
        Effect.catchAll(oneAttempt(t, attempt), (error) => {
          if (attempt >= t.retry.attempts || !isRetryable(error)) return Effect.fail({ error, attempts: attempt });
          const delay = retryDelayMs(t.retry, attempt, options.random);
          return Effect.zipRight(
            Effect.sync(() => hooks.retrying(t.name, attempt, t.retry.attempts, delay, error)),
            Effect.zipRight(Effect.sleep(Duration.millis(delay)), loop(attempt + 1)),
          );
        });
      return loop(1);
    };

    /** Stops starting tasks; running ones are interrupted (their cancelled hook says "fail-fast"). */
    const failFast = (name: string): void => {
      if (failFastBy !== undefined) return;
      failFastBy = name;
      for (const f of [...fibers.values()]) Runtime.runFork(runtime)(Fiber.interrupt(f));
      cancelUnstarted("fail-fast");
    };

    /** Every task that has not started (and never will) ends as cancelled. */
    const cancelUnstarted = (reason: "fail-fast" | "interrupted"): void => {
      for (const t of tasks) {
        if (outcomes.has(t.name) || fibers.has(t.name)) continue;
        hooks.cancelled(t.name, reason, false);
        settle(t.name, { status: "cancelled", reason });
      }
      ready.length = 0;
    };

    const attemptFiber = (t: SchedulerTask): Effect.Effect<void, never> =>
      withRetries(t).pipe(
        Effect.matchEffect({
          onSuccess: (value) =>
            Effect.sync(() => {
              claim(t, -1);
              settle(t.name, { status: "done", value });
            }),
          onFailure: ({ error, attempts }) =>
            Effect.sync(() => {
              claim(t, -1);
              if ((error as { _tag?: string })?._tag === "TaskInvalidatedError") {
                // Stopped by watch mode, not failed: no fail-fast; the next cycle reruns it.
                hooks.cancelled(t.name, "watch-invalidated", true);
                settle(t.name, { status: "cancelled", reason: "watch-invalidated" });
                return;
              }
              hooks.failed(t.name, error, attempts);
              settle(t.name, { status: "failed", error });
              if (!options.keepGoing) failFast(t.name);
            }),
        }),
        Effect.onInterrupt(() =>
          Effect.sync(() => {
            if (outcomes.has(t.name)) return;
            claim(t, -1);
            const reason = failFastBy !== undefined ? "fail-fast" : "interrupted";
            hooks.cancelled(t.name, reason, true);
            settle(t.name, { status: "cancelled", reason });
          }),
        ),
        Effect.ensuring(Effect.sync(() => pump())),
        // A hook that throws (say, the lineage DB is locked) must end the run, not strand the task.
        Effect.catchAllDefect((defect) => Effect.sync(() => abort(defect))),
      );

    /** Ends the whole schedule with a defect: running tasks are interrupted by the caller's cleanup. */
    const abort = (defect: unknown): void => {
      stopping = true;
      Deferred.unsafeDone(allDone, Exit.die(defect));
    };

    /** Moves ready tasks along: cancel (upstream failed), restore (prepare), or start (slot free). */
    const pump = (): void => {
      try {
        pumpUnsafe();
      } catch (defect) {
        abort(defect);
      }
    };
    const pumpUnsafe = (): void => {
      if (stopping || failFastBy !== undefined) return;
      let progressed = true;
      while (progressed) {
        progressed = false;
        for (let i = 0; i < ready.length; i++) {
          const name = ready[i]!;
          const t = byName.get(name)!;
          if (!prepared.has(name)) {
            const deps = new Map(t.deps.filter((d) => byName.has(d)).map((d) => [d, outcomes.get(d)!] as const));
            if ([...deps.values()].some((o) => o.status !== "done")) {
              ready.splice(i--, 1);
              hooks.cancelled(name, "upstream-failed", false);
              settle(name, { status: "cancelled", reason: "upstream-failed" });
              progressed = true;
              continue;
            }
            let r: O | "run";
            try {
              r = hooks.prepare(name, deps);
            } catch (error) {
              ready.splice(i--, 1);
              hooks.failed(name, error, 0);
              settle(name, { status: "failed", error });
              if (!options.keepGoing) return failFast(name);
              progressed = true;
              continue;
            }
            prepared.add(name);
            if (r !== "run") {
              ready.splice(i--, 1);
              settle(name, { status: "done", value: r });
              progressed = true;
              continue;
            }
          }
          if (!canStart(t)) continue;
          ready.splice(i--, 1);
          claim(t, 1);
          hooks.started?.(name);
          fibers.set(name, Runtime.runFork(runtime)(attemptFiber(t)));
          progressed = true;
        }
      }
    };
    const prepared = new Set<string>();

    if (tasks.length === 0) return outcomes as ReadonlyMap<string, Outcome<O>>;
    pump();
    const stopAll = Effect.gen(function* () {
      // Stop starting tasks, interrupt the running ones and wait until they are gone.
      stopping = true;
      yield* Effect.forEach([...fibers.values()], (f) => Fiber.interrupt(f), { discard: true });
      cancelUnstarted("interrupted");
    });
    yield* Deferred.await(allDone).pipe(
      Effect.onInterrupt(() => stopAll),
      Effect.tapDefect(() => stopAll),
    );
    return outcomes as ReadonlyMap<string, Outcome<O>>;
  });

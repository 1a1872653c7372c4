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
import { Effect, Deferred, Duration, Exit, Cause } from "./effect.js";
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

class FailFast {
  readonly _tag = "FailFast";
  constructor(readonly task: string) {}
}

/**
 * The scheduler as an Effect: resolves with every task's outcome. Interrupting it (Ctrl-C)
 * cancels running attempts — their AbortSignals fire — and marks unfinished tasks cancelled.
 */
export const schedule = <O>(tasks: ReadonlyArray<SchedulerTask>, hooks: SchedulerHooks<O>, options: SchedulerOptions) =>
  Effect.gen(function* () {
    const slots = yield* Effect.makeSemaphore(Math.max(1, options.concurrency));
    const pools = new Map<string, Effect.Semaphore>();
    for (const [name, cap] of Object.entries(options.pools)) pools.set(name, yield* Effect.makeSemaphore(cap));
    const done = new Map<string, Deferred.Deferred<Outcome<O>>>();
    for (const t of tasks) done.set(t.name, yield* Deferred.make<Outcome<O>>());
    const outcomes = new Map<string, Outcome<O>>();
    const running = new Set<string>();
    let failFastBy: string | undefined;

    const finish = (name: string, o: Outcome<O>) =>
      Effect.suspend(() => {
        running.delete(name);
        outcomes.set(name, o);
        return Deferred.succeed(done.get(name)!, o);
      });

    const withPools = <A, E, R>(t: SchedulerTask, eff: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => {
      // Sorted acquisition order: two tasks needing the same pools can never deadlock.
      let wrapped = slots.withPermits(1)(eff);
      for (const [pool, n] of Object.entries(t.pools).sort(([a], [b]) => (a < b ? 1 : -1))) {
        const sem = pools.get(pool);
        if (sem && n > 0) wrapped = sem.withPermits(n)(wrapped);
      }
      return wrapped;
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

    const runTask = (t: SchedulerTask): Effect.Effect<void, FailFast> =>
      Effect.gen(function* () {
        const depOutcomes = new Map<string, Outcome<O>>();
        for (const d of t.deps) depOutcomes.set(d, yield* Deferred.await(done.get(d)!));
        if ([...depOutcomes.values()].some((o) => o.status !== "done")) {
          yield* Effect.sync(() => hooks.cancelled(t.name, "upstream-failed", false));
          return yield* finish(t.name, { status: "cancelled", reason: "upstream-failed" });
        }
        const prepared = yield* Effect.try({ try: () => hooks.prepare(t.name, depOutcomes), catch: (e) => e }).pipe(Effect.either);
        if (prepared._tag === "Left") {
          yield* Effect.sync(() => hooks.failed(t.name, prepared.left, 0));
          yield* finish(t.name, { status: "failed", error: prepared.left });
          if (!options.keepGoing) return yield* Effect.fail(new FailFast(t.name));
          return;
        }
        if (prepared.right !== "run") return yield* finish(t.name, { status: "done", value: prepared.right });
        const result = yield* withPools(
          t,
          Effect.zipRight(
            Effect.sync(() => {
              running.add(t.name);
              hooks.started?.(t.name);
            }),
            withRetries(t),
          ),
        ).pipe(Effect.either);
        if (result._tag === "Right") return yield* finish(t.name, { status: "done", value: result.right });
        if ((result.left.error as { _tag?: string })?._tag === "TaskInvalidatedError") {
          // Stopped by watch mode, not failed: no fail-fast; the next cycle reruns it.
          yield* Effect.sync(() => hooks.cancelled(t.name, "watch-invalidated", true));
          return yield* finish(t.name, { status: "cancelled", reason: "watch-invalidated" });
        }
        yield* Effect.sync(() => hooks.failed(t.name, result.left.error, result.left.attempts));
        yield* finish(t.name, { status: "failed", error: result.left.error });
        if (!options.keepGoing) {
          failFastBy ??= t.name;
          return yield* Effect.fail(new FailFast(t.name));
        }
      }).pipe(
        Effect.onInterrupt(() =>
          Effect.sync(() => {
            if (outcomes.has(t.name)) return;
            const reason = failFastBy !== undefined ? "fail-fast" : "interrupted";
            // `running` is cleared only by `finish`, so an interrupted attempt is still in it here.
            const wasRunning = running.delete(t.name);
            hooks.cancelled(t.name, reason, wasRunning);
            outcomes.set(t.name, { status: "cancelled", reason });
          }),
        ),
      );

    const exit = yield* Effect.exit(Effect.forEach(tasks, runTask, { concurrency: "unbounded", discard: true }));
    if (Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause)) {
      const failures = Cause.failures(exit.cause);
      const defects = Cause.defects(exit.cause);
      if (defects.length > 0) return yield* Effect.die([...defects][0]);
      const other = [...failures].find((f) => !(f instanceof FailFast));
      if (other !== undefined) return yield* Effect.die(other);
    }
    if (Exit.isFailure(exit) && Cause.isInterruptedOnly(exit.cause)) return yield* Effect.interrupt;
    // Fail-fast interrupts siblings mid-flight; tasks that never reached a terminal state are cancelled.
    for (const t of tasks) {
      if (!outcomes.has(t.name)) {
        hooks.cancelled(t.name, "fail-fast", false);
        outcomes.set(t.name, { status: "cancelled", reason: "fail-fast" });
      }
    }
    return outcomes as ReadonlyMap<string, Outcome<O>>;
  });

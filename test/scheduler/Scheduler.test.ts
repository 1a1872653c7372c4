/**
 * The Effect scheduler on virtual time: retries with exponential backoff, jitter and a max delay,
 * per-attempt timeouts, fail-fast, keep-going, resource pools and interruption — driven with
 * TestClock and hand-written hooks whose attempts the test settles. No sleeps.
 */
import { describe, expect, it } from "@effect/vitest";
import * as Effect from "effect/Effect";
import * as Fiber from "effect/Fiber";
import * as TestClock from "effect/TestClock";
import { schedule, type Outcome, type SchedulerHooks, type SchedulerTask } from "../../src/scheduler/Scheduler.js";
import { NO_RETRY, retryDelayMs, retryPolicy, type RetryPolicy } from "../../src/scheduler/RetryPolicy.js";

/** Lets promise callbacks (attempt results) reach the fibers: event-loop turns, not time. */
const settle = Effect.promise(() => new Promise<void>((r) => setImmediate(r))).pipe(Effect.repeatN(5));

interface Attempt {
  readonly task: string;
  readonly n: number;
  readonly signal: AbortSignal;
  /** Resolved or rejected already. */
  settled: boolean;
  resolve(v: string): void;
  reject(e: unknown): void;
}

/** Hooks recording every call; each attempt is a promise the test resolves or rejects. */
const recordingHooks = (auto: (task: string, n: number) => "ok" | "fail" | "hang" = () => "hang") => {
  const log: string[] = [];
  const attempts: Attempt[] = [];
  const delays: Array<{ task: string; attempt: number; delayMs: number }> = [];
  let running = 0;
  let maxRunning = 0;
  const hooks: SchedulerHooks<string> = {
    prepare: () => "run",
    started: (name) => void log.push(`started ${name}`),
    attempt: (task, n, signal) =>
      new Promise<string>((resolve, reject) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        const a: Attempt = {
          task, n, signal, settled: false,
          resolve: (v) => a.settled || ((a.settled = true), running--, resolve(v)),
          reject: (e) => a.settled || ((a.settled = true), running--, reject(e)),
        };
        attempts.push(a);
        signal.addEventListener("abort", () => a.reject(new Error(`${task} aborted`)), { once: true });
        const how = auto(task, n);
        if (how === "ok") a.resolve(`${task}#${n}`);
        else if (how === "fail") a.reject(new Error(`${task} attempt ${n} failed`));
      }),
    retrying: (task, attempt, _max, delayMs) => void delays.push({ task, attempt, delayMs }),
    failed: (task, _e, n) => void log.push(`failed ${task} after ${n}`),
    cancelled: (task, reason, wasRunning) => void log.push(`cancelled ${task} ${reason}${wasRunning ? " (running)" : ""}`),
  };
  return { hooks, log, attempts, delays, running: () => running, maxRunning: () => maxRunning };
};

const t = (name: string, extra: Partial<SchedulerTask> = {}): SchedulerTask => ({ name, deps: [], pools: {}, retry: NO_RETRY, timeoutMs: undefined, ...extra });
const opts = { concurrency: 4, keepGoing: false, pools: {} };
const statuses = (m: ReadonlyMap<string, Outcome<string>>) => Object.fromEntries([...m].map(([k, o]) => [k, o.status === "cancelled" ? `cancelled:${o.reason}` : o.status]));

describe("retry delays", () => {
  it("grows exponentially from the base delay, caps at maxDelay, and draws full jitter below the cap", () => {
    const p: RetryPolicy = retryPolicy({ attempts: 10, delay: "1s", maxDelay: "5s" });
    const top = () => 0.999999;
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(p, n, top))).toEqual([999, 1999, 3999, 4999, 4999]);
    expect(retryDelayMs(p, 3, () => 0)).toBe(0);
    expect(retryDelayMs(p, 3, () => 0.5)).toBe(2000);
    expect(retryDelayMs(retryPolicy({ attempts: 3, backoff: "fixed", delay: 250 }), 2, () => 0)).toBe(250);
  });
});

describe("schedule", () => {
  it.effect("retries a failing task after exponentially growing jittered delays measured on the virtual clock", () =>
    Effect.gen(function* () {
      const rec = recordingHooks((_, n) => (n < 4 ? "fail" : "ok"));
      const retry = retryPolicy({ attempts: 5, delay: "1s", maxDelay: "1 minute" });
      const fiber = yield* Effect.fork(schedule([t("flaky", { retry })], rec.hooks, { ...opts, random: () => 0.5 }));
      yield* settle;
      expect(rec.attempts.length).toBe(1);
      // Half of 1 s, then half of 2 s, then half of 4 s (jitter fixed at 0.5).
      for (const [delay, next] of [[500, 2], [1000, 3], [2000, 4]] as const) {
        yield* TestClock.adjust(delay - 1);
        yield* settle;
        expect(rec.attempts.length).toBe(next - 1);
        yield* TestClock.adjust(1);
        yield* settle;
        expect(rec.attempts.length).toBe(next);
      }
      const outcomes = yield* Fiber.join(fiber);
      expect(outcomes.get("flaky")).toEqual({ status: "done", value: "flaky#4" });
      expect(rec.delays).toEqual([
        { task: "flaky", attempt: 1, delayMs: 500 },
        { task: "flaky", attempt: 2, delayMs: 1000 },
        { task: "flaky", attempt: 3, delayMs: 2000 },
      ]);
    }),
  );

  it.effect("never waits longer than maxDelay and fails after the last attempt", () =>
    Effect.gen(function* () {
      const rec = recordingHooks(() => "fail");
      const retry = retryPolicy({ attempts: 4, delay: "1s", maxDelay: "1.5s" });
      const fiber = yield* Effect.fork(schedule([t("down", { retry })], rec.hooks, { ...opts, random: () => 0.999999 }));
      yield* settle;
      for (let i = 0; i < 3; i++) {
        yield* TestClock.adjust(1500);
        yield* settle;
      }
      const outcomes = yield* Fiber.join(fiber);
      expect(rec.delays.map((d) => d.delayMs)).toEqual([999, 1499, 1499]);
      expect(outcomes.get("down")?.status).toBe("failed");
      expect(rec.log).toContain("failed down after 4");
    }),
  );

  it.effect("does not retry an error marked retryable: false", () =>
    Effect.gen(function* () {
      const rec = recordingHooks();
      const fiber = yield* Effect.fork(schedule([t("perm", { retry: retryPolicy(5) })], rec.hooks, opts));
      yield* settle;
      rec.attempts[0]!.reject(Object.assign(new Error("image not found"), { retryable: false }));
      const outcomes = yield* Fiber.join(fiber);
      expect(outcomes.get("perm")?.status).toBe("failed");
      expect(rec.attempts.length).toBe(1);
      expect(rec.delays).toEqual([]);
    }),
  );

  it.effect("fails an attempt that outlives its timeout and aborts its signal", () =>
    Effect.gen(function* () {
      const rec = recordingHooks();
      const fiber = yield* Effect.fork(schedule([t("slow", { timeoutMs: 5000 })], rec.hooks, opts));
      yield* settle;
      yield* TestClock.adjust(4999);
      yield* settle;
      expect(rec.attempts[0]!.signal.aborted).toBe(false);
      yield* TestClock.adjust(1);
      const outcomes = yield* Fiber.join(fiber);
      const o = outcomes.get("slow");
      expect(o?.status).toBe("failed");
      expect(o?.status === "failed" && (o.error as { _tag?: string })._tag).toBe("TaskTimeoutError");
      expect(rec.attempts[0]!.signal.aborted).toBe(true);
    }),
  );

  it.effect("fail-fast: after a failure no new task starts and running ones are interrupted", () =>
    Effect.gen(function* () {
      const rec = recordingHooks();
      const tasks = [t("bad"), t("busy"), t("waiting"), t("after", { deps: ["bad"] })];
      const fiber = yield* Effect.fork(schedule(tasks, rec.hooks, { ...opts, concurrency: 2 }));
      yield* settle;
      expect(rec.attempts.map((a) => a.task)).toEqual(["bad", "busy"]);
      rec.attempts[0]!.reject(new Error("boom"));
      const outcomes = yield* Fiber.join(fiber);
      expect(rec.attempts.map((a) => a.task)).toEqual(["bad", "busy"]);
      expect(rec.attempts[1]!.signal.aborted).toBe(true);
      expect(statuses(outcomes)).toMatchObject({ bad: "failed", busy: "cancelled:fail-fast", waiting: "cancelled:fail-fast" });
      expect(["cancelled:fail-fast", "cancelled:upstream-failed"]).toContain(statuses(outcomes).after);
      expect(rec.log).toContain("cancelled busy fail-fast (running)");
    }),
  );

  it.effect("keep-going: every branch that does not depend on the failure still runs", () =>
    Effect.gen(function* () {
      const rec = recordingHooks((task) => (task === "bad" ? "fail" : "ok"));
      const tasks = [t("bad"), t("downstream", { deps: ["bad"] }), t("other"), t("other2", { deps: ["other"] }), t("fanin", { deps: ["other2", "downstream"] })];
      const outcomes = yield* schedule(tasks, rec.hooks, { ...opts, concurrency: 1, keepGoing: true });
      expect(statuses(outcomes)).toEqual({
        bad: "failed", downstream: "cancelled:upstream-failed", other: "done", other2: "done", fanin: "cancelled:upstream-failed",
      });
    }),
  );

  it.effect("never runs more tasks of a pool at once than its capacity, nor more tasks than the concurrency", () =>
    Effect.gen(function* () {
      const rec = recordingHooks();
      const gpu = (name: string) => t(name, { pools: { gpu: 1 } });
      const tasks = [gpu("g1"), gpu("g2"), gpu("g3"), t("c1"), t("c2"), t("c3")];
      const fiber = yield* Effect.fork(schedule(tasks, rec.hooks, { ...opts, concurrency: 3, pools: { gpu: 1 } }));
      // Finish one attempt at a time, checking the limits whenever the scheduler could start more.
      for (;;) {
        yield* settle;
        const open = rec.attempts.filter((a) => !a.settled);
        expect(open.filter((a) => a.task.startsWith("g")).length).toBeLessThanOrEqual(1);
        expect(open.length).toBeLessThanOrEqual(3);
        if (open.length === 0) break;
        open[0]!.resolve("ok");
      }
      const outcomes = yield* Fiber.join(fiber);
      expect(Object.values(statuses(outcomes))).toEqual(["done", "done", "done", "done", "done", "done"]);
      expect(rec.maxRunning()).toBe(3);
    }),
  );

  it.effect("interruption aborts running attempts and reports every unfinished task as interrupted", () =>
    Effect.gen(function* () {
      const rec = recordingHooks();
      const fiber = yield* Effect.fork(schedule([t("a"), t("b", { deps: ["a"] })], rec.hooks, opts));
      yield* settle;
      yield* Fiber.interrupt(fiber);
      expect(rec.attempts[0]!.signal.aborted).toBe(true);
      expect(rec.log).toContain("cancelled a interrupted (running)");
      expect(rec.log).toContain("cancelled b interrupted");
    }),
  );

  it.effect("tells the cancelled hook that an interrupted task was running", () =>
    Effect.gen(function* () {
      const rec = recordingHooks();
      const fiber = yield* Effect.fork(schedule([t("a")], rec.hooks, opts));
      yield* settle;
      yield* Fiber.interrupt(fiber);
      expect(rec.log).toContain("cancelled a interrupted (running)");
    }),
  );
});

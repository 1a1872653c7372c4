// The RunState reducer over hand-built event sequences: statuses, counts, logs, runs, watch status.
import { describe, expect, it } from "vitest";
import type { RunEvent, RunReason } from "../../src/events/RunEvent.js";
import * as RunState from "../../src/events/RunState.js";

const RUN = "run-1";
const changed = (...c: string[]): RunReason => ({ kind: "changed", changed: c });

const started = (names: string[], runId = RUN, at = 1_000): RunEvent => ({
  type: "RunStarted", runId, at, flow: "churn", flowFile: "flows/churn.ts",
  tasks: names.map((name, i) => ({ name, kind: i % 2 === 0 ? "function" : "command", deps: i === 0 ? [] : [names[i - 1]!] })),
});
const queued = (task: string, reason: RunReason = { kind: "new" }): RunEvent => ({ type: "TaskQueued", runId: RUN, at: 1_001, task, reason });
const start = (task: string, attempt = 1, at = 1_010): RunEvent => ({
  type: "TaskStarted", runId: RUN, at, task, attempt, reason: { kind: "new" }, logFile: `.cairn/logs/${RUN}/${task}.log`,
});
const log = (task: string, line: string): RunEvent => ({ type: "TaskLogged", runId: RUN, at: 1_020, task, stream: "stdout", line });
const ok = (task: string, durationMs = 50): RunEvent => ({
  type: "TaskSucceeded", runId: RUN, at: 1_060, task, key: "k", durationMs, attempts: 1, outputHash: "h",
});

const fold = (events: RunEvent[], state = RunState.initialRunState()) => events.reduce(RunState.reduce, state);

describe("RunState.reduce", () => {
  it("lists every declared task as pending once the run starts", () => {
    const s = fold([started(["extract", "features", "train"])]);
    expect(s.flow).toBe("churn");
    expect(s.runId).toBe(RUN);
    expect(s.startedAt).toBe(1_000);
    expect(s.order).toEqual(["extract", "features", "train"]);
    expect([...s.byStatus.pending]).toEqual(["extract", "features", "train"]);
    expect(s.counts).toMatchObject({ total: 3, done: 0, pending: 3, running: 0 });
    expect(s.rows.get("features")).toMatchObject({ kind: "command", deps: ["extract"], status: "pending", attempt: 0 });
  });

  it("walks a task through queued, running and succeeded, recording reason, log file and duration", () => {
    const s = fold([started(["a"]), queued("a", changed("code"))]);
    expect(s.rows.get("a")).toMatchObject({ status: "queued", reason: { kind: "changed", changed: ["code"] } });
    RunState.reduce(s, start("a"));
    expect(s.rows.get("a")).toMatchObject({ status: "running", attempt: 1, startedAt: 1_010, logFile: ".cairn/logs/run-1/a.log" });
    expect(s.counts).toMatchObject({ running: 1, queued: 0, done: 0 });
    RunState.reduce(s, ok("a", 42));
    expect(s.rows.get("a")).toMatchObject({ status: "succeeded", durationMs: 42 });
    expect(s.counts).toMatchObject({ running: 0, executed: 1, done: 1, total: 1 });
  });

  it("counts cached, failed, cancelled and skipped tasks as done", () => {
    const s = fold([
      started(["a", "b", "c", "d", "e"]),
      { type: "TaskCached", runId: RUN, at: 1_001, task: "a", key: "k", fromRun: "run-0" },
      start("b"),
      { type: "TaskFailed", runId: RUN, at: 1_100, task: "b", error: "CommandExitError", message: "exit 2", durationMs: 90, attempts: 1, tail: ["boom"] },
      { type: "TaskCancelled", runId: RUN, at: 1_101, task: "c", reason: "upstream-failed" },
      { type: "TaskSkipped", runId: RUN, at: 1_102, task: "d", reason: "condition false" },
    ]);
    expect(s.counts).toEqual({
      total: 5, done: 4, pending: 1, queued: 0, running: 0, retrying: 0, cached: 1, executed: 0, failed: 1, cancelled: 1, skipped: 1,
    });
    expect(s.rows.get("a")?.fromRun).toBe("run-0");
    expect(s.rows.get("b")?.error).toEqual({ tag: "CommandExitError", message: "exit 2", tail: ["boom"] });
    expect(s.rows.get("b")?.durationMs).toBe(90);
    expect(s.rows.get("c")?.cancelReason).toBe("upstream-failed");
    expect(s.rows.get("d")?.skipReason).toBe("condition false");
  });

  it("shows a retrying task with its attempt and limit, then running again on the next attempt", () => {
    const s = fold([
      started(["train"]),
      start("train", 1),
      { type: "TaskRetrying", runId: RUN, at: 1_200, task: "train", attempt: 1, maxAttempts: 3, delayMs: 1000, error: "OOM" },
    ]);
    expect(s.rows.get("train")).toMatchObject({ status: "retrying", attempt: 1, maxAttempts: 3, retryError: "OOM" });
    expect(s.counts.retrying).toBe(1);
    RunState.reduce(s, start("train", 2, 2_300));
    expect(s.rows.get("train")).toMatchObject({ status: "running", attempt: 2, maxAttempts: 3, startedAt: 1_010 });
    expect(s.counts).toMatchObject({ retrying: 0, running: 1 });
  });

  it("keeps only the newest log lines of each task, in order, and counts every line", () => {
    const s = fold([started(["a", "b"]), start("a")], RunState.initialRunState({ logCapacity: 3 }));
    for (let i = 1; i <= 7; i++) RunState.reduce(s, log("a", `line ${i}`));
    RunState.reduce(s, log("b", "other"));
    const logs = s.rows.get("a")!.logs;
    expect(logs.size).toBe(3);
    expect(logs.total).toBe(7);
    expect(logs.last(10).map((l) => l.line)).toEqual(["line 5", "line 6", "line 7"]);
    expect(logs.last(2).map((l) => l.line)).toEqual(["line 6", "line 7"]);
    expect(s.rows.get("b")!.logs.last(5).map((l) => l.line)).toEqual(["other"]);
  });

  it("orders the running group by start time and moves a task between groups when it finishes", () => {
    const s = fold([started(["a", "b", "c"]), start("c"), start("a"), start("b"), ok("a")]);
    expect([...s.byStatus.running]).toEqual(["c", "b"]);
    expect([...RunState.groupedTaskNames(s)]).toEqual(["c", "b", "a"]);
  });

  it("bumps the version on every applied event and the row revision only for its task", () => {
    const s = fold([started(["a", "b"])]);
    const v0 = s.version;
    RunState.reduce(s, start("a"));
    RunState.reduce(s, log("a", "x"));
    expect(s.version).toBe(v0 + 2);
    expect(s.rows.get("a")!.rev).toBe(2);
    expect(s.rows.get("b")!.rev).toBe(0);
  });

  it("records the last value of each metric", () => {
    const s = fold([started(["a"]), start("a")]);
    for (const [value, step] of [[0.5, 1], [0.7, 2]] as const) {
      RunState.reduce(s, { type: "TaskMetricLogged", runId: RUN, at: 1, task: "a", name: "acc", value, step });
    }
    expect(s.rows.get("a")!.metrics.get("acc")).toBe(0.7);
  });

  it("ignores events of another run and of undeclared tasks instead of inventing rows", () => {
    const s = fold([started(["a"])]);
    const v = s.version;
    RunState.reduce(s, { ...start("a"), runId: "stale-run" } as RunEvent);
    RunState.reduce(s, start("ghost"));
    expect(s.ignored).toBe(2);
    expect(s.version).toBe(v);
    expect(s.rows.has("ghost")).toBe(false);
    expect(s.rows.get("a")!.status).toBe("pending");
  });

  it("records the finished status and resets the rows when the next run starts, keeping the watch status", () => {
    const s = fold([started(["a"]), start("a"), ok("a")]);
    RunState.withWatchStatus(s, { filesWatched: 12, lastChange: { path: "data/x.csv", at: 5 }, rerun: 0, invalidated: [] });
    RunState.reduce(s, { type: "RunFinished", runId: RUN, at: 2_000, status: "succeeded", executed: 1, cached: 0, failed: 0, cancelled: 0, skipped: 0, durationMs: 1_000 });
    expect(s.finished).toEqual({ status: "succeeded", durationMs: 1_000, at: 2_000 });
    RunState.reduce(s, { ...started(["a", "b"], "run-2", 3_000), watch: { rerun: 1, changed: ["data/x.csv"] } } as RunEvent);
    expect(s.finished).toBeNull();
    expect(s.runId).toBe("run-2");
    expect(s.counts).toMatchObject({ total: 2, done: 0, pending: 2, executed: 0 });
    expect(s.rows.get("a")!.status).toBe("pending");
    expect(s.watch).toEqual({ filesWatched: 12, lastChange: { path: "data/x.csv", at: 5 }, rerun: 1, invalidated: [] });
  });

  it("sets the watch status from the watch loop and bumps the version", () => {
    const s = RunState.initialRunState();
    const status = { filesWatched: 3, lastChange: { path: "src/a.ts", at: 9 }, rerun: 2, invalidated: ["train", "eval"], problem: "SyntaxError in flows/churn.ts" };
    RunState.withWatchStatus(s, status);
    expect(s.watch).toEqual(status);
    expect(s.version).toBe(1);
  });

  it("drops events that arrive before any run started", () => {
    const s = RunState.reduce(RunState.initialRunState(), start("a"));
    expect(s.ignored).toBe(1);
    expect(s.rows.size).toBe(0);
  });

  it("folds 5,000 tasks with 100,000 log lines into consistent counts", () => {
    const names = Array.from({ length: 5_000 }, (_, i) => `t${i}`);
    const s = RunState.initialRunState({ logCapacity: 20 });
    RunState.reduce(s, started(names));
    for (const n of names) {
      RunState.reduce(s, queued(n));
      RunState.reduce(s, start(n));
      for (let j = 0; j < 20; j++) RunState.reduce(s, log(n, `${n} ${j}`));
      RunState.reduce(s, ok(n));
    }
    expect(s.counts).toMatchObject({ total: 5_000, done: 5_000, executed: 5_000, running: 0, queued: 0, pending: 0 });
    expect(s.byStatus.succeeded.size).toBe(5_000);
    expect(s.rows.get("t4999")!.logs.last(1)[0]!.line).toBe("t4999 19");
  });
});

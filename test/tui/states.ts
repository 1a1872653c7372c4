// Hand-built RunStates for the TUI tests: a small builder that folds real RunEvents.
import type { RunEvent, RunReason } from "../../src/events/RunEvent.js";
import * as RunState from "../../src/events/RunState.js";

export const RUN = "run-20261204-abcdef";
export const T0 = Date.UTC(2026, 11, 4, 21, 0, 0);

/** A run of `names` with helpers that publish the events a scheduler would. */
export const runOf = (names: ReadonlyArray<string>, options: RunState.RunStateOptions = {}) => {
  let state = RunState.initialRunState(options);
  const emit = (e: RunEvent) => {
    state = RunState.reduce(state, e);
  };
  emit({
    type: "RunStarted", runId: RUN, at: T0, flow: "churn", flowFile: "flows/churn.ts",
    tasks: names.map((name) => ({ name, kind: "function" as const, deps: [] })),
  });
  const b = {
    get state() {
      return state;
    },
    emit,
    queue(task: string, reason: RunReason = { kind: "new" }) {
      emit({ type: "TaskQueued", runId: RUN, at: T0 + 1, task, reason });
      return b;
    },
    start(task: string, reason: RunReason = { kind: "new" }, attempt = 1, at = T0 + 10) {
      emit({ type: "TaskStarted", runId: RUN, at, task, attempt, reason, logFile: `.cairn/logs/${RUN}/${task}.log` });
      return b;
    },
    log(task: string, ...lines: string[]) {
      for (const line of lines) emit({ type: "TaskLogged", runId: RUN, at: T0 + 20, task, stream: "stdout", line });
      return b;
    },
    succeed(task: string, durationMs = 1_500) {
      emit({ type: "TaskSucceeded", runId: RUN, at: T0 + 30, task, key: "k", durationMs, attempts: 1, outputHash: "h" });
      return b;
    },
    cache(task: string) {
      emit({ type: "TaskCached", runId: RUN, at: T0 + 2, task, key: "k", fromRun: "run-20261203-000000" });
      return b;
    },
    fail(task: string, message = "python train.py exited with code 2", tail: string[] = ["Traceback (most recent call last):", "ValueError: bad column"]) {
      emit({ type: "TaskFailed", runId: RUN, at: T0 + 40, task, error: "CommandExitError", message, durationMs: 3_200, attempts: 1, tail });
      return b;
    },
    retry(task: string, attempt = 1, maxAttempts = 3) {
      emit({ type: "TaskRetrying", runId: RUN, at: T0 + 50, task, attempt, maxAttempts, delayMs: 1_000, error: "CUDA out of memory" });
      return b;
    },
    cancel(task: string) {
      emit({ type: "TaskCancelled", runId: RUN, at: T0 + 60, task, reason: "upstream-failed" });
      return b;
    },
    skip(task: string) {
      emit({ type: "TaskSkipped", runId: RUN, at: T0 + 70, task, reason: "condition false" });
      return b;
    },
    finish(status: "succeeded" | "failed" | "cancelled", durationMs = 5_000) {
      emit({ type: "RunFinished", runId: RUN, at: T0 + durationMs, status, executed: 0, cached: 0, failed: 0, cancelled: 0, skipped: 0, durationMs });
      return b;
    },
  };
  return b;
};

/** One task in every status, as a scheduler would leave them mid-run. */
export const everyStatus = () =>
  runOf(["extract", "features", "train", "evaluate", "report", "deploy", "notify", "drift", "cleanup"])
    .cache("extract")
    .start("features", { kind: "changed", changed: ["code"] }).succeed("features", 850)
    .start("train", { kind: "changed", changed: ["params"] }).log("train", "epoch 1 loss=0.7", "epoch 2 loss=0.5")
    .start("evaluate", { kind: "changed", changed: ["inputs"] }).fail("evaluate")
    .start("report", { kind: "forced" }).retry("report", 1, 3)
    .queue("deploy", { kind: "changed", changed: ["deps"] })
    .cancel("notify")
    .skip("drift");

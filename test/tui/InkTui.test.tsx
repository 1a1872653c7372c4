// The in-process Ink UI fed from a real EventBus, drawing into a fake terminal (no TTY exists under
// vitest): every event folded, redraws on a timer rather than per event, the final frame left behind.
import { afterEach, describe, expect, it, vi } from "vitest";

// Ink reads the CI markers when it is first imported and, under them, draws only its last frame.
// The real TUI host runs without them (TuiReporter strips them), so this in-process copy does too.
vi.hoisted(() => {
  delete process.env["CI"];
  delete process.env["CONTINUOUS_INTEGRATION"];
});
import { EventBus } from "../../src/events/EventBus.js";
import type { RunEvent } from "../../src/events/RunEvent.js";
import { startInkTui, type InkTui, type InkTuiOptions } from "../../src/tui/InkTui.js";
import { FakeStdin, FakeStdout, KEYS, settle, stripAnsi } from "./terminal.js";

const RUN = "run-tui";
const T0 = Date.UTC(2026, 11, 4, 21, 0, 0);

const started = (names: string[]): RunEvent => ({
  type: "RunStarted", runId: RUN, at: T0, flow: "churn", flowFile: "flows/churn.ts",
  tasks: names.map((name) => ({ name, kind: "function" as const, deps: [] })),
});
const taskEvents = (task: string): RunEvent[] => [
  { type: "TaskQueued", runId: RUN, at: T0, task, reason: { kind: "new" } },
  { type: "TaskStarted", runId: RUN, at: T0, task, attempt: 1, reason: { kind: "new" }, logFile: `.cairn/logs/${RUN}/${task}.log` },
  { type: "TaskLogged", runId: RUN, at: T0, task, stream: "stdout", line: `${task} says hi` },
  { type: "TaskSucceeded", runId: RUN, at: T0, task, key: "k", durationMs: 5, attempts: 1, outputHash: "h" },
];

const reporters: InkTui[] = [];
afterEach(async () => {
  vi.useRealTimers();
  while (reporters.length > 0) await reporters.pop()!.stop();
});

const start = (extra: Partial<InkTuiOptions> = {}) => {
  const bus = new EventBus();
  const stdout = new FakeStdout(80, 24);
  const stdin = new FakeStdin();
  const onQuit = vi.fn();
  const tui = startInkTui({
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    onQuit,
    onInterrupt: () => {},
    colors: false,
    now: () => T0 + 1_000,
    patchConsole: false,
    ...extra,
  });
  bus.subscribe((e) => tui.fold(e));
  reporters.push(tui);
  return { bus, stdout, stdin, onQuit, tui, screen: () => stripAnsi(stdout.frames.join("")) };
};

describe("startInkTui", () => {
  it("folds every event of a 1,000-task burst and draws nothing until the timer fires", async () => {
    vi.useFakeTimers();
    const { bus, stdout, tui } = start();
    const names = Array.from({ length: 1_000 }, (_, i) => `t${i}`);
    const writesBefore = stdout.frames.length;
    bus.publish(started(names));
    for (const n of names) for (const e of taskEvents(n)) bus.publish(e);
    expect(stdout.frames.length).toBe(writesBefore);
    expect(tui.state.counts).toMatchObject({ total: 1_000, done: 1_000, executed: 1_000 });
    expect(tui.state.version).toBe(1 + 4 * 1_000);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(stripAnsi(stdout.frames.join(""))).toContain("1000/1000  100%");
  });

  it("redraws an idle screen only when something changed", async () => {
    vi.useFakeTimers();
    const { bus, stdout, tui } = start();
    bus.publish(started(["a"]));
    for (const e of taskEvents("a")) bus.publish(e);
    bus.publish({ type: "RunFinished", runId: RUN, at: T0 + 10, status: "succeeded", executed: 1, cached: 0, failed: 0, cancelled: 0, skipped: 0, durationMs: 10 });
    await vi.advanceTimersByTimeAsync(1_000);
    const settled = stdout.frames.length;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(stdout.frames.length).toBe(settled);
    tui.setWatchStatus({ filesWatched: 3, lastChange: { path: "data/a.csv", at: T0 }, rerun: 1, invalidated: ["a"] });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(stdout.frames.length).toBeGreaterThan(settled);
    expect(stdout.lastText()).toContain("watch 3 files · rerun 1");
  });

  it("leaves the failure and its log tail on screen after stop", async () => {
    const { bus, tui, stdout } = start();
    bus.publish(started(["train"]));
    bus.publish({ type: "TaskStarted", runId: RUN, at: T0, task: "train", attempt: 1, reason: { kind: "forced" }, logFile: ".cairn/logs/run-tui/train.log" });
    bus.publish({ type: "TaskFailed", runId: RUN, at: T0 + 5, task: "train", error: "CommandExitError", message: "exit code 2", durationMs: 5, attempts: 1, tail: ["KeyError: 'churn'"] });
    bus.publish({ type: "RunFinished", runId: RUN, at: T0 + 6, status: "failed", executed: 0, cached: 0, failed: 1, cancelled: 0, skipped: 0, durationMs: 6 });
    await tui.stop();
    const last = stdout.lastText();
    expect(last).toContain("failed");
    expect(last).toContain("✖ train failed (CommandExitError)");
    expect(last).toContain("exit code 2");
    expect(last).toContain("│ KeyError: 'churn'");
    expect(last).toContain("log: .cairn/logs/run-tui/train.log");
    expect(last).not.toContain("q quit");
  });

  it("passes q and r on to its callbacks", async () => {
    const onForceRerun = vi.fn();
    const { bus, stdin, onQuit, screen } = start({ onForceRerun, fps: 50 });
    bus.publish(started(["a", "b"]));
    await new Promise((r) => setTimeout(r, 60));
    await settle();
    expect(screen()).toContain("r rerun");
    stdin.write(KEYS.down);
    await settle();
    stdin.write("r");
    stdin.write("q");
    await settle();
    expect(onForceRerun).toHaveBeenCalledWith("a");
    expect(onQuit).toHaveBeenCalledTimes(1);
  });
});

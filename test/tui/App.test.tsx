// The whole screen in a fake 80×24 terminal: layout budget, resize, keys, the final frame.
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderToString } from "ink";
import { App, type AppProps } from "../../src/tui/App.js";
import * as RunState from "../../src/events/RunState.js";
import { everyStatus, runOf, T0 } from "./states.js";
import { KEYS, mount, settle } from "./terminal.js";

const unmounts: Array<() => void> = [];
afterEach(() => {
  while (unmounts.length > 0) unmounts.pop()!();
});

const app = (state: RunState.RunState, extra: Partial<AppProps> = {}) => (
  <App state={state} version={state.version} now={T0 + 4_000} onQuit={() => {}} colors={false} {...extra} />
);

const live = (state: RunState.RunState, extra: Partial<AppProps> = {}, columns = 80, rows = 24) => {
  const m = mount(app(state, extra), columns, rows);
  unmounts.push(() => m.instance.unmount());
  return m;
};

const big = (n: number) => {
  const names = Array.from({ length: n }, (_, i) => `task-${i}`);
  const b = runOf(names);
  names.forEach((name, i) => (i % 3 === 0 ? b.start(name).log(name, `${name} working`) : i % 3 === 1 ? b.cache(name) : b.queue(name)));
  return b;
};

describe("App", () => {
  it("shows header, progress, counts, every task, the log tail and the keys in 80×24", () => {
    const lines = live(everyStatus().state).frame().split("\n");
    expect(lines[0]).toContain("cairn ▸ churn  run run-20261204…  4.0s  running");
    expect(lines[1]).toContain("5/9  55%");
    expect(lines[2]).toBe("1 running  1 cached  1 executed  1 failed  1 retrying  1 cancelled  1 skipped");
    expect(lines.some((l) => l.includes("✖ evaluate"))).toBe(true);
    expect(lines).toContain("── logs");
    expect(lines).toContain("train │ epoch 2 loss=0.5");
    expect(lines.at(-1)).toBe("↑↓ select · enter/l log · f failed only · q quit");
  });

  it("fits a 1,000-task run into 80×24: never taller than 23 lines nor wider than 80 columns", () => {
    const lines = live(big(1_000).state).frame().split("\n");
    expect(lines.length).toBeLessThanOrEqual(23);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(80);
    expect(lines.some((l) => /rows 1–\d+ of 1000/.test(l))).toBe(true);
  });

  it("re-lays out when the terminal is resized", async () => {
    const m = live(big(200).state);
    expect(m.frame().split("\n")).toHaveLength(23);
    m.stdout.resize(60, 12);
    await settle();
    const small = m.frame().split("\n");
    expect(small.length).toBe(11);
    for (const l of small) expect([...l].length).toBeLessThanOrEqual(60);
    m.stdout.resize(100, 40);
    await settle();
    expect(m.frame().split("\n")).toHaveLength(39);
  });

  it("moves the selection with the arrow keys and keeps it on screen", async () => {
    const m = live(big(300).state);
    m.stdin.write(KEYS.down);
    await settle();
    expect(m.frame()).toMatch(/^› .* task-0 /m);
    // 40 presses before React draws again: each must move from where the previous one left off.
    for (let i = 0; i < 40; i++) m.stdin.write(KEYS.down);
    await settle();
    // Grouped order puts the 100 running tasks (task-0, task-3, …) first: the 41st is task-120.
    const selected = m.frame().split("\n").filter((l) => l.startsWith("›"));
    expect(selected).toHaveLength(1);
    expect(selected[0]).toMatch(/^› . task-120 /);
    m.stdin.write(KEYS.up);
    await settle();
    expect(m.frame().split("\n").filter((l) => l.startsWith("›"))[0]).toMatch(/^› . task-117 /);
  });

  it("opens and closes the selected task's full log with enter and l", async () => {
    const b = runOf(["train", "eval"]).start("train", { kind: "changed", changed: ["inputs"], detail: "input data/churn.csv changed" });
    for (let i = 1; i <= 30; i++) b.log("train", `epoch ${i}`);
    const m = live(b.state);
    m.stdin.write(KEYS.down);
    await settle();
    m.stdin.write(KEYS.enter);
    await settle();
    const detail = m.frame();
    expect(detail).toContain("why: input changed: input data/churn.csv changed");
    expect(detail).toContain("log: .cairn/logs/run-20261204-abcdef/train.log");
    expect(detail).toContain("epoch 30");
    expect(detail).toContain("enter/l close log");
    expect(detail.split("\n").length).toBeLessThanOrEqual(23);
    m.stdin.write("l");
    await settle();
    expect(m.frame()).not.toContain("why:");
    expect(m.frame()).toContain("enter/l log");
  });

  it("filters the list to failed tasks with f and back", async () => {
    const m = live(everyStatus().state);
    m.stdin.write("f");
    await settle();
    const filtered = m.frame();
    expect(filtered).toContain("✖ evaluate");
    expect(filtered).not.toContain("deploy");
    expect(filtered).toContain("f all tasks");
    m.stdin.write("f");
    await settle();
    expect(m.frame()).toContain("deploy");
  });

  it("says so when f finds no failed task", async () => {
    const m = live(runOf(["a"]).start("a").state);
    m.stdin.write("f");
    await settle();
    expect(m.frame()).toContain("no failed tasks (f shows all)");
  });

  it("asks for a forced rerun of the selected task with r, and offers r only when it can", async () => {
    const onForceRerun = vi.fn();
    const m = live(everyStatus().state, { onForceRerun });
    expect(m.frame()).toContain("r rerun");
    m.stdin.write("r");
    await settle();
    expect(onForceRerun).not.toHaveBeenCalled();
    m.stdin.write(KEYS.down);
    m.stdin.write(KEYS.down);
    m.stdin.write("r");
    await settle();
    expect(onForceRerun).toHaveBeenCalledWith("evaluate");
  });

  it("calls onQuit on q and onInterrupt on Ctrl-C", async () => {
    const onQuit = vi.fn();
    const onInterrupt = vi.fn();
    const m = live(everyStatus().state, { onQuit, onInterrupt });
    m.stdin.write("q");
    m.stdin.write(KEYS.ctrlC);
    await settle();
    expect(onQuit).toHaveBeenCalledTimes(1);
    expect(onInterrupt).toHaveBeenCalledTimes(1);
  });

  it("leaves the failures and the summary in the final frame, without keys", () => {
    const b = everyStatus().finish("failed", 6_000);
    const text = renderToString(app(b.state, { final: true, size: { columns: 80, rows: 24 } }), { columns: 80 });
    expect(text).toContain("6.0s  failed");
    expect(text).toContain("✖ evaluate failed (CommandExitError)");
    expect(text).toContain("│ ValueError: bad column");
    expect(text).toContain("log: .cairn/logs/run-20261204-abcdef/evaluate.log");
    expect(text).not.toContain("q quit");
  });

  it("leaves only the summary in the final frame of a large run", () => {
    const b = big(1_000);
    const text = renderToString(app(b.state, { final: true, size: { columns: 80, rows: 24 } }), { columns: 80 });
    expect(text.split("\n")).toHaveLength(3);
  });

  it("shows the watch status line under the counts", () => {
    const b = everyStatus();
    RunState.withWatchStatus(b.state, { filesWatched: 7, lastChange: { path: "data/churn.csv", at: T0 }, rerun: 2, invalidated: ["train"] });
    const lines = live(b.state, { onForceRerun: () => {} }).frame().split("\n");
    expect(lines[3]).toMatch(/^watch 7 files · rerun 2 · changed data\/churn\.csv \d\d:\d\d:\d\d$/);
    expect(lines[4]).toBe("invalidated train");
    expect(lines.length).toBeLessThanOrEqual(23);
  });

  it("keeps working in a terminal too small for the log tail", () => {
    const lines = live(everyStatus().state, {}, 80, 8).frame().split("\n");
    expect(lines).toHaveLength(7);
    expect(lines).not.toContain("── logs");
    expect(lines.at(-1)).toContain("q quit");
  });
});

describe("App with hostile log lines", () => {
  it("keeps multi-line and carriage-return log output to one screen line each", () => {
    const b = runOf(["train"]).start("train").log("train", "Traceback\n  File x\nValueError", "epoch 1\r 50%\r100%");
    const m = mount(app(b.state), 80, 24);
    unmounts.push(() => m.instance.unmount());
    const lines = m.frame().split("\n");
    expect(lines).toContain("train │ Traceback ↵   File x ↵ ValueError");
    expect(lines).toContain("train │ 100%");
    expect(lines.length).toBeLessThanOrEqual(23);
  });
});

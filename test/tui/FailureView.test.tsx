// The failure view: error, tail and log path of every failed task, the part that outlives the UI.
import { describe, expect, it } from "vitest";
import { renderToString } from "ink";
import { FailureView } from "../../src/tui/FailureView.js";
import { runOf } from "./states.js";

describe("FailureView", () => {
  it("shows the failed task's error tag, message, log tail and log file", () => {
    const { state } = runOf(["train"]).start("train").fail("train", "python train.py exited with code 2\nsee the log");
    const text = renderToString(<FailureView rows={state.rows} failed={state.byStatus.failed} tailLines={10} maxTasks={5} />);
    expect(text).toContain("✖ train failed (CommandExitError)  3.2s");
    expect(text).toContain("python train.py exited with code 2");
    expect(text).toContain("see the log");
    expect(text).toContain("│ Traceback (most recent call last):");
    expect(text).toContain("│ ValueError: bad column");
    expect(text).toContain("log: .cairn/logs/run-20261204-abcdef/train.log");
  });

  it("falls back to the log lines the UI kept when the failure carried no tail", () => {
    const { state } = runOf(["a"]).start("a").log("a", "one", "two", "three").fail("a", "boom", []);
    const text = renderToString(<FailureView rows={state.rows} failed={state.byStatus.failed} tailLines={2} maxTasks={5} />);
    expect(text).toContain("│ two");
    expect(text).toContain("│ three");
    expect(text).not.toContain("│ one");
  });

  it("shows the first failures in full and names the rest", () => {
    const names = ["a", "b", "c", "d"];
    const b = runOf(names);
    for (const n of names) b.start(n).fail(n, `${n} broke`);
    const text = renderToString(<FailureView rows={b.state.rows} failed={b.state.byStatus.failed} tailLines={1} maxTasks={2} />);
    expect(text).toContain("a broke");
    expect(text).toContain("b broke");
    expect(text).not.toContain("c broke");
    expect(text).toContain("2 more failed: c, d");
  });

  it("names at most 20 of the other failed tasks when hundreds failed", () => {
    const names = Array.from({ length: 300 }, (_, i) => `t${i}`);
    const b = runOf(names);
    for (const n of names) b.start(n).fail(n, "boom", []);
    const text = renderToString(<FailureView rows={b.state.rows} failed={b.state.byStatus.failed} tailLines={1} maxTasks={2} />, { columns: 200 });
    const summary = text.split("\n").at(-1)!;
    expect(summary).toMatch(/^298 more failed: t2, t3, .*, t21 and 278 others/);
    expect(summary).not.toContain("t22");
  });

  it("renders nothing when no task failed", () => {
    const { state } = runOf(["a"]).start("a").succeed("a");
    expect(renderToString(<FailureView rows={state.rows} failed={state.byStatus.failed} tailLines={5} maxTasks={5} />)).toBe("");
  });
});

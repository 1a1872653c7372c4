// TaskRow over hand-built states: a symbol, label, duration and "why" for every status.
import { describe, expect, it } from "vitest";
import { renderToString } from "ink";
import type { TaskRowState } from "../../src/events/RunState.js";
import { TaskRow, rowWidths } from "../../src/tui/TaskRow.js";
import { SPINNER_FRAMES } from "../../src/tui/taskStatus.js";
import { everyStatus, runOf, T0 } from "./states.js";

const rowText = (row: TaskRowState, now = T0 + 4_000, columns = 80, selected = false) =>
  renderToString(<TaskRow row={row} rev={row.rev} now={now} selected={selected} columns={columns} />, { columns });

describe("TaskRow", () => {
  const { state } = everyStatus();
  const row = (name: string) => state.rows.get(name)!;

  it.each([
    ["extract", "◆", "cached", "", "from run-20261203…"],
    ["features", "✔", "succeeded", "850ms", "code changed"],
    ["train", SPINNER_FRAMES[Math.floor((T0 + 4_000) / 80) % 10]!, "running", "4.0s", "params changed"],
    ["evaluate", "✖", "failed", "3.2s", "python train.py exited with code 2"],
    ["report", "↻", "retrying 2/3", "4.0s", "CUDA out of memory"],
    ["deploy", "○", "queued", "", "dep changed"],
    ["notify", "⊘", "cancelled", "", "upstream failed"],
    ["drift", "↷", "skipped", "", "condition false"],
    ["cleanup", "·", "pending", "", ""],
  ])("shows %s with symbol %s, status %s, duration '%s' and why '%s'", (name, symbol, label, duration, why) => {
    const text = rowText(row(name), T0 + 4_000, 100);
    expect(text).toContain(`${symbol} ${name}`);
    expect(text).toMatch(new RegExp(`\\b${label.replace("/", "\\/")}\\b`));
    if (duration !== "") expect(text).toContain(duration);
    if (why !== "") expect(text).toContain(why);
    expect(text.split("\n")).toHaveLength(1);
  });

  it("turns the spinner with the clock while a task runs", () => {
    const frames = new Set([0, 80, 160, 240].map((dt) => rowText(row("train"), T0 + dt).slice(0, 4)));
    expect(frames.size).toBe(4);
  });

  it("shows the attempt of a task running again after a retry", () => {
    const b = runOf(["train"]).start("train").retry("train", 1, 3).start("train", { kind: "new" }, 2);
    expect(rowText(b.state.rows.get("train")!)).toContain("running 2/3");
  });

  it("marks the selected row", () => {
    expect(rowText(row("deploy"), T0, 80, true).startsWith("› ○ deploy")).toBe(true);
    expect(rowText(row("deploy"), T0, 80, false).startsWith("  ○ deploy")).toBe(true);
  });

  it("truncates a long task name instead of wrapping onto a second line", () => {
    const long = "x".repeat(120);
    const b = runOf([long]).queue(long);
    const text = rowText(b.state.rows.get(long)!, T0, 80);
    expect(text.split("\n")).toHaveLength(1);
    expect(text).toContain("…");
    expect(text.length).toBeLessThanOrEqual(80);
  });

  it("gives the name at most 40 columns and the why cell the rest", () => {
    expect(rowWidths(80)).toEqual({ name: 24, why: 31 });
    expect(rowWidths(200).name).toBe(40);
  });
});

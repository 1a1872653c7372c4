// The log tail of running tasks shares its lines so one chatty task cannot hide the others.
import { describe, expect, it } from "vitest";
import { renderToString } from "ink";
import { LogTail, tailLines } from "../../src/tui/LogTail.js";
import { runOf } from "./states.js";

describe("LogTail", () => {
  it("shows the newest lines of a single running task under a title", () => {
    const { state } = runOf(["train"]).start("train").log("train", "1", "2", "3", "4", "5");
    const text = renderToString(<LogTail rows={state.rows} running={state.byStatus.running} height={4} />);
    expect(text.split("\n")).toEqual(["── logs", "train │ 3", "train │ 4", "train │ 5"]);
  });

  it("gives each running task an equal share of the lines", () => {
    const b = runOf(["a", "b", "c"]).start("a").start("b").start("c");
    b.log("a", "a1", "a2", "a3", "a4").log("b", "b1", "b2", "b3").log("c", "c1");
    const lines = tailLines(b.state.rows, b.state.byStatus.running, 5).map((l) => l.line.line);
    expect(lines).toEqual(["a3", "a4", "b2", "b3", "c1"]);
  });

  it("leaves out tasks that are no longer running", () => {
    const { state } = runOf(["a", "b"]).start("a").log("a", "done soon").succeed("a").start("b").log("b", "still going");
    const text = renderToString(<LogTail rows={state.rows} running={state.byStatus.running} height={5} />);
    expect(text).toContain("b │ still going");
    expect(text).not.toContain("done soon");
  });

  it("renders nothing when no running task has logged", () => {
    const { state } = runOf(["a"]).start("a");
    expect(renderToString(<LogTail rows={state.rows} running={state.byStatus.running} height={5} />)).toBe("");
  });
});

// The virtualised task list: grouped order, only the rows that fit, the selected row on screen.
import { describe, expect, it } from "vitest";
import { renderToString } from "ink";
import { groupedTaskNames } from "../../src/events/RunState.js";
import { TaskList } from "../../src/tui/TaskList.js";
import { everyStatus, runOf, T0 } from "./states.js";

const thousand = () => {
  const names = Array.from({ length: 1_000 }, (_, i) => `task-${String(i).padStart(4, "0")}`);
  const b = runOf(names);
  names.forEach((n, i) => {
    if (i < 600) b.cache(n);
    else if (i < 604) b.start(n);
    else if (i < 606) b.start(n).fail(n);
    else b.queue(n);
  });
  return b;
};

describe("TaskList", () => {
  it("lists running, then failed, retrying, queued, then finished tasks", () => {
    const { state } = everyStatus();
    const text = renderToString(
      <TaskList rows={state.rows} names={[...groupedTaskNames(state)]} selected={null} height={20} now={T0} columns={80} />,
    );
    const order = text.split("\n").map((l) => l.slice(4).split(" ")[0]);
    expect(order).toEqual(["train", "evaluate", "report", "deploy", "cleanup", "features", "extract", "notify", "drift"]);
  });

  it("renders only the rows that fit and says how many are hidden", () => {
    const { state } = thousand();
    const names = [...groupedTaskNames(state)];
    const text = renderToString(<TaskList rows={state.rows} names={names} selected={null} height={15} now={T0} columns={80} />);
    const lines = text.split("\n");
    expect(lines).toHaveLength(15);
    expect(lines.slice(0, 4).every((l) => l.includes("running"))).toBe(true);
    expect(lines.slice(4, 6).every((l) => l.includes("failed"))).toBe(true);
    expect(lines[14]).toContain("rows 1–14 of 1000");
    expect(lines[14]).toContain("↓ 986 more");
  });

  it("scrolls so that the selected row is visible", () => {
    const { state } = thousand();
    const names = [...groupedTaskNames(state)];
    const selected = names[700]!;
    const text = renderToString(<TaskList rows={state.rows} names={names} selected={selected} height={10} now={T0} columns={80} />);
    const lines = text.split("\n");
    expect(lines).toHaveLength(10);
    expect(lines.find((l) => l.startsWith("›"))).toContain(selected);
    expect(lines[9]).toContain("of 1000");
    expect(lines[9]).toContain("↑");
  });

  it("says so when there is nothing to list", () => {
    const { state } = runOf(["a"]);
    const text = renderToString(
      <TaskList rows={state.rows} names={[]} selected={null} height={5} now={T0} columns={80} emptyText="no failed tasks" />,
    );
    expect(text).toBe("no failed tasks");
  });
});

// The watch-mode status line: files, rerun number, last change, invalidated tasks, problems.
import { describe, expect, it } from "vitest";
import { renderToString } from "ink";
import { WatchStatus, fitNames, watchStatusHeight } from "../../src/tui/WatchStatus.js";
import { formatClock } from "../../src/tui/format.js";

const at = Date.UTC(2026, 11, 4, 21, 3, 27);

describe("WatchStatus", () => {
  it("shows files watched, the rerun number, the last change with its time and invalidated tasks", () => {
    const text = renderToString(
      <WatchStatus columns={120} watch={{ filesWatched: 42, lastChange: { path: "data/churn.csv", at }, rerun: 3, invalidated: ["features", "train"] }} />,
      { columns: 120 },
    );
    expect(text.split("\n")).toEqual([
      `watch 42 files · rerun 3 · changed data/churn.csv ${formatClock(at)}`,
      "invalidated features, train",
    ]);
  });

  it("shortens a long path from the left and counts the invalidated tasks that do not fit in 80 columns", () => {
    const path = "data/raw/2026/12/04/customers/churn-export-final.csv";
    const invalidated = ["features", "train", "evaluate", "report", "deploy"];
    const text = renderToString(<WatchStatus columns={80} watch={{ filesWatched: 42, lastChange: { path, at }, rerun: 12, invalidated }} />, {
      columns: 80,
    });
    const [line1, line2] = text.split("\n");
    expect(line1!.length).toBeLessThanOrEqual(80);
    expect(line1).toMatch(/changed …[\w/-]*customers\/churn-export-final\.csv \d\d:\d\d:\d\d$/);
    expect(line2).toBe("invalidated features, train, evaluate, report, deploy");
    const many = Array.from({ length: 40 }, (_, i) => `task-${i}`);
    const crowded = renderToString(<WatchStatus columns={80} watch={{ filesWatched: 1, lastChange: null, rerun: 1, invalidated: many }} />, {
      columns: 80,
    }).split("\n")[1]!;
    expect(crowded.length).toBeLessThanOrEqual(80);
    expect(crowded).toMatch(/^invalidated task-0, task-1, .* \+\d+$/);
  });

  it("names as many invalidated tasks as fit and counts the rest", () => {
    expect(fitNames(["a", "b", "c"], 20)).toBe("a, b, c");
    expect(fitNames(["alpha", "beta", "gamma"], 14)).toBe("alpha, beta +1");
    expect(fitNames(["alpha", "beta"], 3)).toBe("2 tasks");
  });

  it("adds a second line for a problem that stops the flow from running", () => {
    const watch = { filesWatched: 5, lastChange: null, rerun: 2, invalidated: [], phase: "waiting for a fix", problem: "SyntaxError in flows/churn.ts:12" };
    const lines = renderToString(<WatchStatus columns={120} watch={watch} />, { columns: 120 }).split("\n");
    expect(lines).toEqual(["watch 5 files · rerun 2 · waiting for a fix", "✖ SyntaxError in flows/churn.ts:12"]);
    expect(watchStatusHeight(watch)).toBe(2);
    expect(watchStatusHeight({ ...watch, invalidated: ["a"] })).toBe(3);
    expect(watchStatusHeight(null)).toBe(0);
  });
});

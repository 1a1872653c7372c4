// The watch-mode status line: files, last change, rerun number, invalidated tasks, problems.
import { describe, expect, it } from "vitest";
import { renderToString } from "ink";
import { WatchStatus, watchStatusHeight } from "../../src/tui/WatchStatus.js";
import { formatClock } from "../../src/tui/format.js";

const at = Date.UTC(2026, 11, 4, 21, 3, 27);

describe("WatchStatus", () => {
  it("shows files watched, the last change with its time, the rerun number and invalidated tasks", () => {
    const text = renderToString(
      <WatchStatus watch={{ filesWatched: 42, lastChange: { path: "data/churn.csv", at }, rerun: 3, invalidated: ["features", "train"] }} />,
      { columns: 120 },
    );
    expect(text).toBe(`watch · 42 files · changed data/churn.csv at ${formatClock(at)} · rerun 3 · invalidated features, train`);
  });

  it("counts invalidated tasks past the third instead of naming them", () => {
    const text = renderToString(
      <WatchStatus watch={{ filesWatched: 1, lastChange: null, rerun: 1, invalidated: ["a", "b", "c", "d", "e"] }} />,
      { columns: 120 },
    );
    expect(text).toContain("invalidated a, b, c +2");
    expect(text).not.toContain("changed");
  });

  it("adds a second line for a problem that stops the flow from running", () => {
    const watch = { filesWatched: 5, lastChange: null, rerun: 2, invalidated: [], phase: "waiting for a fix", problem: "SyntaxError in flows/churn.ts:12" };
    const lines = renderToString(<WatchStatus watch={watch} />, { columns: 120 }).split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain("waiting for a fix");
    expect(lines[1]).toBe("✖ SyntaxError in flows/churn.ts:12");
    expect(watchStatusHeight(watch)).toBe(2);
    expect(watchStatusHeight(null)).toBe(0);
  });
});

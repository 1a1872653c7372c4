// The task list viewport keeps the selected row visible and moves no more than it must.
import { describe, expect, it } from "vitest";
import { scrollWindow } from "../../src/tui/scrollWindow.js";

describe("scrollWindow", () => {
  it("keeps the view where it was while the selected row is inside it", () => {
    expect(scrollWindow({ count: 100, height: 10, selected: 25, offset: 20 })).toBe(20);
  });

  it("scrolls down just enough to show a selected row below the view", () => {
    expect(scrollWindow({ count: 100, height: 10, selected: 35, offset: 20 })).toBe(26);
  });

  it("scrolls up to a selected row above the view", () => {
    expect(scrollWindow({ count: 100, height: 10, selected: 3, offset: 20 })).toBe(3);
  });

  it("pulls the view back when the list shrank under it", () => {
    expect(scrollWindow({ count: 12, height: 10, selected: -1, offset: 50 })).toBe(2);
    expect(scrollWindow({ count: 5, height: 10, selected: -1, offset: 3 })).toBe(0);
  });

  it("ignores a selection that is not in the list", () => {
    expect(scrollWindow({ count: 100, height: 10, selected: -1, offset: 40 })).toBe(40);
    expect(scrollWindow({ count: 100, height: 10, selected: 500, offset: 40 })).toBe(40);
  });
});

// Formatting helpers: durations, and log lines made safe for one screen line.
import { describe, expect, it } from "vitest";
import { formatDuration, oneLine, shortId } from "../../src/tui/format.js";

describe("formatDuration", () => {
  it.each([
    [0, "0ms"],
    [850, "850ms"],
    [12_345, "12.3s"],
    [245_000, "4m05s"],
    [7_380_000, "2h03m"],
  ])("formats %d ms as %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it("prints nothing for a negative duration (a clock that went backwards)", () => {
    expect(formatDuration(-5)).toBe("");
  });
});

describe("oneLine", () => {
  it("joins the lines of a multi-line message so it cannot push the screen down", () => {
    expect(oneLine("first\nsecond\r\nthird", true)).toBe("first ↵ second ↵ third");
  });

  it("shows the last state of a carriage-return progress bar", () => {
    expect(oneLine(" 10%|#   |\r 50%|##  |\r100%|####|", true)).toBe("100%|####|");
  });

  it("drops the tool's colours only when colours are off", () => {
    expect(oneLine("\u001B[32mPASSED\u001B[0m\ttest_a", false)).toBe("PASSED  test_a");
    expect(oneLine("\u001B[32mPASSED\u001B[0m", true)).toBe("\u001B[32mPASSED\u001B[0m");
  });
});

describe("shortId", () => {
  it("keeps the first 12 characters of a long run id", () => {
    expect(shortId("run-20261204-abcdef")).toBe("run-20261204…");
    expect(shortId("run-1")).toBe("run-1");
  });
});

// The bounded log ring: newest lines in order, O(1) pushes, nothing kept past capacity.
import { describe, expect, it } from "vitest";
import { LogRing } from "../../src/events/LogRing.js";

const lines = (ring: LogRing, n: number) => ring.last(n).map((l) => l.line);
const push = (ring: LogRing, ...xs: string[]) => xs.forEach((line) => ring.push({ stream: "stdout", line }));

describe("LogRing", () => {
  it("returns the newest lines oldest first, however many times it wrapped", () => {
    const ring = new LogRing(3);
    push(ring, ...Array.from({ length: 11 }, (_, i) => `l${i}`));
    expect(lines(ring, 3)).toEqual(["l8", "l9", "l10"]);
    expect(lines(ring, 1)).toEqual(["l10"]);
    expect(ring.size).toBe(3);
    expect(ring.total).toBe(11);
  });

  it("returns what it has when asked for more lines than it holds", () => {
    const ring = new LogRing(10);
    push(ring, "a", "b");
    expect(lines(ring, 5)).toEqual(["a", "b"]);
    expect(lines(ring, 0)).toEqual([]);
  });

  it("keeps nothing but still counts with capacity 0", () => {
    const ring = new LogRing(0);
    push(ring, "a", "b");
    expect(ring.size).toBe(0);
    expect(ring.total).toBe(2);
    expect(lines(ring, 3)).toEqual([]);
  });
});

/** The radix sort must order doubles exactly as the native typed-array sort does. */
import { describe, expect, it } from "vitest";
import { sortFloat64 } from "../../../../plugins/drift/stats/SortFloat64.js";

describe("sortFloat64", () => {
  it("matches Float64Array.prototype.sort on signed values, ties, zeros, infinities and subnormals", () => {
    let x = 12345;
    const u = () => (x = (x * 16807) % 2147483647) / 2147483647;
    const values = new Float64Array(50_000);
    const specials = [0, -0, Infinity, -Infinity, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE, 1, -1];
    for (let i = 0; i < values.length; i++) {
      const r = u();
      values[i] = r < 0.05 ? specials[i % specials.length]! : r < 0.3 ? Math.floor(u() * 20) - 10 : (u() - 0.5) * 10 ** Math.floor(u() * 40 - 20);
    }
    const expected = values.slice().sort();
    const got = sortFloat64(values.slice());
    expect(Array.from(got, (v) => Object.is(v, -0) ? "-0" : v)).toEqual(Array.from(expected, (v) => Object.is(v, -0) ? "-0" : v));
  });

  it("sorts a view into a larger buffer without touching the bytes around it", () => {
    const backing = new Float64Array(10_002).fill(7);
    const view = backing.subarray(1, 10_001);
    for (let i = 0; i < view.length; i++) view[i] = (i * 7919) % 10_007 - 5000.5;
    sortFloat64(view);
    for (let i = 1; i < view.length; i++) expect(view[i]! >= view[i - 1]!).toBe(true);
    expect([backing[0], backing[10_001]]).toEqual([7, 7]);
  });
});

/** wasserstein and jensenShannon against scipy's wasserstein_distance and jensenshannon. */
import { describe, expect, it } from "vitest";
import { jensenShannon, wasserstein } from "../../../../plugins/drift/index.js";
import { expand, relativeError, vectors, type Sample } from "../vectors.js";

describe("wasserstein", () => {
  for (const c of vectors.wasserstein as Array<{ name: string; a: Sample; b: Sample; value: number }>) {
    it(`matches scipy wasserstein_distance on "${c.name}"`, () => {
      expect(relativeError(wasserstein(expand(c.a), expand(c.b)), c.value)).toBeLessThanOrEqual(1e-10);
    });
  }

  it("equals the shift when a sample is translated", () => {
    const a = [0.5, 2, 3.25, 7];
    expect(wasserstein(a, a.map((x) => x + 1.5))).toBeCloseTo(1.5, 12);
  });

  it("rejects NaN and empty samples", () => {
    expect(() => wasserstein([1, Number.NaN], [1])).toThrow(/sample a holds NaN at index 1/);
    expect(() => wasserstein([1], [])).toThrow(/sample b is empty/);
  });
});

describe("jensenShannon", () => {
  for (const c of vectors.jensenshannon as Array<{ name: string; p: number[]; q: number[]; value: number; base2: number }>) {
    it(`matches scipy jensenshannon (natural log, and base 2) on "${c.name}"`, () => {
      const got = jensenShannon(c.p, c.q);
      const got2 = jensenShannon(c.p, c.q, 2);
      if (c.value === 0) expect([got, got2]).toEqual([0, 0]);
      else {
        expect(relativeError(got, c.value)).toBeLessThanOrEqual(1e-12);
        expect(relativeError(got2, c.base2)).toBeLessThanOrEqual(1e-12);
      }
    });
  }

  it("rejects vectors of different lengths and all-zero vectors", () => {
    expect(() => jensenShannon([1, 2], [1, 2, 3])).toThrow(/same categories/);
    expect(() => jensenShannon([0, 0], [1, 2])).toThrow(/p sums to 0/);
  });
});

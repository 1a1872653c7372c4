/** ksTest and the Kolmogorov distribution against scipy's ks_2samp / kstwo (vectors from generate.py). */
import { describe, expect, it } from "vitest";
import { ksTest } from "../../../../plugins/drift/index.js";
import { kolmogorovSurvival } from "../../../../plugins/drift/stats/KolmogorovDistribution.js";
import { expand, relativeError, vectors, type Sample } from "../vectors.js";

interface KsCase {
  name: string;
  a: Sample;
  b: Sample;
  statistic: number;
  pValue: number;
  method: "exact" | "asymptotic";
}

describe("ksTest", () => {
  for (const c of vectors.ks as KsCase[]) {
    it(`matches scipy ks_2samp on "${c.name}" (statistic within 1e-9, p-value within 1e-6 relative)`, () => {
      const result = ksTest(expand(c.a), expand(c.b));
      expect(Math.abs(result.statistic - c.statistic)).toBeLessThanOrEqual(1e-9);
      expect(relativeError(result.pValue, c.pValue)).toBeLessThanOrEqual(1e-6);
      expect(result.method).toBe(c.method);
    });
  }

  it("matches scipy on 120 random small cases with and without ties", () => {
    const failures: string[] = [];
    for (const [i, c] of (vectors.randomized.ks as Array<{ a: number[]; b: number[]; statistic: number; pValue: number }>).entries()) {
      const r = ksTest(c.a, c.b);
      if (Math.abs(r.statistic - c.statistic) > 1e-9 || relativeError(r.pValue, c.pValue) > 1e-6) failures.push(`case ${i}: ${r.statistic}/${r.pValue} vs ${c.statistic}/${c.pValue}`);
    }
    expect(failures).toEqual([]);
  });

  it("gives the same answer whichever sample comes first", () => {
    const a = expand({ gen: { n: 300, seed: 5, kind: "uniform", scale: 1, shift: 0 } });
    const b = expand({ gen: { n: 170, seed: 6, kind: "uniform", scale: 1, shift: 0.1 } });
    expect(ksTest(a, b)).toEqual(ksTest(b, a));
  });

  it("uses the asymptotic distribution when asked even for small samples", () => {
    const result = ksTest([1, 2, 3, 4, 5], [3, 4, 5, 6, 7, 8], { method: "asymptotic" });
    expect(result.method).toBe("asymptotic");
    expect(result.pValue).toBeCloseTo(kolmogorovSurvival(3, result.statistic), 15);
  });

  it("rejects an empty sample and NaN with a message naming the fix", () => {
    expect(() => ksTest([], [1])).toThrow(/sample a is empty/);
    expect(() => ksTest([1, Number.NaN], [1])).toThrow(/NaN at index 1; drop missing values/);
  });
});

describe("kolmogorovSurvival", () => {
  it("matches scipy's kstwo.sf over every computation region within 1e-6 relative", () => {
    const failures: string[] = [];
    for (const { n, x, sf } of vectors.kstwo as Array<{ n: number; x: number; sf: number }>) {
      const got = kolmogorovSurvival(n, x);
      if (relativeError(got, sf) > 1e-6) failures.push(`n=${n} x=${x}: ${got} vs ${sf}`);
    }
    expect(failures).toEqual([]);
  });
});

/** chiSquareTest against scipy's chi2_contingency (with and without Yates' correction). */
import { describe, expect, it } from "vitest";
import { chiSquareTest } from "../../../../plugins/drift/index.js";
import { gammaQ, logGamma } from "../../../../plugins/drift/stats/SpecialFunctions.js";
import { relativeError, vectors } from "../vectors.js";

interface Chi2Case {
  name: string;
  table: number[][];
  correction: boolean;
  statistic: number;
  pValue: number;
  dof: number;
  expected: number[][];
}

describe("chiSquareTest", () => {
  for (const c of vectors.chi2 as Chi2Case[]) {
    it(`matches scipy chi2_contingency on "${c.name}" with correction=${c.correction}`, () => {
      const r = chiSquareTest(c.table, { correction: c.correction });
      expect(r.dof).toBe(c.dof);
      expect(relativeError(r.statistic, c.statistic)).toBeLessThanOrEqual(1e-12);
      expect(relativeError(r.pValue, c.pValue)).toBeLessThanOrEqual(1e-9);
      r.expected.forEach((row, i) => row.forEach((e, j) => expect(e).toBeCloseTo(c.expected[i]![j]!, 10)));
    });
  }

  it("matches scipy on 60 random tables, corrected and not", () => {
    for (const c of vectors.randomized.chi2 as Chi2Case[]) {
      const r = chiSquareTest(c.table, { correction: c.correction });
      expect(relativeError(r.statistic, c.statistic)).toBeLessThanOrEqual(1e-12);
      expect(relativeError(r.pValue, c.pValue)).toBeLessThanOrEqual(1e-9);
    }
  });

  it("applies no continuity correction unless asked", () => {
    const table = [[12, 5], [7, 15]];
    expect(chiSquareTest(table).statistic).toBeGreaterThan(chiSquareTest(table, { correction: true }).statistic);
  });

  it("rejects ragged rows, negative counts and empty margins with the cell named", () => {
    expect(() => chiSquareTest([[1, 2], [3]])).toThrow(/row 1 has 1 cells/);
    expect(() => chiSquareTest([[1, -2], [3, 4]])).toThrow(/cell \[0\]\[1\] is -2/);
    expect(() => chiSquareTest([[0, 0], [3, 4]])).toThrow(/expected count at \[0\]\[0\] is 0/);
  });
});

describe("special functions", () => {
  it("computes ln Γ at integers as ln((n−1)!) and at 1/2 as ln √π", () => {
    let logFact = 0;
    for (let n = 2; n <= 170; n++) {
      logFact += Math.log(n - 1);
      expect(Math.abs(logGamma(n) - logFact)).toBeLessThanOrEqual(1e-13 * Math.max(1, logFact));
    }
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
  });

  it("gives Q(1, x) = e^−x in both the series and the continued-fraction regions", () => {
    for (const x of [0.1, 0.9, 1.5, 3, 30, 300]) expect(relativeError(gammaQ(1, x), Math.exp(-x))).toBeLessThanOrEqual(1e-13);
  });
});

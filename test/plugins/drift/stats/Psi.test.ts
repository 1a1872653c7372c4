/** psi against the hand-computed table in test/fixtures/drift/generate.py. */
import { describe, expect, it } from "vitest";
import { psi, psiFromCounts } from "../../../../plugins/drift/index.js";
import { binCounts, quantileCutPoints } from "../../../../plugins/drift/stats/Psi.js";
import { relativeError, vectors } from "../vectors.js";

const table = vectors.psi as {
  reference: number[];
  current: number[];
  cuts: number[];
  rows: Array<{ referenceCount: number; currentCount: number; term: number }>;
  value: number;
  quantileBins: number;
  quantileCuts: number[];
  quantileValue: number;
};

describe("psi", () => {
  it("counts each right-closed bin as the hand-computed table does", () => {
    expect([...binCounts(table.reference, table.cuts)]).toEqual(table.rows.map((r) => r.referenceCount));
    expect([...binCounts(table.current, table.cuts)]).toEqual(table.rows.map((r) => r.currentCount));
  });

  it("sums the per-bin terms to the hand-computed PSI, with 1e-4 standing in for empty bins", () => {
    expect(relativeError(psi(table.reference, table.current, { bins: table.cuts }), table.value)).toBeLessThanOrEqual(1e-12);
  });

  it("places quantile cut points at numpy's linear quantiles of the reference", () => {
    expect(quantileCutPoints(Float64Array.from(table.reference).sort(), table.quantileBins)).toEqual(table.quantileCuts);
    expect(relativeError(psi(table.reference, table.current, { bins: table.quantileBins }), table.quantileValue)).toBeLessThanOrEqual(1e-12);
  });

  it("is zero for identical samples and for identical category counts", () => {
    expect(psi([1, 2, 3, 4, 5], [5, 4, 3, 2, 1])).toBe(0);
    expect(psiFromCounts([10, 20], [20, 40])).toBe(0);
  });

  it("rejects too few bins and unsorted cut points", () => {
    expect(() => psi([1, 2], [1, 2], { bins: 1 })).toThrow(/integer ≥ 2/);
    expect(() => psi([1, 2], [1, 2], { bins: [2, 1] })).toThrow(/strictly ascending/);
  });
});

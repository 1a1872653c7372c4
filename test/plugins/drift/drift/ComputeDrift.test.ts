/** Drift decisions: test choice by sample size, thresholds, corrections, and every input problem. */
import { describe, expect, it } from "vitest";
import { adjustPValues, computeDrift, datasetFromRecords, ksTest, chiSquareTest, wasserstein } from "../../../../plugins/drift/index.js";
import { expand } from "../vectors.js";

const sample = (n: number, seed: number, shift: number) => expand({ gen: { n, seed, kind: "triangular", scale: 1, shift } });
const plans = ["free", "pro", "team"];
const records = (n: number, seed: number, shift: number, tilt = 0) =>
  [...sample(n, seed, shift)].map((x, i) => ({ x, plan: plans[(i * 7 + (i % 10 < tilt ? 1 : 0)) % 3]! }));

describe("computeDrift", () => {
  it("uses KS and chi-square on small samples and reports their p-values", () => {
    const ref = datasetFromRecords("ref", records(300, 1, 0));
    const cur = datasetFromRecords("cur", records(400, 2, 0.4, 4));
    const report = computeDrift("d", ref, cur);
    expect(report.features.x).toMatchObject({ test: "ks", kind: "numeric", threshold: 0.05, drifted: true });
    expect(report.features.x!.pValue).toBe(ksTest(sample(300, 1, 0), sample(400, 2, 0.4)).pValue);
    expect(report.features.plan!.test).toBe("chi2");
    const counts = (rs: Array<{ plan: string }>) => plans.map((p) => rs.filter((r) => r.plan === p).length);
    expect(report.features.plan!.pValue).toBe(chiSquareTest([counts(records(300, 1, 0)), counts(records(400, 2, 0.4, 4))]).pValue);
    expect(report.driftedFeatures).toContain("x");
  });

  it("switches to distances above 1000 values, so a trivial shift of a large sample is not drift", () => {
    const ref = datasetFromRecords("ref", records(5000, 3, 0));
    const cur = datasetFromRecords("cur", records(5000, 4, 0.02));
    const report = computeDrift("d", ref, cur);
    expect(report.features.x!.test).toBe("wasserstein");
    expect(report.features.x!.pValue).toBeUndefined();
    expect(report.features.x!.drifted).toBe(false);
    // The same shift is "significant" for KS at this size: the reason for the rule.
    expect(ksTest(sample(5000, 3, 0), sample(5000, 4, 0.02)).pValue).toBeLessThan(0.05);
    expect(report.features.plan!.test).toBe("jensenshannon");
  });

  it("normalises the Wasserstein distance by the reference standard deviation", () => {
    const ref = datasetFromRecords("ref", [...sample(2000, 5, 0)].map((x) => ({ x: x * 100 })));
    const cur = datasetFromRecords("cur", [...sample(2000, 6, 0.3)].map((x) => ({ x: x * 100 })));
    const a = [...sample(2000, 5, 0)].map((x) => x * 100);
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    const sd = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length);
    const w = wasserstein(a, [...sample(2000, 6, 0.3)].map((x) => x * 100));
    expect(computeDrift("d", ref, cur).features.x!.statistic).toBeCloseTo(w / sd, 12);
  });

  it("honours explicit tests and per-test thresholds", () => {
    const ref = datasetFromRecords("ref", records(3000, 7, 0));
    const cur = datasetFromRecords("cur", records(3000, 8, 0.1, 6));
    const report = computeDrift("d", ref, cur, { numeric: "psi", categorical: "psi", threshold: { psi: 0.001 } });
    expect(report.features.x).toMatchObject({ test: "psi", threshold: 0.001, drifted: true });
    const js = computeDrift("d", ref, cur, { categorical: "jensenshannon", threshold: 0.5 }).features.plan!;
    expect(js.threshold).toBe(0.5);
    expect(js.drifted).toBe(js.statistic >= 0.5);
  });

  it("applies Bonferroni and Benjamini–Hochberg to the p-value tests only", () => {
    expect(adjustPValues([0.01, 0.04, 0.03, 0.005], "bh")).toEqual([0.02, 0.04, 0.04, 0.02]);
    expect(adjustPValues([0.01, 0.3], "bonferroni")).toEqual([0.02, 0.6]);
    const ref = datasetFromRecords("ref", records(200, 9, 0));
    const cur = datasetFromRecords("cur", records(200, 10, 0.15));
    const none = computeDrift("d", ref, cur);
    const bonf = computeDrift("d", ref, cur, { correction: "bonferroni" });
    expect(bonf.features.x!.adjustedPValue).toBeCloseTo(Math.min(1, none.features.x!.pValue! * 2), 15);
    expect(bonf.features.x!.pValue).toBe(none.features.x!.pValue);
  });

  it("counts missing values per side and compares only present ones", () => {
    const ref = datasetFromRecords("ref", [{ x: 1 }, { x: null }, { x: 2 }, { x: 3 }]);
    const cur = datasetFromRecords("cur", [{ x: 1 }, { x: 2 }, { x: null }, { x: null }, { x: 3 }]);
    const f = computeDrift("d", ref, cur).features.x!;
    expect(f.reference).toEqual({ count: 3, missing: 1 });
    expect(f.current).toEqual({ count: 3, missing: 2 });
    expect(f.statistic).toBe(0);
  });

  it("treats constant columns as comparable: equal constants do not drift, different ones do", () => {
    const same = computeDrift("d", datasetFromRecords("r", [{ x: 5 }, { x: 5 }]), datasetFromRecords("c", [{ x: 5 }, { x: 5 }, { x: 5 }]));
    expect(same.features.x).toMatchObject({ statistic: 0, pValue: 1, drifted: false });
    const moved = computeDrift("d", datasetFromRecords("r", Array(20).fill({ x: 5 })), datasetFromRecords("c", Array(20).fill({ x: 6 })));
    expect(moved.features.x).toMatchObject({ statistic: 1, drifted: true });
  });

  it("lists every schema problem: one-sided columns, type clashes and empty columns", () => {
    const ref = datasetFromRecords("ref.csv", [{ a: 1, b: "x", c: null, only: 1 }], { types: { c: "number" } });
    const cur = datasetFromRecords("cur.csv", [{ a: "y", b: "x", c: 2, extra: 1 }], { types: { c: "number" } });
    expect(() => computeDrift("d", ref, cur)).toThrow(/only the reference has column\(s\) only[\s\S]*only the current data has column\(s\) extra[\s\S]*pass features/);
    try {
      computeDrift("d", ref, cur, { features: ["a", "c", "zzz"] });
    } catch (e) {
      expect((e as { problems: string[] }).problems).toEqual([
        'feature "zzz" is not a column of the reference (ref.csv)',
        'feature "zzz" is not a column of the current data (cur.csv)',
        'column "a" is number in the reference but string in the current data; declare its type in types',
        'column "c" has no present values in the reference (1 missing)',
      ]);
      return;
    }
    expect.unreachable("computeDrift should have thrown");
  });

  it("calls the dataset drifted when the drifted share reaches driftShare", () => {
    const ref = datasetFromRecords("ref", records(300, 11, 0));
    const cur = datasetFromRecords("cur", records(300, 12, 0.5));
    const r = computeDrift("d", ref, cur);
    expect(r.driftedShare).toBe(r.driftedFeatures.length / 2);
    expect(computeDrift("d", ref, cur, { driftShare: 0.5 }).drifted).toBe(r.driftedShare >= 0.5);
    expect(computeDrift("d", ref, cur, { driftShare: 1 }).drifted).toBe(r.driftedShare === 1);
  });
});

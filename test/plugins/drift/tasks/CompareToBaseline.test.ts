/** compareToBaseline: given and production baselines, absolute and relative drops, lower-is-better metrics. */
import { describe, expect, it } from "vitest";
import { task } from "../../../../src/index.js";
import { classificationReport, compareMetrics, compareToBaseline, flattenMetrics, ModelDegradedError } from "../../../../plugins/drift/index.js";
import { runTask } from "../TaskHarness.js";

const evaluate = task("evaluate", { run: () => ({ accuracy: 0.9 }) });

describe("compareMetrics", () => {
  it("flags a metric whose drop exceeds maxDrop and passes the others", () => {
    const r = compareMetrics("gate", { accuracy: 0.9, f1: 0.86 }, { accuracy: 0.93, f1: 0.88 }, "given", { maxDrop: 0.025 });
    expect(r.metrics.accuracy).toMatchObject({ degraded: true, maxDrop: 0.025 });
    expect(r.metrics.accuracy!.drop).toBeCloseTo(0.03, 12);
    expect(r.metrics.f1!.degraded).toBe(false);
    expect(r.degradedMetrics).toEqual(["accuracy"]);
  });

  it("measures relative drops and treats losses as lower-is-better", () => {
    const r = compareMetrics("gate", { rmse: 1.2, auc: 0.8 }, { rmse: 1.0, auc: 0.84 }, "given", { dropIs: "relative", lowerIsBetter: ["rmse"], maxDrop: { rmse: 0.1, auc: 0.1 } });
    expect(r.metrics.rmse!.drop).toBeCloseTo(0.2, 12);
    expect(r.metrics.rmse!.degraded).toBe(true);
    expect(r.metrics.auc!.drop).toBeCloseTo(0.04 / 0.84, 12);
    expect(r.metrics.auc!.degraded).toBe(false);
  });

  it("compares a classification report through dot paths", () => {
    const flat = flattenMetrics(classificationReport([0, 1, 1, 0], [0, 1, 0, 0]));
    expect(flat["accuracy"]).toBe(0.75);
    expect(flat["f1.weighted"]).toBeCloseTo(classificationReport([0, 1, 1, 0], [0, 1, 0, 0]).f1.weighted, 15);
    expect(compareMetrics("gate", flat, { "f1.weighted": 0.9 }, "given").degraded).toBe(true);
  });

  it("lists every metric it cannot compare", () => {
    expect(() => compareMetrics("gate", { accuracy: 0.9 }, { recall: 0.8, auc: 0.7 }, "given")).toThrow(
      /no metric "recall" \(it has: accuracy\)[\s\S]*no metric "auc"/,
    );
  });
});

describe("compareToBaseline", () => {
  it("fails the task with each degraded metric named", async () => {
    const gate = compareToBaseline("gate", { metrics: evaluate, baseline: { accuracy: 0.97 } });
    const error = await runTask(gate, { metrics: { accuracy: 0.9 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelDegradedError);
    expect((error as Error).message).toMatch(/accuracy dropped by 0.0700 \(max 0.05\) against the given values/);
  });

  it("reads the production baseline through baselineFrom and never caches that verdict", async () => {
    const gate = compareToBaseline("gate", { metrics: evaluate, baseline: "production", baselineFrom: async () => ({ accuracy: 0.91 }) });
    expect(gate.spec.cache).toBe(false);
    const { value, harness } = await runTask(gate, { metrics: { accuracy: 0.9 } });
    expect(value).toMatchObject({ degraded: false, baselineSource: "production model" });
    expect(harness.logs[0]).toBe("accuracy: 0.9000 vs baseline 0.9100 (drop 0.0100, max 0.05) ok");
  });

  it("explains that a production baseline needs a reader", () => {
    expect(() => compareToBaseline("gate", { metrics: evaluate, baseline: "production" })).toThrow(/needs model: /);
  });

  it("only warns under onDegradation: warn", async () => {
    const gate = compareToBaseline("gate", { metrics: evaluate, baseline: { accuracy: 0.99 }, onDegradation: "warn" });
    const { value, harness } = await runTask(gate, { metrics: { accuracy: 0.9 } });
    expect(value.degraded).toBe(true);
    expect(harness.logs.at(-1)).toMatch(/^warning: model degraded/);
  });
});

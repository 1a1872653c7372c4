/** classificationReport and rocAuc against scikit-learn's metrics. */
import { describe, expect, it } from "vitest";
import { classificationReport, rocAuc, type Label } from "../../../../plugins/drift/index.js";
import { relativeError, vectors } from "../vectors.js";

interface Averaged { macro: number; weighted: number; perClass: Record<string, number> }
interface ClassCase {
  name: string;
  yTrue: Label[];
  yPred: Label[];
  labels: Label[];
  accuracy: number;
  confusionMatrix: number[][];
  support: Record<string, number>;
  precision: Averaged;
  recall: Averaged;
  f1: Averaged;
}

const close = (a: number, b: number) => expect(relativeError(a, b)).toBeLessThanOrEqual(1e-12);

describe("classificationReport", () => {
  for (const c of vectors.classification as ClassCase[]) {
    it(`matches sklearn's accuracy, precision/recall/F1 and confusion matrix on "${c.name}"`, () => {
      const r = classificationReport(c.yTrue, c.yPred);
      close(r.accuracy, c.accuracy);
      expect(r.labels).toEqual(c.labels);
      expect(r.confusionMatrix).toEqual(c.confusionMatrix);
      expect(r.support).toEqual(c.support);
      for (const metric of ["precision", "recall", "f1"] as const) {
        close(r[metric].macro, c[metric].macro);
        close(r[metric].weighted, c[metric].weighted);
        expect(Object.keys(r[metric].perClass)).toEqual(Object.keys(c[metric].perClass));
        for (const [label, v] of Object.entries(c[metric].perClass)) close(r[metric].perClass[label]!, v);
      }
    });
  }

  it("rejects misaligned inputs and mixed label types", () => {
    expect(() => classificationReport([1, 2], [1])).toThrow(/must align/);
    expect(() => classificationReport([1, "a"], [1, "a"])).toThrow(/labels mix number and string/);
  });
});

describe("rocAuc", () => {
  for (const c of vectors.rocAuc as Array<{ name: string; yTrue: Label[]; scores: number[]; value: number }>) {
    it(`matches sklearn roc_auc_score on "${c.name}"`, () => {
      close(rocAuc(c.yTrue, c.scores), c.value);
    });
  }

  it("refuses a single class, as sklearn does", () => {
    expect(() => rocAuc([1, 1, 1], [0.2, 0.4, 0.6])).toThrow(/exactly two classes/);
  });
});

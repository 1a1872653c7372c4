// Data checks before (re)training: validate this month's customers, compare them with the training
// data, retrain only when they drifted, and keep the new model only if it is not worse.
//   node examples/drift/scripts/generate-data.mjs   (already run; the CSVs are committed)
//   cairn run examples/drift/flow.ts                (report: .cairn objects of task "drift", report.html)
import { flow, task, file } from "cairn";
import { classificationReport, compareToBaseline, driftCheck, loadFile, rocAuc, validate, type NumberColumn, type StringColumn } from "cairn/plugins/drift";

const FEATURES = ["age", "tenure_months", "monthly_charges", "plan", "region"];

const schema = {
  customer_id: { type: "integer", unique: true },
  age: { type: "integer", min: 18, max: 100 },
  tenure_months: { type: "integer", min: 0 },
  monthly_charges: { type: "number", min: 0 },
  plan: { in: ["basic", "standard", "premium"] },
  region: { in: ["north", "south", "east", "west"] },
  churned: { type: "boolean" },
} as const;

const checked = validate("validate_current", { data: file("data/current.csv"), schema, rows: { min: 100 } });

const drift = driftCheck("drift", {
  reference: file("data/reference.csv"),
  current: file("data/current.csv"),
  features: FEATURES,
  correction: "bh",
  // Retrain as soon as a quarter of the features moved (the default share is 0.5).
  driftShare: 0.25,
  onDrift: "continue",
  after: [checked],
});

/** A decision stump on one numeric feature: the cut and direction with the best training accuracy. */
type Stump = { feature: string; cut: number; churnAbove: boolean };

const columns = async (path: string) => {
  const data = await loadFile(path, { types: { churned: "boolean" } });
  const get = (name: string) => data.columns.find((c) => c.name === name)!;
  const churned = get("churned") as unknown as { values: Uint8Array };
  return { data, get, labels: [...churned.values].map((v) => v === 1) };
};

const retrain = task("retrain", {
  deps: { drift },
  inputs: { reference: file("data/reference.csv"), current: file("data/current.csv") },
  // Retrain only when the customers drifted; otherwise this task and evaluation are skipped.
  when: ({ drift }) => drift.drifted,
  run: async ({ current }, ctx) => {
    const { get, labels } = await columns(current.path);
    let best: Stump & { accuracy: number } = { feature: "", cut: 0, churnAbove: true, accuracy: 0 };
    for (const feature of ["tenure_months", "monthly_charges"]) {
      const xs = (get(feature) as NumberColumn).values;
      for (const cut of new Set(xs)) {
        for (const churnAbove of [true, false]) {
          const hits = labels.filter((y, i) => (xs[i]! > cut === churnAbove) === y).length;
          if (hits / labels.length > best.accuracy) best = { feature, cut, churnAbove, accuracy: hits / labels.length };
        }
      }
    }
    ctx.log(`stump: churn when ${best.feature} ${best.churnAbove ? ">" : "<="} ${best.cut} (train accuracy ${best.accuracy.toFixed(3)})`);
    return best;
  },
});

const evaluate = task("evaluate", {
  deps: { retrain },
  inputs: { current: file("data/current.csv") },
  run: async ({ retrain, current }, ctx) => {
    const { get, labels } = await columns(current.path);
    const xs = (get(retrain.feature) as NumberColumn).values;
    const predicted = [...xs].map((x) => x > retrain.cut === retrain.churnAbove);
    const report = classificationReport(labels, predicted);
    const auc = rocAuc(labels, [...xs].map((x) => (retrain.churnAbove ? x : -x)));
    ctx.metric("accuracy", report.accuracy);
    ctx.metric("roc_auc", auc);
    const plans = (get("plan") as StringColumn).dictionary.length;
    ctx.log(`accuracy ${report.accuracy.toFixed(3)}, weighted F1 ${report.f1.weighted.toFixed(3)}, ROC AUC ${auc.toFixed(3)} over ${plans} plans`);
    return { accuracy: report.accuracy, f1: report.f1, rocAuc: auc };
  },
});

// The production model's numbers would come from the model registry (baseline: "production" with
// baselineFrom); here they are given.
const gate = compareToBaseline("gate", {
  metrics: evaluate,
  baseline: { accuracy: 0.7, "f1.weighted": 0.7, rocAuc: 0.75 },
  maxDrop: 0.05,
});

export default flow("drift", { targets: [gate] });

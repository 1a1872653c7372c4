// Trains a random forest on iris inside the container: stratified held-out split with a fixed
// seed, writes model.json and metrics.json (accuracy, weighted precision/recall/F1) to $CAIRN_OUT.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import forest from "ml-random-forest";

const { RandomForestClassifier } = forest;
const env = (name, fallback) => process.env[name] ?? fallback;
const dataDir = env("CAIRN_IN_dataset", "/cairn/in/dataset");
const outDir = env("CAIRN_OUT", "/cairn/out");
const trees = Number(env("CAIRN_PARAM_trees", "50"));
const seed = Number(env("CAIRN_PARAM_seed", "42"));
const testFraction = Number(env("CAIRN_PARAM_testFraction", "0.3"));

/** mulberry32: a tiny seeded PRNG, so the split is the same on every machine. */
const random = (() => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
})();
const shuffle = (xs) => {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
};

const [header, ...lines] = readFileSync(join(dataDir, "iris.csv"), "utf8").trim().split("\n");
const columns = header.split(",");
const rows = lines.map((l) => l.split(","));
const labels = [...new Set(rows.map((r) => r.at(-1)))].sort();
const X = rows.map((r) => r.slice(0, -1).map(Number));
const y = rows.map((r) => labels.indexOf(r.at(-1)));
console.log(`loaded ${rows.length} rows, ${columns.length - 1} features, classes ${labels.join("/")}`);

// Stratified split: the same fraction of every class is held out.
const train = [];
const test = [];
for (let c = 0; c < labels.length; c++) {
  const idx = shuffle(y.flatMap((v, i) => (v === c ? [i] : [])));
  const nTest = Math.round(idx.length * testFraction);
  test.push(...idx.slice(0, nTest));
  train.push(...idx.slice(nTest));
}
console.log(`train ${train.length} rows, test ${test.length} rows (seed ${seed})`);

const model = new RandomForestClassifier({ seed, nEstimators: trees, maxFeatures: 0.75, replacement: true, useSampleBagging: true });
model.train(train.map((i) => X[i]), train.map((i) => y[i]));
console.log(`trained ${trees} trees`);

const predicted = model.predict(test.map((i) => X[i]));
const actual = test.map((i) => y[i]);
const correct = predicted.filter((p, i) => p === actual[i]).length;

// Per-class precision/recall/F1, averaged with each class weighted by its support (as sklearn's "weighted").
let precision = 0;
let recall = 0;
let f1 = 0;
for (let c = 0; c < labels.length; c++) {
  const tp = predicted.filter((p, i) => p === c && actual[i] === c).length;
  const fp = predicted.filter((p, i) => p === c && actual[i] !== c).length;
  const fn = predicted.filter((p, i) => p !== c && actual[i] === c).length;
  const support = actual.filter((a) => a === c).length;
  const pr = tp + fp === 0 ? 0 : tp / (tp + fp);
  const rc = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f = pr + rc === 0 ? 0 : (2 * pr * rc) / (pr + rc);
  console.log(`${labels[c]}: precision ${pr.toFixed(3)} recall ${rc.toFixed(3)} f1 ${f.toFixed(3)} support ${support}`);
  precision += (pr * support) / actual.length;
  recall += (rc * support) / actual.length;
  f1 += (f * support) / actual.length;
}
const metrics = {
  accuracy: correct / actual.length,
  precision_weighted: precision,
  recall_weighted: recall,
  f1_weighted: f1,
  n_train: train.length,
  n_test: test.length,
};
console.log(`accuracy ${metrics.accuracy.toFixed(4)}, weighted F1 ${metrics.f1_weighted.toFixed(4)}`);
writeFileSync(join(outDir, "model.json"), JSON.stringify({ kind: "random-forest", features: columns.slice(0, -1), labels, seed, trees, model: model.toJSON() }));
writeFileSync(join(outDir, "metrics.json"), JSON.stringify(metrics, null, 2));

// Benchmarks of cairn/plugins/drift (run `npm run build` first): KS on 1,000,000 vs 1,000,000
// values and validation of a 1,000,000-row × 20-column CSV, each next to scipy/pandas doing the
// same computation in the same run when /usr/bin/python3 has them. Targets: KS ≤ 1 s;
// validation ≤ 5 s with peak RSS ≤ 1 GB (measured in a child process of its own).
//   node bench/drift.mjs            both benchmarks
//   node bench/drift.mjs --big      also stream a ~2 GB CSV to show memory stays bounded
import { execFileSync, spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const DIST = fileURLToPath(new URL("../dist/plugins/drift/index.js", import.meta.url));
const WORK = join(tmpdir(), "cairn-bench-drift");
mkdirSync(WORK, { recursive: true });
const PY = "/usr/bin/python3";
const hasPython = (modules) => existsSync(PY) && spawnSync(PY, ["-c", `import ${modules}`]).status === 0;

const M = 2147483647;
const lcg = (n, seed, shift = 0) => {
  const out = new Float64Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) out[i] = ((x = (x * 16807) % M) / M) * 2 + ((x = (x * 16807) % M) / M) + shift;
  return out;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
const report = (name, ms, target, extra = "") => rows.push({ name, ms, target, extra });

// ---- KS 1e6 vs 1e6 ----------------------------------------------------------------------------
{
  const { ksTest } = await import(DIST);
  const a = lcg(1_000_000, 12345);
  const b = lcg(1_000_000, 54321, 0.002);
  const times = [];
  let result;
  for (let k = 0; k < 5; k++) {
    const t = performance.now();
    result = ksTest(a, b);
    times.push(performance.now() - t);
  }
  let scipy = "";
  if (hasPython("scipy")) {
    writeFileSync(join(WORK, "a.f64"), Buffer.from(a.buffer));
    writeFileSync(join(WORK, "b.f64"), Buffer.from(b.buffer));
    const out = execFileSync(PY, ["-c", `
import numpy as np, time, json
from scipy.stats import ks_2samp
a = np.fromfile("${WORK}/a.f64"); b = np.fromfile("${WORK}/b.f64")
ts = []
for _ in range(5):
    t = time.perf_counter(); r = ks_2samp(a, b); ts.append(time.perf_counter() - t)
print(json.dumps({"ms": sorted(ts)[2] * 1000, "statistic": float(r.statistic), "p": float(r.pvalue)}))`]).toString();
    const s = JSON.parse(out);
    scipy = `scipy ${s.ms.toFixed(0)} ms (D ${s.statistic.toFixed(6)}, p ${s.p.toExponential(4)})`;
  }
  report("ksTest 1e6 vs 1e6 (incl. sorting)", median(times), 1000, `D ${result.statistic.toFixed(6)}, p ${result.pValue.toExponential(4)}; ${scipy || "no scipy"}`);
}

// ---- validation of 1e6 × 20 CSV ----------------------------------------------------------------
const writeCsv = async (path, n, row) => {
  if (existsSync(path)) return;
  const out = createWriteStream(path + ".part");
  let buf = "";
  for (let i = 0; i < n; i++) {
    buf += row(i) + "\n";
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise((r) => out.once("drain", r));
      buf = "";
    }
  }
  await new Promise((r) => out.end(buf, r));
  execFileSync("mv", [path + ".part", path]);
};

const CSV = join(WORK, "validate-1e6x20.csv");
{
  let x = 777;
  const u = () => (x = (x * 16807) % M) / M;
  const header = ["id", ...Array.from({ length: 14 }, (_, i) => `x${i}`), "age", "plan", "region", "score", "flag"];
  await writeCsv(CSV, 1_000_001, (i) =>
    i === 0
      ? header.join(",")
      : [i, ...Array.from({ length: 14 }, () => (u() * 100).toFixed(3)), 18 + Math.floor(u() * 70),
         ["basic", "standard", "premium"][Math.floor(u() * 3)], ["north", "south", "east", "west"][Math.floor(u() * 4)],
         (u()).toFixed(4), u() < 0.5 ? "true" : "false"].join(","),
  );
}
const SCHEMA = {
  id: { type: "integer", unique: true },
  ...Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`x${i}`, { type: "number", min: 0, max: 100 }])),
  age: { type: "integer", min: 18, max: 100 },
  plan: { in: ["basic", "standard", "premium"] },
  region: { in: ["north", "south", "east", "west"] },
  score: { type: "number", min: 0, max: 1 },
  flag: { type: "boolean" },
};

/** Runs one validation in a fresh node process so its peak RSS is its own. */
const validateInChild = (path, schema) => {
  const script = `
import { loadFile, checkDataset } from ${JSON.stringify(DIST)};
const schema = ${JSON.stringify(schema)};
const types = Object.fromEntries(Object.entries(schema).flatMap(([c, r]) => r.type ? [[c, r.type]] : []));
const t = performance.now();
const data = await loadFile(${JSON.stringify(path)}, { types, onInvalid: "collect" });
const violations = checkDataset(data, schema);
const ms = performance.now() - t;
console.log(JSON.stringify({ ms, rows: data.rowCount, columns: data.columns.length, violations: violations.length, maxRssMB: process.resourceUsage().maxRSS / 1024 }));`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script]).toString();
  return JSON.parse(out);
};

{
  const runs = [validateInChild(CSV, SCHEMA), validateInChild(CSV, SCHEMA), validateInChild(CSV, SCHEMA)];
  const ms = median(runs.map((r) => r.ms));
  const rss = Math.max(...runs.map((r) => r.maxRssMB));
  let pandas = "";
  if (hasPython("pandas")) {
    const out = execFileSync(PY, ["-c", `
import pandas as pd, time, json, resource
t = time.perf_counter()
df = pd.read_csv("${CSV}")
v = 0
v += int(df["id"].duplicated().sum())
for c in [f"x{i}" for i in range(14)]:
    v += int((df[c] < 0).sum() + (df[c] > 100).sum() + df[c].isna().sum())
v += int(((df["age"] < 18) | (df["age"] > 100)).sum())
v += int((~df["plan"].isin(["basic","standard","premium"])).sum() + (~df["region"].isin(["north","south","east","west"])).sum())
v += int(((df["score"] < 0) | (df["score"] > 1)).sum())
ms = (time.perf_counter() - t) * 1000
print(json.dumps({"ms": ms, "violations": v, "maxRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))`]).toString();
    const p = JSON.parse(out);
    pandas = `pandas read_csv + same checks ${p.ms.toFixed(0)} ms, peak RSS ${p.maxRssMB.toFixed(0)} MB`;
  }
  report(`validate 1e6 rows × 20 columns (${(statSync(CSV).size / 1e6).toFixed(0)} MB CSV)`, ms, 5000,
    `peak RSS ${rss.toFixed(0)} MB (target ≤ 1024), ${runs[0].violations} violations; ${pandas || "no pandas"}`);
}

// ---- optional: stream a ~2 GB CSV --------------------------------------------------------------
if (process.argv.includes("--big")) {
  const BIG = join(WORK, "stream-2gb.csv");
  const notes = Array.from({ length: 50 }, (_, k) => `note ${k} ` + "lorem ipsum dolor sit amet ".repeat(4));
  let x = 4242;
  const u = () => (x = (x * 16807) % M) / M;
  await writeCsv(BIG, 15_000_001, (i) => (i === 0 ? "id,value,category,note" : `${i},${(u() * 1000).toFixed(4)},c${Math.floor(u() * 20)},${notes[i % 50]}`));
  const r = validateInChild(BIG, { value: { type: "number", min: 0 }, category: {}, note: {} });
  report(`stream ${(statSync(BIG).size / 1e9).toFixed(2)} GB CSV (${r.rows} rows)`, r.ms, undefined,
    `peak RSS ${r.maxRssMB.toFixed(0)} MB — the columnar result is ~${((r.rows * 24) / 1e6).toFixed(0)} MB; the file is never held whole`);
}

// The machine's load matters: scipy/pandas ran in the same minute, so compare against them.
const environment = { node: process.version, cpus: cpus().length, loadavg: loadavg().map((l) => +l.toFixed(2)) };
console.log(`node ${environment.node}, ${environment.cpus} CPUs, load average ${environment.loadavg.join(" ")}`);
for (const r of rows) {
  const verdict = r.target === undefined ? "" : r.ms <= r.target ? `  ✓ ≤ ${r.target} ms` : `  ✗ over ${r.target} ms`;
  console.log(`${r.name}: ${r.ms.toFixed(0)} ms${verdict}\n    ${r.extra}`);
}
const resultsDir = fileURLToPath(new URL("./results/", import.meta.url));
mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, `drift-${new Date().toISOString().slice(0, 10)}.json`), JSON.stringify({ environment, rows }, null, 2) + "\n");
if (rows.some((r) => r.target !== undefined && r.ms > r.target)) process.exitCode = 1;

// The hello flow: a file input, a param, a command task and a fan-in.
import { flow, task, file } from "cairn";
import { mean, parseCsv } from "./lib/stats.js";

const rows = task("extract", {
  inputs: { csv: file("data/iris-sample.csv") },
  run: async ({ csv }) => parseCsv(await csv.text()),
});

const petals = task("petal_stats", {
  deps: { rows },
  params: { column: "petal_length" },
  run: ({ rows }, ctx) => {
    const xs = rows.map((r) => Number(r[ctx.params.column]));
    ctx.metric("mean_petal_length", mean(xs));
    return { column: ctx.params.column, mean: mean(xs), n: xs.length };
  },
});

const sepals = task("sepal_stats", {
  deps: { rows },
  run: ({ rows }) => ({ mean: mean(rows.map((r) => Number(r.sepal_length))) }),
});

const summary = task("summarize", {
  deps: { rows },
  cmd: "sh scripts/summarize.sh",
});

const report = task("report", {
  deps: { petals, sepals, summary },
  run: async ({ petals, sepals, summary }, ctx) => {
    const { readFile } = await import("node:fs/promises");
    const counts = await readFile(`${summary.path}/species-counts.txt`, "utf8");
    ctx.log(`petal mean ${petals.mean.toFixed(2)}, sepal mean ${sepals.mean.toFixed(2)}`);
    return { petalMean: petals.mean, sepalMean: sepals.mean, species: counts.trim().split("\n").length };
  },
});

export default flow("hello", { targets: [report] });

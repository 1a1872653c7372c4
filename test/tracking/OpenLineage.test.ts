import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assertBuilt, cairn, describeResult } from "../helpers/CliRig.js";
import { stableUuid } from "../../src/tracking/OpenLineage.js";
import { SchemaRegistry } from "./JsonSchemaValidator.js";
import { churnStory } from "./lineageFixture.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/openlineage/", import.meta.url));
const registry = new SchemaRegistry();
for (const f of readdirSync(FIXTURES).filter((f) => f.endsWith(".json"))) registry.add(JSON.parse(readFileSync(join(FIXTURES, f), "utf8")) as Record<string, unknown>);
const CORE = "https://openlineage.io/spec/2-0-2/OpenLineage.json";

type Event = {
  eventType: string;
  eventTime: string;
  run: { runId: string; facets?: Record<string, Record<string, unknown>> };
  job: { namespace: string; name: string; facets?: Record<string, unknown> };
  inputs: Array<{ namespace: string; name: string; facets: Record<string, unknown> }>;
  outputs: Array<{ namespace: string; name: string; facets: Record<string, unknown> }>;
};

/** Every schema that applies to an event: the core event, and each facet it carries against its own spec. */
const schemaErrors = (e: Event): string[] => [
  ...registry.validate(e, CORE),
  ...registry.validate(e.run.facets ?? {}, "https://openlineage.io/spec/facets/1-2-0/ParentRunFacet.json"),
  ...registry.validate(e.run.facets ?? {}, "https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json"),
  ...registry.validate(e.job.facets ?? {}, "https://openlineage.io/spec/facets/2-0-4/JobTypeJobFacet.json"),
  ...[...e.inputs, ...e.outputs].flatMap((d) => registry.validate(d.facets, "https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json")),
];

describe("the JSON Schema test validator", () => {
  it("rejects events that break the OpenLineage schema", () => {
    const good = { eventType: "START", eventTime: "2026-01-01T00:00:00Z", producer: "https://x.io", schemaURL: "https://x.io/s", run: { runId: stableUuid("a") }, job: { namespace: "n", name: "j" } };
    expect(registry.validate(good, CORE)).toEqual([]);
    expect(registry.validate({ ...good, run: { runId: "r1" } }, CORE).join()).toMatch(/not a valid uuid/);
    expect(registry.validate({ ...good, eventType: "DONE" }, CORE).join()).toMatch(/not one of/);
    expect(registry.validate({ ...good, run: { runId: stableUuid("a"), facets: { x: { a: 1 } } } }, CORE).join()).toMatch(/missing required property "_producer"/);
  });
});

describe("cairn export openlineage", () => {
  let fx: ReturnType<typeof churnStory>;
  let events: Event[];
  beforeAll(async () => {
    assertBuilt();
    fx = churnStory();
    const r = await cairn(fx.root, ["export", "openlineage"]);
    expect(r.code, describeResult(r)).toBe(0);
    events = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Event);
  });
  afterAll(() => rmSync(fx.root, { recursive: true, force: true }));

  it("emits only events that validate against the OpenLineage schema and the facet schemas", () => {
    expect(events.length).toBeGreaterThan(20);
    for (const e of events) expect(schemaErrors(e), JSON.stringify(e)).toEqual([]);
  });

  it("gives every run and execution one START and one terminal event, in time order", () => {
    const byRun = new Map<string, string[]>();
    for (const e of events) byRun.set(e.run.runId, [...(byRun.get(e.run.runId) ?? []), e.eventType]);
    // 6 flow runs + 16 executions (3 in each churn run, 1 in iris).
    expect(byRun.size).toBe(6 + 16);
    for (const types of byRun.values()) expect(types).toHaveLength(2);
    for (const types of byRun.values()) expect(types[0]).toBe("START");
    const r5 = events.filter((e) => e.job.name === "churn" && e.run.runId === stableUuid("r5")).map((e) => e.eventType);
    expect(r5).toEqual(["START", "FAIL"]);
  });

  it("links task runs to their flow run, datasets to upstream outputs and files, and reports failures", () => {
    const trainDone = events.find((e) => e.job.name === "churn.train" && e.eventType === "COMPLETE" && e.run.facets?.cairn?.runId === "r2")!;
    expect(trainDone.run.facets!.parent).toMatchObject({ run: { runId: stableUuid("r2") }, job: { namespace: "cairn", name: "churn" } });
    expect(trainDone.inputs.map((d) => d.name)).toEqual(["churn.features", join(fx.root, "train.py")]);
    expect(trainDone.inputs[0]!.facets).toMatchObject({ version: { datasetVersion: "f1".padEnd(32, "a") } });
    expect(trainDone.outputs).toEqual([expect.objectContaining({ namespace: "cairn", name: "churn.train", facets: expect.objectContaining({ version: expect.objectContaining({ datasetVersion: "m2".padEnd(32, "a") }) }) })]);
    expect(trainDone.run.facets!.cairn).toMatchObject({ params: { trees: 200, seed: 42 }, metrics: { accuracy: 0.92, f1: 0.85 } });
    const cachedExtract = events.find((e) => e.job.name === "churn.extract" && e.eventType === "COMPLETE" && e.run.facets?.cairn?.runId === "r2")!;
    expect(cachedExtract.run.facets!.cairn).toMatchObject({ status: "cached", cachedFrom: { run: "r1" } });
    expect(cachedExtract.inputs[0]).toMatchObject({ namespace: expect.stringMatching(/^file:\/\//), name: join(fx.root, "data/churn.csv") });
    const failed = events.find((e) => e.job.name === "churn.train" && e.eventType === "FAIL")!;
    expect(failed.run.facets!.errorMessage).toMatchObject({ message: expect.stringContaining("CUDA out of memory") });
    expect(failed.outputs).toEqual([]);
  });

  it("exports one run on request, with the same run ids every time", async () => {
    const r = await cairn(fx.root, ["export", "openlineage", "--run", "r2"]);
    const mine = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Event);
    expect(mine.map((e) => e.run.runId)).toEqual(events.filter((e) => e.run.runId === stableUuid("r2") || e.run.facets?.cairn?.runId === "r2").map((e) => e.run.runId));
  });
});

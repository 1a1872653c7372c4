import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import type { LineageStore } from "../../src/lineage/LineageStore.js";
import { queryRuns } from "../../src/tracking/RunsQuery.js";
import { UnknownFieldError, WhereSyntaxError } from "../../src/tracking/TrackingError.js";
import { churnStory } from "./lineageFixture.js";

describe("queryRuns", () => {
  let fx: ReturnType<typeof churnStory>;
  let store: LineageStore;
  beforeAll(() => {
    fx = churnStory();
    store = fx.open();
  });
  afterAll(() => {
    store.close();
    rmSync(fx.root, { recursive: true, force: true });
  });

  it("lists runs newest first with the metrics and params of every task", () => {
    const r = queryRuns(store.db, {});
    expect(r.runs.map((x) => x.id)).toEqual(["iris1", "r5", "r4", "r3", "r2", "r1"]);
    const r1 = r.runs.find((x) => x.id === "r1")!;
    expect(r1.metrics.train).toEqual({ loss: 0.4, accuracy: 0.81, f1: 0.7 });
    expect(r1.params.train).toEqual({ trees: 100, seed: 42 });
    expect(r1.flow).toBe("churn");
    expect(r1.status).toBe("succeeded");
    expect(r1.startedAt).toBe(new Date(1_000_000).toISOString());
  });

  it("shows a cached execution with the metrics and params of the execution it reused", () => {
    const r4 = queryRuns(store.db, { flow: "churn" }).runs.find((x) => x.id === "r4")!;
    expect(r4.metrics.train).toEqual({ loss: 0.4, accuracy: 0.88, f1: 0.8 });
    expect(r4.params.train).toEqual({ trees: 200, seed: 42 });
  });

  it("filters by a metric condition and sorts by a metric descending", () => {
    const r = queryRuns(store.db, { metrics: ["accuracy"], where: ["accuracy>0.85"], sort: "-accuracy" });
    expect(r.runs.map((x) => x.id)).toEqual(["iris1", "r2", "r4", "r3"]);
    expect(r.columns.get("r2")).toEqual({ accuracy: 0.92 });
  });

  it("combines conditions on metrics and params within one flow", () => {
    const r = queryRuns(store.db, { flow: "churn", where: ["accuracy>=0.8 and params.trees=200"], sort: "accuracy" });
    expect(r.runs.map((x) => x.id)).toEqual(["r4", "r3", "r2"]); // ties: newest first
  });

  it("puts runs without the sort metric last", () => {
    const r = queryRuns(store.db, { flow: "churn", sort: "-f1", limit: null });
    expect(r.runs.map((x) => x.id)).toEqual(["r2", "r4", "r3", "r1", "r5"]); // ties: newest first
  });

  it("restricts a qualified metric to one task and counts matches beyond the limit", () => {
    const r = queryRuns(store.db, { where: ["train.accuracy>0"], limit: 2, sort: "started" });
    expect(r.runs.map((x) => x.id)).toEqual(["r1", "r2"]);
    expect(r.matched).toBe(4);
  });

  it("answers the same through the indexed path and the general path", () => {
    const indexed = queryRuns(store.db, { flow: "churn", where: ["accuracy>0.8", "f1>=0.7"], sort: "-accuracy", limit: null });
    const general = queryRuns(store.db, { flow: "churn", where: ["train.accuracy>0.8", "train.f1>=0.7"], sort: "-train.accuracy", limit: null });
    expect(indexed.runs.map((x) => x.id)).toEqual(["r2", "r4", "r3", "r1"]);
    expect(general.runs.map((x) => x.id)).toEqual(indexed.runs.map((x) => x.id));
    const sortedOnly = queryRuns(store.db, { sort: "accuracy", limit: 3 });
    expect(sortedOnly.runs.map((x) => x.id)).toEqual(["r1", "r4", "r3"]);
    expect(sortedOnly.matched).toBe(6);
  });

  it("rejects a metric nobody recorded, suggesting the close one", () => {
    expect(() => queryRuns(store.db, { where: ["acuracy>0.9"] })).toThrow(UnknownFieldError);
    expect(() => queryRuns(store.db, { where: ["acuracy>0.9"] })).toThrow(/did you mean "accuracy"/i);
  });

  it("rejects a malformed --where naming the bad part", () => {
    expect(() => queryRuns(store.db, { where: ["accuracy>>0.9"] })).toThrow(WhereSyntaxError);
    expect(() => queryRuns(store.db, { where: ["accuracy"] })).toThrow(/"accuracy" is not <field><op><value>/);
    expect(() => queryRuns(store.db, { where: [""] })).toThrow(/it is empty/);
  });
});

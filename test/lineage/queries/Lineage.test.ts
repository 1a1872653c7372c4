import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import type { LineageStore } from "../../../src/lineage/LineageStore.js";
import { downstreamLineage, fileReaders, fileVersions } from "../../../src/lineage/queries/Downstream.js";
import { resolveLineageTarget } from "../../../src/lineage/queries/LineageTarget.js";
import { producerOf, upstreamLineage } from "../../../src/lineage/queries/Upstream.js";
import { promote } from "../../../src/tracking/ModelRegistry.js";
import { churnStory, H } from "../../tracking/lineageFixture.js";

describe("lineage queries", () => {
  let fx: ReturnType<typeof churnStory>;
  let store: LineageStore;
  beforeAll(() => {
    fx = churnStory();
    store = fx.open();
    promote(store, { model: "churn", version: 2 });
  });
  afterAll(() => {
    store.close();
    rmSync(fx.root, { recursive: true, force: true });
  });

  it("resolves model versions and aliases, tasks, artifact hash prefixes and file paths", () => {
    const opts = { root: fx.root };
    expect(resolveLineageTarget(store.db, "churn@production", opts)).toMatchObject({ kind: "model", version: 2, execution: fx.ids.r2tr });
    expect(resolveLineageTarget(store.db, "churn@1", opts)).toMatchObject({ kind: "model", version: 1, execution: fx.ids.r1tr });
    expect(resolveLineageTarget(store.db, "features", opts)).toMatchObject({ kind: "task", execution: Number(store.db.prepare(`SELECT MAX(id) FROM executions WHERE task='features' AND status IN ('succeeded','cached')`).pluck().get()) });
    expect(resolveLineageTarget(store.db, H.out("f3").slice(0, 8), opts)).toMatchObject({ kind: "artifact", hash: H.out("f3"), execution: fx.ids.r3fe });
    expect(resolveLineageTarget(store.db, "data/churn.csv@d2", opts)).toMatchObject({ kind: "file", path: "data/churn.csv", hash: "d2" });
    expect(() => resolveLineageTarget(store.db, "churn@9", opts)).toThrow(/has no version or alias "9"/);
    expect(() => resolveLineageTarget(store.db, "data/nope.csv", opts)).toThrow(/is not a recorded model, task, artifact hash or input file/);
  });

  it("walks upstream from a model through cache hits to the producing executions and their source files", () => {
    const g = upstreamLineage(store.db, fx.ids.r2tr);
    // r2's features and extract were cache hits of r1's: the lineage names the executions that did the work.
    expect(g.nodes.map((n) => [n.task, n.run, n.execution])).toEqual([
      ["train", "r2", fx.ids.r2tr],
      ["features", "r1", fx.ids.r1fe],
      ["extract", "r1", fx.ids.r1ex],
    ]);
    expect(g.files).toEqual([
      { path: "data/churn.csv", hash: H.data1, size: 100, readBy: ["extract"] },
      { path: "train.py", hash: "s1".padEnd(32, "0"), size: 42, readBy: ["train"] },
    ]);
    const train = g.nodes[0]!;
    expect(train.params).toEqual({ seed: 42, trees: 200 });
    expect(train.image).toBe("sha256:feedbeef");
    expect(train.code.changed).toEqual([{ path: "src/model.ts", change: "changed", from: "v1", to: "v2" }]);
    expect(g.edges).toEqual([
      { from: fx.ids.r1fe, to: fx.ids.r2tr, name: "features" },
      { from: fx.ids.r1ex, to: fx.ids.r1fe, name: "raw" },
    ]);
  });

  it("treats a cached execution as the execution it restored", () => {
    expect(producerOf(store.db, fx.ids.r4tr)).toBe(fx.ids.r3tr);
    expect(upstreamLineage(store.db, fx.ids.r4tr).nodes[0]!.run).toBe("r3");
  });

  it("finds everything derived from a file, or from one version of it", () => {
    const all = downstreamLineage(store.db, fileReaders(store.db, "data/churn.csv", null));
    expect(all.models.map((m) => [m.name, m.version, m.aliases])).toEqual([
      ["churn", 1, []],
      ["churn", 2, ["production"]],
      ["churn", 3, []],
    ]);
    expect(all.tasks.map((t) => [t.task, t.executions])).toEqual([
      ["extract", 2],
      ["features", 2],
      ["train", 3],
    ]);
    const v2 = downstreamLineage(store.db, fileReaders(store.db, "data/churn.csv", "d2"));
    expect(v2.models.map((m) => m.version)).toEqual([3]);
    // r4 and r5 reused r3's extract from the cache: they count among the runs the file reached.
    expect(v2.executions.find((e) => e.task === "extract")!.reusedBy).toEqual(["r4", "r5"]);
    expect(fileVersions(store.db, "data/churn.csv").map((v) => [v.hash, v.size])).toEqual([
      [H.data1, 100],
      [H.data2, 120],
    ]);
  });

  it("finds what depends on an execution, and nothing for a leaf", () => {
    const fromFeatures = downstreamLineage(store.db, [fx.ids.r1fe]);
    expect(fromFeatures.executions.map((e) => [e.task, e.run, e.depth])).toEqual([
      ["features", "r1", 0],
      ["train", "r1", 1],
      ["train", "r2", 1],
    ]);
    expect(downstreamLineage(store.db, [fx.ids.iris]).executions.map((e) => e.depth)).toEqual([0]);
  });
});

/** `cairn lineage` as a user runs it: the compiled CLI over a real lineage database. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { assertBuilt, cairn, describeResult } from "../helpers/CliRig.js";
import { churnStory, H } from "./lineageFixture.js";

describe("cairn lineage", () => {
  let fx: ReturnType<typeof churnStory>;
  beforeAll(async () => {
    assertBuilt();
    fx = churnStory();
    const p = await cairn(fx.root, ["models", "promote", "churn", "2"]);
    expect(p.code, describeResult(p)).toBe(0);
  });
  afterAll(() => rmSync(fx.root, { recursive: true, force: true }));

  it("prints a model version's provenance as JSON: every input file with hash and size, every task with its params", async () => {
    const r = await cairn(fx.root, ["lineage", "churn@production", "--json"]);
    expect(r.code, describeResult(r)).toBe(0);
    const l = JSON.parse(r.stdout) as {
      target: { kind: string; name: string; version: number; aliases: string[]; artifact: string };
      tasks: Array<{ task: string; run: string; params: Record<string, unknown>; code: { hash: string }; image: string | null; metrics: Record<string, number> }>;
      files: Array<{ path: string; hash: string; size: number }>;
    };
    expect(l.target).toMatchObject({ kind: "model", name: "churn", version: 2, aliases: ["production"], artifact: "m2".padEnd(32, "a") });
    expect(l.files.map(({ path, hash, size }) => ({ path, hash, size }))).toEqual([
      { path: "data/churn.csv", hash: H.data1, size: 100 },
      { path: "train.py", hash: "s1".padEnd(32, "0"), size: 42 },
    ]);
    expect(l.tasks.map((t) => [t.task, t.run, t.params])).toEqual([
      ["train", "r2", { seed: 42, trees: 200 }],
      ["features", "r1", {}],
      ["extract", "r1", {}],
    ]);
    expect(l.tasks[0]).toMatchObject({ image: "sha256:feedbeef", metrics: { accuracy: 0.92, f1: 0.85 }, code: { hash: "code-v2" } });
  });

  it("prints the provenance as a tree down to the data file bytes", async () => {
    const r = await cairn(fx.root, ["lineage", "churn@2"]);
    expect(r.code, describeResult(r)).toBe(0);
    expect(r.stdout.split("\n")[0]).toMatch(/^model churn@2 \[production\]  artifact m2a+  registered .* by run r2  accuracy=0\.92/);
    expect(r.stdout).toMatch(/└─ train  \[succeeded\]  run r2 /);
    expect(r.stdout).toMatch(/changed: src\/model\.ts \(changed\)/);
    expect(r.stdout).toMatch(/params seed=42 trees=200/);
    expect(r.stdout).toMatch(/│     └─ file data\/churn\.csv  d1000000000000000000000000000000  100 B/);
  });

  it("lists every task, artifact and model version derived from a file, or from one version of it", async () => {
    const all = await cairn(fx.root, ["lineage", "--down", "data/churn.csv"]);
    expect(all.code, describeResult(all)).toBe(0);
    expect(all.stdout).toMatch(/churn\/train {2}3 executions, in 4 runs/);
    expect(all.stdout).toMatch(/churn@1 {2}artifact/);
    expect(all.stdout).toMatch(/churn@2 \[production\]/);
    expect(all.stdout).toMatch(/churn@3 {2}artifact/);
    const one = JSON.parse((await cairn(fx.root, ["lineage", "--down", `data/churn.csv@${H.data2.slice(0, 6)}`, "--json"])).stdout) as { models: Array<{ version: number }> };
    expect(one.models.map((m) => m.version)).toEqual([3]);
    // A path given relative to the working directory resolves against the project root.
    mkdirSync(join(fx.root, "data"), { recursive: true });
    const fromData = await cairn(join(fx.root, "data"), ["lineage", "--down", "churn.csv", "--json", "--store", join(fx.root, ".cairn")]);
    expect(fromData.code, describeResult(fromData)).toBe(0);
    expect((JSON.parse(fromData.stdout) as { models: unknown[] }).models).toHaveLength(3);
  });

  it("draws the graph as Mermaid and DOT", async () => {
    const m = await cairn(fx.root, ["lineage", "churn@2", "--format", "mermaid"]);
    expect(m.stdout.split("\n")[0]).toBe("graph LR");
    expect(m.stdout).toMatch(/\[\("data\/churn\.csv<br\/>d10000000000"\)\]/);
    expect(m.stdout).toMatch(/m0\{\{"churn@2"\}\}/);
    const d = await cairn(fx.root, ["lineage", "--down", "data/churn.csv", "--format", "dot"]);
    expect(d.stdout.startsWith("digraph lineage {")).toBe(true);
    expect(d.stdout.match(/ -> /g)!.length).toBeGreaterThanOrEqual(10);
  });

  it("rejects an unknown target, version or format with exit 2 and what would work", async () => {
    const t = await cairn(fx.root, ["lineage", "data/nope.csv"]);
    expect(t.code).toBe(2);
    expect(t.stderr).toContain('"data/nope.csv" is not a recorded model, task, artifact hash or input file');
    const v = await cairn(fx.root, ["lineage", "churn@staging"]);
    expect(v.code).toBe(2);
    expect(v.stderr).toContain('model "churn" has no version or alias "staging"');
    const f = await cairn(fx.root, ["lineage", "churn@2", "--format", "png"]);
    expect(f.code).toBe(2);
    expect(f.stderr).toContain('--format "png" is not valid: expected tree, json, mermaid, dot');
    const h = await cairn(fx.root, ["lineage", "--down", "data/churn.csv@ffff"]);
    expect(h.code).toBe(2);
    expect(h.stderr).toContain("No recorded version of data/churn.csv has a hash starting with");
  });
});

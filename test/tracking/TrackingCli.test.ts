/**
 * The tracking commands as a user runs them: the compiled `cairn` in a child process over a real
 * lineage database built through the write API (npm test builds dist/ first).
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertBuilt, cairn, describeResult, startCairn } from "../helpers/CliRig.js";
import { churnStory } from "./lineageFixture.js";

const json = <T>(stdout: string): T => JSON.parse(stdout) as T;

describe("cairn runs / show / compare", () => {
  let fx: ReturnType<typeof churnStory>;
  beforeAll(() => assertBuilt());
  beforeEach(() => {
    fx = churnStory();
  });
  afterEach(() => rmSync(fx.root, { recursive: true, force: true }));

  it("prints runs as JSON with id, flow, status, startedAt and metrics and params by task", async () => {
    const r = await cairn(fx.root, ["runs", "--json"]);
    expect(r.code, describeResult(r)).toBe(0);
    const runs = json<Array<{ id: string; flow: string; status: string; startedAt: string; metrics: Record<string, Record<string, number>>; params: Record<string, Record<string, unknown>> }>>(r.stdout);
    expect(runs.map((x) => x.id)).toEqual(["iris1", "r5", "r4", "r3", "r2", "r1"]);
    const r2 = runs.find((x) => x.id === "r2")!;
    expect(r2).toMatchObject({ flow: "churn", status: "succeeded", startedAt: new Date(2_000_000).toISOString() });
    expect(r2.metrics).toEqual({ train: { accuracy: 0.92, f1: 0.85 } });
    expect(r2.params).toEqual({ train: { trees: 200, seed: 42 } });
  });

  it("filters and sorts the table by a metric, with metric and param columns", async () => {
    const r = await cairn(fx.root, ["runs", "--flow", "churn", "--metrics", "accuracy,f1", "--params", "trees", "--where", "accuracy>0.85", "--sort", "-f1"]);
    expect(r.code, describeResult(r)).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^RUN\s+FLOW\s+STATUS\s+STARTED\s+DURATION\s+TASKS\s+ACCURACY\s+F1\s+PARAMS\.TREES$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(["r2", "r4", "r3"]);
    expect(lines[1]).toMatch(/0\.92\s+0\.85\s+200$/);
  });

  it("answers an unknown metric in --where with exit 2 and the metrics that exist", async () => {
    const r = await cairn(fx.root, ["runs", "--where", "acuracy>0.9"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --where names the metric "acuracy", which no execution has recorded\. Did you mean "accuracy"\?/);
    expect(r.stdout).toBe("");
  });

  it("answers a malformed --where with exit 2 and the expected shape", async () => {
    const r = await cairn(fx.root, ["runs", "--where", "accuracy>>0.9"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read --where "accuracy>>0.9"');
    expect(r.stderr).toContain("<metric><op><value>");
  });

  it("says no runs are recorded in a project where nothing ran, without creating a store", async () => {
    const empty = mkdtempSync(join(tmpdir(), "cairn-empty-"));
    try {
      const table = await cairn(empty, ["runs"]);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(/no runs recorded yet/);
      expect((await cairn(empty, ["runs", "--json"])).stdout.trim()).toBe("[]");
      const show = await cairn(empty, ["show", "latest"]);
      expect(show.code).toBe(2);
      expect(show.stderr).toMatch(/no lineage database at .*cairn\.db: nothing has run in this project yet/);
      expect(existsSync(join(empty, ".cairn"))).toBe(false);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("shows a run with its cache sources, metrics, params, input files and models", async () => {
    const r = await cairn(fx.root, ["show", "r2"]);
    expect(r.code, describeResult(r)).toBe(0);
    expect(r.stdout).toMatch(/^extract\s+cached\s+.*cached from run r1$/m);
    expect(r.stdout).toMatch(/train\s+accuracy=0\.92 f1=0\.85/);
    expect(r.stdout).toMatch(/data\/churn\.csv\s+d1000000000000000000000000000000\s+100 B/);
    expect(r.stdout).toMatch(/churn\s+version 2 \(from train\)/);
    const failed = await cairn(fx.root, ["show", "latest~1", "--json"]);
    const run = json<{ id: string; executions: Array<{ task: string; status: string; error: { text: string } | null }> }>(failed.stdout);
    expect(run.id).toBe("r5");
    expect(run.executions.find((e) => e.task === "train")).toMatchObject({ status: "failed", error: { text: expect.stringContaining("CUDA out of memory") } });
  });

  it("rejects a run id that matches nothing", async () => {
    const r = await cairn(fx.root, ["show", "zz"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no run "zz"');
  });

  it("compares two runs: changed params, metric deltas, code modules and the tasks that differed", async () => {
    const r = await cairn(fx.root, ["compare", "r1", "r2", "--json"]);
    expect(r.code, describeResult(r)).toBe(0);
    const c = json<{
      tasks: Array<{ task: string; differs: boolean; ingredients: string[] }>;
      params: Array<{ task: string; name: string; a: unknown; b: unknown; changed: boolean }>;
      metrics: Array<{ name: string; delta: number | null }>;
      code: Array<{ task: string; modules: Array<{ path: string; change: string }> }>;
      inputs: Array<{ path: string; changed: boolean }>;
    }>(r.stdout);
    expect(c.tasks.filter((t) => t.differs).map((t) => [t.task, t.ingredients])).toEqual([["train", ["code", "params"]]]);
    expect(c.params.filter((p) => p.changed)).toEqual([{ task: "train", name: "trees", a: 100, b: 200, changed: true }]);
    expect(c.metrics.find((m) => m.name === "accuracy")!.delta).toBeCloseTo(0.11, 10);
    expect(c.code.find((x) => x.task === "train")!.modules).toEqual([{ path: "src/model.ts", change: "changed", from: "v1", to: "v2" }]);
    expect(c.inputs.every((i) => !i.changed)).toBe(true);

    const text = await cairn(fx.root, ["compare", "r2", "r3"]);
    expect(text.stdout).toMatch(/extract\s+data\/churn\.csv\s+d10000000000\s+d20000000000/);
    expect(text.stdout).toMatch(/extract\s+cached \S+\s+succeeded \S+\s+inputs/);
  });
});

describe("cairn models", () => {
  let fx: ReturnType<typeof churnStory>;
  beforeAll(() => assertBuilt());
  beforeEach(() => {
    fx = churnStory();
  });
  afterEach(() => rmSync(fx.root, { recursive: true, force: true }));

  it("shows a model as { name, versions: [{ version, aliases, metrics, artifact, createdAt, run }] }", async () => {
    expect((await cairn(fx.root, ["models", "promote", "churn", "2", "--reason", "best f1"])).stdout).toBe("churn@2 is now production\n");
    const r = await cairn(fx.root, ["models", "show", "churn", "--json"]);
    expect(r.code, describeResult(r)).toBe(0);
    const m = json<{ name: string; versions: Array<Record<string, unknown>> }>(r.stdout);
    expect(m.name).toBe("churn");
    expect(m.versions.map((v) => v.version)).toEqual([3, 2, 1]);
    expect(m.versions[1]).toMatchObject({ version: 2, aliases: ["production"], metrics: { accuracy: 0.92, f1: 0.85 }, artifact: "m2".padEnd(32, "a"), run: "r2" });
    expect(new Date(m.versions[1]!.createdAt as string).getTime()).toBe(2_000_102);
    const one = json<{ versions: Array<{ version: number }> }>((await cairn(fx.root, ["models", "show", "churn@production", "--json"])).stdout);
    expect(one.versions.map((v) => v.version)).toEqual([2]);
    const list = await cairn(fx.root, ["models", "list"]);
    expect(list.stdout).toMatch(/^churn\s+3\s+3\s+production=2\s/m);
  });

  it("refuses to promote a missing version with exit 2 and lists the versions", async () => {
    const r = await cairn(fx.root, ["models", "promote", "churn", "7"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: model "churn" has no version or alias "7". Its versions: 1, 2, 3. List them with `cairn models show churn`.\n');
  });

  it("refuses a promotion below a --require threshold with exit 1 and records the refusal", async () => {
    const r = await cairn(fx.root, ["models", "promote", "churn", "1", "--require", "accuracy>=0.85"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("refused to promote churn@1 to production: accuracy is 0.81, required >= 0.85");
    const h = json<Array<{ action: string; to: number }>>((await cairn(fx.root, ["models", "history", "churn", "--json"])).stdout);
    expect(h.at(-1)).toMatchObject({ action: "refused", to: 1 });
    const bad = await cairn(fx.root, ["models", "promote", "churn", "1", "--require", "accuracy"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('cannot read the requirement "accuracy"');
  });

  it("rolls back to the previous production version, and refuses when there is none", async () => {
    await cairn(fx.root, ["models", "promote", "churn", "1"]);
    const none = await cairn(fx.root, ["models", "rollback", "churn"]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("version 1 is the first version to hold production");
    await cairn(fx.root, ["models", "promote", "churn", "3"]);
    const back = await cairn(fx.root, ["models", "rollback", "churn", "--reason", "drift alarm"]);
    expect(back.code, describeResult(back)).toBe(0);
    expect(back.stdout).toBe("churn: production rolled back from 3 to 1\n");
    const history = await cairn(fx.root, ["models", "history", "churn"]);
    expect(history.stdout).toMatch(/rollback\s+production\s+3\s+1\s+\S+@\S+\s+drift alarm/);
  });

  it("serialises promotions from concurrent processes: one final holder, every change logged, no lost update", async () => {
    const procs = [1, 2, 3].map((v) => startCairn(fx.root, ["models", "promote", "churn", String(v), "--reason", `p${v}`]));
    const results = await Promise.all(procs.map((p) => p.result));
    for (const r of results) expect(r.code, describeResult(r)).toBe(0);
    const h = json<Array<{ action: string; from: number | null; to: number }>>((await cairn(fx.root, ["models", "history", "churn", "--json"])).stdout).filter((e) => e.action === "promote");
    expect(h).toHaveLength(3);
    expect(h.map((e) => e.to).sort()).toEqual([1, 2, 3]);
    // Each promotion saw the previous one's result as its "from": the chain has no gap.
    expect(h[0]!.from).toBeNull();
    for (let i = 1; i < h.length; i++) expect(h[i]!.from).toBe(h[i - 1]!.to);
    const prod = json<{ versions: Array<{ version: number }> }>((await cairn(fx.root, ["models", "show", "churn@production", "--json"])).stdout);
    expect(prod.versions[0]!.version).toBe(h[2]!.to);
  });
});

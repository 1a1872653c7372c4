/**
 * `cairn gc` through the real CLI: objects only older runs reference are freed and reported;
 * the last K runs keep theirs, so rerunning them is still a cache hit.
 */
import { existsSync, rmSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, cached, describeResult, executed, makeProject, type Project } from "../helpers/CliRig.js";
import { countObjects as countStored, objectExists, taskObjects, withDb } from "../helpers/StoreInspect.js";

beforeAll(assertBuilt);

const flow = (v: number) => `import { task, flow } from "cairn";
const keep = task("keep", { run: () => "stable" });
const a = task("a", { params: { v: ${v} }, run: (_, ctx) => ({ v: ctx.params.v }) });
const f = task("f", { params: { v: ${v} }, cmd: "echo $CAIRN_PARAM_v > $CAIRN_OUT/out.txt" });
export default flow("gc", { tasks: [keep, a, f] });
`;

const countObjects = (p: Project): number => countStored(p.dir);

/** Three runs, each with new outputs for `a` and `f` and the same output for `keep`. */
const threeRuns = async () => {
  const p = await makeProject({ "flow.ts": flow(1) });
  const objectsOf: Record<number, string[]> = {};
  for (const v of [1, 2, 3]) {
    await p.write({ "flow.ts": flow(v) });
    const r = await p.run();
    expect(r.code, describeResult(r)).toBe(0);
    const a = taskObjects(p.dir, "a");
    const f = taskObjects(p.dir, "f");
    objectsOf[v] = [a.tree, a.value!, f.tree, ...f.files.map((x) => x.hash)];
  }
  return { p, objectsOf };
};

describe("cairn gc", () => {
  it("frees the objects only runs older than the last K reference, reports them, and keeps the rest usable", async () => {
    const { p, objectsOf } = await threeRuns();
    // keep: tree + value; a and f: 2 objects per run each.
    expect(countObjects(p)).toBe(2 + 3 * 4);
    const gc = await p.cairn(["gc", "--keep-runs", "1"]);
    expect(gc.code, describeResult(gc)).toBe(0);
    expect(gc.stdout).toMatch(/freed 8 objects, \d+(\.\d)? (B|KiB)/);
    expect(countObjects(p)).toBe(6);
    for (const h of [...objectsOf[1]!, ...objectsOf[2]!]) expect(objectExists(p.dir, h), h).toBe(false);
    for (const h of objectsOf[3]!) expect(objectExists(p.dir, h), h).toBe(true);
    // The last run's results are still cache hits; an older configuration executes again.
    const same = await p.run();
    expect(executed(same)).toEqual([]);
    expect(cached(same)).toEqual(["a", "f", "keep"]);
    await p.write({ "flow.ts": flow(1) });
    const old = await p.run();
    expect(old.code, describeResult(old)).toBe(0);
    expect(executed(old)).toEqual(["a", "f"]);
    expect(cached(old)).toEqual(["keep"]);
  });

  it("frees nothing with --dry-run, and keeps everything the last K runs reference", async () => {
    const { p } = await threeRuns();
    const dry = await p.cairn(["gc", "--keep-runs", "1", "--dry-run"]);
    expect(dry.stdout).toMatch(/would free 8 objects/);
    expect(countObjects(p)).toBe(14);
    const all = await p.cairn(["gc", "--keep-runs", "3"]);
    expect(all.stdout).toMatch(/freed 0 objects/);
    expect(countObjects(p)).toBe(14);
  });

  it("rejects a --keep-runs that is not a whole number", async () => {
    const { p } = await threeRuns();
    const r = await p.cairn(["gc", "--keep-runs", "two"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--keep-runs");
  });

  it("leaves a store that fsck finds clean", async () => {
    const { p } = await threeRuns();
    expect((await p.cairn(["gc", "--keep-runs", "1"])).code).toBe(0);
    const fsck = await p.cairn(["fsck", "--json"]);
    expect(JSON.parse(fsck.stdout).problems).toEqual([]);
    expect(fsck.code).toBe(0);
  });

  it("after gc, fsck reports no corrupt object and no missing object that a kept run references", async () => {
    const { p, objectsOf } = await threeRuns();
    await p.cairn(["gc", "--keep-runs", "1"]);
    const fsck = await p.cairn(["fsck", "--json"]);
    const problems = JSON.parse(fsck.stdout).problems as Array<{ kind: string; hash: string }>;
    expect(problems.filter((x) => x.kind === "corrupt-object")).toEqual([]);
    const kept = new Set(objectsOf[3]);
    expect(problems.filter((x) => kept.has(x.hash))).toEqual([]);
  });

  it("forgets the stat-cache entries of deleted files and freed objects, keeps the live ones, and never records staged outputs", async () => {
    const { p } = await threeRuns();
    await p.write({ "extra.txt": "x\n", "flow.ts": `${flow(3).replace('export default flow("gc", { tasks: [keep, a, f] });', "")}const e = task("e", { inputs: { x: file("extra.txt") }, cmd: "cat $CAIRN_IN_x > $CAIRN_OUT/e.txt" });\nexport default flow("gc", { tasks: [keep, a, f, e] });\n`.replace('import { task, flow } from "cairn";', 'import { task, flow, file } from "cairn";') });
    expect((await p.run()).code).toBe(0);
    const paths = () => withDb(p.dir, (db) => db.prepare(`SELECT path FROM stat_cache`).pluck().all() as string[]);
    // Outputs are hashed in .cairn/tmp under paths unique to a run: none of them is remembered.
    expect(paths().filter((x) => x.includes("/.cairn/tmp/"))).toEqual([]);
    expect(paths()).toContain(p.path("extra.txt"));
    rmSync(p.path("extra.txt"));
    const dry = await p.cairn(["gc", "--keep-runs", "1", "--dry-run"]);
    expect(dry.stdout).toMatch(/would forget \d+ stat-cache entr(y|ies) of files that no longer exist/);
    expect(paths()).toContain(p.path("extra.txt"));
    const gc = await p.cairn(["gc", "--keep-runs", "1"]);
    expect(gc.code, describeResult(gc)).toBe(0);
    expect(gc.stdout).toMatch(/forgot \d+ stat-cache entr(y|ies)/);
    const left = paths();
    expect(left).not.toContain(p.path("extra.txt"));
    for (const x of left) expect(existsSync(x), x).toBe(true);
    // The objects the last run uses are still known: the next run restores without re-reading them.
    await p.write({ "extra.txt": "x\n" });
    expect(executed(await p.run())).toEqual([]);
  });
});

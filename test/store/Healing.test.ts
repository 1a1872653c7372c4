/**
 * The artifact store under damage, through the real CLI: corrupt and deleted objects make their
 * task run again and heal the store; `cairn fsck` reports the damage before and none after.
 */
import { statSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, cached, describeResult, executed, makeProject, type Project } from "../helpers/CliRig.js";
import { countObjects, damageObject, deleteObject, isSmallObject, objectFiles, taskObjects } from "../helpers/StoreInspect.js";

beforeAll(assertBuilt);

const FLOW = `import { task, flow } from "cairn";
const a = task("a", { run: () => ({ answer: 42 }) });
const f = task("f", { cmd: "echo payload > $CAIRN_OUT/out.txt" });
const b = task("b", { deps: { a, f }, run: ({ a }) => a.answer + 1 });
const other = task("other", { run: () => "untouched" });
export default flow("heal", { tasks: [b, other] });
`;

const project = async (): Promise<Project> => {
  const p = await makeProject({ "flow.ts": FLOW });
  const r = await p.run();
  expect(r.code, describeResult(r)).toBe(0);
  expect(executed(r)).toEqual(["a", "b", "f", "other"]);
  return p;
};

const fsck = async (p: Project) => {
  const r = await p.cairn(["fsck", "--json"]);
  return { code: r.code, ...(JSON.parse(r.stdout) as { checked: number; problems: Array<{ kind: string; hash: string }> }) };
};

describe("stored objects", () => {
  it("are read-only files once written, named by the hash of their bytes; small ones are database rows", async () => {
    const p = await project();
    const files = objectFiles(p.dir);
    expect(files.length).toBeGreaterThan(0);
    for (const o of files) expect(statSync(o).mode & 0o222, o).toBe(0);
    // The command's output file is a file; the trees and the function's value are rows.
    const f = taskObjects(p.dir, "f");
    const a = taskObjects(p.dir, "a");
    expect(isSmallObject(p.dir, f.files[0]!.hash)).toBe(false);
    expect([f.tree, a.tree, a.value!].map((h) => isSmallObject(p.dir, h))).toEqual([true, true, true]);
    const fsckResult = await fsck(p);
    expect(fsckResult).toMatchObject({ code: 0, checked: countObjects(p.dir), problems: [] });
  });
});

describe("damaged objects", () => {
  it("reruns a task whose value object is corrupt, and fsck reports that object", async () => {
    const p = await project();
    const { value } = taskObjects(p.dir, "a");
    damageObject(p.dir, value!, `{"answer":41}`);
    const before = await fsck(p);
    expect(before.code).toBe(1);
    expect(before.problems).toEqual([expect.objectContaining({ kind: "corrupt-object", hash: value })]);
    const r = await p.run();
    expect(r.code, describeResult(r)).toBe(0);
    expect(executed(r)).toEqual(["a"]);
    expect(r.events.find((e) => e.type === "TaskQueued" && e.task === "a")).toMatchObject({ reason: { kind: "heal" } });
    // a's output is the same value again, so b is restored, not re-executed.
    expect(cached(r)).toEqual(["b", "f", "other"]);
  });

  it("heals a corrupt value object: fsck is clean after the rerun and the run after restores from cache", async () => {
    const p = await project();
    const { value } = taskObjects(p.dir, "a");
    damageObject(p.dir, value!, `{"answer":41}`);
    expect((await p.run()).code).toBe(0);
    const after = await fsck(p);
    expect(after.problems).toEqual([]);
    expect(after.code).toBe(0);
    const next = await p.run();
    expect(executed(next)).toEqual([]);
    expect(cached(next)).toEqual(["a", "b", "f", "other"]);
  });

  it("heals a corrupt output file of a command task", async () => {
    const p = await project();
    const { files } = taskObjects(p.dir, "f");
    damageObject(p.dir, files[0]!.hash, "tampered\n");
    const healing = await p.run();
    expect(executed(healing)).toEqual(["f"]);
    expect((await fsck(p)).problems).toEqual([]);
    expect(executed(await p.run())).toEqual([]);
  });

  it("reruns a task whose object was deleted, heals it, and fsck reports the missing reference before and nothing after", async () => {
    const p = await project();
    const { tree, files } = taskObjects(p.dir, "f");
    deleteObject(p.dir, files[0]!.hash);
    const before = await fsck(p);
    expect(before.code).toBe(1);
    expect(before.problems).toEqual([expect.objectContaining({ kind: "missing-object", hash: files[0]!.hash })]);
    const r = await p.run();
    expect(r.code, describeResult(r)).toBe(0);
    expect(executed(r)).toEqual(["f"]);
    expect(cached(r)).toEqual(["a", "b", "other"]);
    expect(taskObjects(p.dir, "f").tree).toBe(tree);
    const after = await fsck(p);
    expect(after.problems).toEqual([]);
    expect(after.code).toBe(0);
    const next = await p.run();
    expect(executed(next)).toEqual([]);
  });

  it("reruns a task whose output tree object was deleted", async () => {
    const p = await project();
    const { tree } = taskObjects(p.dir, "a");
    deleteObject(p.dir, tree);
    const r = await p.run();
    expect(r.code, describeResult(r)).toBe(0);
    expect(executed(r)).toEqual(["a"]);
    expect((await fsck(p)).problems).toEqual([]);
  });
});

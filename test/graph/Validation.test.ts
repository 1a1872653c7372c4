/**
 * Graph validation through the real CLI: cycles, duplicate and invalid names, missing inputs —
 * all reported together — unknown targets with suggestions, and target selection.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, describeResult, executed, makeProject } from "../helpers/CliRig.js";

beforeAll(assertBuilt);

describe("graph validation", () => {
  it("prints a dependency cycle as the loop of task names", async () => {
    const p = await makeProject({
      "flow.ts": `import { task, flow } from "cairn";
const a: any = task("a", { deps: () => ({ c }), run: () => 1 });
const b: any = task("b", { deps: () => ({ a }), run: () => 1 });
const c: any = task("c", { deps: () => ({ b }), run: () => 1 });
export default flow("loop", { tasks: [a] });
`,
    });
    const r = await p.run();
    expect(r.code, describeResult(r)).toBe(2);
    expect(r.stderr).toMatch(/dependency cycle: (a -> c -> b -> a|b -> a -> c -> b|c -> b -> a -> c)/);
    expect(r.stderr).toContain(`flow "loop"`);
    expect(r.events).toEqual([]);
  });

  it("reports duplicate names, invalid names, a missing input file and a cycle together in one run", async () => {
    const p = await makeProject({
      "flow.ts": `import { task, flow, file } from "cairn";
const x: any = task("x", { deps: () => ({ y }), run: () => 1 });
const y: any = task("y", { deps: () => ({ x }), run: () => 1 });
const first = task("dup", { run: () => 1 });
const second = task("dup", { run: () => 2 });
const bad = task("bad name!", { run: () => 1 });
const miss = task("miss", { inputs: { table: file("data/absent.csv") }, run: () => 1 });
export default flow("many", { tasks: [x, first, second, bad, miss] });
`,
    });
    const r = await p.run();
    expect(r.code, describeResult(r)).toBe(2);
    expect(r.stderr).toContain(`flow "many"`);
    expect(r.stderr).toContain("4 problems");
    expect(r.stderr).toMatch(/task "dup" \(.*flow\.ts:5\): two different tasks are named "dup" \(also defined at .*flow\.ts:4\); rename one/);
    expect(r.stderr).toMatch(/task "bad name!".*is invalid; use letters/);
    expect(r.stderr).toMatch(/task "miss".*data\/absent\.csv does not exist; create it, or fix the path/);
    expect(r.stderr).toMatch(/dependency cycle: (x -> y -> x|y -> x -> y)/);
    expect(r.stderr).not.toContain("dist/src");
  });

  it("suggests the closest task name for an unknown task on the command line", async () => {
    const p = await makeProject({
      "flow.ts": `import { task, flow } from "cairn";
const train = task("train", { run: () => 1 });
const evaluate = task("evaluate", { deps: { train }, run: ({ train }) => train });
export default flow("ml", { tasks: [evaluate] });
`,
    });
    const r = await p.run(["trian"]);
    expect(r.code, describeResult(r)).toBe(2);
    expect(r.stderr).toContain(`flow "ml" has no task "trian" — did you mean "train"?`);
    expect(r.events).toEqual([]);
  });

  it("runs only the named targets and their upstream closure", async () => {
    const p = await makeProject({
      "flow.ts": `import { task, flow } from "cairn";
const extract = task("extract", { run: () => [1, 2] });
const train = task("train", { deps: { extract }, run: ({ extract }) => extract.length });
const evaluate = task("evaluate", { deps: { train }, run: ({ train }) => train });
const publish = task("publish", { deps: { evaluate }, run: () => "done" });
const unrelated = task("unrelated", { run: () => 0 });
export default flow("ml", { tasks: [publish, unrelated] });
`,
    });
    const r = await p.run(["train"]);
    expect(r.code, describeResult(r)).toBe(0);
    expect(executed(r)).toEqual(["extract", "train"]);
    const started = r.events.find((e) => e.type === "RunStarted");
    expect(started?.type === "RunStarted" && started.tasks.map((t) => t.name).sort()).toEqual(["extract", "train"]);
    const both = await p.run(["evaluate", "unrelated"]);
    expect(executed(both)).toEqual(["evaluate", "unrelated"]);
  });
});

describe("inputs of the wrong kind", () => {
  it("says a file() input is a directory and suggests dir(), and the reverse", async () => {
    const p = await makeProject({
      "flow.ts": `import { task, flow, file, dir } from "cairn";
const a = task("a", { inputs: { d: file("data") }, run: () => 1 });
const b = task("b", { inputs: { f: dir("data/x.csv") }, run: () => 2 });
export default flow("kinds", { tasks: [a, b] });
`,
      "data/x.csv": "x\n1\n",
    });
    const r = await p.run();
    expect(r.code, describeResult(r)).toBe(2);
    expect(r.stderr).toContain(`data is a directory; declare it with dir("data")`);
    expect(r.stderr).toContain(`data/x.csv is a file, not a directory; declare it with file("data/x.csv")`);
  });
});

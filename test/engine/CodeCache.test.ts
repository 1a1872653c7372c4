/**
 * Code ingredients of the cache key, through the real CLI: which edits of flow files, helper
 * modules, commands and scripts rerun which tasks (asserted on `--json` events).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, cached, describeResult, executed, makeProject, type Project } from "../helpers/CliRig.js";

beforeAll(assertBuilt);

const FLOW = `import { task, flow } from "cairn";
import { scaled } from "./lib/features.js";

const a = task("a", { run: () => scaled(21) });
const b = task("b", { run: () => "b".repeat(3) });
const c = task("c", { deps: { a }, run: ({ a }) => a + 1 });

export default flow("code", { tasks: [a, b, c] });
`;
const FEATURES = `import { factor } from "./math.js";

export function scaled(x: number): number {
  return x * factor();
}
`;
const MATH = `export const factor = (): number => 2;
`;

const codeProject = async (): Promise<Project> => {
  const p = await makeProject({ "flow.ts": FLOW, "lib/features.ts": FEATURES, "lib/math.ts": MATH });
  const first = await p.run();
  expect(first.code, describeResult(first)).toBe(0);
  expect(executed(first)).toEqual(["a", "b", "c"]);
  return p;
};

/** Runs the flow and expects success; returns the result. */
const rerun = async (p: Project, args: string[] = []) => {
  const r = await p.run(args);
  expect(r.code, describeResult(r)).toBe(0);
  return r;
};

describe("code in the cache key", () => {
  it("reuses every task when nothing changed", async () => {
    const p = await codeProject();
    const r = await rerun(p);
    expect(executed(r)).toEqual([]);
    expect(cached(r)).toEqual(["a", "b", "c"]);
  });

  it("reruns a task and its downstream, not its sibling, when its function body changes", async () => {
    const p = await codeProject();
    await p.write({ "flow.ts": FLOW.replace("scaled(21)", "scaled(22)") });
    const r = await rerun(p);
    expect(executed(r)).toEqual(["a", "c"]);
    expect(cached(r)).toEqual(["b"]);
  });

  it("reruns the task using a local helper module when that module changes, not the other tasks", async () => {
    const p = await codeProject();
    await p.write({ "lib/features.ts": FEATURES.replace("x * factor()", "x * factor() + 1") });
    const r = await rerun(p);
    expect(executed(r)).toEqual(["a", "c"]);
    expect(cached(r)).toEqual(["b"]);
  });

  it("reruns the task when a module its helper imports changes (a transitive local import)", async () => {
    const p = await codeProject();
    await p.write({ "lib/math.ts": MATH.replace("=> 2", "=> 3") });
    const r = await rerun(p);
    expect(executed(r)).toEqual(["a", "c"]);
    expect(cached(r)).toEqual(["b"]);
  });

  it("reruns nothing after comment-only and formatting-only edits of the flow file and its helpers", async () => {
    const p = await codeProject();
    await p.write({
      "flow.ts": `// A comment added on top.\n${FLOW.replace("run: () => scaled(21)", "run: ()   =>\n    scaled( 21 ) /* why 21: the answer halved */")
        .replace(`"b".repeat(3)`, `"b".repeat(\n  3,\n)`)}`,
      "lib/features.ts": `/** Scales a feature. */\n${FEATURES.replace("return x * factor();", "// multiply\n  return   x*factor() ;")}`,
      "lib/math.ts": `// the factor\n${MATH.replace("=> 2", "=>   2 /* two */")}\n\n`,
    });
    const r = await rerun(p);
    expect(executed(r)).toEqual([]);
    expect(cached(r)).toEqual(["a", "b", "c"]);
  });

  it("ignores code edits of a task that sets version, and reruns it when the version changes", async () => {
    const flow = (body: string, version: string) => `import { task, flow } from "cairn";
const v = task("v", { version: "${version}", run: () => ${body} });
const w = task("w", { run: () => 1 });
export default flow("versioned", { tasks: [v, w] });
`;
    const p = await makeProject({ "flow.ts": flow("1", "1") });
    expect(executed(await rerun(p))).toEqual(["v", "w"]);
    await p.write({ "flow.ts": flow("2", "1") });
    const edited = await rerun(p);
    expect(executed(edited)).toEqual([]);
    expect(cached(edited)).toEqual(["v", "w"]);
    await p.write({ "flow.ts": flow("2", "2") });
    const bumped = await rerun(p);
    expect(executed(bumped)).toEqual(["v"]);
    expect(cached(bumped)).toEqual(["w"]);
  });

  it("always executes a task with cache: false, and reuses the others", async () => {
    const p = await makeProject({
      "flow.ts": `import { task, flow } from "cairn";
const always = task("always", { cache: false, run: () => 1 });
const once = task("once", { run: () => 2 });
export default flow("nocache", { tasks: [always, once] });
`,
    });
    expect(executed(await rerun(p))).toEqual(["always", "once"]);
    const second = await rerun(p);
    expect(executed(second)).toEqual(["always"]);
    expect(cached(second)).toEqual(["once"]);
    expect(second.events.find((e) => e.type === "TaskQueued" && e.task === "always")).toMatchObject({ reason: { kind: "no-cache" } });
  });
});

describe("command tasks in the cache key", () => {
  const CMD_FLOW = (cmd: string) => `import { task, flow } from "cairn";
const build = task("build", { cmd: ${JSON.stringify(cmd)} });
const other = task("other", { cmd: "echo other > $CAIRN_OUT/other.txt" });
export default flow("cmds", { tasks: [build, other] });
`;
  const SCRIPT = `#!/bin/sh\necho "built" > "$CAIRN_OUT/out.txt"\n`;

  it("reruns a command task when its command string changes", async () => {
    const p = await makeProject({ "flow.ts": CMD_FLOW("echo one > $CAIRN_OUT/out.txt") });
    expect(executed(await rerun(p))).toEqual(["build", "other"]);
    await p.write({ "flow.ts": CMD_FLOW("echo two > $CAIRN_OUT/out.txt") });
    const r = await rerun(p);
    expect(executed(r)).toEqual(["build"]);
    expect(cached(r)).toEqual(["other"]);
  });

  it("reruns a command task when the script file its command names changes, and not after a no-op rerun", async () => {
    const p = await makeProject({ "flow.ts": CMD_FLOW("sh scripts/x.sh"), "scripts/x.sh": SCRIPT });
    expect(executed(await rerun(p))).toEqual(["build", "other"]);
    expect(executed(await rerun(p))).toEqual([]);
    await p.write({ "scripts/x.sh": SCRIPT.replace("built", "built again") });
    const r = await rerun(p);
    expect(executed(r)).toEqual(["build"]);
    expect(cached(r)).toEqual(["other"]);
  });

  it("reruns a command task when a script it declares under scripts changes", async () => {
    const flow = `import { task, flow } from "cairn";
const build = task("build", { cmd: "sh -c \\"$(cat scripts/inner.sh)\\"", scripts: ["scripts/inner.sh"] });
export default flow("declared", { tasks: [build] });
`;
    const p = await makeProject({ "flow.ts": flow, "scripts/inner.sh": `echo a > "$CAIRN_OUT/o"\n` });
    expect(executed(await rerun(p))).toEqual(["build"]);
    await p.write({ "scripts/inner.sh": `echo b > "$CAIRN_OUT/o"\n` });
    expect(executed(await rerun(p))).toEqual(["build"]);
  });
});

describe("files a command writes", () => {
  it("does not treat a file the command appends its output to as a script", async () => {
    const p = await makeProject({
      "flow.ts": `import { task, flow } from "cairn";
const t = task("t", { cmd: "echo ran >> run.log; echo ok > $CAIRN_OUT/o" });
export default flow("logs", { tasks: [t] });
`,
    });
    expect(executed(await rerun(p))).toEqual(["t"]);
    expect(executed(await rerun(p))).toEqual([]);
    expect(executed(await rerun(p))).toEqual([]);
  });
});

describe("package versions in the cache key", () => {
  const PKG = (version: string) => JSON.stringify({ name: "fake-scaler", version, type: "module", main: "index.js" });
  const FLOW = `import { task, flow } from "cairn";
import { scale } from "fake-scaler";
const uses = task("uses", { run: () => scale(2) });
const plain = task("plain", { run: () => 2 });
export default flow("pkgs", { tasks: [uses, plain] });
`;

  it("reruns the task importing an npm package when its installed version changes, not the others", async () => {
    const p = await makeProject({
      "flow.ts": FLOW,
      "node_modules/fake-scaler/package.json": PKG("1.0.0"),
      "node_modules/fake-scaler/index.js": "export const scale = (x) => x * 10;\n",
    });
    expect(executed(await rerun(p))).toEqual(["plain", "uses"]);
    expect(executed(await rerun(p))).toEqual([]);
    await p.write({ "node_modules/fake-scaler/package.json": PKG("1.1.0") });
    const r = await rerun(p);
    expect(executed(r)).toEqual(["uses"]);
    expect(cached(r)).toEqual(["plain"]);
    expect(r.events.find((e) => e.type === "TaskQueued")).toMatchObject({ task: "uses", reason: { changed: ["dependencies"] } });
  });
});

describe("explain after a code change", () => {
  it("names the helper module that changed", async () => {
    const p = await codeProject();
    await p.write({ "lib/math.ts": MATH.replace("=> 2", "=> 5") });
    const r = await p.cairn(["explain", "flow.ts", "a", "--json"]);
    expect(r.code, describeResult(r)).toBe(0);
    const e = JSON.parse(r.stdout) as { verdict: string; ingredients: Array<{ ingredient: string; changed: boolean; details: string[] }> };
    expect(e.verdict).toBe("run");
    const code = e.ingredients.find((i) => i.ingredient === "code")!;
    expect(code.changed).toBe(true);
    expect(code.details.join("\n")).toContain("lib/math.ts");
    const b = JSON.parse((await p.cairn(["explain", "flow.ts", "b", "--json"])).stdout) as { verdict: string };
    expect(b.verdict).toBe("cached");
  });
});

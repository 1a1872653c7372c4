/** loadFlowModule in fresh Node processes over temp user projects with real .ts files. */
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, fromSnapshot, loadOnce, makeProject, removeProjects, runSteps, writeFiles } from "./childLoader.js";

beforeAll(assertBuilt);
afterAll(removeProjects);

const FLOW = `import { task, flow } from "cairn";
import { engineer } from "./lib/features.js";

const raw = task("extract", { run: async () => [1, 2, 3] });
const features = task("features", { deps: { raw }, run: ({ raw }) => engineer(raw) });

export const sample = (): number[] => engineer([1, 2]);
export default flow("churn", { targets: [features] });
`;
const FEATURES = `import { scale } from "./math";
export function engineer(rows: number[]): number[] {
  return rows.map(scale);
}
`;
const MATH = `export const factor: number = 2;
export const scale = (x: number): number => x * factor;
`;

const churnProject = () =>
  makeProject({ "flows/churn.ts": FLOW, "flows/lib/features.ts": FEATURES, "flows/lib/math.ts": MATH });

describe("loadFlowModule", () => {
  it("loads a TypeScript flow importing cairn and local helpers written as ./x.js and ./x", async () => {
    const dir = await churnProject();
    const r = await loadOnce(dir, "flows/churn.ts", ["sample"]);
    expect(r.ok).toBe(true);
    expect(r.flowName).toBe("churn");
    expect(r.calls?.["sample"]?.value).toEqual([2, 4]);
    const byPath = new Map(r.modules!.map((m) => [m.path, m]));
    expect([...byPath.keys()].sort()).toEqual(
      ["flows/churn.ts", "flows/lib/features.ts", "flows/lib/math.ts"].map((p) => join(dir, p)),
    );
    expect(byPath.get(join(dir, "flows/churn.ts"))!.imports).toEqual([
      { kind: "package", specifier: "cairn", name: "cairn", resolvedPath: expect.stringMatching(/dist\/src\/index\.js$/) },
      { kind: "local", specifier: "./lib/features.js", path: join(dir, "flows/lib/features.ts") },
    ]);
    expect(byPath.get(join(dir, "flows/lib/features.ts"))!.imports).toEqual([
      { kind: "local", specifier: "./math", path: join(dir, "flows/lib/math.ts") },
    ]);
  });

  it("reuses the on-disk transpilation when the source is unchanged and transpiles again when it changes", async () => {
    const dir = await churnProject();
    const cacheDir = join(dir, ".cairn/cache/ts");
    // Generations make every load go through the hooks (the snapshot fast path is tested below).
    await loadOnce(dir, "flows/churn.ts", [], 1);
    const entries = (await readdir(cacheDir)).filter((e) => e.endsWith(".js"));
    expect(entries).toHaveLength(3);
    // Plant a different (valid) module in each entry: a fresh process must evaluate the
    // planted code, which proves it read the cache instead of transpiling.
    for (const e of entries) {
      const code = await readFile(join(cacheDir, e), "utf8");
      if (code.includes("function engineer")) {
        await writeFile(join(cacheDir, e), code.replace("rows.map(scale)", "rows.map(scale).concat([99])"));
      }
    }
    expect((await loadOnce(dir, "flows/churn.ts", ["sample"], 1)).calls?.["sample"]?.value).toEqual([2, 4, 99]);
    // Any edit to the source changes the key, so the planted entry is no longer used.
    await writeFile(join(dir, "flows/lib/features.ts"), FEATURES.replace("export function", "// edited\nexport function"));
    expect((await loadOnce(dir, "flows/churn.ts", ["sample"], 1)).calls?.["sample"]?.value).toEqual([2, 4]);
    expect((await readdir(cacheDir)).filter((e) => e.endsWith(".js"))).toHaveLength(4);
  });

  it("re-evaluates edited helper modules (directly and through another helper) on each new generation", async () => {
    const dir = await churnProject();
    const flow = FLOW + `export { flow as sameFlowFn } from "cairn";\n`;
    const reports = await runSteps(dir, [
      { write: { "flows/churn.ts": flow } },
      { load: "flows/churn.ts", generation: 1, call: ["sample"] },
      { write: { "flows/lib/math.ts": MATH.replace("= 2", "= 10") } },
      { load: "flows/churn.ts", generation: 2, call: ["sample"] },
      { write: { "flows/lib/features.ts": FEATURES.replace("rows.map(scale)", "rows.map(scale).reverse()") } },
      { load: "flows/churn.ts", generation: 3, call: ["sample"] },
      // The same generation again is the same module instance: edits are not picked up.
      { write: { "flows/lib/math.ts": MATH.replace("= 2", "= 1000") } },
      { load: "flows/churn.ts", generation: 3, call: ["sample"] },
    ]);
    expect(reports.map((r) => r.calls?.["sample"]?.value)).toEqual([[2, 4], [10, 20], [20, 10], [20, 10]]);
    // Packages (cairn itself) are evaluated once per process, not once per generation.
    expect(reports.slice(1).map((r) => r.samePackageInstance)).toEqual([true, true, true]);
    expect(reports[1]!.modules!.every((m) => m.url.endsWith("?v=2"))).toBe(true);
  });

  it("loads several flow files in one process and reports each one's own graph", async () => {
    const dir = await churnProject();
    await writeFile(join(dir, "flows/other.ts"), `import { flow } from "cairn";\nexport default flow("other", {});\n`);
    const [a, b] = await runSteps(dir, [{ load: "flows/churn.ts" }, { load: "flows/other.ts" }]);
    expect(a!.modules).toHaveLength(3);
    expect(b!.flowName).toBe("other");
    expect(b!.modules!.map((m) => m.path)).toEqual([join(dir, "flows/other.ts")]);
  });

  it("keeps each of several concurrent loads' outcome and errors apart", async () => {
    const dir = await churnProject();
    await writeFiles(dir, {
      "flows/broken.ts": `import { flow } from "cairn";\nimport { nope } from "./lib/missing";\nexport default flow("broken", { description: nope });\n`,
      "flows/other.ts": `import { flow } from "cairn";\nexport default flow("other", {});\n`,
    });
    const [r] = await runSteps(dir, [{ concurrent: ["flows/churn.ts", "flows/broken.ts", "flows/other.ts"] }]);
    expect(r!.concurrent).toEqual([
      { flowName: "churn" },
      { tag: "FlowImportError", file: join(dir, "flows/broken.ts") },
      { flowName: "other" },
    ]);
  });

  it("treats plain .js helper modules as local modules without transpiling them", async () => {
    const dir = await makeProject({
      "package.json": `{ "type": "module" }`,
      "flows/f.ts": `import { flow } from "cairn";\nimport { twice } from "./util.js";\nexport const v = () => twice(4);\nexport default flow("f", {});\n`,
      "flows/util.js": `// plain JavaScript\nexport const twice = (x) => x * 2;\n`,
    });
    const r = await loadOnce(dir, "flows/f.ts", ["v"]);
    expect(r.calls?.["v"]?.value).toBe(8);
    const util = r.modules!.find((m) => m.path.endsWith("util.js"))!;
    expect(util).toBeDefined();
  });

  it("treats package.json subpath imports (#lib/...) as local modules, re-evaluated per generation", async () => {
    const dir = await makeProject({
      "package.json": `{ "name": "proj", "type": "module", "imports": { "#lib/*": "./flows/lib/*.ts" } }`,
      "flows/f.ts": `import { flow } from "cairn";\nimport { scale } from "#lib/math";\nexport const v = () => scale(1);\nexport default flow("f", {});\n`,
      "flows/lib/math.ts": MATH,
    });
    const [first, second] = await runSteps(dir, [
      { load: "flows/f.ts", generation: 1, call: ["v"] },
      { write: { "flows/lib/math.ts": MATH.replace("= 2", "= 7") } },
      { load: "flows/f.ts", generation: 2, call: ["v"] },
    ]);
    expect([first!.calls?.["v"]?.value, second!.calls?.["v"]?.value]).toEqual([2, 7]);
    expect(first!.modules!.find((m) => m.path === join(dir, "flows/f.ts"))!.imports).toContainEqual({
      kind: "local",
      specifier: "#lib/math",
      path: join(dir, "flows/lib/math.ts"),
    });
  });

  it("maps stack traces of user code back to the .ts file and line", async () => {
    const dir = await makeProject({
      "flows/f.ts": `import { flow } from "cairn";\nimport { boom } from "./lib/boom";\n\nexport const fail = () => boom();\nexport default flow("f", {});\n`,
      "flows/lib/boom.ts": `type T = { a: number };\n\n// a comment\nexport function boom(): T {\n  throw new Error("kaboom");\n}\n`,
    });
    const r = await loadOnce(dir, "flows/f.ts", ["fail"]);
    expect(r.calls?.["fail"]?.thrown).toContain(`${join(dir, "flows/lib/boom.ts")}:5:`);
    expect(r.calls?.["fail"]?.thrown).toContain(`${join(dir, "flows/f.ts")}:4:`);
  });
});

describe("loadFlowModule snapshot fast path", () => {
  it("imports an unchanged flow from its snapshot in a fresh process, with the same graph", async () => {
    const dir = await churnProject();
    const first = await loadOnce(dir, "flows/churn.ts", ["sample"]);
    const second = await loadOnce(dir, "flows/churn.ts", ["sample"]);
    expect(fromSnapshot(first)).toBe(false);
    expect(fromSnapshot(second)).toBe(true);
    expect(second.calls?.["sample"]?.value).toEqual([2, 4]);
    const strip = (r: typeof first) => r.modules!.map(({ url: _url, ...rest }) => rest);
    expect(strip(second)).toEqual(strip(first));
  });

  it("goes back through the hooks when a helper changed, and snapshots the new state", async () => {
    const dir = await churnProject();
    await loadOnce(dir, "flows/churn.ts");
    await writeFile(join(dir, "flows/lib/math.ts"), MATH.replace("= 2", "= 5"));
    const changed = await loadOnce(dir, "flows/churn.ts", ["sample"]);
    expect(fromSnapshot(changed)).toBe(false);
    expect(changed.calls?.["sample"]?.value).toEqual([5, 10]);
    const again = await loadOnce(dir, "flows/churn.ts", ["sample"]);
    expect(fromSnapshot(again)).toBe(true);
    expect(again.calls?.["sample"]?.value).toEqual([5, 10]);
  });

  it("goes back through the hooks when a new file would change what a local import resolves to", async () => {
    const dir = await churnProject();
    await loadOnce(dir, "flows/churn.ts");
    // "./lib/features.js" found features.ts because no features.js existed; now one does, and wins.
    await writeFile(join(dir, "flows/lib/features.js"), `export function engineer(rows) { return rows.map(() => 0); }\n`);
    const r = await loadOnce(dir, "flows/churn.ts", ["sample"]);
    expect(fromSnapshot(r)).toBe(false);
    expect(r.calls?.["sample"]?.value).toEqual([0, 0]);
  });

  it("goes back through the hooks when a package the flow imports changed", async () => {
    const dir = await makeProject({
      "node_modules/dep/package.json": `{ "name": "dep", "version": "1.0.0", "type": "module", "exports": "./a.js" }`,
      "node_modules/dep/a.js": `export const v = "a";\n`,
      "node_modules/dep/b.js": `export const v = "b";\n`,
      "flows/f.ts": `import { flow } from "cairn";\nimport { v } from "dep";\nexport const get = () => v;\nexport default flow("f", {});\n`,
    });
    await loadOnce(dir, "flows/f.ts");
    await writeFile(join(dir, "node_modules/dep/package.json"), `{ "name": "dep", "version": "1.1.0", "type": "module", "exports": "./b.js" }`);
    const r = await loadOnce(dir, "flows/f.ts", ["get"]);
    expect(fromSnapshot(r)).toBe(false);
    expect(r.calls?.["get"]?.value).toBe("b");
  });

  it("keeps stack traces pointing at the user's .ts lines when loading from the snapshot", async () => {
    const dir = await makeProject({
      "flows/f.ts": `import { flow } from "cairn";\nimport { boom } from "./lib/boom";\n\nexport const fail = () => boom();\nexport default flow("f", {});\n`,
      "flows/lib/boom.ts": `type T = { a: number };\n\n// a comment\nexport function boom(): T {\n  throw new Error("kaboom");\n}\n`,
    });
    await loadOnce(dir, "flows/f.ts");
    const r = await loadOnce(dir, "flows/f.ts", ["fail"]);
    expect(fromSnapshot(r)).toBe(true);
    expect(r.calls?.["fail"]?.thrown).toContain(`${join(dir, "flows/lib/boom.ts")}:5:`);
    expect(r.calls?.["fail"]?.thrown).toContain(`${join(dir, "flows/f.ts")}:4:`);
  });

  it("keeps import.meta.url, dirname and filename naming the user's own file in a snapshot copy", async () => {
    const dir = await makeProject({
      "flows/f.ts": `import { flow } from "cairn";\nexport const where = () => [import.meta.url, import.meta.dirname, import.meta.filename];\nexport default flow("f", {});\n`,
    });
    const first = await loadOnce(dir, "flows/f.ts", ["where"]);
    const second = await loadOnce(dir, "flows/f.ts", ["where"]);
    expect(fromSnapshot(second)).toBe(true);
    const expected = [`file://${join(dir, "flows/f.ts")}`, join(dir, "flows"), join(dir, "flows/f.ts")];
    expect(first.calls?.["where"]?.value).toEqual(expected);
    expect(second.calls?.["where"]?.value).toEqual(expected);
  });

  it("never snapshots modules using dynamic import() or import.meta.resolve, which depend on their location", async () => {
    const dir = await makeProject({
      "flows/f.ts": `import { flow } from "cairn";\nexport const lazy = async () => (await import("./lib/math")).scale(2);\nexport default flow("f", {});\n`,
      "flows/g.ts": `import { flow } from "cairn";\nexport const r = () => import.meta.resolve("./lib/math.ts");\nexport default flow("g", {});\n`,
      "flows/lib/math.ts": MATH,
    });
    await runSteps(dir, [{ load: "flows/f.ts" }, { load: "flows/g.ts" }]);
    const [f, g] = await runSteps(dir, [{ load: "flows/f.ts", call: ["lazy"] }, { load: "flows/g.ts", call: ["r"] }]);
    expect(fromSnapshot(f!)).toBe(false);
    expect(f!.calls?.["lazy"]?.value).toBe(4);
    expect(fromSnapshot(g!)).toBe(false);
    expect(g!.calls?.["r"]?.value).toBe(`file://${join(dir, "flows/lib/math.ts")}`);
  });
});

describe("loadFlowModule errors", () => {
  const noEngineFrames = (stack: string) => {
    expect(stack).not.toMatch(/^\s+at /m);
    expect(stack).not.toContain("node:internal");
  };

  it("reports a syntax error in a helper with its file, line, column and a code frame", async () => {
    const dir = await churnProject();
    await writeFile(join(dir, "flows/lib/math.ts"), `export const factor = 2;\nexport const scale = (x: number) => x *;\n`);
    const r = await loadOnce(dir, "flows/churn.ts");
    expect(r.error?.tag).toBe("FlowSyntaxError");
    expect(r.error?.fields).toMatchObject({ file: join(dir, "flows/lib/math.ts"), line: 2, column: 39 });
    expect(r.error?.fields["frame"]).toContain("> 2 | export const scale = (x: number) => x *;");
    expect(r.error?.message).toContain("flows/lib/math.ts:2:40");
    noEngineFrames(r.error!.stack);
  });

  it("reports a syntax error in a plain .js helper with its file, line and column", async () => {
    const dir = await makeProject({
      "package.json": `{ "type": "module" }`,
      "flows/f.ts": `import { flow } from "cairn";\nimport { x } from "./util.js";\nexport default flow("f", { description: x });\n`,
      "flows/util.js": `// js\nexport const x = "a";\nexport const y = (;\n`,
    });
    const r = await loadOnce(dir, "flows/f.ts");
    expect(r.error?.tag).toBe("FlowSyntaxError");
    expect(r.error?.fields).toMatchObject({ file: join(dir, "flows/util.js"), line: 3, column: 18 });
    expect(r.error?.fields["frame"]).toContain("> 3 | export const y = (;");
    noEngineFrames(r.error!.stack);
  });

  it("reports an unresolvable local import with the importing file and the line of the import", async () => {
    const dir = await churnProject();
    await writeFile(join(dir, "flows/lib/features.ts"), `// helpers\n\nimport { scale } from "./maths.js";\nexport const engineer = (r: number[]) => r.map(scale);\n`);
    const r = await loadOnce(dir, "flows/churn.ts");
    expect(r.error?.tag).toBe("FlowImportError");
    expect(r.error?.fields).toMatchObject({ file: join(dir, "flows/lib/features.ts"), line: 3, specifier: "./maths.js" });
    noEngineFrames(r.error!.stack);
  });

  it("reports a missing package with the line of the import and how to install it", async () => {
    const dir = await makeProject({ "flows/f.ts": `import { flow } from "cairn";\nimport { parse } from "no-such-pkg/sync";\nexport default flow("f", { description: parse("x") });\n` });
    const r = await loadOnce(dir, "flows/f.ts");
    expect(r.error?.tag).toBe("FlowImportError");
    expect(r.error?.fields).toMatchObject({ line: 2, specifier: "no-such-pkg/sync" });
    expect(r.error?.message).toContain("npm install no-such-pkg");
  });

  it("reports an import of a name the helper does not export", async () => {
    const dir = await churnProject();
    await writeFile(join(dir, "flows/lib/features.ts"), `// helpers\n\nimport { scael } from "./math.js";\nexport const engineer = (r: number[]) => r.map(scael);\n`);
    const r = await loadOnce(dir, "flows/churn.ts");
    expect(r.error?.tag).toBe("FlowImportError");
    expect(r.error?.fields).toMatchObject({ file: join(dir, "flows/lib/features.ts"), line: 3, specifier: "./math.js" });
    expect(r.error?.message).toContain(`no export named "scael"`);
  });

  it("reports a flow file that does not exist", async () => {
    const dir = await churnProject();
    const r = await loadOnce(dir, "flows/nope.ts");
    expect(r.error?.tag).toBe("FlowNotFoundError");
    expect(r.error?.fields["file"]).toBe(join(dir, "flows/nope.ts"));
  });

  it("reports a flow file without a default export, or whose default export is not a flow", async () => {
    const dir = await makeProject({
      "flows/none.ts": `export const x = 1;\n`,
      "flows/task.ts": `import { task } from "cairn";\nexport default task("t", { run: () => 1 });\n`,
    });
    const none = await loadOnce(dir, "flows/none.ts");
    expect(none.error?.tag).toBe("FlowExportError");
    expect(none.error?.message).toContain("no default export");
    const t = await loadOnce(dir, "flows/task.ts");
    expect(t.error?.tag).toBe("FlowExportError");
    expect(t.error?.message).toContain(`the task "t"`);
  });

  it("reports a top-level throw with the user's own frames only, mapped to their .ts lines", async () => {
    const dir = await makeProject({
      "flows/f.ts": `import { flow } from "cairn";\nimport { config } from "./lib/config";\nexport default flow("f", { description: config });\n`,
      "flows/lib/config.ts": `const read = (): string => {\n  throw new Error("CONFIG_PATH is not set");\n};\nexport const config: string = read();\n`,
    });
    const r = await loadOnce(dir, "flows/f.ts");
    expect(r.error?.tag).toBe("FlowEvaluationError");
    const frames = r.error?.fields["frames"] as string[];
    expect(frames[0]).toContain(`${join(dir, "flows/lib/config.ts")}:2:`);
    expect(frames.some((f) => f.includes(`${join(dir, "flows/lib/config.ts")}:4:`))).toBe(true);
    expect(frames.every((f) => f.includes(join(dir, "flows")))).toBe(true);
    expect(r.error?.message).toContain("CONFIG_PATH is not set");
    // The only frames in the message are the user's; no loader or Node internals.
    expect(r.error!.stack).not.toContain("node:internal");
    expect(r.error!.stack).not.toContain("/dist/src/");
  });

  it("reports a SyntaxError the user's code throws at the top level as an evaluation error, not a syntax error", async () => {
    const dir = await makeProject({
      "flows/f.ts": `import { flow } from "cairn";\nconst settings = JSON.parse("{ not json");\nexport default flow("f", { description: settings });\n`,
    });
    const r = await loadOnce(dir, "flows/f.ts");
    expect(r.error?.tag).toBe("FlowEvaluationError");
    expect((r.error?.fields["frames"] as string[])[0]).toContain(`${join(dir, "flows/f.ts")}:2:`);
  });
});

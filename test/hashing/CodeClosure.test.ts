/**
 * codeClosure over real temp projects loaded by the real loader in a fresh process: which edits
 * change which task's code hash.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, fromSnapshot, makeProject, removeProjects, runSteps, type LoadReport } from "../loader/childLoader.js";

beforeAll(assertBuilt);
afterAll(removeProjects);

const FLOW = `import { task, flow } from "cairn";
import { engineer } from "./lib/features.js";
import { summarise } from "./lib/summary";

/** Used by task A through \`prepare\`. */
function clean(rows: number[]): number[] {
  return rows.filter((r) => r >= 0);
}
const prepare = (rows: number[]) => clean(rows).map((r) => r + 1);

function unrelated(x: number): number {
  return x * 3;
}

const raw = task("raw", { run: async () => [1, -2, 3] });
const a = task("a", {
  deps: { raw },
  run: ({ raw }) => {
    const rows = prepare(raw);
    return engineer(rows);
  },
});
const b = task("b", { deps: { raw }, run: ({ raw }) => summarise(raw) });

export default flow("closure", { targets: [a, b] });
`;
const FEATURES = `import { pad } from "leftpad-lite";
import { scale } from "./math.js";

export function engineer(rows: number[]): number[] {
  return rows.map(scale).map((x) => Number(pad(String(x))));
}
`;
const MATH = `export const factor = 2;
export const scale = (x: number): number => x * factor;
`;
const SUMMARY = `export const summarise = (rows: number[]) => ({ n: rows.length, sum: rows.reduce((s, r) => s + r, 0) });
`;
const PKG = (version: string) => ({
  "node_modules/leftpad-lite/package.json": `{ "name": "leftpad-lite", "version": "${version}", "type": "module", "exports": "./index.js" }`,
  "node_modules/leftpad-lite/index.js": `export const pad = (s) => s.padStart(1, " ");\n`,
});

const FILES = {
  "flows/closure.ts": FLOW,
  "flows/lib/features.ts": FEATURES,
  "flows/lib/math.ts": MATH,
  "flows/lib/summary.ts": SUMMARY,
  ...PKG("1.0.0"),
};

/** Loads the flow, applies `edits`, reloads (new generation) and returns both reports. */
const beforeAfter = async (edits: Record<string, string>): Promise<[LoadReport, LoadReport]> => {
  const dir = await makeProject(FILES);
  const [before, after] = await runSteps(dir, [
    { load: "flows/closure.ts", generation: 1 },
    { write: edits },
    { load: "flows/closure.ts", generation: 2 },
  ]);
  expect(before!.ok && after!.ok).toBe(true);
  return [before!, after!];
};
const hashes = (r: LoadReport) => Object.fromEntries(Object.entries(r.closures!).map(([k, v]) => [k, v.hash]));

describe("codeClosure", () => {
  it("lists the local modules and packages a task uses, transitively, and nothing else", async () => {
    const dir = await makeProject(FILES);
    const [r] = await runSteps(dir, [{ load: "flows/closure.ts" }]);
    const a = r!.closures!["a"]!;
    expect(a.modules.map((m) => m.path)).toEqual(["lib/features.ts", "lib/math.ts"]);
    expect(a.packages).toEqual([{ name: "leftpad-lite", version: "1.0.0" }]);
    expect(a.bindings).toEqual([
      { module: "closure.ts", name: "clean", hash: expect.any(String) },
      { module: "closure.ts", name: "prepare", hash: expect.any(String) },
    ]);
    expect(r!.closures!["b"]!.modules.map((m) => m.path)).toEqual(["lib/summary.ts"]);
    expect(r!.closures!["b"]!.packages).toEqual([]);
    expect(r!.closures!["raw"]!.modules).toEqual([]);
  });

  it("gives the same hashes for the same sources in a fresh process, from the hooks or the snapshot", async () => {
    const dir = await makeProject(FILES);
    const [first] = await runSteps(dir, [{ load: "flows/closure.ts" }]);
    const [second] = await runSteps(dir, [{ load: "flows/closure.ts", generation: 7 }]);
    const [third] = await runSteps(dir, [{ load: "flows/closure.ts" }]);
    expect(fromSnapshot(first!)).toBe(false);
    expect(fromSnapshot(third!)).toBe(true);
    expect(hashes(second!)).toEqual(hashes(first!));
    expect(hashes(third!)).toEqual(hashes(first!));
  });

  it("changes task A's hash, not B's, when A's body is edited", async () => {
    const [before, after] = await beforeAfter({ "flows/closure.ts": FLOW.replace("return engineer(rows);", "return engineer(rows.slice(1));") });
    expect(after.closures!["a"]!.hash).not.toBe(before.closures!["a"]!.hash);
    expect(after.closures!["b"]!.hash).toBe(before.closures!["b"]!.hash);
    expect(after.closures!["raw"]!.hash).toBe(before.closures!["raw"]!.hash);
  });

  it("changes A's hash, not B's, when a helper A imports directly is edited", async () => {
    const [before, after] = await beforeAfter({ "flows/lib/features.ts": FEATURES.replace(".map(scale)", ".map(scale).reverse()") });
    expect(after.closures!["a"]!.hash).not.toBe(before.closures!["a"]!.hash);
    expect(after.closures!["b"]!.hash).toBe(before.closures!["b"]!.hash);
  });

  it("changes A's hash, not B's, when a module A reaches through another local module is edited", async () => {
    const [before, after] = await beforeAfter({ "flows/lib/math.ts": MATH.replace("= 2", "= 3") });
    expect(after.closures!["a"]!.hash).not.toBe(before.closures!["a"]!.hash);
    expect(after.closures!["b"]!.hash).toBe(before.closures!["b"]!.hash);
  });

  it("changes A's hash when a top-level function it reaches through another one is edited", async () => {
    const [before, after] = await beforeAfter({ "flows/closure.ts": FLOW.replace("r >= 0", "r > 0") });
    expect(after.closures!["a"]!.hash).not.toBe(before.closures!["a"]!.hash);
    expect(after.closures!["b"]!.hash).toBe(before.closures!["b"]!.hash);
  });

  it("changes A's hash, not B's, when the installed version of a package A uses changes", async () => {
    const [before, after] = await beforeAfter(PKG("1.1.0"));
    expect(after.closures!["a"]!.packages).toEqual([{ name: "leftpad-lite", version: "1.1.0" }]);
    expect(after.closures!["a"]!.hash).not.toBe(before.closures!["a"]!.hash);
    expect(after.closures!["b"]!.hash).toBe(before.closures!["b"]!.hash);
  });

  it("changes nothing when an unrelated top-level function of the flow file is edited", async () => {
    const [before, after] = await beforeAfter({ "flows/closure.ts": FLOW.replace("return x * 3;", "return x * 4 + 1;") });
    expect(hashes(after)).toEqual(hashes(before));
  });

  it("changes nothing for comment-only edits of the flow file and its helpers", async () => {
    const [before, after] = await beforeAfter({
      "flows/closure.ts": FLOW.replace("/** Used by task A through `prepare`. */", "// cleans rows (edited comment)")
        .replace("const rows = prepare(raw);", "const rows = prepare(raw); // prepared /* inline */"),
      "flows/lib/features.ts": `/** Feature engineering. */\n${FEATURES}// trailing comment\n`,
      "flows/lib/math.ts": MATH.replace("export const scale", "/* doubles */ export const scale"),
    });
    expect(hashes(after)).toEqual(hashes(before));
  });

  it("changes nothing for formatting-only edits: line breaks, indentation, quotes, semicolons, trailing commas", async () => {
    const [before, after] = await beforeAfter({
      "flows/closure.ts": FLOW.replace(
        `  run: ({ raw }) => {\n    const rows = prepare(raw);\n    return engineer(rows);\n  },`,
        `  run: ( { raw } ) => { const rows = prepare( raw )\n      return engineer(\n        rows,\n      ) },`,
      ).replace(`task("b", { deps: { raw }, run: ({ raw }) => summarise(raw) })`, `task('b', {\n  deps: { raw },\n  run: ({ raw }) => summarise(raw),\n})`),
      "flows/lib/features.ts": FEATURES.replace(`import { pad } from "leftpad-lite";`, `import {\n  pad,\n} from 'leftpad-lite'`),
      "flows/lib/math.ts": `export const factor = 2\n\nexport const scale = (x: number): number =>\n  x *\n  factor\n`,
    });
    expect(hashes(after)).toEqual(hashes(before));
  });

  it("changes nothing for type-only edits, which do not change what runs", async () => {
    const [before, after] = await beforeAfter({ "flows/lib/math.ts": MATH.replace("(x: number): number", "(x: number): number | never") });
    expect(hashes(after)).toEqual(hashes(before));
  });

  it("does not mistake a parameter for the top-level task of the same name", async () => {
    // B's run takes \`{ raw }\`, and \`const raw = task(...)\` is top-level: editing the raw task's
    // body must not change B.
    const [before, after] = await beforeAfter({ "flows/closure.ts": FLOW.replace("[1, -2, 3]", "[4, 5]") });
    expect(after.closures!["raw"]!.hash).not.toBe(before.closures!["raw"]!.hash);
    expect(after.closures!["a"]!.hash).toBe(before.closures!["a"]!.hash);
    expect(after.closures!["b"]!.hash).toBe(before.closures!["b"]!.hash);
  });

  it("follows a run function written as a method, or imported from a helper module, to the code it uses", async () => {
    const flow = `import { task, flow } from "cairn";
import { train } from "./lib/train";

const fit = task("fit", { run: train });
const score = task("score", {
  deps: { fit },
  run({ fit }) {
    return weigh(fit);
  },
});
function weigh(x: number): number {
  return x / 2;
}
export default flow("m", { targets: [score] });
`;
    const trainTs = `function loss(x: number): number {
  return x * x;
}
function unrelatedInTrain(): string {
  return "u";
}
export async function train(): Promise<number> {
  return loss(3);
}
`;
    const dir = await makeProject({ "flows/m.ts": flow, "flows/lib/train.ts": trainTs });
    const reports = await runSteps(dir, [
      { load: "flows/m.ts", generation: 1 },
      { write: { "flows/lib/train.ts": trainTs.replace('"u"', '"unrelated edit"') } },
      { load: "flows/m.ts", generation: 2 },
      { write: { "flows/lib/train.ts": trainTs.replace("x * x", "x * x * x") } },
      { load: "flows/m.ts", generation: 3 },
      { write: { "flows/m.ts": flow.replace("x / 2", "x / 4") } },
      { load: "flows/m.ts", generation: 4 },
    ]);
    const [base, unrelated, lossEdit, weighEdit] = reports.map(hashes);
    expect(reports[0]!.closures!["fit"]!.bindings).toEqual([{ module: "lib/train.ts", name: "loss", hash: expect.any(String) }]);
    expect(reports[0]!.closures!["score"]!.bindings).toEqual([{ module: "m.ts", name: "weigh", hash: expect.any(String) }]);
    expect(unrelated).toEqual(base);
    expect(lossEdit!["fit"]).not.toBe(base!["fit"]);
    expect(lossEdit!["score"]).toBe(base!["score"]);
    expect(weighEdit!["score"]).not.toBe(lossEdit!["score"]);
    expect(weighEdit!["fit"]).toBe(lossEdit!["fit"]);
  });

  it("keeps the cheap cache key for an unchanged flow and changes it on any module or package edit", async () => {
    const dir = await makeProject(FILES);
    const keys = (r: LoadReport) => Object.fromEntries(Object.entries(r.closures!).map(([k, v]) => [k, v.key]));
    const [first] = await runSteps(dir, [{ load: "flows/closure.ts" }]);
    const [same, afterSummary, afterPackage] = await runSteps(dir, [
      { load: "flows/closure.ts", generation: 1 },
      { write: { "flows/lib/summary.ts": SUMMARY.replace("0)", "1)") } },
      { load: "flows/closure.ts", generation: 2 },
      { write: PKG("2.0.0") },
      { load: "flows/closure.ts", generation: 3 },
    ]);
    expect(keys(same!)).toEqual(keys(first!));
    // Coarse on purpose: summary.ts is only B's, but every key moves; the closure hash decides.
    expect(afterSummary!.closures!["a"]!.key).not.toBe(same!.closures!["a"]!.key);
    expect(afterSummary!.closures!["a"]!.hash).toBe(same!.closures!["a"]!.hash);
    expect(afterPackage!.closures!["b"]!.key).not.toBe(afterSummary!.closures!["b"]!.key);
  });

  it("gives a function that reads import.meta the same closure from the hooks and from the snapshot", async () => {
    const flow = `import { task, flow } from "cairn";
import { scale } from "./lib/math";
const here = () => new URL(".", import.meta.url).pathname;
const t = task("t", { run: () => [here(), import.meta.dirname, scale(2)] });
export default flow("meta", { targets: [t] });
`;
    const dir = await makeProject({ "flows/meta.ts": flow, "flows/lib/math.ts": MATH });
    const [hooked] = await runSteps(dir, [{ load: "flows/meta.ts" }]);
    const [snapshot] = await runSteps(dir, [{ load: "flows/meta.ts" }]);
    expect(fromSnapshot(snapshot!)).toBe(true);
    expect(snapshot!.closures!["t"]).toEqual(hooked!.closures!["t"]);
    expect(hooked!.closures!["t"]!.bindings).toEqual([{ module: "meta.ts", name: "here", hash: expect.any(String) }]);
    expect(hooked!.closures!["t"]!.modules.map((m) => m.path)).toEqual(["lib/math.ts"]);
  });

  it("counts the version of a package a task loads with require() through createRequire", async () => {
    const flow = `import { task, flow } from "cairn";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const load = () => require("legacy-cjs").rows();
const t = task("t", { run: () => load() });
const u = task("u", { run: () => 1 });
export default flow("cjs", { targets: [t, u] });
`;
    const cjs = (version: string) => ({
      "node_modules/legacy-cjs/package.json": `{ "name": "legacy-cjs", "version": "${version}", "main": "index.js" }`,
      "node_modules/legacy-cjs/index.js": `exports.rows = () => [1, 2];\n`,
    });
    const dir = await makeProject({ "flows/cjs.ts": flow, ...cjs("3.0.0") });
    const [before, after] = await runSteps(dir, [
      { load: "flows/cjs.ts", generation: 1 },
      { write: cjs("3.1.0") },
      { load: "flows/cjs.ts", generation: 2 },
    ]);
    expect(before!.closures!["t"]!.packages).toEqual([{ name: "legacy-cjs", version: "3.0.0" }]);
    expect(after!.closures!["t"]!.packages).toEqual([{ name: "legacy-cjs", version: "3.1.0" }]);
    expect(after!.closures!["t"]!.hash).not.toBe(before!.closures!["t"]!.hash);
    expect(after!.closures!["u"]!.hash).toBe(before!.closures!["u"]!.hash);
  });
});

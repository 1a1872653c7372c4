/**
 * Bad user input through the real CLI: each gets a clear message naming the file or task, no
 * engine stack trace, and nothing already produced is lost.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, cached, describeResult, executed, finished, makeProject } from "../helpers/CliRig.js";

beforeAll(assertBuilt);

/** Engine frames look like `dist/src/engine/…`: a user must never see them for their own mistakes. */
const noEngineTrace = (text: string) => {
  expect(text).not.toContain("dist/src");
  expect(text).not.toContain("internal error");
};

describe("flows that do not load", () => {
  it("shows file:line and the offending source for a syntax error", async () => {
    const p = await makeProject({
      "flow.ts": `import { task, flow } from "cairn";\nconst a = task("a", { run: () => 1 );\nexport default flow("s", { tasks: [a] });\n`,
    });
    const r = await p.run();
    expect(r.code, describeResult(r)).toBe(2);
    expect(r.stderr).toMatch(/flow\.ts:2(:\d+)?/);
    expect(r.stderr).toContain(`const a = task("a", { run: () => 1 );`);
    noEngineTrace(r.stderr);
  });

  it("names the importing file and line for an import that does not resolve", async () => {
    const p = await makeProject({
      "flow.ts": `import { task, flow } from "cairn";\nimport { helper } from "./lib/helper.js";\nconst a = task("a", { run: () => helper() });\nexport default flow("s", { tasks: [a] });\n`,
      "lib/helper.ts": `import { missing } from "./nothere.js";\nexport const helper = () => missing;\n`,
    });
    const r = await p.run();
    expect(r.code, describeResult(r)).toBe(2);
    expect(r.stderr).toMatch(/lib\/helper\.ts:1/);
    expect(r.stderr).toContain("./nothere.js");
    noEngineTrace(r.stderr);
  });
});

describe("tasks that fail", () => {
  it("shows a throwing task's message and a frame in the user's file, and keeps what finished before", async () => {
    const p = await makeProject({
      "flow.ts": `import { task, flow } from "cairn";

function check(n: number): void {
  if (n > 0) throw new Error("the model diverged at epoch " + n);
}
const prep = task("prep", { run: () => 3 });
const train = task("train", { deps: { prep }, run: ({ prep }) => { check(prep); return 1; } });
export default flow("s", { tasks: [train] });
`,
    });
    const r = await p.run();
    expect(r.code, describeResult(r)).toBe(1);
    const failed = r.events.find((e) => e.type === "TaskFailed");
    expect(failed).toMatchObject({ task: "train", error: "TaskCodeError" });
    expect(failed?.type === "TaskFailed" && failed.message).toContain("the model diverged at epoch 3");
    expect(failed?.type === "TaskFailed" && failed.message).toMatch(/flow\.ts:4:\d+/);
    noEngineTrace(failed?.type === "TaskFailed" ? failed.message : "");
    expect(finished(r)).toMatchObject({ status: "failed", executed: 1, failed: 1 });
    const plain = await p.cairn(["run", "flow.ts", "--ui", "plain"]);
    expect(plain.code).toBe(1);
    expect(plain.stdout + plain.stderr).toContain("the model diverged at epoch 3");
    expect(plain.stdout + plain.stderr).toMatch(/flow\.ts:4:\d+/);
    noEngineTrace(plain.stdout + plain.stderr);
    // What finished before the failure is not lost.
    const again = await p.run();
    expect(cached(again)).toEqual(["prep"]);
    expect(executed(again)).toEqual([]);
  });

  it("names the task and the path of a value that is not JSON-serializable", async () => {
    const p = await makeProject({
      "flow.ts": `import { task, flow } from "cairn";\nconst fit = task("fit", { run: () => ({ model: { weights: [1, 2], fn: () => 1 } }) });\nexport default flow("s", { tasks: [fit] });\n`,
    });
    const r = await p.run();
    expect(r.code, describeResult(r)).toBe(1);
    const failed = r.events.find((e) => e.type === "TaskFailed");
    expect(failed).toMatchObject({ task: "fit", error: "TaskOutputError" });
    expect(failed?.type === "TaskFailed" && failed.message).toContain(`task "fit"`);
    expect(failed?.type === "TaskFailed" && failed.message).toContain("result.model.fn");
  });

  it("reports a command's exit code and the last lines of its output", async () => {
    const lines = Array.from({ length: 40 }, (_, i) => `echo line-${i}`).join("; ");
    const p = await makeProject({
      "flow.ts": `import { task, flow } from "cairn";\nconst c = task("c", { cmd: ${JSON.stringify(`${lines}; echo to-stderr >&2; exit 3`)} });\nexport default flow("s", { tasks: [c] });\n`,
    });
    const r = await p.run();
    expect(r.code, describeResult(r)).toBe(1);
    const failed = r.events.find((e) => e.type === "TaskFailed");
    expect(failed).toMatchObject({ task: "c", error: "CommandExitError" });
    if (failed?.type !== "TaskFailed") throw new Error("no TaskFailed");
    expect(failed.message).toContain("exited with code 3");
    expect(failed.message).toContain("line-39");
    expect(failed.message).toContain("to-stderr");
    expect(failed.message).not.toContain("line-0\n");
    expect(failed.tail).toContain("line-39");
    const plain = await p.cairn(["run", "flow.ts", "--ui", "plain"]);
    expect(plain.stdout + plain.stderr).toContain("exited with code 3");
    expect(plain.stdout + plain.stderr).toContain("to-stderr");
  });

  it("fails a run whose task declares a missing input file before executing anything", async () => {
    const p = await makeProject({
      "flow.ts": `import { task, flow, file } from "cairn";\nconst ok = task("ok", { run: () => 1 });\nconst read = task("read", { inputs: { csv: file("data/train.csv") }, run: () => 1 });\nexport default flow("s", { tasks: [ok, read] });\n`,
    });
    const r = await p.run();
    expect(r.code, describeResult(r)).toBe(2);
    expect(r.stderr).toMatch(/task "read".*file data\/train\.csv does not exist/);
    expect(executed(r)).toEqual([]);
    noEngineTrace(r.stderr);
  });
});

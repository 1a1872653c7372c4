/**
 * Rerun rules through the real CLI: --force (all or one task), retries of a flaky task, failed
 * tasks running again, glob and dir inputs, and outputs passed between function and command tasks.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { objectBytes, taskObjects } from "../helpers/StoreInspect.js";
import { beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, cached, describeResult, executed, finished, makeProject, type CliResult } from "../helpers/CliRig.js";

beforeAll(assertBuilt);

const ok = (r: CliResult): CliResult => {
  expect(r.code, describeResult(r)).toBe(0);
  return r;
};

const CHAIN = `import { task, flow } from "cairn";
const a = task("a", { run: () => 1 });
const b = task("b", { deps: { a }, run: ({ a }) => a + 1 });
const c = task("c", { run: () => 3 });
export default flow("chain", { tasks: [b, c] });
`;

describe("--force", () => {
  it("executes every task with --force", async () => {
    const p = await makeProject({ "flow.ts": CHAIN });
    ok(await p.run());
    const all = ok(await p.run(["--force"]));
    expect(executed(all)).toEqual(["a", "b", "c"]);
    expect(all.events.find((e) => e.type === "TaskQueued")).toMatchObject({ reason: { kind: "forced" } });
  });

  it("executes only the named task with --force <task> and restores the rest", async () => {
    const p = await makeProject({ "flow.ts": CHAIN });
    ok(await p.run());
    const one = ok(await p.run(["--force", "a"]));
    expect(executed(one)).toEqual(["a"]);
    // a's output is unchanged, so b is restored.
    expect(cached(one)).toEqual(["b", "c"]);
  });
});

describe("retries", () => {
  it("retries a flaky command task and succeeds on a later attempt, reporting each retry", async () => {
    const p = await makeProject();
    const counter = p.path("attempts.txt");
    writeFileSync(counter, "");
    await p.write({
      "flow.ts": `import { task, flow } from "cairn";
const flaky = task("flaky", {
  retry: { attempts: 4, delay: "10ms", maxDelay: "50ms" },
  cmd: ${JSON.stringify(`echo "$CAIRN_ATTEMPT" >> "$COUNTER"; [ "$CAIRN_ATTEMPT" -ge 3 ] || exit 7; echo ok > $CAIRN_OUT/ok`)},
  env: ["COUNTER"],
});
export default flow("retry", { tasks: [flaky] });
`,
    });
    const r = ok(await p.run([], { env: { COUNTER: counter } }));
    expect(readFileSync(counter, "utf8").trim().split("\n")).toEqual(["1", "2", "3"]);
    const retries = r.events.filter((e) => e.type === "TaskRetrying");
    expect(retries.map((e) => e.type === "TaskRetrying" && [e.attempt, e.maxAttempts])).toEqual([[1, 4], [2, 4]]);
    for (const e of retries) if (e.type === "TaskRetrying") expect(e.delayMs).toBeLessThanOrEqual(50);
    expect(r.events.find((e) => e.type === "TaskSucceeded")).toMatchObject({ task: "flaky", attempts: 3 });
  });

  it("fails after the last attempt with the attempt count", async () => {
    const p = await makeProject({
      "flow.ts": `import { task, flow } from "cairn";
const down = task("down", { retry: { attempts: 2, delay: "10ms" }, run: () => { throw new Error("service unavailable"); } });
export default flow("retry", { tasks: [down] });
`,
    });
    const r = await p.run();
    expect(r.code, describeResult(r)).toBe(1);
    expect(r.events.find((e) => e.type === "TaskFailed")).toMatchObject({ task: "down", attempts: 2 });
    expect(r.events.filter((e) => e.type === "TaskRetrying")).toHaveLength(1);
  });
});

describe("failed tasks", () => {
  it("runs a failed task again on the next run and reuses its finished upstream", async () => {
    // b fails until the file "go" exists (a plain word, but absent at first: not taken as a script).
    const p = await makeProject({
      "flow.ts": `import { task, flow } from "cairn";
const a = task("a", { run: () => 1 });
const b = task("b", { deps: { a }, cmd: "test -e g''o || exit 1; echo done > $CAIRN_OUT/done" });
export default flow("again", { tasks: [b] });
`,
    });
    const failedRun = await p.run();
    expect(failedRun.code).toBe(1);
    expect(finished(failedRun)).toMatchObject({ status: "failed", executed: 1, failed: 1 });
    writeFileSync(p.path("go"), "");
    const r = ok(await p.run());
    expect(cached(r)).toEqual(["a"]);
    expect(executed(r)).toEqual(["b"]);
  });
});

describe("glob and dir inputs", () => {
  const FLOW = `import { task, flow, glob, dir } from "cairn";
const code = task("code", { inputs: { src: glob("src/**/*.py") }, run: ({ src }) => src.paths.length });
const images = task("images", { inputs: { imgs: dir("data/images") }, cmd: "ls $CAIRN_IN_imgs | wc -l > $CAIRN_OUT/n" });
export default flow("globs", { tasks: [code, images] });
`;

  it("reruns a glob task when a matching file appears or changes, not for a file that does not match", async () => {
    const p = await makeProject({ "flow.ts": FLOW, "src/a.py": "a = 1\n", "src/pkg/b.py": "b = 2\n", "data/images/1.png": "1" });
    ok(await p.run());
    await p.write({ "src/notes.txt": "not python\n" });
    expect(executed(ok(await p.run()))).toEqual([]);
    await p.write({ "src/pkg/c.py": "c = 3\n" });
    const added = ok(await p.run());
    expect(executed(added)).toEqual(["code"]);
    await p.write({ "src/a.py": "a = 10\n" });
    expect(executed(ok(await p.run()))).toEqual(["code"]);
    rmSync(p.path("src/pkg/b.py"));
    expect(executed(ok(await p.run()))).toEqual(["code"]);
  });

  it("reruns a dir task when a file inside the directory is added or changed", async () => {
    const p = await makeProject({ "flow.ts": FLOW, "src/a.py": "a = 1\n", "data/images/1.png": "1" });
    ok(await p.run());
    await p.write({ "data/images/nested/2.png": "2" });
    expect(executed(ok(await p.run()))).toEqual(["images"]);
    await p.write({ "data/images/1.png": "one" });
    expect(executed(ok(await p.run()))).toEqual(["images"]);
    expect(executed(ok(await p.run()))).toEqual([]);
  });
});

describe("outputs between tasks", () => {
  it("hands a function task's files to a command task and a command task's files to a function task", async () => {
    const p = await makeProject({
      "flow.ts": `import { task, flow } from "cairn";
import { writeFileSync, readFileSync } from "node:fs";
const write = task("write", { run: (_, ctx) => { writeFileSync(ctx.outDir + "/model.txt", "weights"); } });
const wc = task("wc", { deps: { write }, cmd: "wc -c < $CAIRN_IN_write/model.txt > $CAIRN_OUT/size.txt" });
const read = task("read", { deps: { wc }, run: ({ wc }) => Number(readFileSync(wc.path + "/size.txt", "utf8").trim()) });
const check = task("check", { deps: { read }, run: ({ read }) => { if (read !== "weights".length) throw new Error("read " + read); return read; } });
export default flow("files", { tasks: [check] });
`,
    });
    const r = ok(await p.run());
    expect(executed(r)).toEqual(["check", "read", "wc", "write"]);
    const show = await p.cairn(["show", finished(r).runId, "--json"]);
    expect(show.code, describeResult(show)).toBe(0);
    expect(show.stdout).toContain("model.txt");
  });
});

describe("a function task's directories", () => {
  it("gives each attempt an empty outDir and a scratch tmpDir that is gone after the task", async () => {
    const p = await makeProject({
      "flow.ts": `import { task, flow } from "cairn";
import { readdirSync, writeFileSync } from "node:fs";
const scratch = task("scratch", { cache: false, run: (_, ctx) => {
  const before = readdirSync(ctx.outDir).length;
  writeFileSync(ctx.tmpDir + "/big.tmp", "scratch");
  writeFileSync(ctx.outDir + "/kept.txt", "kept");
  return { before, tmpDir: ctx.tmpDir, outDir: ctx.outDir, attempt: ctx.attempt };
} });
export default flow("dirs", { tasks: [scratch] });
`,
    });
    for (let i = 0; i < 2; i++) {
      const r = ok(await p.run());
      const runId = finished(r).runId;
      const show = await p.cairn(["show", runId, "--json"]);
      expect(show.stdout).toContain("kept.txt");
    }
    // The value of the latest execution (cache: false, so both runs executed).
    const value = JSON.parse(objectBytes(p.dir, taskObjects(p.dir, "scratch").value!)!.toString("utf8")) as {
      before: number; tmpDir: string; outDir: string; attempt: number;
    };
    expect(value.before).toBe(0);
    expect(value.attempt).toBe(1);
    expect(existsSync(value.tmpDir)).toBe(false);
    expect(existsSync(value.outDir)).toBe(false);
  });
});

describe("the flow file itself", () => {
  it("reports a flow file that does not exist with exit code 2", async () => {
    const p = await makeProject();
    const r = await p.run([], { flow: "flows/missing.ts" });
    expect(r.code, describeResult(r)).toBe(2);
    expect(r.stderr).toContain("flows/missing.ts");
    expect(r.stderr).not.toContain("dist/src");
  });

  it("reports a flow file whose default export is not a flow", async () => {
    const p = await makeProject({ "flow.ts": `import { task } from "cairn";\nexport default task("a", { run: () => 1 });\n` });
    const r = await p.run();
    expect(r.code, describeResult(r)).toBe(2);
    expect(r.stderr).toMatch(/flow\.ts/);
    expect(r.stderr).toMatch(/flow\(/);
  });
});

/**
 * Scheduling through the real CLI with tasks the test gates by marker files: resource pools,
 * --concurrency, timeouts, fail-fast, --keep-going and Ctrl-C. Overlap is proven by what the
 * tasks observed (lock directories, counters), never by timing.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, describeResult, finished, makeProject, processAlive, processesMentioning, tasksWith, waitForFile, type Project } from "../helpers/CliRig.js";
import { gateCmd, shPath } from "../helpers/Gates.js";
import { withDb } from "../helpers/StoreInspect.js";

beforeAll(assertBuilt);

const flowOf = (tasks: Record<string, string>, extra: Record<string, string> = {}) => `import { task, flow } from "cairn";
${Object.entries(tasks)
  .map(([name, cmd]) => `const ${name} = task("${name}", { cmd: ${JSON.stringify(cmd)}${extra[name] ? `, ${extra[name]}` : ""} });`)
  .join("\n")}
export default flow("sched", { tasks: [${Object.keys(tasks).join(", ")}] });
`;

const markers = (p: Project) => {
  mkdirSync(p.path("m"), { recursive: true });
  return { started: (t: string) => p.path(`m/${t}.started`), release: (t: string) => p.path(`m/${t}.release`), file: (n: string) => p.path(`m/${n}`) };
};

describe("resource pools and concurrency", () => {
  it("never runs two tasks claiming the only gpu at once, while other tasks run beside them", async () => {
    const p = await makeProject();
    const m = markers(p);
    // A gpu task takes an exclusive lock directory; finding it taken means two gpu tasks overlapped.
    const gpuCmd = (t: string) =>
      `if ! mkdir ${shPath(m.file("gpu.lock"))}; then echo ${t} >> ${shPath(m.file("overlaps"))}; fi; ` +
      `${gateCmd(m.started(t), m.release(t))}; rmdir ${shPath(m.file("gpu.lock"))}; echo ${t} >> ${shPath(m.file("gpu.order"))}`;
    const tasks = { g1: gpuCmd("g1"), g2: gpuCmd("g2"), w1: gateCmd(m.started("w1"), m.release("w")), w2: gateCmd(m.started("w2"), m.release("w")) };
    await p.write({ "flow.ts": flowOf(tasks, { g1: "resources: { gpu: 1 }", g2: "resources: { gpu: 1 }" }) });
    const run = p.start(["run", "flow.ts", "--json", "--resources", "gpu=1", "--concurrency", "4"]);
    // Both witnesses started: the scheduler has started everything it was going to start.
    await waitForFile(m.started("w1"));
    await waitForFile(m.started("w2"));
    const firstGpu = await Promise.race(["g1", "g2"].map(async (g) => (await waitForFile(m.started(g)), g)));
    const secondGpu = firstGpu === "g1" ? "g2" : "g1";
    expect(readable(m.started(secondGpu))).toBe(false);
    writeFileSync(m.release(firstGpu), "");
    await waitForFile(m.started(secondGpu));
    writeFileSync(m.release(secondGpu), "");
    writeFileSync(m.release("w"), "");
    const r = await run.result;
    expect(r.code, describeResult(r)).toBe(0);
    expect(() => readFileSync(m.file("overlaps"), "utf8")).toThrow();
    expect(readFileSync(m.file("gpu.order"), "utf8").trim().split("\n")).toEqual([firstGpu, secondGpu]);
    expect(finished(r)).toMatchObject({ status: "succeeded", executed: 4 });
  });

  it("runs at most --concurrency tasks at once, and uses that many", async () => {
    const p = await makeProject();
    const m = markers(p);
    mkdirSync(m.file("running"));
    const cmd = (t: string) =>
      `touch ${shPath(m.file(`running/${t}`))}; ls ${shPath(m.file("running"))} | wc -l >> ${shPath(m.file("counts"))}; ` +
      `${gateCmd(m.started(t), m.release(t))}; rm ${shPath(m.file(`running/${t}`))}`;
    const names = ["t1", "t2", "t3", "t4", "t5"];
    await p.write({ "flow.ts": flowOf(Object.fromEntries(names.map((n) => [n, cmd(n)]))) });
    const run = p.start(["run", "flow.ts", "--json", "--concurrency", "2"]);
    const released = new Set<string>();
    while (released.size < names.length) {
      // Wait for two started-but-unreleased tasks (or the last one), then release one of them.
      const open = () => names.filter((n) => !released.has(n) && readable(m.started(n)));
      const want = Math.min(2, names.length - released.size);
      await waitUntil(() => open().length >= want);
      const next = open()[0]!;
      released.add(next);
      writeFileSync(m.release(next), "");
    }
    const r = await run.result;
    expect(r.code, describeResult(r)).toBe(0);
    const counts = readFileSync(m.file("counts"), "utf8").trim().split("\n").map(Number);
    expect(Math.max(...counts)).toBe(2);
  });
});

describe("resource requests the pools cannot satisfy", () => {
  it("rejects a task that claims more of a pool than --resources provides", async () => {
    const p = await makeProject({
      "flow.ts": `import { task, flow } from "cairn";
const big = task("big", { resources: { gpu: 2 }, run: () => 1 });
export default flow("pool", { tasks: [big] });
`,
    });
    const r = await p.run(["--resources", "gpu=1"]);
    expect(r.code, describeResult(r)).toBe(2);
    expect(r.stderr).toContain("big");
    expect(r.stderr).toContain("gpu");
  });
});

describe("failures and timeouts", () => {
  it("kills a command task that outlives its timeout and reports a timeout", async () => {
    const p = await makeProject();
    const m = markers(p);
    await p.write({ "flow.ts": flowOf({ slow: `echo $$ > ${shPath(m.file("slow.pid"))}; exec sleep 600` }, { slow: `timeout: "1s"` }) });
    const r = await p.run();
    expect(r.code, describeResult(r)).toBe(1);
    expect(r.events.find((e) => e.type === "TaskFailed")).toMatchObject({ task: "slow", error: "TaskTimeoutError" });
    const pid = Number(readFileSync(m.file("slow.pid"), "utf8"));
    expect(processAlive(pid)).toBe(false);
    expect(processesMentioning(p.path("m"))).toEqual([]);
  });

  it("finishes the run after a function task that ignores its signal times out", async () => {
    const p = await makeProject({
      "flow.ts": `import { task, flow } from "cairn";
const hang = task("hang", { timeout: "1s", run: () => new Promise(() => { setInterval(() => {}, 1000); }) });
export default flow("hang", { tasks: [hang] });
`,
    });
    const run = p.start(["run", "flow.ts", "--json"]);
    const r = await Promise.race([run.result, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 20_000))]);
    expect(r, "the run did not finish").toBeDefined();
    expect(r!.code).toBe(1);
    expect(finished(r!)).toMatchObject({ status: "failed", failed: 1 });
  });

  it("fail-fast: a failure stops new tasks and kills running ones", async () => {
    const p = await makeProject();
    const m = markers(p);
    const tasks = {
      busy: gateCmd(m.started("busy"), m.release("never")),
      bad: `while [ ! -e ${shPath(m.started("busy"))} ]; do sleep 0.02; done; echo broken >&2; exit 4`,
      later: `echo ran > ${shPath(m.file("later.ran"))}`,
    };
    await p.write({ "flow.ts": flowOf(tasks, { later: "deps: { bad, busy }" }) });
    const r = await p.run(["--concurrency", "2"]);
    expect(r.code, describeResult(r)).toBe(1);
    expect(tasksWith(r.events, "TaskFailed")).toEqual(["bad"]);
    expect(r.events.filter((e) => e.type === "TaskCancelled").map((e) => [e.task, e.type === "TaskCancelled" && e.reason]).sort()).toEqual(
      expect.arrayContaining([["busy", "fail-fast"]]),
    );
    expect(tasksWith(r.events, "TaskStarted")).not.toContain("later");
    const busyPid = Number(readFileSync(m.started("busy"), "utf8"));
    expect(processAlive(busyPid)).toBe(false);
    expect(processesMentioning(p.path("m"))).toEqual([]);
    expect(finished(r)).toMatchObject({ status: "failed", failed: 1 });
    expect(finished(r).cancelled).toBeGreaterThanOrEqual(2);
  });

  it("--keep-going runs every branch that does not depend on the failure", async () => {
    const p = await makeProject({
      "flow.ts": `import { task, flow } from "cairn";
const bad = task("bad", { cmd: "exit 1" });
const after_bad = task("after_bad", { deps: { bad }, run: () => 1 });
const x = task("x", { run: () => 1 });
const y = task("y", { deps: { x }, run: ({ x }) => x + 1 });
const z = task("z", { cmd: "echo z > $CAIRN_OUT/z" });
export default flow("kg", { tasks: [after_bad, y, z] });
`,
    });
    const r = await p.run(["--keep-going", "--concurrency", "1"]);
    expect(r.code, describeResult(r)).toBe(1);
    expect(tasksWith(r.events, "TaskSucceeded")).toEqual(["x", "y", "z"]);
    expect(tasksWith(r.events, "TaskFailed")).toEqual(["bad"]);
    expect(r.events.find((e) => e.type === "TaskCancelled")).toMatchObject({ task: "after_bad", reason: "upstream-failed" });
    expect(finished(r)).toMatchObject({ status: "failed", executed: 3, failed: 1, cancelled: 1 });
  });
});

describe("Ctrl-C", () => {
  it("cancels the run on SIGINT: exit code 130, run recorded as cancelled, no orphan processes", async () => {
    const p = await makeProject();
    const m = markers(p);
    await p.write({
      "flow.ts": flowOf(
        { first: `echo done > $CAIRN_OUT/x`, cmdtask: gateCmd(m.started("cmdtask"), m.release("never")), after: "echo after > $CAIRN_OUT/y" },
        { cmdtask: "deps: { first }", after: "deps: { cmdtask }" },
      ),
    });
    const run = p.start(["run", "flow.ts", "--json"]);
    await waitForFile(m.started("cmdtask"));
    const taskPid = Number(readFileSync(m.started("cmdtask"), "utf8"));
    expect(processAlive(taskPid)).toBe(true);
    expect(processesMentioning(p.path("m"))).toContain(taskPid);
    run.child.kill("SIGINT");
    const r = await run.result;
    expect(r.code, describeResult(r)).toBe(130);
    expect(finished(r)).toMatchObject({ status: "cancelled", executed: 1 });
    expect(r.events.find((e) => e.type === "TaskCancelled" && e.task === "cmdtask")).toMatchObject({ reason: "interrupted" });
    expect(tasksWith(r.events, "TaskStarted")).not.toContain("after");
    expect(processAlive(taskPid)).toBe(false);
    expect(processesMentioning(p.path("m"))).toEqual([]);
    const runId = finished(r).runId;
    const row = withDb(p.dir, (db) => db.prepare(`SELECT status FROM runs WHERE id = ?`).get(runId)) as { status: string };
    expect(row.status).toBe("cancelled");
    const exec = withDb(p.dir, (db) => db.prepare(`SELECT status FROM executions WHERE run_id = ? AND task = 'cmdtask'`).get(runId)) as { status: string };
    expect(exec.status).toBe("cancelled");
    // Nothing finished is lost: the next run restores "first" and executes only what was cancelled.
    writeFileSync(m.release("never"), "");
    const again = await p.run();
    expect(again.code, describeResult(again)).toBe(0);
    expect(tasksWith(again.events, "TaskCached")).toEqual(["first"]);
    expect(tasksWith(again.events, "TaskSucceeded")).toEqual(["after", "cmdtask"]);
  });

  it("on SIGTERM kills a command that ignores SIGTERM and the background process it started", async () => {
    const p = await makeProject();
    const m = markers(p);
    const cmd = `trap '' TERM; sleep 600 & echo $! > ${shPath(m.file("grandchild.pid"))}; ${gateCmd(m.started("stubborn"), m.release("never"))}`;
    await p.write({ "flow.ts": flowOf({ stubborn: cmd }) });
    const run = p.start(["run", "flow.ts", "--json"]);
    await waitForFile(m.started("stubborn"));
    const shPid = Number(readFileSync(m.started("stubborn"), "utf8"));
    const grandchild = Number(readFileSync(m.file("grandchild.pid"), "utf8"));
    expect(processAlive(grandchild)).toBe(true);
    run.child.kill("SIGTERM");
    const r = await run.result;
    expect(r.code, describeResult(r)).toBe(130);
    expect(finished(r)).toMatchObject({ status: "cancelled", cancelled: 1 });
    expect(processAlive(shPid)).toBe(false);
    expect(processAlive(grandchild)).toBe(false);
    expect(processesMentioning(p.path("m"))).toEqual([]);
  });

  it("aborts a function task's signal on SIGINT", async () => {
    const p = await makeProject({
      "lib/gate.ts": (await import("../helpers/Gates.js")).GATE_MODULE,
    });
    const m = markers(p);
    await p.write({
      "flow.ts": `import { task, flow } from "cairn";
import { started, until, appendLine } from "./lib/gate.js";
const wait = task("wait", { cache: false, run: async (_, ctx) => {
  ctx.signal.addEventListener("abort", () => appendLine(${JSON.stringify(m.file("aborted"))}, "aborted"));
  started(${JSON.stringify(m.started("wait"))});
  await until(${JSON.stringify(m.release("never"))}, ctx.signal);
} });
export default flow("fnsig", { tasks: [wait] });
`,
    });
    const run = p.start(["run", "flow.ts", "--json"]);
    await waitForFile(m.started("wait"));
    run.child.kill("SIGINT");
    const r = await run.result;
    expect(r.code, describeResult(r)).toBe(130);
    expect(readFileSync(m.file("aborted"), "utf8")).toBe("aborted\n");
    expect(finished(r)).toMatchObject({ status: "cancelled", cancelled: 1 });
  });
});

const readable = (path: string): boolean => {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
};

/** Polls a condition; the deadline only keeps a broken engine from hanging the suite. */
const waitUntil = async (cond: () => boolean, deadlineMs = 45_000): Promise<void> => {
  const until = Date.now() + deadlineMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error("condition not reached");
    await new Promise((r) => setTimeout(r, 20));
  }
};

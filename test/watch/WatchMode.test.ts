/**
 * Watch mode end to end: real `cairn run --watch` processes, real file changes (atomic saves,
 * bursts, identical bytes, deletes, helper-module edits, edits during a running task).
 */
import { renameSync, rmSync, writeFileSync, existsSync, appendFileSync } from "node:fs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, makeProject, processAlive, type Project } from "../helpers/CliRig.js";
import { gateCmd } from "../helpers/Gates.js";
import { startWatch, tasksIn, type WatchSession } from "./WatchRig.js";

beforeAll(assertBuilt);

const FLOW = `import { flow, task, file } from "cairn";
import { label } from "./lib/label.js";
const a = task("a", { inputs: { f: file("a.txt") }, run: async ({ f }) => (await f.text()).trim().toUpperCase() });
const b = task("b", { inputs: { f: file("b.txt") }, run: async ({ f }) => (await f.text()).length });
const c = task("c", { deps: { a, b }, run: ({ a, b }, ctx) => { ctx.log("label " + label()); return a + ":" + b + ":" + label(); } });
export default flow("w", { tasks: [c] });
`;

const sessions: WatchSession[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) {
    if (s.child.exitCode === null) s.child.kill("SIGKILL");
  }
});

const project = async (): Promise<{ p: Project; w: WatchSession }> => {
  const p = await makeProject({ "flow.ts": FLOW, "a.txt": "hello\n", "b.txt": "world\n", "lib/label.ts": `export const label = () => "v1";\n` });
  const w = startWatch(p.dir);
  sessions.push(w);
  await w.waitFor((e) => e.type === "RunFinished");
  await w.waitFor((e) => e.type === "WatchStatus" && e.state === "idle");
  return { p, w };
};

/** Waits for the next run to finish after `from`; returns [runStartIndex, runFinishedIndex]. */
const nextRun = async (w: WatchSession, from: number): Promise<[number, number]> => {
  const start = await w.waitFor((e) => e.type === "RunStarted", from);
  const end = await w.waitFor((e) => e.type === "RunFinished", start);
  return [start, end];
};

describe("cairn run --watch", () => {
  it("reruns only the affected tasks after an atomic save (write temp, rename)", async () => {
    const { p, w } = await project();
    const m = w.mark();
    writeFileSync(p.path("a.txt.tmp"), "changed\n");
    renameSync(p.path("a.txt.tmp"), p.path("a.txt"));
    const [s, e] = await nextRun(w, m);
    expect(tasksIn(w.events, "TaskSucceeded", s, e)).toEqual(["a", "c"]);
    expect(tasksIn(w.events, "TaskCached", s, e)).toEqual(["b"]);
    expect(w.events[s]!.watch).toMatchObject({ rerun: 1, changed: [p.path("a.txt")] });
    const idle = await w.waitFor((x) => x.type === "WatchStatus" && x.state === "idle", e);
    expect((w.events[idle]!.invalidated as string[]).sort()).toEqual(["a", "c"]);
    expect(await w.quit()).toBe(0);
  });

  it("coalesces a burst of 50 writes into far fewer reruns, the last of which sees the final bytes", async () => {
    const { p, w } = await project();
    const m = w.mark();
    for (let i = 0; i < 50; i++) writeFileSync(p.path("a.txt"), `burst ${i}\n`);
    // Wait until a run has produced the final value, then until the loop is idle again.
    await w.waitFor((e) => e.type === "TaskLogged" && e.task === "c", m);
    let last = m;
    for (;;) {
      const [, end] = await nextRun(w, last);
      last = end + 1;
      const idle = await w.waitFor((e) => e.type === "WatchStatus" && e.state === "idle", end);
      const pending = w.events.slice(idle).some((e) => e.type === "RunStarted");
      if (!pending) break;
    }
    const runs = w.events.slice(m).filter((e) => e.type === "RunStarted").length;
    expect(runs).toBeGreaterThanOrEqual(1);
    expect(runs).toBeLessThan(50);
    await w.quit();
    const shown = await p.cairn(["run", "flow.ts", "--json"]);
    expect(shown.events.filter((e) => e.type === "TaskSucceeded")).toEqual([]);
    // Nothing was left stale: a fresh run over the final bytes restores everything from the cache.
    expect(shown.events.filter((e) => e.type === "TaskCached").length).toBe(3);
  });

  it("executes nothing when a file is rewritten with identical bytes", async () => {
    const { p, w } = await project();
    const m = w.mark();
    writeFileSync(p.path("b.txt"), "world\n");
    const [s, e] = await nextRun(w, m);
    expect(tasksIn(w.events, "TaskSucceeded", s, e)).toEqual([]);
    expect(tasksIn(w.events, "TaskCached", s, e)).toEqual(["a", "b", "c"]);
    await w.quit();
  });

  it("reports a deleted input, keeps watching, and resumes when the file returns", async () => {
    const { p, w } = await project();
    const m = w.mark();
    rmSync(p.path("b.txt"));
    const err = await w.waitFor((e) => e.type === "WatchError", m);
    expect(String(w.events[err]!.message)).toContain("b.txt");
    writeFileSync(p.path("b.txt"), "world, again\n");
    const [s, e] = await nextRun(w, err);
    expect(w.events[e]).toMatchObject({ status: "succeeded" });
    expect(tasksIn(w.events, "TaskSucceeded", s, e)).toEqual(["b", "c"]);
    await w.quit();
  });

  it("re-evaluates an edited helper module on every edit, in the same process", async () => {
    const { p, w } = await project();
    for (const v of ["v2", "v3"]) {
      const m = w.mark();
      writeFileSync(p.path("lib/label.ts"), `export const label = () => "${v}";\n`);
      const [s, e] = await nextRun(w, m);
      expect(tasksIn(w.events, "TaskSucceeded", s, e)).toEqual(["c"]);
      const logged = w.events.slice(s, e).find((x) => x.type === "TaskLogged" && x.task === "c");
      expect(logged?.line).toBe(`label ${v}`);
    }
    await w.quit();
  });

  it("shows a syntax error in the edited flow, keeps watching, and resumes once it is fixed", async () => {
    const { p, w } = await project();
    const m = w.mark();
    writeFileSync(p.path("flow.ts"), FLOW.replace("export default", "const broken = ;\nexport default"));
    const err = await w.waitFor((e) => e.type === "WatchError", m);
    expect(w.events[err]).toMatchObject({ error: "FlowSyntaxError" });
    expect(String(w.events[err]!.message)).toContain("flow.ts:");
    writeFileSync(p.path("flow.ts"), FLOW);
    const [, e] = await nextRun(w, err);
    expect(w.events[e]).toMatchObject({ status: "succeeded", executed: 0 });
    await w.quit();
  });

  it("interrupts a running task whose input changed, lets an unaffected running task finish, and reruns the first", async () => {
    const p = await makeProject({
      "flow.ts": `import { flow, task, file } from "cairn";
const slow = task("slow", { inputs: { s: file("s.txt") }, cmd: ${JSON.stringify(gateCmd("SLOWDIR/slow.started", "SLOWDIR/slow.release", "cat $CAIRN_IN_s > $CAIRN_OUT/out"))} });
const other = task("other", { inputs: { o: file("o.txt") }, cmd: ${JSON.stringify(gateCmd("SLOWDIR/other.started", "SLOWDIR/other.release", "cat $CAIRN_IN_o > $CAIRN_OUT/out"))} });
export default flow("mid", { tasks: [slow, other] });
`,
      "s.txt": "one\n",
      "o.txt": "other\n",
    });
    const gates = p.path("gates");
    writeFileSync(p.path("flow.ts"), p.read("flow.ts").replaceAll("SLOWDIR", gates));
    const { mkdirSync } = await import("node:fs");
    mkdirSync(gates);
    const w = startWatch(p.dir, ["--concurrency", "2"]);
    sessions.push(w);
    await w.waitFor((e) => e.type === "TaskStarted" && e.task === "slow");
    await w.waitFor((e) => e.type === "TaskStarted" && e.task === "other");
    while (!existsSync(`${gates}/slow.started`)) await new Promise((r) => setTimeout(r, 10));
    const slowPid = Number(p.read("gates/slow.started"));
    const m = w.mark();
    appendFileSync(p.path("s.txt"), "two\n");
    const cancelled = await w.waitFor((e) => e.type === "TaskCancelled" && e.task === "slow", m);
    expect(w.events[cancelled]).toMatchObject({ reason: "watch-invalidated" });
    writeFileSync(`${gates}/other.release`, "");
    await w.waitFor((e) => e.type === "TaskSucceeded" && e.task === "other", m);
    // The killed command is gone; the rerun starts slow again, and other is restored from cache.
    expect(processAlive(slowPid)).toBe(false);
    rmSync(`${gates}/slow.started`);
    const rerun = await w.waitFor((e) => e.type === "RunStarted", cancelled);
    writeFileSync(`${gates}/slow.release`, "");
    const end = await w.waitFor((e) => e.type === "RunFinished", rerun);
    expect(tasksIn(w.events, "TaskSucceeded", rerun, end)).toEqual(["slow"]);
    expect(tasksIn(w.events, "TaskCached", rerun, end)).toEqual(["other"]);
    expect(await w.quit()).toBe(0);
  });

  it("exits 130 on SIGINT", async () => {
    const { w } = await project();
    w.child.kill("SIGINT");
    expect(await w.exited).toBe(130);
  });
});

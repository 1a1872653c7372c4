/**
 * Durability and cross-process safety with real processes: `kill -9` of the engine mid-run
 * loses no finished task, and two `cairn run`s on one project never execute a cache key twice
 * nor corrupt the store.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, cached, describeResult, executed, finished, makeProject, processAlive, type CliResult } from "../helpers/CliRig.js";
import { waitForFile } from "../helpers/CliRig.js";
import { gateCmd, shPath } from "../helpers/Gates.js";
import { withDb } from "../helpers/StoreInspect.js";

beforeAll(assertBuilt);

/** Task names and the pids that executed them, from the shared file the tasks append to. */
const executionsLog = (path: string): string[] =>
  readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((l) => l.split(" ")[0]!)
    .sort();

/** Each task's last event in one run's event stream. */
const terminalEvents = (r: CliResult): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const e of r.events) if ("task" in e && e.type !== "TaskLogged" && e.type !== "TaskMetricLogged") out[e.task] = e.type;
  return out;
};

describe("kill -9 of the engine", () => {
  it("reuses every task that had finished before the engine was killed, and runs the rest", async () => {
    const p = await makeProject();
    mkdirSync(p.path("m"));
    const m = (n: string) => p.path(`m/${n}`);
    // a -> b -> c -> d; c waits for a marker the test writes only after the kill.
    await p.write({
      "flow.ts": `import { task, flow } from "cairn";
const a = task("a", { run: () => 1 });
const b = task("b", { deps: { a }, cmd: "echo b > $CAIRN_OUT/b.txt" });
const c = task("c", { deps: { b }, cmd: ${JSON.stringify(gateCmd(m("c.started"), m("c.release"), "echo c > $CAIRN_OUT/c.txt"))} });
const d = task("d", { deps: { c }, run: () => 4 });
export default flow("crash", { tasks: [d] });
`,
    });
    const run = p.start(["run", "flow.ts", "--json"]);
    await waitForFile(m("c.started"));
    run.child.kill("SIGKILL");
    const killed = await run.result;
    expect(killed.signal).toBe("SIGKILL");
    // What counts is what the lineage committed before the kill, not what reached stdout.
    const killedRun = (withDb(p.dir, (db) => db.prepare(`SELECT id FROM runs`).get()) as { id: string }).id;
    const committed = withDb(p.dir, (db) => db.prepare(`SELECT task FROM executions WHERE run_id = ? AND status = 'succeeded' ORDER BY task`).all(killedRun)) as { task: string }[];
    expect(committed.map((r) => r.task)).toEqual(["a", "b"]);
    // The command the killed engine was running does not outlive it: the spawner process sees its
    // IPC channel close and kills the command's process group.
    const orphan = Number(readFileSync(m("c.started"), "utf8"));
    const deadline = Date.now() + 15_000;
    while (processAlive(orphan) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(processAlive(orphan), "the killed engine's command is still running").toBe(false);
    writeFileSync(m("c.release"), "");
    const again = await p.run();
    expect(again.code, describeResult(again)).toBe(0);
    expect(cached(again)).toEqual(["a", "b"]);
    expect(executed(again)).toEqual(["c", "d"]);
    expect(processAlive(orphan)).toBe(false);
    const row = withDb(p.dir, (db) => db.prepare(`SELECT status FROM runs WHERE id = ?`).get(killedRun)) as { status: string };
    expect(row.status).toBe("cancelled");
  });
});

describe("two cairn run processes on the same project", () => {
  /**
   * Tasks that append "<name> <pid>" to a shared log when they execute, and take a per-task lock
   * directory while running: finding it taken means the same task ran twice at the same time.
   */
  const countingTask = (n: string, log: string, locks: string) =>
    `if ! mkdir ${shPath(`${locks}/${n}`)}; then echo ${n} >> ${shPath(`${locks}/overlaps`)}; fi; ` +
    `echo "${n} $$" >> ${shPath(log)}; echo ${n} > $CAIRN_OUT/out.txt; rmdir ${shPath(`${locks}/${n}`)}`;

  it("executes no cache key in both runs at the same time, leaves the store intact, and finishes both runs", async () => {
    const p = await makeProject();
    const log = p.path("executions.log");
    const locks = p.path("locks");
    mkdirSync(locks);
    const names = Array.from({ length: 12 }, (_, i) => `t${i}`);
    await p.write({
      "flow.ts": `import { task, flow } from "cairn";
${names.map((n, i) => `const ${n} = task("${n}", { ${i >= 4 ? `deps: { up: ${names[i - 4]} }, ` : ""}cmd: ${JSON.stringify(countingTask(n, log, locks))} });`).join("\n")}
export default flow("twice", { tasks: [${names.join(", ")}] });
`,
    });
    const [one, two] = await Promise.all([p.run(["--concurrency", "3"]), p.run(["--concurrency", "3"])]);
    for (const r of [one!, two!]) expect(r.code, describeResult(r)).toBe(0);
    expect(() => readFileSync(`${locks}/overlaps`, "utf8")).toThrow();
    // One line per task: each cache key executed exactly once across both processes.
    expect(executionsLog(log)).toEqual([...names].sort());
    for (const r of [one!, two!]) expect(finished(r).executed + finished(r).cached).toBe(names.length);
    const integrity = withDb(p.dir, (db) => db.pragma("integrity_check", { simple: true }));
    expect(integrity).toBe("ok");
    const fsck = await p.cairn(["fsck"]);
    expect(fsck.code, describeResult(fsck)).toBe(0);
    const third = await p.run();
    expect(cached(third)).toEqual([...names].sort());
  });

  /**
   * Run A executes only "shared" (a target) while run B, at --concurrency 1, holds its only slot
   * with "hold" and has already planned "shared" as a cache miss. B must not execute "shared" again
   * once A has committed it.
   */
  const twoRuns = async () => {
    const p = await makeProject();
    const log = p.path("executions.log");
    const locks = p.path("locks");
    mkdirSync(locks);
    mkdirSync(p.path("m"));
    const m = (n: string) => p.path(`m/${n}`);
    await p.write({
      "flow.ts": `import { task, flow } from "cairn";
const hold = task("hold", { cmd: ${JSON.stringify(`${gateCmd(m("hold.started"), m("hold.release"))}; echo "hold $$" >> ${shPath(log)}; echo h > $CAIRN_OUT/h`)} });
const shared = task("shared", { cmd: ${JSON.stringify(countingTask("shared", log, locks))} });
export default flow("twice", { tasks: [hold, shared] });
`,
    });
    const b = p.start(["run", "flow.ts", "--json", "--concurrency", "1"]);
    await waitForFile(m("hold.started"));
    const a = await p.run(["shared"]);
    expect(a.code, describeResult(a)).toBe(0);
    expect(executed(a)).toEqual(["shared"]);
    writeFileSync(m("hold.release"), "");
    const rb = await b.result;
    expect(rb.code, describeResult(rb)).toBe(0);
    return { p, log, rb };
  };

  it("does not execute a key that another run committed while this run waited for a slot", async () => {
    const { log, rb } = await twoRuns();
    expect(executionsLog(log)).toEqual(["hold", "shared"]);
    expect(terminalEvents(rb).shared).toBe("TaskCached");
  });

  it("reports a task restored from the other run's concurrent execution as TaskCached, with a lineage row", async () => {
    const p = await makeProject();
    mkdirSync(p.path("m"));
    const m = (n: string) => p.path(`m/${n}`);
    const log = p.path("executions.log");
    // A runs "shared" (held open by a gate); B runs "other" (gated too) and "shared".
    // B's "other" starting proves B has reached "shared" and found A holding its key:
    // fibers start in definition order, and claiming the key happens before the first await.
    await p.write({
      "flow.ts": `import { task, flow } from "cairn";
const shared = task("shared", { cmd: ${JSON.stringify(`${gateCmd(m("shared.started"), m("shared.release"))}; echo "shared $$" >> ${shPath(log)}; echo s > $CAIRN_OUT/s`)} });
const other = task("other", { cmd: ${JSON.stringify(`${gateCmd(m("other.started"), m("other.release"))}; echo o > $CAIRN_OUT/o`)} });
export default flow("twice", { tasks: [shared, other] });
`,
    });
    const a = p.start(["run", "flow.ts", "shared", "--json"]);
    await waitForFile(m("shared.started"));
    const b = p.start(["run", "flow.ts", "--json", "--concurrency", "2"]);
    await waitForFile(m("other.started"));
    writeFileSync(m("shared.release"), "");
    writeFileSync(m("other.release"), "");
    const [ra, rb] = await Promise.all([a.result, b.result]);
    expect(ra.code, describeResult(ra)).toBe(0);
    expect(rb.code, describeResult(rb)).toBe(0);
    expect(executionsLog(log)).toEqual(["shared"]);
    expect(terminalEvents(rb).shared).toBe("TaskCached");
    const runId = finished(rb).runId;
    const rows = withDb(p.dir, (db) => db.prepare(`SELECT status FROM executions WHERE run_id = ? AND task = 'shared'`).all(runId)) as { status: string }[];
    expect(rows.map((r) => r.status)).toEqual(["cached"]);
  });
});

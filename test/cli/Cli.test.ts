/**
 * The CLI's surface: `--version`, `--help` on every command, the `--dry-run` plan, the `--json`
 * event schema, `explain`, and that output reaches the user while a run is still going.
 */
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, cairn, describeResult, executed, finished, makeProject, REPO, waitForFile } from "../helpers/CliRig.js";
import { gateCmd } from "../helpers/Gates.js";
import { withDb } from "../helpers/StoreInspect.js";

beforeAll(assertBuilt);

const FLOW = `import { task, flow, file } from "cairn";
const extract = task("extract", { inputs: { csv: file("data/rows.csv") }, run: async ({ csv }) => (await csv.text()).trim().split("\\n").length });
const train = task("train", { deps: { extract }, params: { lr: 0.1 }, run: ({ extract }, ctx) => { ctx.metric("loss", 1 / extract); ctx.log("trained"); return extract * 2; } });
const stats = task("stats", { deps: { extract }, cmd: "echo \\"rows $(cat $CAIRN_IN_extract)\\"; cat $CAIRN_IN_extract > $CAIRN_OUT/n.txt" });
const report = task("report", { deps: { train, stats }, run: ({ train }) => ({ score: train }) });
export default flow("surface", { tasks: [report] });
`;

describe("version and help", () => {
  it("prints the package version for --version", async () => {
    const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string };
    const r = await cairn(REPO, ["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it("prints usage for --help on every command and subcommand", async () => {
    const commandsOf = (help: string): string[] => {
      const section = help.split(/\nCommands:\n/)[1] ?? "";
      return section
        .split("\n")
        .map((l) => /^ {2}([a-z][\w-]*)/.exec(l)?.[1])
        .filter((c): c is string => c !== undefined && c !== "help");
    };
    const top = await cairn(REPO, ["--help"]);
    expect(top.code).toBe(0);
    const commands = commandsOf(top.stdout);
    expect(commands).toEqual(expect.arrayContaining(["run", "explain", "gc", "fsck"]));
    const checked: string[] = [];
    const visit = async (path: string[]) => {
      const r = await cairn(REPO, [...path, "--help"]);
      expect(r.code, `${path.join(" ")} --help\n${describeResult(r)}`).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: cairn ${path.join(" ")}\\b`));
      checked.push(path.join(" "));
      for (const sub of commandsOf(r.stdout)) await visit([...path, sub]);
    };
    for (const c of commands) await visit([c]);
    expect(checked.length).toBeGreaterThanOrEqual(commands.length);
  });

  it("exits with code 2 and a hint for an unknown option", async () => {
    const r = await cairn(REPO, ["run", "flow.ts", "--no-such-option"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--no-such-option");
  });
});

describe("--dry-run", () => {
  it("lists which tasks would run and why, which are cached, and changes nothing", async () => {
    const p = await makeProject({ "flow.ts": FLOW, "data/rows.csv": "a\nb\nc\n" });
    const fresh = await p.cairn(["run", "flow.ts", "--dry-run"]);
    expect(fresh.code, describeResult(fresh)).toBe(0);
    expect(fresh.stdout).toMatch(/extract\s+run\s+no earlier execution/);
    expect(fresh.stdout).toMatch(/train\s+pending\s+runs after "extract"/);
    expect(withDb(p.dir, (db) => (db.prepare(`SELECT count(*) AS n FROM runs`).get() as { n: number }).n)).toBe(0);
    const first = await p.run();
    expect(executed(first)).toEqual(["extract", "report", "stats", "train"]);
    await p.write({ "flow.ts": FLOW.replace("lr: 0.1", "lr: 0.2") });
    const plan = await p.cairn(["run", "flow.ts", "--dry-run", "--json"]);
    expect(plan.code, describeResult(plan)).toBe(0);
    const parsed = JSON.parse(plan.stdout) as { type: string; flow: string; tasks: Array<{ task: string; action: string; why: string }> };
    expect(parsed).toMatchObject({ type: "Plan", flow: "surface" });
    const byTask = Object.fromEntries(parsed.tasks.map((t) => [t.task, t]));
    expect(byTask.extract?.action).toBe("cached");
    expect(byTask.stats?.action).toBe("cached");
    expect(byTask.train).toMatchObject({ action: "run", why: expect.stringContaining("param") });
    expect(byTask.report?.action).toBe("pending");
    // The plan was only a plan: the real run still executes train.
    expect(executed(await p.run())).toEqual(["train"]);
  });
});

describe("--json events", () => {
  it("gives every event a type and runId, task events their task, and RunFinished the status and counts", async () => {
    const p = await makeProject({ "flow.ts": FLOW, "data/rows.csv": "a\nb\n" });
    const runs = [await p.run(), await p.run()];
    await p.write({ "flow.ts": FLOW.replace("extract * 2", "extract * 3") });
    runs.push(await p.run());
    const taskEvents = new Set(["TaskQueued", "TaskStarted", "TaskLogged", "TaskMetricLogged", "TaskRetrying", "TaskCached", "TaskSucceeded", "TaskFailed", "TaskCancelled", "TaskSkipped"]);
    for (const r of runs) {
      expect(r.code, describeResult(r)).toBe(0);
      const lines = r.stdout.trim().split("\n");
      expect(lines.length).toBe(r.events.length);
      const runId = r.events[0]!.runId;
      expect(r.events[0]!.type).toBe("RunStarted");
      for (const e of r.events) {
        expect(typeof e.type).toBe("string");
        expect(e.runId).toBe(runId);
        if (taskEvents.has(e.type)) expect(typeof (e as { task?: unknown }).task, JSON.stringify(e)).toBe("string");
      }
      const last = finished(r);
      for (const k of ["executed", "cached", "failed", "cancelled"] as const) expect(typeof last[k]).toBe("number");
      expect(last.status).toBe("succeeded");
    }
    expect(finished(runs[0]!)).toMatchObject({ executed: 4, cached: 0, failed: 0, cancelled: 0 });
    expect(finished(runs[1]!)).toMatchObject({ executed: 0, cached: 4, failed: 0, cancelled: 0 });
    expect(finished(runs[2]!)).toMatchObject({ executed: 2, cached: 2, failed: 0, cancelled: 0 });
    // Logs, metrics and command output arrive as events of their task.
    const first = runs[0]!.events;
    expect(first).toContainEqual(expect.objectContaining({ type: "TaskMetricLogged", task: "train", name: "loss", value: 0.5 }));
    expect(first).toContainEqual(expect.objectContaining({ type: "TaskLogged", task: "train", line: "trained" }));
    expect(first).toContainEqual(expect.objectContaining({ type: "TaskLogged", task: "stats", stream: "stdout", line: "rows 2" }));
  });
});

describe("plain output", () => {
  it("prints one line per task start and finish, marks cache hits, and ends with a summary", async () => {
    const p = await makeProject({ "flow.ts": FLOW, "data/rows.csv": "a\nb\n" });
    const first = await p.cairn(["run", "flow.ts", "--ui", "plain"]);
    expect(first.code, describeResult(first)).toBe(0);
    for (const t of ["extract", "train", "stats", "report"]) expect(first.stdout).toMatch(new RegExp(`^.*\\b${t}\\b.*$`, "m"));
    expect(first.stdout.trim().split("\n").at(-1)).toMatch(/succeeded: 4 executed, 0 cached, 0 failed, 0 cancelled in \d+/);
    const second = await p.cairn(["run", "flow.ts", "--ui", "plain"]);
    expect(second.stdout).toMatch(/extract.*cached/);
    expect(second.stdout.trim().split("\n").at(-1)).toMatch(/succeeded: 0 executed, 4 cached/);
    // Not a TTY here, so plain is also the default.
    const byDefault = await p.cairn(["run", "flow.ts"]);
    expect(byDefault.stdout.trim().split("\n").at(-1)).toMatch(/succeeded: 0 executed, 4 cached/);
  });
});

describe("explain", () => {
  it("names the changed ingredient and the file that changed, with old and new hashes", async () => {
    const p = await makeProject({ "flow.ts": FLOW, "data/rows.csv": "a\nb\n" });
    expect((await p.run()).code).toBe(0);
    await p.write({ "data/rows.csv": "a\nb\nc\n" });
    const r = await p.cairn(["explain", "flow.ts", "extract", "--json"]);
    expect(r.code, describeResult(r)).toBe(0);
    const e = JSON.parse(r.stdout) as { verdict: string; ingredients: Array<{ ingredient: string; changed: boolean; old: string | null; new: string; details: string[] }> };
    expect(e.verdict).toBe("run");
    const inputs = e.ingredients.find((i) => i.ingredient === "inputs")!;
    expect(inputs.changed).toBe(true);
    expect(inputs.old).not.toBe(inputs.new);
    expect(inputs.details.join("\n")).toContain("data/rows.csv");
    expect(e.ingredients.filter((i) => i.changed).map((i) => i.ingredient)).toEqual(["inputs"]);
    const text = await p.cairn(["explain", "flow.ts", "extract"]);
    expect(text.stdout).toContain("data/rows.csv");
    const unknown = await p.cairn(["explain", "flow.ts", "extrct"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`did you mean "extract"`);
  });
});

describe("output while a run is going", () => {
  it("prints a task's start before the task finishes", async () => {
    const p = await makeProject();
    mkdirSync(p.path("m"));
    const started = p.path("m/long.started");
    const release = p.path("m/long.release");
    await p.write({
      "flow.ts": `import { task, flow } from "cairn";
const long = task("long", { cmd: ${JSON.stringify(gateCmd(started, release))} });
export default flow("live", { tasks: [long] });
`,
    });
    const run = p.start(["run", "flow.ts", "--json"]);
    try {
      await waitForFile(started);
      await run.waitForOutput(/"type":"TaskStarted"[^\n]*"task":"long"/, 10_000);
    } finally {
      writeFileSync(release, "");
      await run.result;
    }
  });
});

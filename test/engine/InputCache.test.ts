/**
 * Data ingredients of the cache key through the real CLI: params, input file bytes (with mtimes
 * restored, and `touch` with the same bytes), declared vs undeclared env vars (whose raw values
 * must never be stored), and upstream outputs that did not change.
 */
import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, cached, describeResult, executed, makeProject, type CliResult, type Project } from "../helpers/CliRig.js";

beforeAll(assertBuilt);

const ok = (r: CliResult): CliResult => {
  expect(r.code, describeResult(r)).toBe(0);
  return r;
};

describe("params", () => {
  const flow = (lr: number) => `import { task, flow } from "cairn";
const train = task("train", { params: { lr: ${lr} }, run: (_, ctx) => ctx.params.lr * 2 });
const other = task("other", { params: { lr: 1 }, run: (_, ctx) => ctx.params.lr });
export default flow("params", { tasks: [train, other] });
`;

  it("reruns a task when one of its params changes, and only that task", async () => {
    const p = await makeProject({ "flow.ts": flow(0.1) });
    ok(await p.run());
    await p.write({ "flow.ts": flow(0.2) });
    const r = ok(await p.run());
    expect(executed(r)).toEqual(["train"]);
    expect(cached(r)).toEqual(["other"]);
    expect(r.events.find((e) => e.type === "TaskQueued")).toMatchObject({ task: "train", reason: { kind: "changed", changed: ["params"] } });
  });
});

describe("input files", () => {
  const FLOW = `import { task, flow, file } from "cairn";
const read = task("read", { inputs: { data: file("data/in.txt") }, run: async ({ data }) => (await data.text()).toUpperCase() });
const size = task("size", { inputs: { data: file("data/in.txt") }, cmd: "wc -c < \\"$CAIRN_IN_data\\" > $CAIRN_OUT/size.txt" });
const other = task("other", { run: () => "unrelated" });
export default flow("inputs", { tasks: [read, size, other] });
`;
  const project = async () => {
    const p = await makeProject({ "flow.ts": FLOW, "data/in.txt": "hello world\n" });
    expect(executed(ok(await p.run()))).toEqual(["other", "read", "size"]);
    return p;
  };

  it("reruns the tasks reading a file whose bytes changed", async () => {
    const p = await project();
    await p.write({ "data/in.txt": "hello there, world\n" });
    const r = ok(await p.run());
    expect(executed(r)).toEqual(["read", "size"]);
    expect(cached(r)).toEqual(["other"]);
  });

  it("detects a same-size byte change even when the file's mtime was restored", async () => {
    const p = await makeProject({ "flow.ts": FLOW, "data/in.txt": "hello world\n" });
    const path = p.path("data/in.txt");
    // A whole-second mtime, so utimesSync can restore it exactly (it takes seconds as a float).
    const stamp = Math.floor(Date.now() / 1000) - 3600;
    utimesSync(path, stamp, stamp);
    expect(executed(ok(await p.run()))).toEqual(["other", "read", "size"]);
    const before = statSync(path, { bigint: true });
    writeFileSync(path, "hello WORLD\n");
    utimesSync(path, stamp, stamp);
    const after = statSync(path, { bigint: true });
    expect(after.mtimeNs).toBe(before.mtimeNs);
    expect(after.size).toBe(before.size);
    const r = ok(await p.run());
    expect(executed(r)).toEqual(["read", "size"]);
  });

  it("reruns nothing after touch (new mtime, same bytes)", async () => {
    const p = await project();
    const later = new Date(Date.now() + 60_000);
    utimesSync(p.path("data/in.txt"), later, later);
    const r = ok(await p.run());
    expect(executed(r)).toEqual([]);
    expect(cached(r)).toEqual(["other", "read", "size"]);
  });
});

describe("environment variables", () => {
  const FLOW = `import { task, flow } from "cairn";
const fn = task("fn", { env: ["CAIRN_TEST_SECRET"], run: () => (process.env.CAIRN_TEST_SECRET ?? "").length });
const cmd = task("cmd", { env: ["CAIRN_TEST_SECRET"], cmd: "printf %s \\"$CAIRN_TEST_SECRET\\" | wc -c > $CAIRN_OUT/len.txt" });
const plain = task("plain", { run: () => 1 });
export default flow("env", { tasks: [fn, cmd, plain] });
`;

  /** Every file under `.cairn/` (DB, WAL, logs, objects) as bytes. */
  const storeFiles = (p: Project): Array<{ path: string; bytes: Buffer }> => {
    const out: Array<{ path: string; bytes: Buffer }> = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const f = join(d, e.name);
        if (e.isDirectory()) walk(f);
        else if (e.isFile()) out.push({ path: f, bytes: readFileSync(f) });
      }
    };
    walk(p.path(".cairn"));
    return out;
  };

  it("reruns the tasks declaring a variable when its value changes, and never for an undeclared one", async () => {
    const p = await makeProject({ "flow.ts": FLOW });
    const env = (secret: string, other: string) => ({ env: { CAIRN_TEST_SECRET: secret, CAIRN_TEST_UNDECLARED: other } });
    expect(executed(ok(await p.run([], env("one", "x"))))).toEqual(["cmd", "fn", "plain"]);
    expect(executed(ok(await p.run([], env("one", "y"))))).toEqual([]);
    const changed = ok(await p.run([], env("two", "y")));
    expect(executed(changed)).toEqual(["cmd", "fn"]);
    expect(cached(changed)).toEqual(["plain"]);
    expect(changed.events.find((e) => e.type === "TaskQueued" && e.task === "fn")).toMatchObject({ reason: { kind: "changed", changed: ["env"] } });
  });

  it("never writes a declared variable's raw value to the database, the logs, the store or explain output", async () => {
    const secret = `s3cr3t-${randomBytes(8).toString("hex")}`;
    const p = await makeProject({ "flow.ts": FLOW });
    const r = ok(await p.run([], { env: { CAIRN_TEST_SECRET: secret } }));
    expect(executed(r)).toEqual(["cmd", "fn", "plain"]);
    // A second value too, so the DB holds a changed-env comparison.
    ok(await p.run([], { env: { CAIRN_TEST_SECRET: `${secret}-2` } }));
    const explain = await p.cairn(["explain", "flow.ts", "fn", "--json"], { env: { CAIRN_TEST_SECRET: secret } });
    expect(explain.code, describeResult(explain)).toBe(0);
    const explained = JSON.parse(explain.stdout) as { ingredients: Array<{ ingredient: string; changed: boolean }> };
    expect(explained.ingredients.find((i) => i.ingredient === "env")?.changed).toBe(true);
    const explainText = await p.cairn(["explain", "flow.ts", "cmd"], { env: { CAIRN_TEST_SECRET: secret } });
    const files = storeFiles(p);
    expect(files.map((f) => f.path)).toContain(p.path(".cairn/cairn.db"));
    for (const f of files) expect(f.bytes.includes(secret), `${f.path} contains the raw secret`).toBe(false);
    for (const out of [r.stdout, r.stderr, explain.stdout, explain.stderr, explainText.stdout, explainText.stderr]) {
      expect(out.includes(secret)).toBe(false);
    }
  });
});

describe("the environment a command task sees", () => {
  it("passes declared variables to a command task and keeps undeclared ones out", async () => {
    const p = await makeProject({
      "flow.ts": `import { task, flow } from "cairn";
const show = task("show", { env: ["CAIRN_TEST_DECLARED"], cmd: "echo \\"declared=$CAIRN_TEST_DECLARED undeclared=$CAIRN_TEST_UNDECLARED\\"; echo ok > $CAIRN_OUT/o" });
export default flow("envpass", { tasks: [show] });
`,
    });
    const r = ok(await p.run([], { env: { CAIRN_TEST_DECLARED: "yes", CAIRN_TEST_UNDECLARED: "leaked" } }));
    expect(r.events).toContainEqual(expect.objectContaining({ type: "TaskLogged", task: "show", line: "declared=yes undeclared=" }));
  });
});

describe("upstream outputs", () => {
  const FLOW = `import { task, flow, file } from "cairn";
const count = task("count", { inputs: { data: file("data/in.txt") }, run: async ({ data }) => (await data.text()).length });
const report = task("report", { deps: { count }, run: ({ count }) => \`\${count} chars\` });
export default flow("upstream", { tasks: [report] });
`;

  it("restores a downstream task from cache when its upstream reran but produced identical output", async () => {
    const p = await makeProject({ "flow.ts": FLOW, "data/in.txt": "abcdef" });
    expect(executed(ok(await p.run()))).toEqual(["count", "report"]);
    await p.write({ "data/in.txt": "ghijkl" });
    const r = ok(await p.run());
    expect(executed(r)).toEqual(["count"]);
    expect(cached(r)).toEqual(["report"]);
    await p.write({ "data/in.txt": "ghijklm" });
    expect(executed(ok(await p.run()))).toEqual(["count", "report"]);
  });
});

/**
 * `--json` into a slow pipe: everything the run printed arrives, up to the last RunFinished line,
 * even when the reader is not keeping up when the engine finishes (the pipe buffer is 64 KiB).
 */
import { spawn } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, CAIRN_BIN, makeProject } from "../helpers/CliRig.js";

beforeAll(assertBuilt);

describe("piped --json output", () => {
  it("delivers every event to a reader that starts reading late", async () => {
    const p = await makeProject({
      "flow.ts": `import { flow, task } from "cairn";
const tasks = Array.from({ length: 400 }, (_, i) => task("task_with_a_long_name_" + i, { params: { i }, run: (_a, ctx) => ctx.params.i }));
export default flow("many", { tasks });
`,
    });
    const child = spawn(process.execPath, [CAIRN_BIN, "run", "flow.ts", "--json"], { cwd: p.dir, stdio: ["ignore", "pipe", "pipe"] });
    // Start reading only after the run is long over: what the engine queued must still arrive.
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.stdout!.pause();
    await new Promise((r) => setTimeout(r, 4000));
    let out = "";
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (d: string) => (out += d));
    child.stdout!.resume();
    await new Promise((r) => child.on("close", r));
    expect(await exited).toBe(0);
    expect(out.length).toBeGreaterThan(65536);
    const lines = out.trim().split("\n");
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ type: "RunFinished", executed: 400 });
    expect(lines.filter((l) => l.includes('"TaskSucceeded"'))).toHaveLength(400);
  });
});

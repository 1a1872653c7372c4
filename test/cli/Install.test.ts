/**
 * A user project outside the repository installs cairn from a path with npm and runs a flow
 * with `npx cairn`, its flow importing from "cairn" (real npm, offline: no registry needed).
 */
import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { lstatSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, REPO } from "../helpers/CliRig.js";
import type { RunEvent } from "../../src/events/RunEvent.js";

beforeAll(assertBuilt);
const exec = promisify(execFile);

describe("installing cairn into a user project", () => {
  it("runs a flow with npx cairn after npm install /path/to/cairn", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cairn-install-"));
    await writeFile(join(dir, "package.json"), JSON.stringify({ name: "user-project", version: "1.0.0", private: true, type: "module" }));
    await writeFile(
      join(dir, "flow.ts"),
      `import { task, flow, file } from "cairn";
const count = task("count", { inputs: { words: file("words.txt") }, run: async ({ words }) => (await words.text()).split(/\\s+/).filter(Boolean).length });
const double = task("double", { deps: { count }, run: ({ count }) => count * 2 });
export default flow("installed", { tasks: [double] });
`,
    );
    await writeFile(join(dir, "words.txt"), "one two three\n");
    // --offline: a path install needs no registry (cairn's dependencies resolve from its own node_modules).
    await exec("npm", ["install", REPO, "--no-audit", "--no-fund", "--offline", "--ignore-scripts"], { cwd: dir, timeout: 300_000 });
    expect(realpathSync(join(dir, "node_modules/cairn"))).toBe(realpathSync(REPO));
    expect(lstatSync(join(dir, "node_modules/.bin/cairn")).isSymbolicLink()).toBe(true);

    const version = await exec("npx", ["--no-install", "cairn", "--version"], { cwd: dir });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const run = await exec("npx", ["--no-install", "cairn", "run", "flow.ts", "--json"], { cwd: dir });
    const events = run.stdout.trim().split("\n").map((l) => JSON.parse(l) as RunEvent);
    expect(events.filter((e) => e.type === "TaskSucceeded").map((e) => e.type === "TaskSucceeded" && e.task)).toEqual(["count", "double"]);
    expect(events[events.length - 1]).toMatchObject({ type: "RunFinished", status: "succeeded", executed: 2 });
    const again = await exec("npx", ["--no-install", "cairn", "run", "flow.ts", "--json"], { cwd: dir });
    expect(again.stdout).toContain(`"type":"RunFinished"`);
    expect(again.stdout.match(/"type":"TaskCached"/g)).toHaveLength(2);
  });
});

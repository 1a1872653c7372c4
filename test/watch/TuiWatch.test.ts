/**
 * The terminal UI under a real pseudo-terminal (tmux): `cairn run --watch` on a temp project, a
 * file edit, the screen read back with capture-pane, `q` pressed, the exit code checked. `--ui tui`
 * is explicit because CI runs this suite with `CI` set, where the default is the plain reporter.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, CAIRN_BIN, makeProject } from "../helpers/CliRig.js";

const hasTmux = spawnSync("tmux", ["-V"]).status === 0;
const session = `cairn-e2e-${process.pid}`;
const tmux = (...args: string[]) => execFileSync("tmux", ["-L", session, ...args], { encoding: "utf8" });

const screen = () => tmux("capture-pane", "-p", "-t", session);
const waitForScreen = async (pred: (s: string) => boolean, what: string, deadlineMs = 45_000): Promise<string> => {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const s = screen();
    if (pred(s)) return s;
    if (Date.now() > until) throw new Error(`screen never showed ${what}:\n${s}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

beforeAll(assertBuilt);
afterAll(() => {
  if (hasTmux) spawnSync("tmux", ["-L", session, "kill-server"]);
});

describe.skipIf(!hasTmux)("the terminal UI in watch mode (tmux; skipped when tmux is not installed)", () => {
  it("shows only the affected tasks rerunning and the change in the status line, and quits cleanly on q", async () => {
    const p = await makeProject({
      "flow.ts": `import { flow, task, file } from "cairn";
const alpha = task("alpha", { inputs: { f: file("alpha.txt") }, run: async ({ f }) => (await f.text()).length });
const beta = task("beta", { inputs: { f: file("beta.txt") }, run: async ({ f }) => (await f.text()).length });
const total = task("total", { deps: { alpha, beta }, run: ({ alpha, beta }) => alpha + beta });
export default flow("screen", { tasks: [total] });
`,
      "alpha.txt": "a\n",
      "beta.txt": "b\n",
    });
    const exitFile = p.path("exit-code");
    tmux("new-session", "-d", "-s", session, "-x", "100", "-y", "30", "-c", p.dir, `${process.execPath} ${CAIRN_BIN} run flow.ts --watch --ui tui; echo $? > ${exitFile}; sleep 60`);
    await waitForScreen((s) => /3\/3/.test(s) && /idle/.test(s), "the first run finished");
    writeFileSync(p.path("alpha.txt"), "alpha changed\n");
    const after = await waitForScreen((s) => /rerun 1/.test(s) && /idle/.test(s) && /3\/3/.test(s), "rerun 1 finished");
    expect(after).toMatch(/alpha\.txt/);
    const row = (name: string) => after.split("\n").find((l) => new RegExp(`\\b${name}\\b`).test(l) && /succeeded|cached/.test(l)) ?? "";
    expect(row("alpha")).toMatch(/succeeded/);
    expect(row("total")).toMatch(/succeeded/);
    expect(row("beta")).toMatch(/cached/);
    tmux("send-keys", "-t", session, "q");
    const until = Date.now() + 30_000;
    while (!existsSync(exitFile) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(readFileSync(exitFile, "utf8").trim()).toBe("0");
  });
});

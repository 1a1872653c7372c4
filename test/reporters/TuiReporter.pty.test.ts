// The TUI in a real pseudo-terminal (tmux): the reporter forks the Ink host, which takes raw-mode
// keys, resizes, honours NO_COLOR and leaves its last frame behind; exit codes come out right.
// The fixture and the host are bundled with esbuild because node cannot run .ts.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build, type BuildOptions } from "esbuild";
import { hasColourCodes } from "../tui/terminal.js";

const root = path.resolve(import.meta.dirname, "../..");
// Inside the project so that the bundle resolves ink and react from its node_modules.
const dir = fs.mkdtempSync(path.join(root, "node_modules/.cache/cairn-tui-pty-"));
// The same layout as dist/src: the reporter, bundled into the fixture, finds its host at
// tui/hostBundle.js beside the bundle (srcRoot.ts: paths are taken from the bundle's directory).
const entry = path.join(dir, "tuiDemo.mjs");
const socket = `cairn-tui-test-${process.pid}`;

const tmux = (...args: string[]): string => execFileSync("tmux", ["-L", socket, "-f", "/dev/null", ...args], { encoding: "utf8" });
/** The first frame is drawn before any event; the run's rows appear with the next redraw. */
const ready = (x: string): boolean => x.includes("q quit") && x.includes("✖ report");

const screen = (session: string, escapes = false): string => tmux("capture-pane", "-p", ...(escapes ? ["-e"] : []), "-t", session);

/** Polls the pane until `predicate` holds; the deadline only turns a hang into a readable failure. */
const waitFor = async (session: string, predicate: (s: string) => boolean, what: string): Promise<string> => {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const s = screen(session);
    if (predicate(s)) return s;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}; screen:\n${s}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

let sessions = 0;
const start = (env = ""): string => {
  const session = `s${++sessions}`;
  tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24", `${env} node ${entry}; echo EXIT=$?; sleep 600`);
  return session;
};

beforeAll(async () => {
  const common: BuildOptions = { bundle: true, platform: "node", format: "esm", external: ["ink", "react"], logLevel: "silent" };
  await build({ ...common, entryPoints: [path.join(root, "test/reporters/fixtures/tuiDemo.ts")], outfile: entry });
  await build({ ...common, entryPoints: [path.join(root, "src/tui/host.ts")], outfile: path.join(dir, "tui", "hostBundle.js") });
});
afterAll(() => {
  try {
    tmux("kill-server");
  } catch {
    // no server left: every session already ended
  }
  fs.rmSync(dir, { recursive: true, force: true });
  // tmux leaves its socket file behind after kill-server.
  fs.rmSync(path.join(process.env["TMUX_TMPDIR"] ?? "/tmp", `tmux-${process.getuid?.() ?? 0}`, socket), { force: true });
});

// Each test starts a node process with Ink and React (≈0.5 s, much more on a loaded machine).
describe("the TUI in a pseudo-terminal", { timeout: 60_000 }, () => {
  it("draws the run within 80×24, opens a task's log with the keys and leaves the failure on screen after q", async () => {
    const s = start();
    const live = await waitFor(s, ready, "the run's rows");
    expect(live).toContain("cairn ▸ demo");
    expect(live).toContain("1 running  1 cached  0 executed  1 failed");
    expect(live.split("\n").filter((l) => l === "hello from a task")).toHaveLength(1);
    for (const line of live.split("\n")) expect([...line].length).toBeLessThanOrEqual(80);
    tmux("send-keys", "-t", s, "Down");
    tmux("send-keys", "-t", s, "Enter");
    const detail = await waitFor(s, (x) => x.includes("log: .cairn/logs/run-pty/"), "the full-log view");
    expect(detail).toContain("why:");
    tmux("send-keys", "-t", s, "q");
    const after = await waitFor(s, (x) => x.includes("EXIT="), "the process to exit");
    expect(after).toContain("EXIT=0");
    expect(after).toContain("✖ report failed (TaskCodeError)");
    expect(after).toContain("│ TypeError: cannot read 'auc'");
    expect(after).toContain("log: .cairn/logs/run-pty/report.log");
  });

  it("turns Ctrl-C into the SIGINT path (exit 130) even though raw mode swallows the signal", async () => {
    const s = start();
    await waitFor(s, ready, "the run's rows");
    tmux("send-keys", "-t", s, "C-c");
    expect(await waitFor(s, (x) => x.includes("EXIT="), "the process to exit")).toContain("EXIT=130");
  });

  it("re-lays out to a smaller window", async () => {
    const s = start();
    await waitFor(s, ready, "the run's rows");
    tmux("resize-window", "-t", s, "-x", "50", "-y", "12");
    // tmux re-wraps the old 80-column lines itself; the app's own 50-column frame has an 11-column
    // name cell (24 at 80 columns) and ends with the truncated key line.
    const small = await waitFor(s, (x) => /^ {2}✖ report {6}failed/m.test(x), "a 50-column frame");
    const lines = small.split("\n");
    expect(lines.every((l) => [...l].length <= 50)).toBe(true);
    const frame = lines.slice(lines.findLastIndex((l) => l.startsWith("cairn ▸ demo")));
    expect(frame.filter((l) => l.trim() !== "").length).toBeLessThanOrEqual(11);
    expect(frame.filter((l) => l.trim() !== "").at(-1)).toMatch(/^↑↓ select · .*…$/);
    tmux("send-keys", "-t", s, "q");
    await waitFor(s, (x) => x.includes("EXIT="), "the process to exit");
  });

  it("writes colour codes normally and none under NO_COLOR", async () => {
    const a = start();
    await waitFor(a, ready, "the run's rows");
    expect(hasColourCodes(screen(a, true))).toBe(true);
    const b = start("NO_COLOR=1");
    await waitFor(b, ready, "the run's rows");
    const plain = screen(b, true);
    expect(hasColourCodes(plain)).toBe(false);
    expect(plain).toContain("✖ report");
    for (const s of [a, b]) tmux("send-keys", "-t", s, "q");
  });

  it("passes r on to the force-rerun handler with the selected task", async () => {
    const s = start();
    await waitFor(s, ready, "the run's rows");
    tmux("send-keys", "-t", s, "Down");
    tmux("send-keys", "-t", s, "r");
    const shown = await waitFor(s, (x) => x.includes("invalidated"), "the watch line");
    expect(shown).toContain("invalidated train");
    tmux("send-keys", "-t", s, "q");
  });
});

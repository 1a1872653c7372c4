// The reporter's side of the TUI: a real child process (a recording stand-in for the Ink host,
// which needs a terminal; the real host is tested in TuiReporter.pty.test.ts) gets every event in
// batches, the watch status and console output, and its key messages reach the callbacks.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { EventBus } from "../../src/events/EventBus.js";
import type { RunEvent } from "../../src/events/RunEvent.js";
import { startTuiReporter } from "../../src/reporters/TuiReporter.js";
import type { ToHost } from "../../src/tui/HostProtocol.js";

const HOST = path.join(import.meta.dirname, "fixtures/recordingHost.mjs");
const RUN = "run-ipc";
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  vi.unstubAllEnvs();
});

const record = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-tui-ipc-"));
  dirs.push(dir);
  const file = path.join(dir, "messages.ndjson");
  vi.stubEnv("RECORD_TO", file);
  return () => fs.readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as ToHost);
};

const burst = (n: number): RunEvent[] => [
  { type: "RunStarted", runId: RUN, at: 0, flow: "f", flowFile: "f.ts", tasks: Array.from({ length: n }, (_, i) => ({ name: `t${i}`, kind: "function" as const, deps: [] })) },
  ...Array.from({ length: n }, (_, i): RunEvent => ({ type: "TaskQueued", runId: RUN, at: 1, task: `t${i}`, reason: { kind: "new" } })),
];

describe("startTuiReporter", () => {
  it("sends the host every event, in order and in a few batches, then stop after the last one", async () => {
    const messages = record();
    const bus = new EventBus();
    const tui = startTuiReporter({ bus, hostPath: HOST, onQuit: () => {}, onInterrupt: () => {}, colors: false, fps: 10 });
    const events = burst(2_000);
    for (const e of events) bus.publish(e);
    await tui.stop();
    const got = messages();
    expect(got[0]).toEqual({ t: "init", init: { fps: 10, colors: false, canRerun: false } });
    const batches = got.filter((m): m is Extract<ToHost, { t: "events" }> => m.t === "events");
    expect(batches.flatMap((b) => b.events)).toEqual(events);
    expect(batches.length).toBeLessThan(events.length / 100);
    expect(got.at(-1)).toEqual({ t: "stop" });
  });

  it("hands the host's key messages to onForceRerun, onQuit and onInterrupt", async () => {
    record();
    const bus = new EventBus();
    const calls: string[] = [];
    let answered!: () => void;
    const allThree = new Promise<void>((r) => (answered = r));
    const note = (what: string) => {
      calls.push(what);
      if (calls.length === 3) answered();
    };
    const tui = startTuiReporter({
      bus, hostPath: HOST, onQuit: () => note("quit"), onInterrupt: () => note("interrupt"), onForceRerun: (t) => note(`rerun ${t}`),
    });
    bus.publish(burst(2)[0]!);
    await allThree;
    await tui.stop();
    expect(calls).toEqual(["rerun b", "quit", "interrupt"]);
  });

  it("forwards the watch status and console output, and gives console back at stop", async () => {
    const messages = record();
    const original = console.log;
    const tui = startTuiReporter({ bus: new EventBus(), hostPath: HOST, onQuit: () => {}, onInterrupt: () => {} });
    const status = { filesWatched: 2, lastChange: { path: "a.csv", at: 5 }, rerun: 1, invalidated: ["t0"] };
    tui.setWatchStatus(status);
    console.log("rows: %d", 120);
    console.error("careful");
    expect(console.log).not.toBe(original);
    await tui.stop();
    expect(console.log).toBe(original);
    expect(messages()).toEqual([
      { t: "init", init: { canRerun: false } },
      { t: "watch", status },
      { t: "console", stream: "stdout", text: "rows: 120" },
      { t: "console", stream: "stderr", text: "careful" },
      { t: "stop" },
    ]);
  });

  it("starts no host when stopped before the run's first event, and prints what was logged meanwhile", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-tui-ipc-"));
    dirs.push(dir);
    const file = path.join(dir, "messages.ndjson");
    vi.stubEnv("RECORD_TO", file);
    const written: string[] = [];
    const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (written.push(String(chunk)), true));
    try {
      const tui = startTuiReporter({ bus: new EventBus(), hostPath: HOST, onQuit: () => {}, onInterrupt: () => {} });
      console.log("loading %s", "flow.ts");
      await tui.stop();
    } finally {
      write.mockRestore();
    }
    // A flow that fails to load never gets a screen: its error is printed plainly after stop.
    expect(fs.existsSync(file)).toBe(false);
    expect(written).toEqual(["loading flow.ts\n"]);
  });

  it("starts the host when told to (the flow is loaded), before the run's first event", async () => {
    const messages = record();
    const tui = startTuiReporter({ bus: new EventBus(), hostPath: HOST, onQuit: () => {}, onInterrupt: () => {} });
    tui.start();
    await tui.stop();
    expect(messages()).toEqual([{ t: "init", init: { canRerun: false } }, { t: "stop" }]);
  });

  it("refuses to start without its host, naming the file and the way out", () => {
    expect(() => startTuiReporter({ bus: new EventBus(), hostPath: "/nonexistent/host.js", onQuit: () => {} })).toThrow(
      /terminal UI host \/nonexistent\/host\.js is missing.*--ui plain/,
    );
  });
});

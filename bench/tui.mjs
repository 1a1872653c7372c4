// Cost of the terminal UI for large runs: RunState.reduce per event, one redraw of the App (1,000
// and 5,000 tasks), and a simulated run with no UI, Ink on the run's thread, and the forked host.
// Usage: npm run build && node bench/tui.mjs [tasks=1000] [linesPerTask=20]
// (CAIRN_DIST=<dir>/ points at another build of the project.)
import { EventEmitter } from "node:events";
import * as fs from "node:fs";

const dist = new URL(process.env.CAIRN_DIST ?? "../dist/", import.meta.url);

// Spawning a child process forks this one, and fork costs more the bigger the process is: measure
// a spawn before and after Ink (React, the yoga layout engine) is loaded — command tasks pay it.
const { spawn } = await import("node:child_process");
const spawnCost = async () => {
  const xs = [];
  for (let i = 0; i < 60; i++) {
    const t = performance.now();
    await new Promise((r) => spawn("true", [], { stdio: "ignore" }).on("exit", r));
    xs.push(performance.now() - t);
  }
  return { ms: [...xs].sort((x, y) => x - y)[30], rssMb: process.memoryUsage().rss / 1e6 };
};
await spawnCost(); // warm-up: the first spawns of a process are slower for reasons of their own
const spawnBefore = await spawnCost();

// The reporter (no Ink in this process) and the in-process UI; InkTui first among the Ink users:
// it is what makes React load its production build, as in the TUI host.
const { startTuiReporter } = await import(new URL("src/reporters/TuiReporter.js", dist).href);
const { startInkTui } = await import(new URL("src/tui/InkTui.js", dist).href);
const RunState = await import(new URL("src/events/RunState.js", dist).href);
const { EventBus } = await import(new URL("src/events/EventBus.js", dist).href);
const { App } = await import(new URL("src/tui/App.js", dist).href);
const { render } = await import("ink");
const { createElement } = await import("react");

const tasks = Number(process.argv[2] ?? 1000);
const linesPerTask = Number(process.argv[3] ?? 20);
const RUN = "bench";
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// CPU time as well as wall time: on a loaded machine the wall clock mostly measures the neighbours.
const cpuMs = (since) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1_000;
};

/** The events of a run with `n` function tasks, `concurrency` at a time, each logging lines. */
const eventsOf = (n, concurrency = 8) => {
  const names = Array.from({ length: n }, (_, i) => `task-${i}`);
  const out = [{ type: "RunStarted", runId: RUN, at: 0, flow: "bench", flowFile: "flows/bench.ts", tasks: names.map((name) => ({ name, kind: "function", deps: [] })) }];
  for (let i = 0; i < n; i += concurrency) {
    const wave = names.slice(i, i + concurrency);
    for (const task of wave) out.push({ type: "TaskQueued", runId: RUN, at: 1, task, reason: { kind: "changed", changed: ["code"] } });
    for (const task of wave) out.push({ type: "TaskStarted", runId: RUN, at: 2, task, attempt: 1, reason: { kind: "changed", changed: ["code"] }, logFile: `.cairn/logs/${RUN}/${task}.log` });
    for (let l = 0; l < linesPerTask; l++) for (const task of wave) out.push({ type: "TaskLogged", runId: RUN, at: 3, task, stream: "stdout", line: `${task} step ${l} loss=${Math.random().toFixed(4)}` });
    for (const task of wave) out.push({ type: "TaskSucceeded", runId: RUN, at: 4, task, key: "k", durationMs: 3, attempts: 1, outputHash: "h" });
  }
  out.push({ type: "RunFinished", runId: RUN, at: 5, status: "succeeded", executed: n, cached: 0, failed: 0, cancelled: 0, skipped: 0, durationMs: 5 });
  return out;
};

const reducerCost = (n) => {
  const events = eventsOf(n);
  const samples = [];
  for (let r = 0; r < 7; r++) {
    const c = process.cpuUsage();
    let s = RunState.initialRunState();
    for (const e of events) s = RunState.reduce(s, e);
    samples.push(cpuMs(c));
  }
  const ms = median(samples);
  return { events: events.length, ms, nsPerEvent: (ms * 1e6) / events.length };
};

class NullTerminal extends EventEmitter {
  isTTY = true;
  columns = 80;
  rows = 24;
  writes = 0;
  bytes = 0;
  write = (chunk) => {
    this.writes++;
    this.bytes += chunk.length;
    return true;
  };
}
class NullStdin extends EventEmitter {
  isTTY = false;
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read() { return null; }
}

/** CPU per redraw of a live Ink instance (what the reporter's timer pays), half-way through a run. */
const frameCost = (n, columns, rows) => {
  const events = eventsOf(n);
  const s = RunState.initialRunState();
  // Stop half-way: running rows, a log tail and thousands of rows to virtualise.
  for (const e of events.slice(0, Math.floor(events.length / 2))) RunState.reduce(s, e);
  const stdout = Object.assign(new NullTerminal(), { columns, rows });
  const el = (i) => createElement(App, { state: s, version: s.version, now: i * 83, onQuit() {}, colors: true });
  const instance = render(el(0), { stdout, stdin: new NullStdin(), maxFps: 1_000, patchConsole: false, exitOnCtrlC: false });
  const samples = [];
  for (let i = 1; i <= 60; i++) {
    const c = process.cpuUsage();
    instance.rerender(el(i));
    samples.push(cpuMs(c));
  }
  instance.unmount();
  return median(samples.slice(10));
};

/** The host draws on a real file descriptor: /dev/null, as a stream object with an fd. */
const devNull = () => {
  const fd = fs.openSync("/dev/null", "r+");
  return { fd, columns: 80, rows: 24 };
};

/**
 * A run whose tasks each take `taskMs` of CPU on the main thread (function tasks run in-process),
 * publishing their events as they go. `ui`: "none"; "inprocess" (Ink on this thread); "host" (the
 * reporter as the CLI uses it: Ink in a forked host process). Start-up is measured separately.
 */
const simulatedRun = async (ui, taskMs = 2) => {
  const bus = new EventBus();
  const events = eventsOf(tasks, 1);
  const stdout = new NullTerminal();
  const s0 = performance.now();
  let tui = null;
  if (ui === "inprocess") {
    const ink = startInkTui({ stdout, stdin: new NullStdin(), onQuit() {}, onInterrupt() {}, colors: true, patchConsole: false });
    bus.subscribe((e) => ink.fold(e));
    tui = ink;
  } else if (ui === "host") {
    const term = devNull();
    tui = startTuiReporter({ bus, stdout: term, stdin: term, onQuit() {}, onInterrupt() {}, colors: true });
  }
  const startupMs = performance.now() - s0;
  // The host boots (node, Ink, React: ≈0.5 s of its own CPU) while the CLI loads the flow; give it
  // that time here too, so the run below measures the steady state.
  if (ui === "host") await new Promise((r) => setTimeout(r, 1_500));
  let seen = 0;
  bus.subscribe(() => seen++);
  const t = performance.now();
  const c = process.cpuUsage();
  for (const e of events) {
    if (e.type === "TaskStarted") {
      const until = performance.now() + taskMs;
      while (performance.now() < until);
    }
    bus.publish(e);
    if (e.type === "TaskSucceeded") await new Promise((r) => setImmediate(r));
  }
  const ms = performance.now() - t;
  const cpu = cpuMs(c);
  if (tui) await tui.stop();
  return { ms, cpu, startupMs, seen, events: events.length, frames: stdout.writes, done: tui?.state.counts.done };
};

const fmt = (x) => x.toFixed(2);
{
  const bus = new EventBus();
  const tui = startInkTui({ stdout: new NullTerminal(), stdin: new NullStdin(), onQuit() {}, onInterrupt() {}, patchConsole: false });
  const after = await spawnCost();
  await tui.stop();
  console.log(`spawn   true: ${fmt(spawnBefore.ms)} ms at ${spawnBefore.rssMb.toFixed(0)} MB RSS, ${fmt(after.ms)} ms at ${after.rssMb.toFixed(0)} MB with Ink loaded in this process (median of 60)`);
}
for (const n of [tasks, tasks * 5]) {
  const r = reducerCost(n);
  console.log(`reduce  ${n} tasks: ${r.events} events in ${fmt(r.ms)} ms cpu (${fmt(r.nsPerEvent)} ns/event)`);
}
for (const [n, c, rws] of [[tasks, 80, 24], [tasks, 200, 60], [tasks * 5, 80, 24]]) {
  console.log(`frame   ${n} tasks at ${c}x${rws}: ${fmt(frameCost(n, c, rws))} ms cpu per redraw (median)`);
}
const runs = { none: [], inprocess: [], host: [] };
for (let r = 0; r < 3; r++) for (const ui of Object.keys(runs)) runs[ui].push(await simulatedRun(ui));
const pct = (a, b) => fmt(((a - b) / b) * 100);
const med = (ui, k) => median(runs[ui].map((r) => r[k]));
for (const ui of ["inprocess", "host"]) {
  const last = runs[ui].at(-1);
  console.log(`run     ${tasks} tasks, ${last.events} events, UI ${ui.padEnd(9)}: wall ${fmt(med("none", "ms"))} → ${fmt(med(ui, "ms"))} ms (+${pct(med(ui, "ms"), med("none", "ms"))}%), this process's cpu ${fmt(med("none", "cpu"))} → ${fmt(med(ui, "cpu"))} ms (+${pct(med(ui, "cpu"), med("none", "cpu"))}%)`);
  console.log(`        start-up ${fmt(med(ui, "startupMs"))} ms, ${last.frames} terminal writes here, ${last.seen}/${last.events} events seen, ${last.done}/${tasks} tasks done in the UI state`);
}

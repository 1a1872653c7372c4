// Cost of the terminal UI for large runs: RunState.reduce per event, one redraw of the App (1,000
// and 5,000 tasks), and a simulated run through the TuiReporter vs no reporter (wall, CPU, frames).
// Usage: npm run build && node bench/tui.mjs [tasks=1000] [linesPerTask=20]
// (CAIRN_DIST=<dir>/ points at another build of the project.)
import { EventEmitter } from "node:events";

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

// The reporter first: it is what makes React load its production build, as in the CLI.
const { startTuiReporter } = await import(new URL("src/reporters/TuiReporter.js", dist).href);
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

/**
 * A run whose tasks each take `taskMs` of CPU on the main thread (function tasks run in-process),
 * publishing their events as they go. The TUI starts before the clock: its start-up is measured
 * separately (it happens once, while the flow loads).
 */
const simulatedRun = async (withTui, taskMs = 2) => {
  const bus = new EventBus();
  const events = eventsOf(tasks, 1);
  const stdout = new NullTerminal();
  const s0 = performance.now();
  const tui = withTui ? startTuiReporter({ bus, stdout, stdin: new NullStdin(), onQuit() {}, colors: true }) : null;
  const startupMs = performance.now() - s0;
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
  const tui = startTuiReporter({ bus, stdout: new NullTerminal(), stdin: new NullStdin(), onQuit() {} });
  const after = await spawnCost();
  await tui.stop();
  console.log(`spawn   true: ${fmt(spawnBefore.ms)} ms at ${spawnBefore.rssMb.toFixed(0)} MB RSS, ${fmt(after.ms)} ms at ${after.rssMb.toFixed(0)} MB with the TUI loaded (median of 60)`);
}
for (const n of [tasks, tasks * 5]) {
  const r = reducerCost(n);
  console.log(`reduce  ${n} tasks: ${r.events} events in ${fmt(r.ms)} ms cpu (${fmt(r.nsPerEvent)} ns/event)`);
}
for (const [n, c, rws] of [[tasks, 80, 24], [tasks, 200, 60], [tasks * 5, 80, 24]]) {
  console.log(`frame   ${n} tasks at ${c}x${rws}: ${fmt(frameCost(n, c, rws))} ms cpu per redraw (median)`);
}
const base = [];
const tui = [];
let last;
for (let r = 0; r < 3; r++) {
  base.push(await simulatedRun(false));
  last = await simulatedRun(true);
  tui.push(last);
}
const pct = (a, b) => fmt(((a - b) / b) * 100);
const [bw, tw] = [median(base.map((r) => r.ms)), median(tui.map((r) => r.ms))];
const [bc, tc] = [median(base.map((r) => r.cpu)), median(tui.map((r) => r.cpu))];
console.log(`run     ${tasks} tasks, ${last.events} events: wall ${fmt(bw)} → ${fmt(tw)} ms (+${pct(tw, bw)}%), cpu ${fmt(bc)} → ${fmt(tc)} ms (+${pct(tc, bc)}%)`);
console.log(`        TUI start-up ${fmt(median(tui.map((r) => r.startupMs)))} ms, ${last.frames} terminal writes, ${last.seen}/${last.events} events seen, ${last.done}/${tasks} tasks done in the TUI state`);

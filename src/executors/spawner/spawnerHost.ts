/**
 * The spawner process: starts command tasks for the engine and streams their output back (see
 * SpawnProtocol.ts for why it exists). Each command leads its own process group, with an empty
 * stdin (a socket stdin makes bash read ~/.bashrc, taking it for an ssh session).
 *
 * It never outlives the engine: when the IPC channel closes (the engine exited or was killed),
 * every command still running is killed and the spawner exits.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { LineSplitter } from "../LineSplitter.js";
import type { FromSpawner, ToSpawner } from "./SpawnProtocol.js";

const jobs = new Map<number, ChildProcess>();

const send = (m: FromSpawner): void => {
  if (process.connected) process.send?.(m);
};

const killGroup = (child: ChildProcess, signal: NodeJS.Signals): void => {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone already
  }
};

/** Forwards a stream as complete lines, one message per chunk the command wrote. */
const forwardLines = (id: number, stream: "stdout" | "stderr", source: NodeJS.ReadableStream): void => {
  let batch: string[] = [];
  const splitter = new LineSplitter((line) => batch.push(line));
  const flush = () => {
    if (batch.length === 0) return;
    send({ t: "lines", id, stream, lines: batch });
    batch = [];
  };
  source.on("data", (chunk: Buffer) => {
    splitter.push(chunk);
    flush();
  });
  source.on("end", () => {
    splitter.end();
    flush();
  });
};

const start = (m: Extract<ToSpawner, { t: "spawn" }>): void => {
  const child = spawn(m.file, m.args as string[], { cwd: m.cwd, env: m.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  jobs.set(m.id, child);
  forwardLines(m.id, "stdout", child.stdout!);
  forwardLines(m.id, "stderr", child.stderr!);
  child.on("error", (e) => {
    jobs.delete(m.id);
    send({ t: "error", id: m.id, message: e.message });
  });
  child.on("close", (code, signal) => {
    if (!jobs.delete(m.id)) return; // already reported as an error
    // The group may hold stragglers (background jobs of the script): reap them too.
    killGroup(child, "SIGKILL");
    send({ t: "exit", id: m.id, code, signal });
  });
};

const stop = (m: Extract<ToSpawner, { t: "kill" }>): void => {
  const child = jobs.get(m.id);
  if (!child || child.exitCode !== null) return;
  killGroup(child, "SIGTERM");
  setTimeout(() => {
    if (jobs.has(m.id)) killGroup(child, "SIGKILL");
  }, m.graceMs).unref();
};

const killAllAndExit = (): never => {
  for (const child of jobs.values()) killGroup(child, "SIGKILL");
  process.exit(0);
};

process.on("message", (raw) => {
  const m = raw as ToSpawner;
  if (m.t === "spawn") start(m);
  else if (m.t === "kill") stop(m);
});
// Ctrl-C reaches the terminal's whole foreground group, this process included: the engine decides
// what an interrupt means and tells us which jobs to stop.
process.on("SIGINT", () => {});
process.on("SIGTERM", killAllAndExit);
process.on("disconnect", killAllAndExit);

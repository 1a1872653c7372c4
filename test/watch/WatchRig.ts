/**
 * Drives `cairn run --watch --ui json` as a user would: a real process, real file edits, NDJSON
 * events read as they arrive, `q` on stdin to quit. Waits are on events, never on sleeps.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { CAIRN_BIN } from "../helpers/CliRig.js";

export interface WatchEvent {
  readonly type: string;
  readonly task?: string;
  readonly [k: string]: unknown;
}

export interface WatchSession {
  readonly child: ChildProcess;
  readonly events: WatchEvent[];
  stderr(): string;
  /** Resolves with the first event at or after index `from` matching `pred`; returns its index. */
  waitFor(pred: (e: WatchEvent) => boolean, from?: number, deadlineMs?: number): Promise<number>;
  /** Index of the next event to be received. */
  mark(): number;
  quit(): Promise<number | null>;
  exited: Promise<number | null>;
}

export const startWatch = (cwd: string, args: ReadonlyArray<string> = []): WatchSession => {
  const child = spawn(process.execPath, [CAIRN_BIN, "run", "flow.ts", "--watch", "--ui", "json", ...args], { cwd, stdio: ["pipe", "pipe", "pipe"] });
  const events: WatchEvent[] = [];
  let buf = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => {
    buf += d;
    const lines = buf.split("\n");
    buf = lines.pop() ?? "";
    for (const l of lines) if (l.startsWith("{")) events.push(JSON.parse(l) as WatchEvent);
  });
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));
  const waitFor = async (pred: (e: WatchEvent) => boolean, from = 0, deadlineMs = 45_000): Promise<number> => {
    const until = Date.now() + deadlineMs;
    for (;;) {
      const i = events.findIndex((e, j) => j >= from && pred(e));
      if (i >= 0) return i;
      if (done) throw new Error(`watch exited before the awaited event; events:\n${events.map((e) => JSON.stringify(e)).join("\n")}\n${stderr}`);
      if (Date.now() > until) throw new Error(`timed out waiting; events:\n${events.map((e) => JSON.stringify(e)).join("\n")}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return {
    child,
    events,
    stderr: () => stderr,
    waitFor,
    mark: () => events.length,
    quit: async () => {
      child.stdin!.write("q\n");
      return exited;
    },
    exited,
  };
};

/** Tasks with a given terminal event type among events[from..to). */
export const tasksIn = (events: ReadonlyArray<WatchEvent>, type: string, from: number, to = events.length): string[] =>
  events.slice(from, to).filter((e) => e.type === type).map((e) => e.task!).sort();

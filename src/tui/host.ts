/**
 * The TUI host: a child process that owns the terminal and runs Ink, fed by the CLI over IPC.
 * Drawing here keeps Ink's per-frame work (layout, compositing, ≈5 ms a frame) off the CLI's event
 * loop, which schedules the tasks, and keeps Ink and React (≈40 MB) out of the process that forks
 * every command task.
 */
import { startInkTui, type InkTui } from "./InkTui.js";
import type { FromHost, ToHost } from "./HostProtocol.js";

const send = (m: FromHost): void => {
  if (process.connected) process.send?.(m);
};

let tui: InkTui | undefined;
let stopping = false;

/** Final frame, then exit: the frame stays on the terminal after the process is gone. */
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  await tui?.stop();
  process.exit(0);
};

// Ctrl-C reaches the whole foreground process group when the terminal is not in raw mode (before
// the first frame, or keys off). The CLI decides what an interrupt means and then stops us; dying
// here would lose the final frame.
process.on("SIGINT", () => {});
// The CLI is gone (crashed or killed): nobody will send "stop", so draw the last frame and leave.
process.on("disconnect", () => void stop());

process.on("message", (raw) => {
  const m = raw as ToHost;
  switch (m.t) {
    case "init":
      tui ??= startInkTui({
        stdout: process.stdout,
        stdin: process.stdin,
        fps: m.init.fps,
        colors: m.init.colors,
        logCapacity: m.init.logCapacity,
        onQuit: () => send({ t: "quit" }),
        onInterrupt: () => send({ t: "interrupt" }),
        onForceRerun: m.init.canRerun ? (task) => send({ t: "rerun", task }) : undefined,
      });
      return;
    case "events":
      for (const e of m.events) tui?.fold(e);
      return;
    case "watch":
      tui?.setWatchStatus(m.status);
      return;
    case "console":
      // Ink patches console in this process: the text lands above the UI, which is redrawn below.
      if (m.stream === "stderr") console.error(m.text);
      else console.log(m.text);
      return;
    case "stop":
      void stop();
      return;
  }
});

/**
 * The terminal UI reporter. It forks the TUI host (src/tui/host.ts), which owns the terminal and
 * runs Ink, and forwards it the run's events in batches. The CLI process itself never loads Ink or
 * React: their start-up, memory and per-frame work stay off the event loop that runs the tasks.
 */
import { fork, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { setPriority } from "node:os";
import { fileURLToPath } from "node:url";
import { format } from "node:util";
import type { EventBus } from "../events/EventBus.js";
import type { RunEvent } from "../events/RunEvent.js";
import type { WatchStatus } from "../events/RunState.js";
import type { FromHost, ToHost } from "../tui/HostProtocol.js";
import { withoutCiMarkers } from "../tui/ciEnvironment.js";
import { srcUrl } from "../srcRoot.js";

/** Events are sent at most this often: one IPC message per burst, well under a frame (83 ms). */
const BATCH_MS = 20;

export interface TuiReporterOptions {
  readonly bus: EventBus;
  /** The terminal the UI draws on (default process.stdout); handed to the host by file descriptor. */
  readonly stdout?: NodeJS.WriteStream;
  /** Where keys come from (default process.stdin); without a TTY the UI shows but takes no keys. */
  readonly stdin?: NodeJS.ReadStream;
  /** `q` was pressed. */
  readonly onQuit: () => void;
  /** `r` on a selected task (watch mode); without it the key is not offered. */
  readonly onForceRerun?: (task: string) => void;
  /**
   * Ctrl-C. Raw mode turns it into a key instead of SIGINT; the default raises SIGINT on this
   * process, so interruption takes the same path (and exit code 130) as without the TUI.
   */
  readonly onInterrupt?: () => void;
  /** Most frames per second (default 12). */
  readonly fps?: number;
  /** Colours on or off (default: off when NO_COLOR is set). */
  readonly colors?: boolean;
  /** Log lines kept per task (default 100). */
  readonly logCapacity?: number;
  /** The host script (default: the bundled src/tui/host.ts, dist/src/tui/hostBundle.js). */
  readonly hostPath?: string;
}

export interface TuiReporter {
  /** Shows what the watch loop knows; drawn with the next frame. */
  setWatchStatus(status: WatchStatus): void;
  /** Starts the UI process now instead of at the first event (or HOST_START_DELAY_MS). */
  start(): void;
  /** Sends what is left, has the host draw its final frame (failures stay on screen), waits for it. */
  stop(): Promise<void>;
}

/**
 * The host as the build ships it: src/tui/host.ts with Ink and React bundled into one file by the
 * `bundle` script. Loading ~100 ESM files of Ink and React took ≈0.45 s of CPU; the bundle, ≈0.13 s.
 */
const defaultHost = (): string => fileURLToPath(srcUrl("tui/hostBundle.js"));

/** File descriptor of a stream, for the host to inherit: a terminal cannot be sent as an object. */
const fdOf = (stream: NodeJS.WriteStream | NodeJS.ReadStream, fallback: number): number => {
  const fd = (stream as { fd?: unknown }).fd;
  return typeof fd === "number" ? fd : fallback;
};

/** The longest the host's start waits for the run's first event. */
const HOST_START_DELAY_MS = 150;

/** Niceness of the TUI host process (0 = the CLI's own priority, 19 = the lowest). */
const HOST_NICENESS = 10;

const CONSOLE_METHODS = [["log", "stdout"], ["info", "stdout"], ["debug", "stdout"], ["warn", "stderr"], ["error", "stderr"]] as const;

/**
 * Starts the terminal UI on `bus`.
 *
 * @example
 * const { startTuiReporter } = await import("../reporters/TuiReporter.js");
 * const tui = startTuiReporter({ bus, onQuit: () => controller.abort() });
 * await runFlow(...);
 * await tui.stop();
 */
export const startTuiReporter = (options: TuiReporterOptions): TuiReporter => {
  const hostPath = options.hostPath ?? defaultHost();
  if (!existsSync(hostPath)) {
    throw new Error(`The terminal UI host ${hostPath} is missing: cairn runs from its build (npm run build), or use --ui plain.`);
  }
  const onInterrupt = options.onInterrupt ?? (() => process.kill(process.pid, "SIGINT"));
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let stopping = false;
  /** Messages for a host not started yet, sent in order once it is. */
  const early: ToHost[] = [];

  // The host starts when the caller says (`start`, once the flow file is loaded), with the run's
  // first event, or after HOST_START_DELAY_MS, whichever comes first. Loading the flow — the
  // esbuild transpiler, the loader's thread — then has the machine to itself, and the host's
  // ≈0.1 s of start-up overlaps validation, hashing and task execution instead.
  const startHost = (): void => {
    if (child !== undefined || stopping) return;
    clearTimeout(startTimer);
    const c = fork(hostPath, [], {
      stdio: [fdOf(options.stdin ?? process.stdin, 0), fdOf(options.stdout ?? process.stdout, 1), "inherit", "ipc"],
      // Not the CLI's own flags (--inspect, --cpu-prof, loaders): the host is plain compiled JS.
      execArgv: [],
      // Ink draws only its last frame under CI markers; the user asked for the live UI.
      env: withoutCiMarkers(process.env),
    });
    child = c;
    // The UI must never slow the run: on a busy machine the host gets the CPU the run leaves over.
    // A frame or two late is invisible; a task slot waiting for a redraw is not.
    if (c.pid !== undefined) {
      try {
        setPriority(c.pid, HOST_NICENESS);
      } catch {
        // not permitted here (some containers): the host runs at normal priority
      }
    }
    exited = new Promise<void>((resolve) => c.once("exit", () => resolve()));
    // A send to a host that just died fails with EPIPE; the exit handler below already says so.
    c.on("error", () => {});
    c.once("exit", (code, signal) => {
      if (!stopping) process.stderr.write(`cairn: the terminal UI stopped (${signal ?? `exit code ${code}`}); the run goes on.\n`);
    });
    c.on("message", (raw) => {
      const m = raw as FromHost;
      if (m.t === "quit") options.onQuit();
      else if (m.t === "rerun") options.onForceRerun?.(m.task);
      else if (m.t === "interrupt") onInterrupt();
    });
    for (const m of early.splice(0)) c.send(m);
  };
  const startTimer = setTimeout(startHost, HOST_START_DELAY_MS);
  startTimer.unref();
  const post = (m: ToHost): void => {
    if (child === undefined) early.push(m);
    else if (child.connected) child.send(m);
  };
  post({
    t: "init",
    init: { fps: options.fps, colors: options.colors, logCapacity: options.logCapacity, canRerun: options.onForceRerun !== undefined },
  });

  let pending: RunEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    if (pending.length === 0) return;
    post({ t: "events", events: pending });
    pending = [];
  };
  // Every event is queued for the host (which folds them): none is dropped however fast they come.
  const unsubscribe = options.bus.subscribe((event) => {
    startHost();
    pending.push(event);
    if (timer === undefined) {
      timer = setTimeout(flush, BATCH_MS);
      timer.unref();
    }
  });

  // console.* in this process (say a function task's console.log) would write through the host's
  // frame; routed to the host, Ink prints it above the UI instead.
  const originals = CONSOLE_METHODS.map(([name]) => [name, console[name]] as const);
  for (const [name, stream] of CONSOLE_METHODS) {
    console[name] = (...args: unknown[]) => post({ t: "console", stream, text: format(...args) });
  }

  let stopped: Promise<void> | undefined;
  return {
    start: startHost,
    setWatchStatus(status) {
      startHost();
      post({ t: "watch", status });
    },
    stop() {
      stopped ??= (async () => {
        unsubscribe();
        clearTimeout(timer);
        flush();
        for (const [name, original] of originals) console[name] = original;
        if (child === undefined) {
          // Stopped before anything happened (say the flow failed to load): no screen to draw,
          // but text printed meanwhile still reaches the terminal.
          stopping = true;
          clearTimeout(startTimer);
          for (const m of early) if (m.t === "console") (m.stream === "stdout" ? process.stdout : process.stderr).write(`${m.text}\n`);
          return;
        }
        stopping = true;
        post({ t: "stop" });
        await exited;
      })();
      return stopped;
    },
  };
};

/**
 * The Ink terminal UI running in this process: folds RunEvents into a RunState as they arrive and
 * re-renders the App on a paced timer (≤12 fps), never per event. The TUI host process runs it;
 * tests run it directly on fake terminals.
 */
// Must stay the first import: it makes react and ink, imported next, load React's production build.
import { restoreNodeEnv } from "./productionReact.js";
import { createElement } from "react";
import { render, type Instance } from "ink";
import type { RunEvent } from "../events/RunEvent.js";
import * as RunState from "../events/RunState.js";
import { App } from "./App.js";

restoreNodeEnv();

/** Share of the thread the UI aims to spend drawing. */
export const FRAME_BUDGET = 0.05;
/** Slowest redraw pace, however expensive frames get: a UI slower than 4 fps looks stuck. */
const MAX_FRAME_INTERVAL_MS = 250;

export interface InkTuiOptions {
  /** Where the UI draws; should be a TTY. */
  readonly stdout: NodeJS.WriteStream;
  /** Where keys come from; without raw mode the UI shows but takes no keys. */
  readonly stdin: NodeJS.ReadStream;
  /** `q` was pressed. */
  readonly onQuit: () => void;
  /** `r` on a selected task (watch mode); without it the key is not offered. */
  readonly onForceRerun?: (task: string) => void;
  /** Ctrl-C: raw mode turns it into a key instead of SIGINT. */
  readonly onInterrupt: () => void;
  /** Most frames per second (default 12; keys re-render at once regardless). */
  readonly fps?: number;
  /** Colours on or off (default: off when NO_COLOR is set). */
  readonly colors?: boolean;
  /** Log lines kept per task (default 100). */
  readonly logCapacity?: number;
  /** The clock (tests pass a fixed one). */
  readonly now?: () => number;
  /** Route console.* above the UI instead of through it (Ink's patchConsole; default true). */
  readonly patchConsole?: boolean;
}

export interface InkTui {
  /** Folds one event; it shows with the next frame. */
  fold(event: RunEvent): void;
  /** Shows what the watch loop knows; drawn with the next frame. */
  setWatchStatus(status: RunState.WatchStatus): void;
  /** The state as folded so far. */
  readonly state: RunState.RunState;
  /** Draws the final frame (summary and failures stay on screen) and unmounts. */
  stop(): Promise<void>;
}

/** Mounts the App and starts the paced redraw timer. */
export const startInkTui = (options: InkTuiOptions): InkTui => {
  const fps = options.fps ?? 12;
  const now = options.now ?? Date.now;
  let state = RunState.initialRunState({ logCapacity: options.logCapacity ?? 100 });

  const frame = (final: boolean) =>
    createElement(App, {
      state, version: state.version, now: now(), final, onQuit: options.onQuit,
      onForceRerun: options.onForceRerun, onInterrupt: options.onInterrupt, colors: options.colors,
    });

  const instance: Instance = render(frame(false), {
    stdout: options.stdout,
    stdin: options.stdin,
    exitOnCtrlC: false,
    patchConsole: options.patchConsole ?? true,
    // Our timer paces frames; Ink's own throttle only has to keep key repeats in check.
    maxFps: 60,
  });

  let drawnVersion = state.version;
  // The clock moves the picture only while a run is going (spinner, elapsed times); an idle watch
  // session between runs redraws nothing until an event or a watch update arrives.
  const clockMatters = () => state.startedAt !== null && state.finished === null;
  // Ink re-lays out and re-composites the whole screen every frame (≈2–5 ms at 80×24, several
  // times that on a 200×60 terminal), so the frame rate drops when frames get expensive: the UI
  // takes about FRAME_BUDGET of its thread, but never draws less than 4 fps.
  const minInterval = 1_000 / fps;
  let frameMs = 0;
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    if (state.version !== drawnVersion || clockMatters()) {
      drawnVersion = state.version;
      // CPU time, not wall time: on a busy machine the wall clock would mostly measure the neighbours.
      const before = process.cpuUsage();
      instance.rerender(frame(false));
      const used = process.cpuUsage(before);
      const spent = (used.user + used.system) / 1_000;
      frameMs = frameMs === 0 ? spent : frameMs * 0.8 + spent * 0.2;
    }
    timer = setTimeout(tick, Math.min(MAX_FRAME_INTERVAL_MS, Math.max(minInterval, frameMs / FRAME_BUDGET)));
    timer.unref();
  };
  timer = setTimeout(tick, minInterval);
  timer.unref();

  let stopped: Promise<void> | undefined;
  return {
    fold(event) {
      state = RunState.reduce(state, event);
    },
    setWatchStatus(status) {
      state = RunState.withWatchStatus(state, status);
    },
    get state() {
      return state;
    },
    stop() {
      stopped ??= (async () => {
        clearTimeout(timer);
        instance.rerender(frame(true));
        instance.unmount();
        await instance.waitUntilExit();
      })();
      return stopped;
    },
  };
};

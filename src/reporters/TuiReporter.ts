/**
 * The glue that runs the Ink terminal UI: folds every RunEvent into a RunState as it arrives and
 * re-renders the App on a timer (≈15 fps), never per event. Loaded lazily by the CLI (Ink + React
 * cost ≈400 ms of start-up), so only this file and src/tui/ import them.
 */
import { createElement } from "react";
import { render, type Instance } from "ink";
import type { EventBus } from "../events/EventBus.js";
import * as RunState from "../events/RunState.js";
import { App } from "../tui/App.js";

export interface TuiReporterOptions {
  readonly bus: EventBus;
  /** Where the UI draws (default process.stdout); should be a TTY. */
  readonly stdout?: NodeJS.WriteStream;
  /** Where keys come from (default process.stdin); without raw mode the UI shows but takes no keys. */
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
  /** Frames per second of the re-render timer (default 15). */
  readonly fps?: number;
  /** Colours on or off (default: off when NO_COLOR is set). */
  readonly colors?: boolean;
  /** Log lines kept per task (default 100). */
  readonly logCapacity?: number;
  /** The clock (tests pass a fixed one). */
  readonly now?: () => number;
}

export interface TuiReporter {
  /** Shows what the watch loop knows; drawn with the next frame. */
  setWatchStatus(status: RunState.WatchStatus): void;
  /** The state as folded so far (read-only; for tests and the CLI's exit code). */
  readonly state: RunState.RunState;
  /** Draws the final frame (summary and failures stay on screen), unmounts, stops listening. */
  stop(): Promise<void>;
}

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
  const fps = options.fps ?? 15;
  const now = options.now ?? Date.now;
  const onInterrupt = options.onInterrupt ?? (() => process.kill(process.pid, "SIGINT"));
  let state = RunState.initialRunState({ logCapacity: options.logCapacity ?? 100 });
  // Every event is folded synchronously, so none is dropped however fast they come.
  const unsubscribe = options.bus.subscribe((event) => {
    state = RunState.reduce(state, event);
  });

  const frame = (final: boolean) =>
    createElement(App, {
      state, version: state.version, now: now(), final, onQuit: options.onQuit,
      onForceRerun: options.onForceRerun, onInterrupt, colors: options.colors,
    });

  const instance: Instance = render(frame(false), {
    stdout: options.stdout ?? process.stdout,
    stdin: options.stdin ?? process.stdin,
    exitOnCtrlC: false,
    maxFps: fps,
  });

  let drawnVersion = state.version;
  // The clock moves the picture only while a run is going (spinner, elapsed times); an idle watch
  // session between runs redraws nothing until an event or a watch update arrives.
  const clockMatters = () => state.startedAt !== null && state.finished === null;
  const timer = setInterval(() => {
    if (state.version === drawnVersion && !clockMatters()) return;
    drawnVersion = state.version;
    instance.rerender(frame(false));
  }, Math.max(1, Math.round(1_000 / fps)));
  timer.unref();

  let stopped: Promise<void> | undefined;
  return {
    setWatchStatus(status) {
      state = RunState.withWatchStatus(state, status);
    },
    get state() {
      return state;
    },
    stop() {
      stopped ??= (async () => {
        clearInterval(timer);
        unsubscribe();
        instance.rerender(frame(true));
        instance.unmount();
        await instance.waitUntilExit();
      })();
      return stopped;
    },
  };
};

/**
 * Messages between the CLI process and the TUI host process (src/tui/host.ts), over Node's IPC
 * channel. Kept free of Ink and React so the CLI can import it without loading them.
 */
import type { RunEvent } from "../events/RunEvent.js";
import type { WatchStatus } from "../events/RunState.js";

/** What the host needs before its first frame. */
export interface HostInit {
  readonly fps?: number;
  readonly colors?: boolean;
  readonly logCapacity?: number;
  /** Offer `r` (the CLI has a force-rerun handler). */
  readonly canRerun: boolean;
}

/** CLI → host. Events come in batches: one IPC message per burst, not per event. */
export type ToHost =
  | { readonly t: "init"; readonly init: HostInit }
  | { readonly t: "events"; readonly events: ReadonlyArray<RunEvent> }
  | { readonly t: "watch"; readonly status: WatchStatus }
  /** Text the CLI process printed with console.*: the host prints it above the UI. */
  | { readonly t: "console"; readonly stream: "stdout" | "stderr"; readonly text: string }
  /** Draw the final frame and exit. */
  | { readonly t: "stop" };

/** Host → CLI: the keys that concern the run. */
export type FromHost =
  | { readonly t: "quit" }
  | { readonly t: "rerun"; readonly task: string }
  | { readonly t: "interrupt" };

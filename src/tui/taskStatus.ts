/**
 * How a task's status looks on screen: its symbol (a spinner while running), its label with
 * attempts, the duration cell and the "why" cell of a task row.
 */
import type { TaskCancelled } from "../events/RunEvent.js";
import type { TaskRowState, TaskStatus } from "../events/RunState.js";
import { formatDuration, shortId } from "./format.js";
import { reasonLabel } from "./reasonLabel.js";

/** Braille spinner; the frame is derived from the clock, so a render is a pure function of `now`. */
export const SPINNER_FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"] as const;
const SPINNER_INTERVAL_MS = 80;

const symbols: Record<Exclude<TaskStatus, "running">, string> = {
  pending: "·",
  queued: "○",
  retrying: "↻",
  cached: "◆",
  succeeded: "✔",
  failed: "✖",
  cancelled: "⊘",
  skipped: "↷",
};

/** One-column symbol for a status; distinct for every status so it reads without colour. */
export const statusSymbol = (status: TaskStatus, now: number): string =>
  status === "running"
    ? SPINNER_FRAMES[Math.floor(now / SPINNER_INTERVAL_MS) % SPINNER_FRAMES.length]!
    : symbols[status];

/** "running", "running 2/3", "retrying 2/3" (the attempt that comes next), "failed", … */
export const statusLabel = (row: TaskRowState): string => {
  const of = row.maxAttempts !== null ? `/${row.maxAttempts}` : "";
  if (row.status === "retrying") return `retrying ${row.attempt + 1}${of}`;
  if (row.status === "running" && row.attempt > 1) return `running ${row.attempt}${of}`;
  return row.status;
};

/** Elapsed time while the task runs, its final duration once it ended, nothing otherwise. */
export const durationCell = (row: TaskRowState, now: number): string => {
  if (row.durationMs !== null) return formatDuration(row.durationMs);
  if ((row.status === "running" || row.status === "retrying") && row.startedAt !== null) {
    return formatDuration(now - row.startedAt);
  }
  return "";
};

const cancelLabels: Record<TaskCancelled["reason"], string> = {
  interrupted: "interrupted",
  "fail-fast": "fail-fast",
  "upstream-failed": "upstream failed",
  "watch-invalidated": "file changed",
};

/**
 * The last cell of a row: why it ran (the RunReason) for tasks that run, where the outputs came
 * from for cached ones, the error for failed ones, why it was cancelled or skipped.
 */
export const whyCell = (row: TaskRowState): string => {
  switch (row.status) {
    case "failed":
      return row.error?.message.split("\n", 1)[0] ?? "failed";
    case "retrying":
      return row.retryError?.split("\n", 1)[0] ?? "";
    case "cached":
      return row.fromRun !== null ? `from ${shortId(row.fromRun)}` : "";
    case "cancelled":
      return row.cancelReason !== null ? cancelLabels[row.cancelReason] : "";
    case "skipped":
      return row.skipReason ?? "";
    case "pending":
    case "queued":
    case "running":
    case "succeeded":
      return row.reason !== null ? reasonLabel(row.reason) : "";
  }
};

/**
 * Small text formatters shared by the TUI components: durations, clock times, short ids.
 */

/** "850ms", "12.3s", "4m05s", "2h03m": short enough for an 8-column duration cell. */
export const formatDuration = (ms: number): string => {
  if (!Number.isFinite(ms) || ms < 0) return "";
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)}s`;
  const totalS = Math.floor(ms / 1_000);
  if (totalS < 3_600) return `${Math.floor(totalS / 60)}m${String(totalS % 60).padStart(2, "0")}s`;
  const totalM = Math.floor(totalS / 60);
  return `${Math.floor(totalM / 60)}h${String(totalM % 60).padStart(2, "0")}m`;
};

/** "14:03:27" in local time: when the last watched change happened. */
export const formatClock = (at: number): string => {
  const d = new Date(at);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
};

/** Run ids are long; the first 12 characters are enough to tell runs apart on screen. */
export const shortId = (id: string): string => (id.length > 12 ? `${id.slice(0, 12)}…` : id);

// eslint-disable-next-line no-control-regex
const SGR = /\u001B\[[\d;:]*m/g;

/**
 * A log or message line made safe for a one-line cell: newlines become " ↵ " (a wrapped line would
 * break the screen's height budget), a carriage-return progress bar shows its last state as the
 * terminal would, tabs become spaces, and the tool's own colours go when colours are off.
 */
export const oneLine = (text: string, keepColors: boolean): string => {
  const flat = text
    .replace(/\r\n/g, "\n")
    .split("\n")
    .map((segment) => {
      const states = segment.split("\r").filter((s) => s !== "");
      return states[states.length - 1] ?? "";
    })
    .join(" ↵ ")
    .replace(/\t/g, "  ");
  return keepColors ? flat : flat.replace(SGR, "");
};

/** Human durations in task specs: `timeout: "20 minutes"`, `"90s"`, `1500` (ms). */

export type DurationInput = number | string;

const UNITS: Record<string, number> = {
  ms: 1, millis: 1, millisecond: 1, milliseconds: 1,
  s: 1000, sec: 1000, secs: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, mins: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hr: 3_600_000, hour: 3_600_000, hours: 3_600_000,
};

/** Parses a duration to milliseconds, or returns an error text explaining the accepted forms. */
export const parseDuration = (d: DurationInput): number | { error: string } => {
  if (typeof d === "number") return Number.isFinite(d) && d >= 0 ? d : { error: `${d} is not a non-negative number of milliseconds` };
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(d);
  const unit = m ? (m[2] || "ms").toLowerCase() : "";
  if (!m || UNITS[unit] === undefined) {
    return { error: `"${d}" is not a duration; write e.g. 1500, "90s", "20 minutes" or "2h"` };
  }
  return Number(m[1]) * UNITS[unit]!;
};

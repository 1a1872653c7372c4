/**
 * Plain-text rendering shared by the tracking commands: aligned tables and value formatting
 * (times, durations, metric values). No colours: output is often piped or diffed.
 */

/** Renders rows as left-aligned columns separated by two spaces; numeric-looking cells align right. */
export const renderTable = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^[-+]?[\d.]+(e[-+]?\d+)?%?$|^-$|^$/.test(r[i] ?? "")));
  const line = (cells: ReadonlyArray<string>, isHeader: boolean): string =>
    cells
      .map((c, i) => (numeric[i] && !isHeader ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header, true), ...rows.map((r) => line(r, false))].join("\n") + "\n";
};

/** A metric value: integers as-is, others with up to 4 significant decimals. */
export const formatNumber = (v: number | null | undefined): string => {
  if (v === null || v === undefined) return "-";
  if (Number.isInteger(v)) return String(v);
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e9)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
};

/** A signed delta, e.g. `+0.021` or `-3`. */
export const formatDelta = (d: number | null): string => (d === null ? "" : d === 0 ? "±0" : (d > 0 ? "+" : "") + formatNumber(d));

/** Local wall-clock time `YYYY-MM-DD HH:MM:SS`. */
export const formatTime = (ms: number | null | undefined): string => {
  if (ms === null || ms === undefined) return "-";
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
};

/** A duration: `850ms`, `12.3s`, `4m05s`, `2h10m`. */
export const formatDuration = (ms: number | null | undefined): string => {
  if (ms === null || ms === undefined) return "-";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
};

/** A param value as text: strings bare, everything else as JSON. */
export const formatValue = (v: unknown): string => (v === undefined ? "-" : typeof v === "string" ? v : JSON.stringify(v));

/** The first 12 characters of a hash, enough to tell versions apart on screen. */
export const shortHash = (h: string | null | undefined): string => (h ? h.slice(0, 12) : "-");

/** ISO-8601 for JSON output, or null. */
export const isoTime = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

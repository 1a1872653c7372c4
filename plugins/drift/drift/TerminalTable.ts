/** The drift verdicts as a plain-text table for the task log and the run summary. */
import type { DriftReport } from "./ComputeDrift.js";

const fmt = (x: number | undefined): string =>
  x === undefined ? "-" : x === 0 ? "0" : Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5 ? x.toExponential(2) : x.toFixed(4);

/**
 * Renders one row per feature (feature, test, statistic, p-value, threshold, verdict) and a summary line.
 *
 * @example
 * terminalTable(report).forEach((line) => ctx.log(line));
 */
export const terminalTable = (report: DriftReport): string[] => {
  const header = ["feature", "test", "statistic", "p-value", "threshold", "drift"];
  const rows = Object.entries(report.features).map(([name, f]) => [
    name, f.test, fmt(f.statistic), fmt(f.adjustedPValue ?? f.pValue), fmt(f.threshold), f.drifted ? "DRIFT" : "ok",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [
    line(header),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...rows.map(line),
    `${report.driftedFeatures.length}/${rows.length} features drifted (share ${report.driftedShare.toFixed(3)}): ${report.drifted ? "DATASET DRIFT" : "no dataset drift"}`,
  ];
};

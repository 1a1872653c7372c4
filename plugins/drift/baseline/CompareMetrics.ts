/**
 * Compares a new model's metrics with a baseline's and flags degradation. Pure; the task in
 * tasks/CompareToBaseline.ts wires it to an upstream metrics value and a baseline source.
 */
import { TaggedError } from "../../../src/index.js";

/** How each compared metric fared. */
export interface MetricComparison {
  readonly current: number;
  readonly baseline: number;
  /** How much worse the current value is (positive = worse), absolute or relative per options. */
  readonly drop: number;
  readonly maxDrop: number;
  readonly degraded: boolean;
}

/** The report of a baseline comparison. */
export interface BaselineReport {
  readonly metrics: Readonly<Record<string, MetricComparison>>;
  readonly degradedMetrics: ReadonlyArray<string>;
  readonly degraded: boolean;
  readonly baselineSource: string;
}

/** Options of {@link compareMetrics}. */
export interface CompareOptions {
  /** Largest allowed drop, for every metric or per metric (default 0.05). */
  readonly maxDrop?: number | Readonly<Record<string, number>>;
  /** "absolute" (default): drop = baseline − current. "relative": divided by |baseline|. */
  readonly dropIs?: "absolute" | "relative";
  /** Metrics where smaller is better (losses, errors): their drop is current − baseline. */
  readonly lowerIsBetter?: ReadonlyArray<string>;
}

/** Default largest allowed drop: 0.05, i.e. five points of accuracy or F1. */
export const DEFAULT_MAX_DROP = 0.05;

/** The comparison cannot be made (metric missing on one side, not a number, no baseline). */
export class BaselineComparisonError extends TaggedError("BaselineComparisonError")<{
  readonly task: string;
  readonly problems: ReadonlyArray<string>;
}> {
  override get message(): string {
    return `compareToBaseline("${this.task}"): cannot compare\n${this.problems.map((p) => `  - ${p}`).join("\n")}`;
  }
}

/**
 * Flattens nested numeric fields into dot paths, so a classificationReport value can be compared
 * directly: { f1: { weighted: 0.91 } } → { "f1.weighted": 0.91 }.
 */
export const flattenMetrics = (value: unknown, prefix = "", out: Record<string, number> = {}): Record<string, number> => {
  if (typeof value === "number") out[prefix] = value;
  else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flattenMetrics(v, prefix === "" ? k : `${prefix}.${k}`, out);
  }
  return out;
};

/**
 * Compares every metric named in `baseline` with the current value.
 *
 * @example
 * compareMetrics("gate", { accuracy: 0.91 }, { accuracy: 0.95 }, "given", { maxDrop: 0.02 }).degraded // true
 */
export const compareMetrics = (
  task: string,
  current: Readonly<Record<string, number>>,
  baseline: Readonly<Record<string, number>>,
  baselineSource: string,
  options: CompareOptions = {},
): BaselineReport => {
  const problems: string[] = [];
  const lower = new Set(options.lowerIsBetter ?? []);
  const metrics: Record<string, MetricComparison> = {};
  const names = Object.keys(baseline);
  if (names.length === 0) problems.push("the baseline names no metrics");
  for (const name of names) {
    const b = baseline[name];
    const c = current[name];
    if (typeof b !== "number" || !Number.isFinite(b)) problems.push(`baseline metric "${name}" is ${JSON.stringify(b)}, not a finite number`);
    if (c === undefined) problems.push(`the new model reports no metric "${name}" (it has: ${Object.keys(current).join(", ") || "none"})`);
    else if (!Number.isFinite(c)) problems.push(`metric "${name}" of the new model is ${c}`);
    if (problems.length > 0) continue;
    const maxDrop = typeof options.maxDrop === "number" ? options.maxDrop : options.maxDrop?.[name] ?? DEFAULT_MAX_DROP;
    let drop = lower.has(name) ? c! - b! : b! - c!;
    if (options.dropIs === "relative") drop = b === 0 ? (drop > 0 ? Infinity : 0) : drop / Math.abs(b!);
    metrics[name] = { current: c!, baseline: b!, drop, maxDrop, degraded: drop > maxDrop };
  }
  if (problems.length > 0) throw new BaselineComparisonError({ task, problems });
  const degradedMetrics = names.filter((n) => metrics[n]!.degraded);
  return { metrics, degradedMetrics, degraded: degradedMetrics.length > 0, baselineSource };
};

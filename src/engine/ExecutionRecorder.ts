/** Collects what a task reports while it runs: metrics, tags, named artifacts, model registrations. */
import type { MetricPoint } from "../lineage/LineageStore.js";

export interface ModelRegistration {
  readonly name: string;
  /** A path (absolute, or relative to outDir) of a file the task wrote, or a JSON value. */
  readonly valueOrPath: unknown;
  readonly metrics: Record<string, number>;
}

export class ExecutionRecorder {
  readonly metrics: MetricPoint[] = [];
  readonly tags: Record<string, string> = {};
  readonly artifacts: { name: string; path: string }[] = [];
  readonly models: ModelRegistration[] = [];

  constructor(private readonly onMetric: (m: MetricPoint) => void = () => {}) {}

  metric(name: string, value: number, step?: number): void {
    if (typeof name !== "string" || name.length === 0) throw new TypeError(`ctx.metric: the metric name must be a non-empty string`);
    if (typeof value !== "number" || !Number.isFinite(value)) throw new TypeError(`ctx.metric("${name}", …): the value must be a finite number, got ${String(value)}`);
    const m: MetricPoint = { name, value, step: step === undefined ? null : step, at: Date.now() };
    this.metrics.push(m);
    this.onMetric(m);
  }

  tag(key: string, value: string): void {
    this.tags[String(key)] = String(value);
  }

  artifact(name: string, path: string): void {
    this.artifacts.push({ name, path });
  }

  registerModel(name: string, valueOrPath: unknown, options?: { metrics?: Record<string, number> }): void {
    if (typeof name !== "string" || !/^[A-Za-z0-9_.-]+$/.test(name)) throw new TypeError(`ctx.registerModel: model name ${JSON.stringify(name)} must use letters, digits, "_", "-" or "."`);
    this.models.push({ name, valueOrPath, metrics: { ...(options?.metrics ?? {}) } });
  }
}

/**
 * Parses metric lines a command prints: `cairn:metric <name>=<value> [step=<n>]`. Lets scripts
 * report progress live without writing a file.
 */
export const parseMetricLine = (line: string): { name: string; value: number; step?: number } | undefined => {
  const m = /^cairn:metric\s+([A-Za-z0-9_.\/-]+)=(\S+)(?:\s+step=(\d+))?\s*$/.exec(line);
  if (!m) return undefined;
  const value = Number(m[2]);
  if (!Number.isFinite(value)) return undefined;
  return m[3] !== undefined ? { name: m[1]!, value, step: Number(m[3]) } : { name: m[1]!, value };
};

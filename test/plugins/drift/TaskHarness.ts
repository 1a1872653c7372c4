/**
 * Runs a plugin task's `run` function directly with a real output directory and a context that
 * records logs, metrics and artifacts. The engine's own context is exercised by the CLI test
 * (tasks/DriftFlow.test.ts); here the point is the task body's behaviour.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Task, TaskContext } from "../../../src/index.js";

export interface Harness {
  readonly outDir: string;
  readonly logs: string[];
  readonly metrics: Record<string, number>;
  readonly artifacts: Record<string, string>;
}

/** Calls `t.spec.run(args, ctx)`; returns the value (or throws what the task throws) and what it recorded. */
export const runTask = async <R>(
  t: Task<R>,
  args: Record<string, unknown>,
  registry: Readonly<Record<string, Readonly<Record<string, number>>>> = {},
): Promise<{ value: R; harness: Harness }> => {
  const harness: Harness = { outDir: mkdtempSync(join(tmpdir(), "cairn-drift-out-")), logs: [], metrics: {}, artifacts: {} };
  const ctx: TaskContext<Record<string, unknown>> = {
    taskName: t.name,
    runId: "test-run",
    attempt: 1,
    params: (t.spec.params ?? {}) as Record<string, unknown>,
    signal: new AbortController().signal,
    outDir: harness.outDir,
    tmpDir: mkdtempSync(join(tmpdir(), "cairn-drift-tmp-")),
    log: (...parts) => harness.logs.push(parts.map(String).join(" ")),
    // Reports land in the logs too, as the engine also writes them to the task's log.
    report: (title, text) => void harness.logs.push(title, ...text.split("\n")),
    metric: (name, value) => (harness.metrics[name] = value),
    tag: () => {},
    artifact: (name, path) => (harness.artifacts[name] = path),
    registerModel: () => {},
    // `registry` maps "model@ref" to that version's metrics, standing in for the lineage DB.
    modelMetrics: (name, ref = "production") => registry[`${name}@${ref}`],
  };
  const run = t.spec.run as (a: Record<string, unknown>, c: TaskContext<Record<string, unknown>>) => Promise<R>;
  const value = await run(args, ctx);
  return { value, harness };
};

/** Writes a file into a fresh temp directory and returns its path. */
export const tempFile = (name: string, text: string): string => {
  const path = join(mkdtempSync(join(tmpdir(), "cairn-drift-in-")), name);
  writeFileSync(path, text);
  return path;
};

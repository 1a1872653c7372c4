/**
 * Where a plugin task's data comes from: a declared file (`file("x.csv")`, `dir(…)`) becomes a
 * task input, an upstream task becomes a dependency. Either way `run` receives it under its key.
 */
import { isTask, type InputSpec, type Task } from "../../../src/index.js";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/** A dataset reference accepted by validate and driftCheck. */
export type DataRef = InputSpec | Task<unknown>;

/**
 * The `inputs` and `deps` of a task reading the given data refs under their keys. `after` adds
 * tasks that must succeed first (e.g. validation before a drift check) as deps `after_0`, …;
 * their values are not read, but a change in them reruns this task, which is what ordering means.
 */
export const bindData = (
  refs: Readonly<Record<string, DataRef>>,
  after: ReadonlyArray<Task<unknown>> = [],
): { inputs: Record<string, InputSpec>; deps: Record<string, Task<unknown>> } => {
  const inputs: Record<string, InputSpec> = {};
  const deps: Record<string, Task<unknown>> = {};
  after.forEach((t, i) => (deps[`after_${i}`] = t));
  for (const [key, ref] of Object.entries(refs)) {
    if (isTask(ref)) deps[key] = ref;
    else inputs[key] = ref;
  }
  return { inputs, deps };
};

/** A human label for messages: the file path or the upstream task's name. */
export const describeRef = (ref: DataRef): string =>
  isTask(ref) ? `output of task "${ref.name}"` : "path" in ref ? ref.path : ref.pattern;

/** Writes a JSON report into the task's output directory. */
export const writeJson = (outDir: string, name: string, value: unknown): string => {
  const path = join(outDir, name);
  writeFileSync(path, JSON.stringify(value, null, 2) + "\n");
  return path;
};

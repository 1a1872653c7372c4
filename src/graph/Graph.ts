/**
 * The DAG of a flow: built from task objects, validated (every problem collected), ordered
 * topologically, and narrowed to targets. Pure apart from the input-existence check, which takes
 * its file-system probe as an argument.
 */
import type { Flow } from "../dsl/Flow.js";
import { isTask, taskDeps, type Task } from "../dsl/Task.js";
import { parseDuration } from "../dsl/Duration.js";
import { canonicalJson, NotSerializableError } from "../hashing/CanonicalJson.js";
import { FlowValidationError, UnknownTaskError, type Problem } from "./GraphError.js";
import { didYouMean } from "./didYouMean.js";

export interface FlowGraph {
  readonly flow: Flow;
  readonly flowFile: string;
  /** Every task by name (targets, listed tasks, and their upstream closure). */
  readonly tasks: ReadonlyMap<string, Task<unknown>>;
  /** Task names in topological order (stable: definition order among independent tasks). */
  readonly order: ReadonlyArray<string>;
  /** Direct upstream task names, by dep key. */
  readonly deps: ReadonlyMap<string, ReadonlyArray<{ readonly key: string; readonly task: string }>>;
  /** Direct downstream task names. */
  readonly dependents: ReadonlyMap<string, ReadonlyArray<string>>;
}

/** Task names: safe in file names, log paths and the CLI. */
export const TASK_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;
/** Dep and input keys become `CAIRN_IN_<key>` environment variables. */
export const KEY_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface BuildOptions {
  /** What is wrong with a declared input path (resolved against the flow's directory), or undefined when it is fine. */
  readonly inputProblem?: (kind: "file" | "dir", path: string) => string | undefined;
}

/**
 * Builds and validates the graph. Upstream tasks that the flow does not list are included
 * automatically (a task is defined by its object, so listing it twice would only add noise).
 */
export const buildGraph = (flow: Flow, flowFile: string, options: BuildOptions = {}): FlowGraph => {
  const problems: Problem[] = [];
  const byName = new Map<string, Task<unknown>>();
  const seen = new Set<Task<unknown>>();
  const depsOf = new Map<Task<unknown>, Record<string, Task<unknown>>>();
  const roots = [...(flow.spec.tasks ?? []), ...(flow.spec.targets ?? [])];

  if (roots.length === 0) {
    problems.push({ kind: "invalid-spec", message: `the flow lists no tasks; pass flow("${flow.name}", { tasks: [...] }) or { targets: [...] }` });
  }
  if (!TASK_NAME.test(flow.name ?? "")) {
    problems.push({ kind: "invalid-name", message: `flow name ${JSON.stringify(flow.name)} is invalid; use letters, digits, "_", "-" or ".", starting with a letter` });
  }

  const visit = (t: unknown, via: string): void => {
    if (!isTask(t)) {
      problems.push({ kind: "not-a-task", message: `${via} is ${t === undefined ? "undefined" : typeof t}, not a task; pass the value returned by task(...)` });
      return;
    }
    if (seen.has(t)) return;
    seen.add(t);
    const other = byName.get(t.name);
    if (other) {
      problems.push({
        kind: "duplicate-name",
        task: t.name,
        at: t.definedAt,
        message: `two different tasks are named "${t.name}" (also defined at ${other.definedAt ?? "?"}); rename one of them`,
      });
    } else byName.set(t.name, t);
    let deps: Record<string, Task<unknown>> = {};
    try {
      deps = { ...taskDeps(t) };
    } catch (e) {
      problems.push({ kind: "invalid-spec", task: t.name, at: t.definedAt, message: `its deps function threw: ${(e as Error).message}` });
    }
    depsOf.set(t, deps);
    validateSpec(t, problems, options);
    for (const [key, d] of Object.entries(deps)) visit(d, `dep "${key}" of task "${t.name}"`);
  };
  roots.forEach((t, i) => visit(t, `entry ${i} of the flow's ${i < (flow.spec.tasks?.length ?? 0) ? "tasks" : "targets"}`));

  const deps = new Map<string, { key: string; task: string }[]>();
  const dependents = new Map<string, string[]>();
  for (const [name, t] of byName) {
    deps.set(name, Object.entries(depsOf.get(t) ?? {}).filter(([, d]) => isTask(d)).map(([key, d]) => ({ key, task: d.name })));
    dependents.set(name, []);
  }
  for (const [name, ds] of deps) for (const d of ds) dependents.get(d.task)?.push(name);

  for (const cycle of findCycles([...byName.keys()], deps)) {
    problems.push({
      kind: "cycle",
      task: cycle[0],
      message: `dependency cycle: ${[...cycle, cycle[0]].join(" -> ")} ("a -> b": a depends on b); a task cannot depend on its own output — remove one of these deps`,
    });
  }
  if (problems.length > 0) throw new FlowValidationError(flow.name, flowFile, problems);

  return { flow, flowFile, tasks: byName, order: topoOrder([...byName.keys()], deps), deps, dependents };
};

const validateSpec = (t: Task<unknown>, problems: Problem[], options: BuildOptions): void => {
  const add = (kind: Problem["kind"], message: string) => problems.push({ kind, task: t.name, at: t.definedAt, message });
  const s = t.spec as unknown as Record<string, unknown>;
  if (!TASK_NAME.test(t.name ?? "")) {
    add("invalid-name", `task name ${JSON.stringify(t.name)} is invalid; use letters, digits, "_", "-" or "." (max 128), starting with a letter or "_"`);
  }
  const hasRun = typeof s.run === "function";
  const hasCmd = typeof s.cmd === "string" || Array.isArray(s.cmd);
  if (hasRun === hasCmd) add("invalid-spec", hasRun ? `give either run (a function task) or cmd (a command task), not both` : `give run: (args, ctx) => … or cmd: "…"`);
  if (Array.isArray(s.cmd) && (s.cmd.length === 0 || s.cmd.some((x) => typeof x !== "string"))) add("invalid-spec", `cmd as an array must be a non-empty list of strings (argv)`);
  for (const key of Object.keys(taskDepsSafe(t))) if (!KEY_NAME.test(key)) add("invalid-key", `dep key "${key}" is invalid: keys become CAIRN_IN_<key> variables, so use letters, digits and "_"`);
  for (const [key, input] of Object.entries(t.inputs ?? {})) {
    if (!KEY_NAME.test(key)) add("invalid-key", `input key "${key}" is invalid: keys become CAIRN_IN_<key> variables, so use letters, digits and "_"`);
    const tag = (input as { _tag?: string })?._tag;
    if (tag !== "file" && tag !== "glob" && tag !== "dir") {
      add("invalid-spec", `input "${key}" is not file(...), glob(...) or dir(...)`);
      continue;
    }
    const problem = (tag === "file" || tag === "dir") ? options.inputProblem?.(tag, (input as { path: string }).path) : undefined;
    if (problem) add("missing-input", `input "${key}": ${problem}`);
  }
  if (s.env !== undefined && (!Array.isArray(s.env) || s.env.some((v) => typeof v !== "string" || !ENV_NAME.test(v)))) {
    add("invalid-spec", `env must be a list of environment variable names, e.g. env: ["HF_TOKEN"]`);
  }
  if (s.params !== undefined) {
    try {
      canonicalJson(s.params, "params");
    } catch (e) {
      add("invalid-spec", e instanceof NotSerializableError ? `${e.message}; params must be JSON` : String(e));
    }
  }
  if (s.timeout !== undefined) {
    const d = parseDuration(s.timeout as string | number);
    if (typeof d !== "number") add("invalid-spec", `timeout: ${d.error}`);
  }
  if (s.retry !== undefined) {
    const r = typeof s.retry === "number" ? { attempts: s.retry } : (s.retry as Record<string, unknown>);
    if (!Number.isInteger(r?.attempts) || (r.attempts as number) < 1) add("invalid-spec", `retry.attempts must be an integer ≥ 1 (it counts the first try)`);
    for (const k of ["delay", "maxDelay"] as const) {
      if (r?.[k] !== undefined) {
        const d = parseDuration(r[k] as string | number);
        if (typeof d !== "number") add("invalid-spec", `retry.${k}: ${d.error}`);
      }
    }
  }
  if (s.resources !== undefined && (typeof s.resources !== "object" || s.resources === null)) add("invalid-spec", `resources must be an object like { gpu: 1 }`);
  if (s.when !== undefined && typeof s.when !== "function") add("invalid-spec", `when must be a function (deps) => boolean`);
};

const taskDepsSafe = (t: Task<unknown>): Record<string, unknown> => {
  try {
    return taskDeps(t);
  } catch {
    return {};
  }
};

/** Every elementary cycle found by DFS (one per back edge), as task-name paths. */
const findCycles = (names: string[], deps: Map<string, { task: string }[]>): string[][] => {
  const state = new Map<string, 0 | 1 | 2>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const dfs = (n: string): void => {
    state.set(n, 1);
    stack.push(n);
    for (const d of deps.get(n) ?? []) {
      const s = state.get(d.task) ?? 0;
      if (s === 1) {
        // Each stack entry depends on the next; n depends on d, which is on the stack: loop d … n.
        const loop = stack.slice(stack.indexOf(d.task));
        cycles.push(loop);
      } else if (s === 0) dfs(d.task);
    }
    stack.pop();
    state.set(n, 2);
  };
  for (const n of names) if ((state.get(n) ?? 0) === 0) dfs(n);
  return cycles;
};

const topoOrder = (names: string[], deps: Map<string, { task: string }[]>): string[] => {
  const indeg = new Map<string, number>();
  const down = new Map<string, string[]>();
  for (const n of names) {
    indeg.set(n, 0);
    down.set(n, []);
  }
  for (const n of names) {
    for (const d of deps.get(n) ?? []) {
      indeg.set(n, indeg.get(n)! + 1);
      down.get(d.task)!.push(n);
    }
  }
  const ready = names.filter((n) => indeg.get(n) === 0);
  const out: string[] = [];
  for (let i = 0; i < ready.length; i++) {
    const n = ready[i]!;
    out.push(n);
    for (const m of down.get(n)!) {
      indeg.set(m, indeg.get(m)! - 1);
      if (indeg.get(m) === 0) ready.push(m);
    }
  }
  return out;
};

/** Narrows the graph to `targets` and their upstream closure; unknown names get suggestions. */
export const selectTargets = (g: FlowGraph, targets: ReadonlyArray<string>): FlowGraph => {
  if (targets.length === 0) return g;
  const unknown = targets.filter((t) => !g.tasks.has(t));
  if (unknown.length > 0) {
    throw new UnknownTaskError(g.flow.name, unknown.map((name) => ({ name, suggestion: didYouMean(name, g.tasks.keys()) })), g.order);
  }
  const keep = new Set<string>();
  const walk = (n: string): void => {
    if (keep.has(n)) return;
    keep.add(n);
    for (const d of g.deps.get(n) ?? []) walk(d.task);
  };
  targets.forEach(walk);
  const filter = <V>(m: ReadonlyMap<string, V>) => new Map([...m].filter(([k]) => keep.has(k)));
  return {
    ...g,
    tasks: filter(g.tasks),
    order: g.order.filter((n) => keep.has(n)),
    deps: filter(g.deps),
    dependents: new Map([...filter(g.dependents)].map(([k, v]) => [k, v.filter((x) => keep.has(x))])),
  };
};

/** Every task downstream of `names` (inclusive). */
export const downstreamOf = (g: FlowGraph, names: Iterable<string>): Set<string> => {
  const out = new Set<string>();
  const walk = (n: string): void => {
    if (out.has(n)) return;
    out.add(n);
    for (const d of g.dependents.get(n) ?? []) walk(d);
  };
  for (const n of names) walk(n);
  return out;
};

/**
 * `task(name, spec)`: a task definition as immutable data. Running it is the scheduler's job;
 * this file only describes what a task is and what its `run` function receives.
 */
import type { DurationInput } from "./Duration.js";
import type { InputSpec, OutputDir, ResolvedInput } from "./Input.js";
import type { ExecutorPlugin } from "../executors/Executor.js";

/** JSON-serializable values: what a function task may return. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Retry policy. `attempts` counts the first try: `attempts: 3` = up to 2 retries. */
export interface RetrySpec {
  readonly attempts: number;
  /** "exponential" (default): base · 2^(n-1) with full jitter; "fixed": base each time. */
  readonly backoff?: "exponential" | "fixed";
  /** First delay (default "1s"). */
  readonly delay?: DurationInput;
  /** Upper bound on any delay (default "1 minute"). */
  readonly maxDelay?: DurationInput;
}

/** Resources a task claims. Numbers are counted against pools from `--resources name=N`; executors may read the rest (e.g. Docker's `memory: "2g"`). */
export type ResourceSpec = Readonly<Record<string, number | string>>;

/** The context a function task's `run` receives as its second argument. */
export interface TaskContext<P = Record<string, unknown>> {
  readonly taskName: string;
  readonly runId: string;
  /** 1 on the first try, 2 on the first retry, … */
  readonly attempt: number;
  /** The task's declared params (also recorded in lineage). */
  readonly params: P;
  /** Fires when the task is cancelled (Ctrl-C, fail-fast, timeout, watch-mode invalidation). */
  readonly signal: AbortSignal;
  /** An empty directory; files written here become the task's file outputs. */
  readonly outDir: string;
  /** Scratch space, deleted after the task. */
  readonly tmpDir: string;
  /** Appends a line to the task's log. */
  log(...parts: unknown[]): void;
  /** Records a metric (optionally at a step, e.g. an epoch). */
  metric(name: string, value: number, step?: number): void;
  /** Publishes a report (a title and plain text, e.g. a table) shown under the run summary. */
  report(title: string, text: string): void;
  /** Records a tag on this execution (experiment tracking). */
  tag(key: string, value: string): void;
  /** Names a file output (a path inside outDir) as an artifact. */
  artifact(name: string, path: string): void;
  /** Registers a model version pointing at a value or a file in outDir. */
  registerModel(name: string, valueOrPath: unknown, options?: { metrics?: Record<string, number> }): void;
  /**
   * The metrics of a registered model version — by alias (default "production") or number —
   * or undefined when the model or that alias does not exist (e.g. nothing promoted yet).
   */
  modelMetrics(name: string, ref?: string): Readonly<Record<string, number>> | undefined;
}

/** What a dependency contributes to `run`'s first argument. */
export type DepValue<T> = T extends Task<infer R> ? R : never;
export type DepValues<D> = { readonly [K in keyof D]: DepValue<D[K]> };
export type InputValues<I> = { readonly [K in keyof I]: ResolvedInput<I[K]> };
/** `run`'s first argument: deps and inputs under their keys. */
export type RunArgs<D, I> = DepValues<D> & InputValues<I>;

/** The output type a function task exposes downstream: its value, or its files when it returns nothing. */
export type OutputOf<R> = [Awaited<R>] extends [void | undefined] ? OutputDir : Awaited<R>;

interface CommonSpec<D, I, P> {
  readonly description?: string;
  /** Upstream tasks by key; a function returning them allows forward references. */
  readonly deps?: D | (() => D);
  readonly inputs?: I;
  readonly params?: P;
  /** Environment variables the task may read. Their values (hashed) enter the cache key; undeclared ones are not passed. */
  readonly env?: ReadonlyArray<string>;
  readonly retry?: RetrySpec | number;
  readonly timeout?: DurationInput;
  readonly resources?: ResourceSpec;
  /** `false`: always execute (still recorded in lineage). */
  readonly cache?: boolean;
  /** Replaces the code ingredient of the key: bump it to force a rerun, keep it to ignore code edits. */
  readonly version?: string;
  /** Run only when this returns true; otherwise the task (and tasks that depend only on it) are `skipped`. */
  readonly when?: (deps: DepValues<D>) => boolean;
}

export interface FunctionTaskSpec<D, I, P, R> extends CommonSpec<D, I, P> {
  readonly run: (args: RunArgs<D, I>, ctx: TaskContext<P>) => R;
  readonly cmd?: undefined;
}

export interface CommandTaskSpec<D, I, P> extends CommonSpec<D, I, P> {
  /** A string run by `sh -c`, or an argv array run directly. */
  readonly cmd: string | ReadonlyArray<string>;
  /** Script files the command runs, when they cannot be found in `cmd` (paths relative to the flow file). */
  readonly scripts?: ReadonlyArray<string>;
  /** Working directory (relative to the flow file); default: the flow file's directory. */
  readonly cwd?: string;
  /** Where the command runs; default: a local child process. */
  readonly executor?: ExecutorPlugin;
  readonly run?: undefined;
}

export type AnyTaskSpec = FunctionTaskSpec<any, any, any, any> | CommandTaskSpec<any, any, any>;

/** A task definition. `R` is the value downstream tasks receive. */
export interface Task<R = unknown> {
  readonly _tag: "Task";
  readonly name: string;
  readonly kind: "function" | "command";
  readonly spec: AnyTaskSpec;
  readonly inputs: Readonly<Record<string, InputSpec>>;
  /** Where `task()` was called (file:line), for error messages. */
  readonly definedAt: string | undefined;
  /** Phantom: the output type. */
  readonly __output?: R;
}

/**
 * Turns a captured stack into the caller's file:line, so validation errors can point at the
 * definition. Formatting a stack (with source maps) costs ~20 µs: it is only done when an error
 * message needs it, from an Error captured (cheaply) at definition time.
 */
const callerLocation = (captured: Error): string | undefined => {
  const stack = captured.stack?.split("\n") ?? [];
  const frame = stack.slice(2).find((l) => !l.includes("/dsl/") && !l.includes("node:internal"));
  const m = frame ? /\(?((?:file:\/\/)?[^()\s]+:\d+):\d+\)?$/.exec(frame.trim()) : null;
  return m?.[1]?.replace(/^file:\/\//, "").replace(/\?v=\d+/, "");
};

/**
 * Defines a task. Function tasks pass `run`; command tasks pass `cmd`.
 *
 * @example
 * const raw = task("extract", {
 *   inputs: { csv: file("data/churn.csv") },
 *   run: async ({ csv }) => parseCsv(await csv.text()),
 * });
 * const train = task("train", { deps: { raw }, cmd: "python train.py --in $CAIRN_IN_raw --out $CAIRN_OUT" });
 */
export function task<
  R,
  const D extends Record<string, Task<any>> = {},
  const I extends Record<string, InputSpec> = {},
  const P extends Record<string, unknown> = {},
>(name: string, spec: FunctionTaskSpec<D, I, P, R>): Task<OutputOf<R>>;
export function task<
  const D extends Record<string, Task<any>> = {},
  const I extends Record<string, InputSpec> = {},
  const P extends Record<string, unknown> = {},
>(name: string, spec: CommandTaskSpec<D, I, P>): Task<OutputDir>;
export function task(name: string, spec: AnyTaskSpec): Task<unknown> {
  // Structural problems are collected by graph validation, not thrown here, so a flow with
  // several mistakes reports all of them at once.
  const kind = typeof spec?.run === "function" ? "function" : "command";
  const captured = new Error();
  let location: string | undefined | null = null;
  return Object.freeze({
    _tag: "Task" as const,
    name,
    kind,
    spec: Object.freeze({ ...spec }),
    inputs: Object.freeze({ ...(spec?.inputs ?? {}) }),
    get definedAt() {
      if (location === null) location = callerLocation(captured);
      return location;
    },
  });
}

export const isTask = (x: unknown): x is Task<unknown> =>
  typeof x === "object" && x !== null && (x as { _tag?: unknown })._tag === "Task";

/** The task's upstream tasks by key (evaluating a `deps` thunk). */
export const taskDeps = (t: Task<unknown>): Readonly<Record<string, Task<unknown>>> => {
  const d = t.spec.deps as unknown;
  const resolved = typeof d === "function" ? (d as () => unknown)() : d;
  return (resolved ?? {}) as Record<string, Task<unknown>>;
};

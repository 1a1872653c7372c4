/**
 * Failures of a task's own work, as tagged errors whose messages name the flow, task and fix.
 * User code is caught at exactly one boundary (the executors) and wrapped here.
 */

/** A function task threw. `userStack` keeps only the user's own frames. */
export class TaskCodeError extends Error {
  readonly _tag = "TaskCodeError";
  /** `causeTag`: the tag of the error the user's code threw, when it threw a tagged one. */
  constructor(readonly task: string, readonly causeMessage: string, readonly userStack: string, readonly causeTag?: string) {
    super(`task "${task}" threw: ${causeMessage}${userStack ? `\n${userStack}` : ""}`);
  }
}

/** A function task returned something JSON cannot represent. */
export class TaskOutputError extends Error {
  readonly _tag = "TaskOutputError";
  readonly retryable = false;
  constructor(readonly task: string, readonly path: string, readonly kind: string) {
    super(`task "${task}" returned a value that is not JSON-serializable: ${path} is ${kind}. Return plain data (objects, arrays, strings, numbers, booleans, null), or write files into ctx.outDir.`);
  }
}

/** A command task exited non-zero (or was killed by a signal). */
export class CommandExitError extends Error {
  readonly _tag = "CommandExitError";
  constructor(readonly task: string, readonly exitCode: number | null, readonly signal: string | null, readonly tail: ReadonlyArray<string>) {
    super(
      `task "${task}": command ${exitCode !== null ? `exited with code ${exitCode}` : `was killed by ${signal ?? "a signal"}`}` +
        (tail.length ? `; last output:\n${tail.map((l) => `    ${l}`).join("\n")}` : " (it printed nothing)"),
    );
  }
}

/** A task ran past its `timeout`. */
export class TaskTimeoutError extends Error {
  readonly _tag = "TaskTimeoutError";
  constructor(readonly task: string, readonly timeoutMs: number) {
    super(`task "${task}" timed out after ${formatMs(timeoutMs)} and was stopped; raise its timeout or make it faster.`);
  }
}

/** A command task's metrics file is not valid. */
export class MetricsFileError extends Error {
  readonly _tag = "MetricsFileError";
  readonly retryable = false;
  constructor(readonly task: string, readonly file: string, detail: string) {
    super(`task "${task}": ${file} is not a valid metrics file (${detail}). Write a JSON object of numbers, e.g. {"accuracy": 0.93}, or {"loss": [{"step": 1, "value": 0.5}]}. The task's other outputs were recorded.`);
  }
}

/** The task was stopped because the run was cancelled; not a failure of its own. */
export class TaskInterruptedError extends Error {
  readonly _tag = "TaskInterruptedError";
  constructor(readonly task: string) {
    super(`task "${task}" was cancelled`);
  }
}

/** Watch mode stopped the task because a file it depends on changed; it reruns in the next cycle. */
export class TaskInvalidatedError extends Error {
  readonly _tag = "TaskInvalidatedError";
  readonly retryable = false;
  constructor(readonly task: string) {
    super(`task "${task}" was stopped: a file it depends on changed while it ran`);
  }
}

export const formatMs = (ms: number): string =>
  ms < 1000 ? `${Math.round(ms)} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;

/** Keeps the frames of a user error that point at user files (not cairn, node internals or node_modules). */
export const userFrames = (e: unknown): string => {
  const stack = e instanceof Error ? e.stack ?? "" : "";
  return stack
    .split("\n")
    .filter((l) => /^\s+at /.test(l))
    .filter((l) => !/node:internal|node_modules|\/dist\/src\/|\/src\/(engine|executors|scheduler)\//.test(l))
    .map((l) => l.replace(/file:\/\//, "").replace(/\?v=\d+/, ""))
    .slice(0, 8)
    .join("\n");
};

/** The tag events report: a tagged error thrown by user or plugin code keeps its own tag. */
export const errorTag = (e: unknown): string =>
  (e as { causeTag?: string })?.causeTag ?? (e as { _tag?: string })?._tag ?? (e instanceof Error ? e.name : "Error");
export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

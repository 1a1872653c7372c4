/**
 * The one event stream of a run. The scheduler publishes these past-tense facts; the lineage
 * writer, reporters, TUI and metrics consume them. Serialised as-is by `--json` (docs/events.md).
 */

/** Why a task executes instead of being restored from cache. */
export interface RunReason {
  /**
   * "new": never succeeded with this task name; "changed": key ingredients differ (see `changed`);
   * "forced": `--force`; "no-cache": `cache: false`; "heal": cached outputs missing or corrupt;
   */
  readonly kind: "new" | "changed" | "forced" | "no-cache" | "heal";
  /** Changed ingredients: "code", "params", "inputs", "deps", "env", "executor", "dependencies", "keyVersion". */
  readonly changed?: ReadonlyArray<string>;
  /** One human line, e.g. "input data/churn.csv changed". */
  readonly detail?: string;
}

interface Base {
  readonly runId: string;
  /** Milliseconds since the epoch. */
  readonly at: number;
}
interface TaskBase extends Base {
  readonly task: string;
}

export interface RunStarted extends Base {
  readonly type: "RunStarted";
  readonly flow: string;
  readonly flowFile: string;
  /** Every task of this run in topological order, with its direct deps. */
  readonly tasks: ReadonlyArray<{ readonly name: string; readonly kind: "function" | "command"; readonly deps: ReadonlyArray<string> }>;
  readonly watch?: { readonly rerun: number; readonly changed: ReadonlyArray<string> };
}
export interface TaskQueued extends TaskBase {
  readonly type: "TaskQueued";
  readonly reason: RunReason;
}
export interface TaskStarted extends TaskBase {
  readonly type: "TaskStarted";
  readonly attempt: number;
  readonly reason: RunReason;
  readonly logFile: string;
}
export interface TaskLogged extends TaskBase {
  readonly type: "TaskLogged";
  readonly stream: "stdout" | "stderr" | "log";
  readonly line: string;
}
export interface TaskMetricLogged extends TaskBase {
  readonly type: "TaskMetricLogged";
  readonly name: string;
  readonly value: number;
  readonly step: number | null;
}
export interface TaskRetrying extends TaskBase {
  readonly type: "TaskRetrying";
  /** The attempt that failed. */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly delayMs: number;
  readonly error: string;
}
export interface TaskCached extends TaskBase {
  readonly type: "TaskCached";
  readonly key: string;
  /** The run whose execution produced the restored outputs. */
  readonly fromRun: string;
}
export interface TaskSucceeded extends TaskBase {
  readonly type: "TaskSucceeded";
  readonly key: string;
  readonly durationMs: number;
  readonly attempts: number;
  readonly outputHash: string;
}
export interface TaskFailed extends TaskBase {
  readonly type: "TaskFailed";
  /** The error's tag, e.g. "TaskCodeError", "CommandExitError", "TaskTimeoutError". */
  readonly error: string;
  readonly message: string;
  readonly durationMs: number;
  readonly attempts: number;
  /** Last log lines of the task (for the failure view). */
  readonly tail: ReadonlyArray<string>;
}
export interface TaskCancelled extends TaskBase {
  readonly type: "TaskCancelled";
  /** "interrupted" (Ctrl-C/SIGTERM), "fail-fast", "upstream-failed", "watch-invalidated". */
  readonly reason: "interrupted" | "fail-fast" | "upstream-failed" | "watch-invalidated";
}
/** A task published a report for the run summary (e.g. the drift check's table). */
export interface TaskReported extends TaskBase {
  readonly type: "TaskReported";
  readonly title: string;
  /** Plain text, possibly several lines (a table). */
  readonly text: string;
}
export interface TaskSkipped extends TaskBase {
  readonly type: "TaskSkipped";
  /** e.g. "condition false", "upstream 'check' skipped". */
  readonly reason: string;
}
export interface RunFinished extends Base {
  readonly type: "RunFinished";
  readonly status: "succeeded" | "failed" | "cancelled";
  readonly executed: number;
  readonly cached: number;
  readonly failed: number;
  readonly cancelled: number;
  readonly skipped: number;
  readonly durationMs: number;
}

export type RunEvent =
  | RunStarted
  | TaskQueued
  | TaskStarted
  | TaskLogged
  | TaskMetricLogged
  | TaskRetrying
  | TaskCached
  | TaskSucceeded
  | TaskFailed
  | TaskCancelled
  | TaskSkipped
  | TaskReported
  | RunFinished;

export type RunEventType = RunEvent["type"];

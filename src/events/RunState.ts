/**
 * The state the terminal UI renders, folded from the RunEvent stream by `reduce`, plus the watch
 * status the watch loop sets with `withWatchStatus` (watch status is not a RunEvent).
 */
import { LogRing, type ReadonlyLogRing } from "./LogRing.js";
import type { RunEvent, RunReason, RunStarted, TaskCancelled } from "./RunEvent.js";

/**
 * A task's place in a run. `pending`: declared by RunStarted, not yet queued.
 *
 *   pending ─► queued ─► running ─► succeeded
 *      │          │        │  ▲  └─► failed
 *      │          │        ▼  │
 *      │          │      retrying
 *      └──────────┴─► cached | cancelled | skipped   (running may also end cancelled)
 */
export type TaskStatus =
  | "pending"
  | "queued"
  | "running"
  | "retrying"
  | "cached"
  | "succeeded"
  | "failed"
  | "cancelled"
  | "skipped";

/** Every status, in the order the UI groups them. */
export const TASK_STATUSES: ReadonlyArray<TaskStatus> = [
  "running", "failed", "retrying", "queued", "pending", "succeeded", "cached", "cancelled", "skipped",
];

/** Statuses a task never leaves within one run. */
export const isTerminal = (s: TaskStatus): boolean =>
  s === "cached" || s === "succeeded" || s === "failed" || s === "cancelled" || s === "skipped";

/** Why a task failed, as TaskFailed reported it. */
export interface TaskError {
  /** The error's tag, e.g. "CommandExitError". */
  readonly tag: string;
  readonly message: string;
  /** Last log lines as the scheduler reported them with TaskFailed. */
  readonly tail: ReadonlyArray<string>;
}

/** One task of the run. Only `reduce` writes these; `rev` grows on every change (cheap memo key). */
export interface TaskRowState {
  readonly name: string;
  readonly kind: "function" | "command";
  readonly deps: ReadonlyArray<string>;
  readonly status: TaskStatus;
  /** The current (or last) attempt, 1-based; 0 before the first start. */
  readonly attempt: number;
  /** Known once the task retried (TaskRetrying carries it). */
  readonly maxAttempts: number | null;
  /** When the first attempt started (ms since epoch); a running task's elapsed is `now - startedAt`. */
  readonly startedAt: number | null;
  /** Final duration as the scheduler measured it (succeeded / failed). */
  readonly durationMs: number | null;
  readonly reason: RunReason | null;
  readonly logFile: string | null;
  readonly logs: ReadonlyLogRing;
  readonly error: TaskError | null;
  /** Error of the attempt that failed before a retry. */
  readonly retryError: string | null;
  readonly cancelReason: TaskCancelled["reason"] | null;
  readonly skipReason: string | null;
  /** For cached tasks: the run that produced the restored outputs. */
  readonly fromRun: string | null;
  /** Last value of each metric the task logged. */
  readonly metrics: ReadonlyMap<string, number>;
  readonly rev: number;
}

/**
 * Counts shown in the header. `executed` = ran and succeeded in this run (not restored from
 * cache); `done` = every task in a terminal status, so `done === total` at the end.
 */
export interface RunCounts {
  readonly total: number;
  readonly done: number;
  readonly pending: number;
  readonly queued: number;
  readonly running: number;
  readonly retrying: number;
  readonly cached: number;
  readonly executed: number;
  readonly failed: number;
  readonly cancelled: number;
  readonly skipped: number;
}

/** What the watch loop reports between and during runs. */
export interface WatchStatus {
  readonly filesWatched: number;
  readonly lastChange: { readonly path: string; readonly at: number } | null;
  /** 0 for the first run, then 1, 2, … */
  readonly rerun: number;
  /** Tasks the last change invalidated. */
  readonly invalidated: ReadonlyArray<string>;
  /** Free text from the watch state machine, e.g. "waiting for changes". */
  readonly phase?: string;
  /** A problem that keeps the flow from running (e.g. a syntax error in the edited flow file). */
  readonly problem?: string;
}

/** Everything the UI shows about the current run (and the watch session around it). */
export interface RunState {
  /** Grows on every applied event and watch update: the reporter re-renders only when it moved. */
  readonly version: number;
  readonly runId: string | null;
  readonly flow: string | null;
  readonly flowFile: string | null;
  readonly startedAt: number | null;
  /** Task names in topological order (as RunStarted listed them). */
  readonly order: ReadonlyArray<string>;
  readonly rows: ReadonlyMap<string, TaskRowState>;
  /** Task names per status, in the order they entered it (running: start order). */
  readonly byStatus: Readonly<Record<TaskStatus, ReadonlySet<string>>>;
  readonly counts: RunCounts;
  readonly finished: { readonly status: "succeeded" | "failed" | "cancelled"; readonly durationMs: number; readonly at: number } | null;
  readonly watch: WatchStatus | null;
  /** Events dropped because they named another run or an undeclared task (stale watch runs). */
  readonly ignored: number;
  /** Log lines kept per task. */
  readonly logCapacity: number;
}

/** Options of `initialRunState`. */
export interface RunStateOptions {
  /** Log lines kept per task (default 100: 5,000 chatty tasks stay in tens of MB). */
  readonly logCapacity?: number;
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };
type MutableRow = Writable<Omit<TaskRowState, "logs">> & { logs: LogRing };
type MutableState = Writable<Omit<RunState, "rows" | "byStatus" | "counts">> & {
  rows: Map<string, MutableRow>;
  byStatus: Record<TaskStatus, Set<string>>;
  counts: Writable<RunCounts>;
};

const emptyByStatus = (): Record<TaskStatus, Set<string>> => ({
  pending: new Set(), queued: new Set(), running: new Set(), retrying: new Set(), cached: new Set(),
  succeeded: new Set(), failed: new Set(), cancelled: new Set(), skipped: new Set(),
});

const zeroCounts = (): Writable<RunCounts> => ({
  total: 0, done: 0, pending: 0, queued: 0, running: 0, retrying: 0, cached: 0, executed: 0, failed: 0, cancelled: 0, skipped: 0,
});

/** Which counter a status feeds (`succeeded` is shown as `executed`). */
const counterOf = (s: TaskStatus): Exclude<keyof RunCounts, "total" | "done"> => (s === "succeeded" ? "executed" : s);

/** An empty state, before RunStarted. */
export const initialRunState = (options: RunStateOptions = {}): RunState => {
  const state: MutableState = {
    version: 0, runId: null, flow: null, flowFile: null, startedAt: null, order: [], rows: new Map(),
    byStatus: emptyByStatus(), counts: zeroCounts(), finished: null, watch: null, ignored: 0,
    logCapacity: options.logCapacity ?? 100,
  };
  return state;
};

const newRow = (t: RunStarted["tasks"][number], logCapacity: number): MutableRow => ({
  name: t.name, kind: t.kind, deps: t.deps, status: "pending", attempt: 0, maxAttempts: null, startedAt: null,
  durationMs: null, reason: null, logFile: null, logs: new LogRing(logCapacity), error: null, retryError: null,
  cancelReason: null, skipReason: null, fromRun: null, metrics: new Map(), rev: 0,
});

const setStatus = (s: MutableState, row: MutableRow, next: TaskStatus): void => {
  if (row.status === next) return;
  s.byStatus[row.status].delete(row.name);
  s.byStatus[next].add(row.name);
  s.counts[counterOf(row.status)]--;
  s.counts[counterOf(next)]++;
  if (isTerminal(row.status)) s.counts.done--;
  if (isTerminal(next)) s.counts.done++;
  row.status = next;
};

const startRun = (s: MutableState, e: RunStarted): void => {
  s.runId = e.runId;
  s.flow = e.flow;
  s.flowFile = e.flowFile;
  s.startedAt = e.at;
  s.finished = null;
  s.order = e.tasks.map((t) => t.name);
  s.rows = new Map();
  s.byStatus = emptyByStatus();
  s.counts = zeroCounts();
  for (const t of e.tasks) {
    s.rows.set(t.name, newRow(t, s.logCapacity));
    s.byStatus.pending.add(t.name);
  }
  s.counts.total = s.counts.pending = s.rows.size;
  if (e.watch) s.watch = { ...(s.watch ?? { filesWatched: 0, lastChange: null, invalidated: [] }), rerun: e.watch.rerun };
};

/**
 * Folds one event into the state and returns it. The state is a mutable store: `reduce` updates
 * it in place and bumps `version` (and the task's `rev`), so every event costs O(1) — copying a
 * 5,000-row map per log line would not. Only the reporter that owns the state calls it; the UI
 * reads it between events (JavaScript is single-threaded, so a render never sees half an update).
 *
 * @example
 * let state = initialRunState();
 * bus.subscribe((e) => { state = reduce(state, e); });
 */
export const reduce = (state: RunState, event: RunEvent): RunState => {
  const s = state as MutableState;
  if (event.type === "RunStarted") {
    startRun(s, event);
    s.version++;
    return s;
  }
  if (event.runId !== s.runId) {
    s.ignored++;
    return s;
  }
  if (event.type === "RunFinished") {
    s.finished = { status: event.status, durationMs: event.durationMs, at: event.at };
    s.version++;
    return s;
  }
  const row = s.rows.get(event.task);
  if (row === undefined) {
    s.ignored++;
    return s;
  }
  switch (event.type) {
    case "TaskQueued":
      row.reason = event.reason;
      setStatus(s, row, "queued");
      break;
    case "TaskStarted":
      row.attempt = event.attempt;
      row.reason = event.reason;
      row.logFile = event.logFile;
      if (row.startedAt === null) row.startedAt = event.at;
      setStatus(s, row, "running");
      break;
    case "TaskLogged":
      row.logs.push({ stream: event.stream, line: event.line });
      break;
    case "TaskMetricLogged":
      (row.metrics as Map<string, number>).set(event.name, event.value);
      break;
    case "TaskRetrying":
      row.attempt = event.attempt;
      row.maxAttempts = event.maxAttempts;
      row.retryError = event.error;
      setStatus(s, row, "retrying");
      break;
    case "TaskCached":
      row.fromRun = event.fromRun;
      setStatus(s, row, "cached");
      break;
    case "TaskSucceeded":
      row.durationMs = event.durationMs;
      row.attempt = event.attempts;
      setStatus(s, row, "succeeded");
      break;
    case "TaskFailed":
      row.durationMs = event.durationMs;
      row.attempt = event.attempts;
      row.error = { tag: event.error, message: event.message, tail: event.tail };
      setStatus(s, row, "failed");
      break;
    case "TaskCancelled":
      row.cancelReason = event.reason;
      setStatus(s, row, "cancelled");
      break;
    case "TaskSkipped":
      row.skipReason = event.reason;
      setStatus(s, row, "skipped");
      break;
    case "TaskReported":
      // Shown with the task's log (the plain reporter prints reports under the run summary).
      for (const line of `${event.title}\n${event.text}`.split("\n")) row.logs.push({ stream: "log", line });
      break;
    default: {
      const unhandled: never = event;
      throw new Error(`RunState.reduce: unhandled event ${JSON.stringify(unhandled)}`);
    }
  }
  row.rev++;
  s.version++;
  return s;
};

/**
 * Records what the watch loop knows (files watched, last change, rerun number, invalidated
 * tasks); it is not a RunEvent because it exists between runs too. Returns the same state.
 */
export const withWatchStatus = (state: RunState, status: WatchStatus): RunState => {
  const s = state as MutableState;
  s.watch = status;
  s.version++;
  return s;
};

/** The tasks in the order the UI lists them: grouped by `TASK_STATUSES`, entry order within a group. */
export function* groupedTaskNames(state: RunState, statuses: ReadonlyArray<TaskStatus> = TASK_STATUSES): Generator<string> {
  for (const st of statuses) yield* state.byStatus[st];
}

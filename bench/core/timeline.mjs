// Reads a run's `--json` events and splits its wall time: before the first task starts, the task
// bodies themselves (TaskStarted → TaskSucceeded), and the engine's share in between.

/** The median of a list of numbers. */
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/**
 * Summarises NDJSON `stdout` of `cairn run --json` for a process that ran `wallMs` with
 * `concurrency` slots: `{ executed, toFirstStartMs, busyMs, medianTaskMs, p90TaskMs,
 * slotIdleMs, afterLastMs }`. `slotIdleMs` = slot time not spent inside a task body between the
 * first start and the last finish: the engine's per-task overhead (hashing, store, SQLite, events).
 */
export const eventTimeline = (stdout, wallMs, concurrency) => {
  const events = stdout.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
  const runStarted = events.find((e) => e.type === "RunStarted");
  const finished = events.find((e) => e.type === "RunFinished");
  const starts = new Map();
  const durations = [];
  let firstStart = Infinity;
  let lastEnd = -Infinity;
  for (const e of events) {
    if (e.type === "TaskStarted" && e.attempt === 1) {
      starts.set(e.task, e.at);
      firstStart = Math.min(firstStart, e.at);
    } else if (e.type === "TaskSucceeded") {
      const s = starts.get(e.task);
      if (s !== undefined) durations.push(e.at - s);
      lastEnd = Math.max(lastEnd, e.at);
    }
  }
  const busy = durations.reduce((a, b) => a + b, 0);
  const span = durations.length ? lastEnd - firstStart : 0;
  const sorted = [...durations].sort((a, b) => a - b);
  return {
    executed: durations.length,
    wallMs,
    runStartedToFirstTaskMs: durations.length && runStarted ? firstStart - runStarted.at : null,
    firstToLastTaskMs: span,
    busyMs: busy,
    medianTaskMs: median(durations),
    p90TaskMs: sorted[Math.floor(sorted.length * 0.9)] ?? 0,
    slotIdleMs: Math.max(0, span * concurrency - busy),
    lastTaskToRunFinishedMs: durations.length && finished ? finished.at - lastEnd : null,
  };
};

/** The timeline as two lines of text. */
export const formatTimeline = (t) =>
  [
    `  ${t.executed} tasks executed in ${t.wallMs.toFixed(0)} ms wall: RunStarted → first TaskStarted ${t.runStartedToFirstTaskMs} ms; first start → last finish ${t.firstToLastTaskMs} ms; last finish → RunFinished ${t.lastTaskToRunFinishedMs} ms`,
    `  inside task bodies (TaskStarted → TaskSucceeded): ${t.busyMs} ms in all, median ${t.medianTaskMs} ms, p90 ${t.p90TaskMs} ms per task; slot time outside task bodies while running: ${t.slotIdleMs} ms (${t.executed ? (t.slotIdleMs / t.executed).toFixed(1) : 0} ms per task)`,
  ].join("\n");

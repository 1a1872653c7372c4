/**
 * The plain reporter: one line per task start and finish, failures with their log tail, and a
 * summary. Default when stdout is not a terminal; stable enough to grep in CI logs.
 */
import type { EventBus } from "../events/EventBus.js";
import type { RunEvent, RunReason } from "../events/RunEvent.js";
import { formatMs } from "../engine/TaskError.js";

export const reasonText = (r: RunReason): string => {
  switch (r.kind) {
    case "new":
      return "new task";
    case "forced":
      return "forced";
    case "no-cache":
      return "cache: false";
    case "heal":
      return r.detail ?? "healing the cache";
    case "changed":
      return r.detail ?? `${(r.changed ?? []).join(", ")} changed`;
  }
};

export const startPlainReporter = (bus: EventBus, write: (s: string) => void, options: { verbose?: boolean } = {}): (() => void) => {
  // Reports (e.g. a drift table) are printed under the summary, where they are read.
  let reports: { task: string; title: string; text: string }[] = [];
  return bus.subscribe((e: RunEvent) => {
    switch (e.type) {
      case "TaskReported":
        reports.push({ task: e.task, title: e.title, text: e.text });
        break;
      case "RunStarted":
        write(`run ${e.runId}: flow ${e.flow} (${e.tasks.length} task${e.tasks.length === 1 ? "" : "s"})${e.watch ? ` — rerun #${e.watch.rerun} after ${e.watch.changed.join(", ")}` : ""}\n`);
        break;
      case "TaskStarted":
        if (e.attempt === 1) write(`  ▶ ${e.task}  (${reasonText(e.reason)})\n`);
        else write(`  ▶ ${e.task}  attempt ${e.attempt}\n`);
        break;
      case "TaskLogged":
        if (options.verbose) write(`    ${e.task} | ${e.line}\n`);
        break;
      case "TaskCached":
        write(`  ✓ ${e.task}  cached\n`);
        break;
      case "TaskSucceeded":
        write(`  ✓ ${e.task}  executed in ${formatMs(e.durationMs)}${e.attempts > 1 ? ` (${e.attempts} attempts)` : ""}\n`);
        break;
      case "TaskRetrying":
        write(`  ↻ ${e.task}  attempt ${e.attempt}/${e.maxAttempts} failed: ${e.error.split("\n")[0]} — retrying in ${formatMs(e.delayMs)}\n`);
        break;
      case "TaskFailed":
        write(`  ✗ ${e.task}  failed after ${formatMs(e.durationMs)}: ${e.message}\n`);
        if (e.tail.length && !e.message.includes(e.tail[e.tail.length - 1]!)) write(e.tail.map((l) => `    | ${l}\n`).join(""));
        break;
      case "TaskCancelled":
        write(`  ⊘ ${e.task}  cancelled (${e.reason})\n`);
        break;
      case "TaskSkipped":
        write(`  - ${e.task}  skipped: ${e.reason}\n`);
        break;
      case "RunFinished":
        write(`${e.status}: ${e.executed} executed, ${e.cached} cached, ${e.failed} failed, ${e.cancelled} cancelled${e.skipped ? `, ${e.skipped} skipped` : ""} in ${formatMs(e.durationMs)}\n`);
        for (const r of reports) write(`\n── ${r.title} (${r.task}) ──\n${r.text.replace(/\n?$/, "\n")}`);
        reports = [];
        break;
    }
  });
};

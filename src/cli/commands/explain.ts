/** `cairn explain <flow> <task>`: each key ingredient, unchanged or changed since the last execution. */
import { EventBus } from "../../events/EventBus.js";
import { openRun, dryRun } from "../../engine/Engine.js";
import { resolveTask } from "../../engine/Resolver.js";
import { diffFingerprints, type Fingerprint, type Ingredients } from "../../hashing/Fingerprint.js";
import { UnknownTaskError } from "../../graph/GraphError.js";
import { didYouMean } from "../../graph/didYouMean.js";
import { ExitCode } from "../ExitCode.js";

export const explainCommand = async (flow: string, task: string, opts: { json?: boolean }, store: string | undefined): Promise<number> => {
  const opened = await openRun({ flowFile: flow, targets: [], force: false, keepGoing: false, concurrency: 1, pools: {}, dryRun: true, ...(store ? { store } : {}) }, new EventBus());
  try {
    const { cx } = opened;
    if (!cx.graph.tasks.has(task)) throw new UnknownTaskError(cx.flowName, [{ name: task, suggestion: didYouMean(task, cx.graph.tasks.keys()) }], cx.graph.order);
    // Restore everything upstream that is cached, so the task's deps ingredient is known when possible.
    const plan = dryRun(cx, []).plan ?? [];
    const mine = plan.find((p) => p.task === task)!;
    const last = cx.lineage.lastKeyed(cx.flowName, task);
    const write = (s: string) => void process.stdout.write(s);
    if (mine.action === "pending") {
      const result = { task, verdict: "pending", why: mine.why };
      if (opts.json) write(`${JSON.stringify(result)}\n`);
      else write(`${task}: cannot be decided yet — it ${mine.why}.\n`);
      return ExitCode.Ok;
    }
    if (mine.action === "skipped") {
      if (opts.json) write(`${JSON.stringify({ task, verdict: "skipped", why: mine.why })}\n`);
      else write(`${task}: would be skipped (${mine.why})\n`);
      return ExitCode.Ok;
    }
    const r = resolveTask(cx, task, { get: (k) => cx.lineage.lookupCache(k) });
    if (r.kind === "skipped") return ExitCode.Ok;
    const oldFp = last?.fingerprint ? (JSON.parse(last.fingerprint) as Fingerprint) : undefined;
    const oldIng = last?.ingredients ? (JSON.parse(last.ingredients) as Ingredients) : undefined;
    const diffs = diffFingerprints(oldFp, oldIng, r.resolved.fingerprint, r.resolved.ingredients);
    const verdict = r.kind === "cached" ? "cached" : "run";
    if (opts.json) {
      write(`${JSON.stringify({ task, verdict, key: r.resolved.key, reason: r.kind === "run" ? r.resolved.reason : null, lastExecution: last ? { id: last.id, run: last.run_id, status: last.status } : null, ingredients: diffs, fingerprint: r.resolved.fingerprint })}\n`);
      return ExitCode.Ok;
    }
    write(`${task}: ${verdict === "cached" ? "up to date (cache hit)" : `would run — ${r.kind === "run" ? (r.resolved.reason.detail ?? r.resolved.reason.kind) : ""}`}\n`);
    write(`  key ${r.resolved.key}${last ? `   last execution #${last.id} in run ${last.run_id} (${last.status})` : "   never executed"}\n`);
    for (const d of diffs) {
      write(`  ${d.changed ? "✗ changed  " : "✓ unchanged"} ${d.ingredient.padEnd(12)} ${d.changed ? `${(d.old ?? "none").slice(0, 12)} → ${d.new.slice(0, 12)}` : d.new.slice(0, 12)}\n`);
      for (const line of d.details) write(`      ${line}\n`);
    }
    return ExitCode.Ok;
  } finally {
    opened.close();
  }
};

/** `cairn run`: wires signals, the chosen reporter and the engine (or the watch loop). */
import { EventBus } from "../../events/EventBus.js";
import { runFlow, defaultConcurrency, type RunSummary } from "../../engine/Engine.js";
import type { RunOptions } from "../../engine/RunContext.js";
import { startPlainReporter } from "../../reporters/PlainReporter.js";
import { startJsonReporter } from "../../reporters/JsonReporter.js";
import { bufferedStdout } from "../Output.js";
import { ExitCode } from "../ExitCode.js";
import { renderError } from "../renderError.js";
import { defaultUi } from "../../tui/ciEnvironment.js";

export class UsageError extends Error {
  readonly _tag = "UsageError";
  readonly exitCode = ExitCode.Usage;
}

export const parsePools = (specs: ReadonlyArray<string> | undefined): Record<string, number> => {
  const pools: Record<string, number> = {};
  for (const part of (specs ?? []).flatMap((s) => s.split(","))) {
    if (!part.trim()) continue;
    const m = /^\s*([A-Za-z_][\w-]*)\s*=\s*(\d+)\s*$/.exec(part);
    if (!m) throw new UsageError(`--resources: "${part}" is not name=N (e.g. --resources gpu=1,db=2)`);
    pools[m[1]!] = Number(m[2]);
  }
  return pools;
};

export const runOptionsFrom = (flow: string, tasks: string[], opts: Record<string, unknown>, store: string | undefined): RunOptions => {
  const concurrency = opts.concurrency === undefined ? defaultConcurrency() : Number(opts.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency must be a whole number ≥ 1, got "${String(opts.concurrency)}"`);
  // commander gives `true` for a bare --force and the collected names for --force <task>.
  const rawForce = opts.force as true | (string | boolean)[] | undefined;
  const forceList = rawForce === undefined ? [] : rawForce === true ? [true] : rawForce;
  const force = forceList.length === 0 ? false : forceList.some((f) => f === true) ? true : new Set(forceList as string[]);
  return {
    flowFile: flow, targets: tasks, force, keepGoing: Boolean(opts.keepGoing), concurrency,
    pools: parsePools(opts.resources as string[] | undefined), dryRun: Boolean(opts.dryRun),
    ...(store ? { store } : {}),
  };
};

const printPlan = (s: RunSummary, write: (x: string) => void) => {
  write(`plan for flow ${s.flow}:\n`);
  const sym = { cached: "✓", run: "▶", pending: "…", skipped: "-" } as const;
  for (const p of s.plan ?? []) write(`  ${sym[p.action]} ${p.task.padEnd(24)} ${p.action.padEnd(8)} ${p.why}\n`);
  write(`${s.counts.executed} to run, ${s.counts.cached} cached, ${(s.plan ?? []).filter((p) => p.action === "pending").length} pending on upstream\n`);
};

export const runCommand = async (flow: string, tasks: string[], opts: Record<string, unknown>, store: string | undefined): Promise<number> => {
  const ui = opts.json ? "json" : ((opts.ui as string | undefined) ?? defaultUi(process.stdout.isTTY === true, process.env));
  const options = runOptionsFrom(flow, tasks, opts, store);
  if (opts.watch) {
    const { watchCommand } = await import("../../watch/watchCommand.js");
    return watchCommand(options, ui as "tui" | "plain" | "json");
  }
  const controller = new AbortController();
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(ExitCode.Interrupted); // second Ctrl-C: stop waiting for cleanup
    interrupted = true;
    controller.abort(new Error("interrupted"));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const bus = new EventBus();
  const out = bufferedStdout();
  let stopTui: (() => Promise<void>) | undefined;
  let onLoaded: (() => void) | undefined;
  if (options.dryRun) {
    /* the plan is printed below */
  } else if (ui === "json") startJsonReporter(bus, out.write);
  else if (ui === "tui") {
    const { startTuiReporter } = await import("../../reporters/TuiReporter.js");
    const tui = startTuiReporter({ bus, onQuit: () => controller.abort(new Error("quit")) });
    stopTui = () => tui.stop();
    onLoaded = () => tui.start();
  } else startPlainReporter(bus, out.write, { verbose: Boolean(opts.verbose) });
  try {
    const summary = await runFlow({ ...options, signal: controller.signal, ...(onLoaded ? { onLoaded } : {}) }, bus);
    out.flush();
    await stopTui?.();
    if (options.dryRun) {
      if (ui === "json") process.stdout.write(`${JSON.stringify({ type: "Plan", flow: summary.flow, tasks: summary.plan })}\n`);
      else printPlan(summary, (s) => void process.stdout.write(s));
      return ExitCode.Ok;
    }
    return summary.status === "succeeded" ? ExitCode.Ok : summary.status === "cancelled" ? ExitCode.Interrupted : ExitCode.Failed;
  } catch (e) {
    out.flush();
    await stopTui?.();
    return renderError(e);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
};

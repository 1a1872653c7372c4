/**
 * Definitions of the tracking and lineage commands (runs, show, compare, models, lineage,
 * export openlineage). Each action imports its implementation from src/tracking/cli/ only when
 * it runs, so other commands never pay for loading them.
 */
import { Command, Option } from "commander";

const collect = (v: string, prev: string[] = []) => [...prev, v];
const list = (v: string, prev: string[] = []) => [...prev, ...v.split(",").map((s) => s.trim()).filter((s) => s !== "")];
const store = (cmd: Command) => cmd.optsWithGlobals().store as string | undefined;

export const registerTrackingCommands = (program: Command): void => {
  program
    .command("runs")
    .description("list recent runs with chosen metrics and params; filter and sort by metric")
    .option("--flow <name>", "only runs of this flow")
    .addOption(new Option("--status <status>", "only runs with this status").choices(["running", "succeeded", "failed", "cancelled"]))
    .option("-m, --metrics <names>", "metric columns, comma-separated; `task.metric` picks one task's (repeatable)", list)
    .option("-p, --params <names>", "param columns, comma-separated; `task.param` picks one task's (repeatable)", list)
    .option("-w, --where <condition>", 'keep runs where e.g. "accuracy>0.9", "params.trees=200"; "," or "and" joins (repeatable)', collect)
    .option("-s, --sort <field>", "sort by a metric, params.<name>, started, duration, status, flow or id; prefix - for descending", "-started")
    .option("-n, --limit <n>", "show at most n runs (default 20 in tables; every match with --json; 0 = no limit)")
    .option("--json", "print the runs as a JSON array (id, flow, status, startedAt, metrics and params by task)")
    .addHelpText("after", '\nExamples:\n  cairn runs --flow churn --metrics accuracy,f1 --params trees\n  cairn runs --metrics accuracy --where "accuracy>0.9" --sort -accuracy\n')
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      const { runsCommand } = await import("../../tracking/cli/runsCommand.js");
      process.exitCode = await runsCommand(opts, store(cmd));
    });

  program
    .command("show")
    .description("show one run: every task's status, timings, cache source, inputs, outputs, metrics, params, errors")
    .argument("<run>", "run id, unique prefix of one, `latest` or `latest~N`")
    .option("--json", "print the run as JSON")
    .action(async (run: string, opts: { json?: boolean }, cmd: Command) => {
      const { showCommand } = await import("../../tracking/cli/showCommand.js");
      process.exitCode = await showCommand(run, opts, store(cmd));
    });

  program
    .command("compare")
    .description("compare two runs: params, metrics with deltas, input data hashes, code changes, tasks that differed")
    .argument("<runA>", "the baseline run (id, prefix, `latest~1`, …)")
    .argument("<runB>", "the run to compare with it")
    .option("--all", "also list params, metrics and inputs that are the same in both")
    .option("--json", "print the comparison as JSON")
    .action(async (a: string, b: string, opts: { json?: boolean; all?: boolean }, cmd: Command) => {
      const { compareCommand } = await import("../../tracking/cli/compareCommand.js");
      process.exitCode = await compareCommand(a, b, opts, store(cmd));
    });

  const models = program.command("models").description("the model registry: versions, aliases (production, staging, …), promotion and rollback");
  models
    .command("list")
    .description("every registered model with its version count, latest version and aliases")
    .option("--json", "print as JSON")
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const { modelsListCommand } = await import("../../tracking/cli/modelsCommand.js");
      process.exitCode = await modelsListCommand(opts, store(cmd));
    });
  models
    .command("show")
    .description("a model's versions with aliases, metrics, artifact hash, run and creation time")
    .argument("<model>", "model name, or name@version / name@alias for one version")
    .option("-n, --limit <n>", "in tables, show the newest n versions (default 20; 0 = all)")
    .option("--json", "print { name, versions: [{ version, aliases, metrics, artifact, createdAt, run }] }")
    .action(async (ref: string, opts: { json?: boolean; limit?: string }, cmd: Command) => {
      const { modelsShowCommand } = await import("../../tracking/cli/modelsCommand.js");
      process.exitCode = await modelsShowCommand(ref, opts, store(cmd));
    });
  models
    .command("promote")
    .description("point an alias (default production) at a version; the change is recorded in the audit log")
    .argument("<model>", "model name")
    .argument("<version>", "version number to promote")
    .option("--to <alias>", "the alias: production, staging, archived, or any name starting with a letter", "production")
    .option("--reason <text>", "why (kept in the audit log)")
    .option("--require <condition>", 'refuse unless the version\'s metrics meet it, e.g. "accuracy>=0.8" (repeatable)', collect)
    .option("--json", "print the change as JSON")
    .action(async (model: string, version: string, opts: Record<string, unknown>, cmd: Command) => {
      const { modelsPromoteCommand } = await import("../../tracking/cli/modelsCommand.js");
      process.exitCode = await modelsPromoteCommand(model, version, opts, store(cmd));
    });
  models
    .command("rollback")
    .description("move production (or --alias) back to the version that held it before")
    .argument("<model>", "model name")
    .option("--to <version>", "roll back to this version (it must have held the alias before)")
    .option("--alias <alias>", "the alias to roll back", "production")
    .option("--reason <text>", "why (kept in the audit log)")
    .option("--json", "print the change as JSON")
    .action(async (model: string, opts: Record<string, unknown>, cmd: Command) => {
      const { modelsRollbackCommand } = await import("../../tracking/cli/modelsCommand.js");
      process.exitCode = await modelsRollbackCommand(model, opts, store(cmd));
    });
  models
    .command("history")
    .description("the append-only audit log of a model: registrations, promotions, rollbacks, refusals (who, when, from, to, why)")
    .argument("<model>", "model name")
    .option("--json", "print as JSON")
    .action(async (model: string, opts: { json?: boolean }, cmd: Command) => {
      const { modelsHistoryCommand } = await import("../../tracking/cli/modelsCommand.js");
      process.exitCode = await modelsHistoryCommand(model, opts, store(cmd));
    });

  program
    .command("lineage")
    .description("provenance of a model version, task, artifact or file: upstream down to source files, or --down for what depends on it")
    .argument("<target>", "name@version|alias (model), a task name, an artifact hash (prefix), or an input file path (path@hash for one version)")
    .option("--down", "list everything derived from the target (tasks, artifacts, model versions) instead of its sources")
    .option("--flow <name>", "for a task name: only this flow's executions")
    .option("--run <id>", "for a task name: its execution in this run")
    .option("--format <format>", "tree (default), json, mermaid or dot")
    .option("--json", "same as --format json")
    .addHelpText("after", "\nExamples:\n  cairn lineage churn@production\n  cairn lineage --down data/churn.csv\n  cairn lineage churn@3 --format mermaid\n")
    .action(async (target: string, opts: Record<string, unknown>, cmd: Command) => {
      const { lineageCommand } = await import("../../tracking/cli/lineageCommand.js");
      process.exitCode = await lineageCommand(target, opts, store(cmd));
    });

  const exp = program.command("export").description("export recorded lineage to other tools");
  exp
    .command("openlineage")
    .description("print OpenLineage run events (START and COMPLETE/FAIL/ABORT per run and task) as NDJSON, for Marquez or DataHub")
    .option("--run <id>", "only this run (id, prefix, `latest`); default: every run")
    .option("--namespace <ns>", "the OpenLineage job namespace", "cairn")
    .option("-o, --output <file>", "write to this file instead of stdout")
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      const { exportOpenLineageCommand } = await import("../../tracking/cli/exportCommand.js");
      process.exitCode = await exportOpenLineageCommand(opts, store(cmd));
    });
};

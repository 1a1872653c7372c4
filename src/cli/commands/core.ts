/** Definitions of the engine's commands (run, explain, gc, fsck); implementations load on use. */
import { Command, Option } from "commander";

const collect = (v: string, prev: string[] = []) => [...prev, v];

export const registerCoreCommands = (program: Command): void => {
  program
    .command("run")
    .description("run a flow: only tasks whose inputs, code, params, deps or env changed execute")
    .argument("<flow>", "the flow file (TypeScript), e.g. flows/churn.ts")
    .argument("[tasks...]", "run only these tasks and what they depend on")
    .option("-c, --concurrency <n>", "tasks running at once (default: CPU count)")
    .option("--force [task]", "execute even if cached: every task, or the named one (repeatable)", collect)
    .option("-k, --keep-going", "after a failure, keep running every branch that does not depend on it")
    .option("--dry-run", "print the plan (what would run and why, what is cached) and exit")
    .option("--json", "print events as NDJSON (same as --ui json)")
    .addOption(new Option("--ui <kind>", "output: tui (default on a terminal), plain, json").choices(["tui", "plain", "json"]))
    .option("--resources <pools>", "resource pool capacities, e.g. gpu=1,db=2", collect)
    .option("-w, --watch", "rerun the affected tasks whenever a watched file changes")
    .option("-v, --verbose", "plain output also prints every task log line")
    .action(async (flow: string, tasks: string[], opts: Record<string, unknown>, cmd: Command) => {
      const { runCommand } = await import("./run.js");
      process.exitCode = await runCommand(flow, tasks, opts, cmd.optsWithGlobals().store as string | undefined);
    });

  program
    .command("explain")
    .description("say, ingredient by ingredient, whether a task would rerun and why")
    .argument("<flow>", "the flow file")
    .argument("<task>", "the task to explain")
    .option("--json", "print the comparison as JSON")
    .action(async (flow: string, task: string, opts: { json?: boolean }, cmd: Command) => {
      const { explainCommand } = await import("./explain.js");
      process.exitCode = await explainCommand(flow, task, opts, cmd.optsWithGlobals().store as string | undefined);
    });

  program
    .command("gc")
    .description("delete stored objects no run among the last K references")
    .option("--keep-runs <k>", "keep every object referenced by the last K runs", "10")
    .option("--dry-run", "only print what would be freed")
    .action(async (opts: { keepRuns: string; dryRun?: boolean }, cmd: Command) => {
      const { gcCommand } = await import("./gc.js");
      process.exitCode = await gcCommand(opts, cmd.optsWithGlobals().store as string | undefined);
    });

  program
    .command("fsck")
    .description("verify every stored object and every object the database references")
    .option("--json", "print problems as JSON")
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const { fsckCommand } = await import("./fsck.js");
      process.exitCode = await fsckCommand(opts, cmd.optsWithGlobals().store as string | undefined);
    });
};

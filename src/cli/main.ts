/**
 * The `cairn` command line: defines every command and its options, and imports a command's
 * implementation only when that command runs, so `cairn --help` or a no-op `cairn run` never
 * loads Ink, dockerode or the Kubernetes client.
 */
import { Command, Option } from "commander";
import { readFileSync } from "node:fs";
import { registerCoreCommands } from "./commands/core.js";
import { registerTrackingCommands } from "./commands/tracking.js";
import { renderError } from "./renderError.js";
import { ExitCode } from "./ExitCode.js";
import { srcUrl } from "../srcRoot.js";

const version = (): string =>
  (JSON.parse(readFileSync(srcUrl("../../package.json"), "utf8")) as { version: string }).version;

export const buildProgram = (): Command => {
  const program = new Command("cairn")
    .description("Declarative DAG workflows for ML pipelines: cached TypeScript tasks with SQLite lineage")
    .version(version(), "-V, --version", "print the cairn version")
    .addOption(new Option("--store <dir>", "the store directory (default: <project>/.cairn)").env("CAIRN_STORE"))
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ outputError: (s, write) => write(s) })
    .exitOverride();
  registerCoreCommands(program);
  registerTrackingCommands(program);
  return program;
};

/** Runs the CLI with `argv` and returns the exit code (never throws, never calls process.exit itself). */
export const main = async (argv: ReadonlyArray<string>): Promise<number> => {
  const program = buildProgram();
  try {
    await program.parseAsync(argv as string[], { from: "user" });
    return process.exitCode === undefined ? ExitCode.Ok : Number(process.exitCode);
  } catch (e) {
    const code = (e as { code?: string; exitCode?: number })?.code;
    if (typeof code === "string" && code.startsWith("commander.")) {
      return code === "commander.helpDisplayed" || code === "commander.version" || code === "commander.help" ? ExitCode.Ok : ExitCode.Usage;
    }
    return renderError(e);
  }
};

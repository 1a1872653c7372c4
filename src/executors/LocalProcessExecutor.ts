/**
 * Runs a command task as a local child process: `sh -c` for strings, argv directly otherwise.
 * Stdin is empty (not a socket: bash treats a socket stdin as an ssh session and reads ~/.bashrc),
 * the child leads its own process group so cancellation kills everything it started. The process
 * is started by the spawner process (spawner/), not by the engine itself: see SpawnProtocol.ts.
 */
import { existsSync } from "node:fs";
import type { CommandRequest, CommandResult, ExecutorPlugin } from "./Executor.js";
import { ProgramStartError, spawner } from "./spawner/Spawner.js";

/** The command could not be started at all (program not found, cwd missing). */
export class CommandSpawnError extends Error {
  readonly _tag = "CommandSpawnError";
  readonly retryable = false;
  constructor(readonly task: string, readonly program: string, cause: string) {
    super(`task "${task}": could not start ${program}: ${cause}. Check that the program is installed and on PATH, and that the task's cwd exists.`);
  }
}

/** Grace period between SIGTERM and SIGKILL of a cancelled command's process group. */
const KILL_GRACE_MS = 2000;

export const localProcessExecutor: ExecutorPlugin = {
  name: "local",
  run: async (req: CommandRequest): Promise<CommandResult> => {
    if (!existsSync(req.cwd)) {
      throw new CommandSpawnError(req.task, "the command", `its working directory ${req.cwd} does not exist (check the task's cwd option)`);
    }
    const [file, args] = "shell" in req.command ? ["/bin/sh", ["-c", req.command.shell]] : [req.command.argv[0]!, req.command.argv.slice(1)];
    const tail: string[] = [];
    try {
      const exit = await spawner().run({
        file, args, cwd: req.cwd, env: req.env, signal: req.signal, killGraceMs: KILL_GRACE_MS,
        onLine: (stream, line) => {
          tail.push(line);
          if (tail.length > 20) tail.shift();
          req.log(stream, line);
        },
      });
      return { exitCode: exit.code, signal: exit.signal, tail };
    } catch (e) {
      if (e instanceof ProgramStartError) throw new CommandSpawnError(req.task, file, e.message);
      throw e;
    }
  },
};

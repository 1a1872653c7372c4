/**
 * Runs a command task as a local child process: `sh -c` for strings, argv directly otherwise.
 * Stdin is empty (not a socket: bash treats a socket stdin as an ssh session and reads ~/.bashrc),
 * the child leads its own process group so cancellation kills everything it started.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import type { CommandRequest, CommandResult, ExecutorPlugin } from "./Executor.js";
import { LineSplitter } from "./LineSplitter.js";

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
  run: (req: CommandRequest): Promise<CommandResult> =>
    new Promise((resolve, reject) => {
      if (!existsSync(req.cwd)) {
        reject(new CommandSpawnError(req.task, "the command", `its working directory ${req.cwd} does not exist (check the task's cwd option)`));
        return;
      }
      const [file, args] = "shell" in req.command ? ["/bin/sh", ["-c", req.command.shell]] : [req.command.argv[0]!, req.command.argv.slice(1)];
      const child = spawn(file, args as string[], {
        cwd: req.cwd,
        env: req.env as NodeJS.ProcessEnv,
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      });
      const tail: string[] = [];
      const remember = (l: string) => {
        tail.push(l);
        if (tail.length > 20) tail.shift();
      };
      const outS = new LineSplitter((l) => (remember(l), req.log("stdout", l)));
      const errS = new LineSplitter((l) => (remember(l), req.log("stderr", l)));
      child.stdout!.on("data", (c: Buffer) => outS.push(c));
      child.stderr!.on("data", (c: Buffer) => errS.push(c));
      let killTimer: NodeJS.Timeout | undefined;
      const kill = () => {
        if (child.pid === undefined || child.exitCode !== null) return;
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {
          /* already gone */
        }
        killTimer = setTimeout(() => {
          try {
            process.kill(-child.pid!, "SIGKILL");
          } catch {
            /* already gone */
          }
        }, KILL_GRACE_MS);
        killTimer.unref();
      };
      if (req.signal.aborted) kill();
      req.signal.addEventListener("abort", kill, { once: true });
      child.on("error", (e) => {
        req.signal.removeEventListener("abort", kill);
        reject(new CommandSpawnError(req.task, file, e.message));
      });
      child.on("close", (code, signal) => {
        req.signal.removeEventListener("abort", kill);
        if (killTimer) clearTimeout(killTimer);
        // The group may hold stragglers (background jobs of the script): reap them too.
        if (child.pid !== undefined) {
          try {
            process.kill(-child.pid, "SIGKILL");
          } catch {
            /* none left */
          }
        }
        outS.end();
        errS.end();
        resolve({ exitCode: code, signal, tail });
      });
    }),
};

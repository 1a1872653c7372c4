// The spawner process that starts command tasks for the engine, exercised with real processes:
// output lines in order, exit codes and signals, kills of the whole process group, a program
// that does not exist, and the spawner dying under a running job.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ProgramStartError, SpawnerLostError, spawner } from "../../dist/src/executors/spawner/Spawner.js";
import { assertBuilt, processAlive } from "../helpers/CliRig.js";

assertBuilt();

const run = (file: string, args: string[], signal = new AbortController().signal) => {
  const lines: string[] = [];
  const exit = spawner().run({
    file, args, cwd: "/", env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin" }, signal, killGraceMs: 500,
    onLine: (stream, line) => lines.push(`${stream}: ${line}`),
  });
  return { exit, lines };
};

const waitUntil = async (cond: () => boolean, what: string) => {
  const deadline = Date.now() + 15_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe("the spawner process", () => {
  it("streams each stream's lines in order and reports the exit code", async () => {
    const j = run("/bin/sh", ["-c", "for i in 1 2 3; do echo out $i; echo err $i >&2; done; exit 7"]);
    expect(await j.exit).toEqual({ code: 7, signal: null });
    expect(j.lines.filter((l) => l.startsWith("stdout"))).toEqual(["stdout: out 1", "stdout: out 2", "stdout: out 3"]);
    expect(j.lines.filter((l) => l.startsWith("stderr"))).toEqual(["stderr: err 1", "stderr: err 2", "stderr: err 3"]);
  });

  it("gives the command an empty stdin, not a socket", async () => {
    const j = run("/bin/sh", ["-c", "cat; readlink /proc/self/fd/0"]);
    expect(await j.exit).toEqual({ code: 0, signal: null });
    expect(j.lines).toEqual(["stdout: /dev/null"]);
  });

  it("kills the command's whole process group on abort, background jobs included", async () => {
    const ac = new AbortController();
    const j = run("/bin/sh", ["-c", "sleep 300 & echo $!; sleep 300"], ac.signal);
    await waitUntil(() => j.lines.length > 0, "the background pid");
    const background = Number(j.lines[0]!.split(": ")[1]);
    expect(processAlive(background)).toBe(true);
    ac.abort();
    const exit = await j.exit;
    expect(exit.signal).toBe("SIGTERM");
    await waitUntil(() => !processAlive(background), "the background job to die");
  });

  it("says when the program does not exist", async () => {
    await expect(run("/nonexistent/program", []).exit).rejects.toBeInstanceOf(ProgramStartError);
  });

  it("fails the running jobs when the spawner dies, kills their commands, and starts afresh for the next job", async () => {
    const j = run("/bin/sh", ["-c", "echo $$; sleep 300"]);
    await waitUntil(() => j.lines.length > 0, "the command's pid");
    const command = Number(j.lines[0]!.split(": ")[1]);
    const spawnerPid = Number(execFileSync("ps", ["-o", "ppid=", "-p", String(command)], { encoding: "utf8" }).trim());
    process.kill(spawnerPid, "SIGTERM");
    await expect(j.exit).rejects.toBeInstanceOf(SpawnerLostError);
    await waitUntil(() => !processAlive(command), "the command to die with its spawner");
    const next = run("/bin/sh", ["-c", "echo again"]);
    expect(await next.exit).toEqual({ code: 0, signal: null });
    expect(next.lines).toEqual(["stdout: again"]);
  });
});

/**
 * Test rig for the engine's behaviour tests: temp user projects on disk and the real `cairn` CLI
 * run as a child process (vitest's module loader cannot host the engine's own TypeScript loader).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { mkdir, mkdtemp, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach } from "vitest";
import type { RunEvent } from "../../src/events/RunEvent.js";

/** The repository under test (dist/ must be built: `npm test` builds first). */
export const REPO = fileURLToPath(new URL("../..", import.meta.url));
export const CAIRN_BIN = join(REPO, "bin/cairn.js");

/** Fails with instructions when the compiled CLI is missing, instead of a confusing spawn error. */
export const assertBuilt = (): void => {
  if (!existsSync(join(REPO, "dist/src/cli-bundle.js"))) {
    throw new Error(`dist/ is not built: run \`npm run build\` (npm test does it first).`);
  }
};

/** What one finished CLI invocation produced. */
export interface CliResult {
  /** Exit code, or null when the process died of a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as NDJSON (only lines that are JSON objects; empty without --json). */
  readonly events: ReadonlyArray<RunEvent>;
}

/** A CLI process still running: the test can signal it and await its result. */
export interface RunningCli {
  readonly child: ChildProcess;
  readonly result: Promise<CliResult>;
  /** stdout so far. */
  stdout(): string;
  /** Waits until stdout matches `pattern` (fails if the process exits first). */
  waitForOutput(pattern: RegExp, deadlineMs?: number): Promise<void>;
}

export interface CliOptions {
  /** Extra environment variables (merged over a copy of the test's environment). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Run as this user and group id (tests running as root use it to meet permission checks). */
  readonly uid?: number;
  readonly gid?: number;
}

const parseEvents = (stdout: string): RunEvent[] =>
  stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as RunEvent];
      } catch {
        return [];
      }
    });

/** CLI processes started by this test file that have not exited yet. */
const live = new Set<ChildProcess>();
/** Project directories made by this test file. */
const projectDirs: string[] = [];

/**
 * After each test, ends what a failed test left behind: its CLI processes, and every process
 * still working in one of its projects (commands of a killed engine, gated tasks never released).
 * Only processes this test file started qualify: they run in its own temp directories.
 */
export const endLeftoverProcesses = (): void => {
  for (const child of live) child.kill("SIGKILL");
  live.clear();
  if (projectDirs.length === 0) return;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let cwd: string;
    try {
      cwd = readlinkSync(`/proc/${entry}/cwd`);
    } catch {
      continue;
    }
    if (projectDirs.some((d) => cwd === d || cwd.startsWith(`${d}/`))) {
      try {
        process.kill(Number(entry), "SIGKILL");
      } catch {
        /* gone meanwhile */
      }
    }
  }
};
afterEach(endLeftoverProcesses);

/** Starts `cairn <args>` in `cwd` without waiting for it. */
export const startCairn = (cwd: string, args: ReadonlyArray<string>, options: CliOptions = {}): RunningCli => {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...options.env })) if (v !== undefined) env[k] = v;
  // The store location must come from the project, never from the developer's shell.
  delete env.CAIRN_STORE;
  const ids = { ...(options.uid !== undefined ? { uid: options.uid } : {}), ...(options.gid !== undefined ? { gid: options.gid } : {}) };
  const child = spawn(process.execPath, [CAIRN_BIN, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"], ...ids });
  live.add(child);
  child.on("exit", () => live.delete(child));
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const result = new Promise<CliResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr, events: parseEvents(stdout) }));
  });
  let exited = false;
  void result.then(() => (exited = true), () => (exited = true));
  const waitForOutput = async (pattern: RegExp, deadlineMs = 45_000): Promise<void> => {
    const until = Date.now() + deadlineMs;
    while (!pattern.test(stdout)) {
      if (exited) throw new Error(`cairn exited before printing ${pattern}:\n${stdout}\n${stderr}`);
      if (Date.now() > until) throw new Error(`cairn did not print ${pattern}:\n${stdout}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { child, result, stdout: () => stdout, waitForOutput };
};

/** Runs `cairn <args>` in `cwd` and waits for it to exit. */
export const cairn = (cwd: string, args: ReadonlyArray<string>, options: CliOptions = {}): Promise<CliResult> =>
  startCairn(cwd, args, options).result;

/** A temp user project: `node_modules/cairn` links to this repository, as `npm install` would provide it. */
export interface Project {
  readonly dir: string;
  /** Absolute path of a file in the project. */
  path(rel: string): string;
  /** Writes files (relative path → content), creating directories. */
  write(files: Readonly<Record<string, string>>): Promise<void>;
  read(rel: string): string;
  /** `cairn run <flow> --json <args>`; `flow` defaults to flow.ts. */
  run(args?: ReadonlyArray<string>, options?: CliOptions & { readonly flow?: string }): Promise<CliResult>;
  /** Any cairn command in the project directory. */
  cairn(args: ReadonlyArray<string>, options?: CliOptions): Promise<CliResult>;
  start(args: ReadonlyArray<string>, options?: CliOptions): RunningCli;
}

/** Creates a project in a fresh temp directory with `files` written into it. */
export const makeProject = async (files: Readonly<Record<string, string>> = {}): Promise<Project> => {
  const dir = await mkdtemp(join(tmpdir(), "cairn-engine-"));
  projectDirs.push(dir);
  await mkdir(join(dir, "node_modules"), { recursive: true });
  await symlink(REPO, join(dir, "node_modules/cairn"), "dir");
  const write = async (fs: Readonly<Record<string, string>>) => {
    for (const [rel, content] of Object.entries(fs)) {
      await mkdir(dirname(join(dir, rel)), { recursive: true });
      await writeFile(join(dir, rel), content);
    }
  };
  await write({ "package.json": `{ "name": "user-project", "private": true, "type": "module" }\n`, ...files });
  return {
    dir,
    path: (rel) => join(dir, rel),
    write,
    read: (rel) => readFileSync(join(dir, rel), "utf8"),
    run: (args = [], options = {}) => cairn(dir, ["run", options.flow ?? "flow.ts", "--json", ...args], options),
    cairn: (args, options = {}) => cairn(dir, args, options),
    start: (args, options = {}) => startCairn(dir, args, options),
  };
};

/** Names of the tasks that have an event of `type`, sorted. */
export const tasksWith = (events: ReadonlyArray<RunEvent>, type: RunEvent["type"]): string[] =>
  [...new Set(events.filter((e) => e.type === type && "task" in e).map((e) => (e as { task: string }).task))].sort();

/** Tasks that executed successfully in this run. */
export const executed = (r: CliResult): string[] => tasksWith(r.events, "TaskSucceeded");
/** Tasks restored from the cache in this run. */
export const cached = (r: CliResult): string[] => tasksWith(r.events, "TaskCached");

/** The run's last event, which must be RunFinished. */
export const finished = (r: CliResult) => {
  const last = r.events[r.events.length - 1];
  if (last?.type !== "RunFinished") throw new Error(`the last event is not RunFinished:\n${r.stdout}\n${r.stderr}`);
  return last;
};

/** A readable dump of a result for assertion messages. */
export const describeResult = (r: CliResult): string => `exit ${r.code} (signal ${r.signal})\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

/**
 * Waits until `path` exists, polling. Not a timing assertion: the deadline only keeps a broken
 * engine from hanging the suite, and is far above anything the awaited step needs.
 */
export const waitForFile = async (path: string, deadlineMs = 45_000, alsoCheck?: () => string | undefined): Promise<void> => {
  const until = Date.now() + deadlineMs;
  while (!existsSync(path)) {
    const problem = alsoCheck?.();
    if (problem) throw new Error(`while waiting for ${path}: ${problem}`);
    if (Date.now() > until) throw new Error(`${path} did not appear`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** Whether a process with this pid still exists (zombies count as gone: they no longer run). */
export const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
};

/** Whether the tests run as root, for whom permission bits do not stop writes. */
export const runningAsRoot = (): boolean => typeof process.getuid === "function" && process.getuid() === 0;

/**
 * Pids of live processes whose command line mentions `token` (e.g. a project directory that
 * only that test's task commands name): what "no orphan child processes" is checked against.
 */
export const processesMentioning = (token: string): number[] => {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ");
      if (cmdline.includes(token) && processAlive(Number(entry))) pids.push(Number(entry));
    } catch {
      /* exited meanwhile */
    }
  }
  return pids;
};

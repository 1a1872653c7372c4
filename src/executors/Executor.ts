/**
 * How a command task's body runs. The local process executor is built in; plugins add more
 * (Docker, Kubernetes Jobs). Nothing here assumes the command runs on this machine: paths are
 * host paths the executor may mount or upload, and results come back as exit codes and logs.
 */
import type { ResourceSpec } from "../dsl/Task.js";

/** One declared input or upstream output, handed to the command as a path. */
export interface CommandInput {
  /** The key in `inputs`/`deps`. */
  readonly name: string;
  /** The environment variable holding its path: `CAIRN_IN_<name>`. */
  readonly envVar: string;
  /** Absolute path on this machine (file, directory, or for globs a directory of links). */
  readonly hostPath: string;
  readonly kind: "file" | "glob" | "dir" | "dep";
}

export interface CommandRequest {
  readonly runId: string;
  readonly flow: string;
  readonly task: string;
  readonly attempt: number;
  /** `shell` runs via `sh -c`; `argv` runs the program directly. */
  readonly command: { readonly shell: string } | { readonly argv: ReadonlyArray<string> };
  /**
   * The complete environment for the command: declared env vars, `CAIRN_OUT`, `CAIRN_TMP`,
   * `CAIRN_IN_*` (host paths), `CAIRN_RUN_ID`, `CAIRN_TASK`, plus PATH/HOME/LANG/TZ from the host.
   * An executor that runs elsewhere rewrites the path variables to where it mounts them.
   */
  readonly env: Readonly<Record<string, string>>;
  readonly inputs: ReadonlyArray<CommandInput>;
  /** Empty directory whose content after the command becomes the task's output. */
  readonly outDir: string;
  readonly tmpDir: string;
  /** Working directory on the host (default: the flow file's directory). */
  readonly cwd: string;
  readonly resources: ResourceSpec;
  /** Aborted on cancellation and timeout: the executor must stop the command promptly. */
  readonly signal: AbortSignal;
  /** Called for each complete line the command writes, as it is written. */
  readonly log: (stream: "stdout" | "stderr", line: string) => void;
}

export interface CommandResult {
  /** The exit code; `null` when the command was killed by a signal. */
  readonly exitCode: number | null;
  readonly signal?: string | null;
  /** The last lines of output (at most 20), for failure messages. */
  readonly tail: ReadonlyArray<string>;
}

/**
 * An error an executor raises for anything other than the command's own exit status.
 * `retryable` marks transient infrastructure faults (connection reset, HTTP 5xx): the task's
 * retry policy applies to them; non-retryable ones (bad configuration, OOM) fail at once.
 */
export interface ExecutorFailure extends Error {
  readonly _tag: string;
  readonly retryable?: boolean;
}

/** Arguments of an executor's fingerprint contribution. */
export interface FingerprintRequest {
  readonly flow: string;
  readonly task: string;
  /** Directory of the flow file: relative paths in executor options resolve against it. */
  readonly flowDir: string;
  readonly resources: ResourceSpec;
  /** Writes a line to the run's output (e.g. "building image …"). */
  readonly log: (line: string) => void;
}

export interface ExecutorPlugin {
  /** Short name shown in `explain` and errors, e.g. "docker". */
  readonly name: string;
  /**
   * JSON describing everything about the executor that changes results (image ID, resource
   * limits that matter). Becomes the `executor` ingredient of the cache key. Called at plan time,
   * so it may build an image (and must be cheap when nothing changed).
   */
  fingerprint?(req: FingerprintRequest): Promise<unknown>;
  /** Runs the command to completion (or until `signal` aborts). */
  run(req: CommandRequest): Promise<CommandResult>;
  /** Called once before a run starts, e.g. to remove leftovers of a crashed run. */
  prepare?(ctx: { readonly projectDir: string; readonly runId: string }): Promise<void>;
}

/** Exit codes of every cairn command (documented in docs/cli.md). */
export const ExitCode = {
  /** Success: the run succeeded (every task executed or cached), or the query answered. */
  Ok: 0,
  /** A task failed, or a check (fsck, a promote gate) found problems. */
  Failed: 1,
  /** Bad usage or bad input: unknown command/option/task, a flow that does not load or validate. */
  Usage: 2,
  /** Internal error: a bug in cairn (please report it with the printed details). */
  Internal: 70,
  /** The store could not be used: locked beyond the busy timeout, not writable, corrupt DB. */
  Store: 75,
  /** Interrupted by Ctrl-C / SIGTERM; running tasks were cancelled. */
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

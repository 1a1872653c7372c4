/**
 * Messages between the engine and the spawner process (spawnerHost.ts) over Node's IPC channel.
 * Commands are started there, not in the engine: starting a child forks the process that asks,
 * and forking the engine (100–200 MB with a big flow loaded) blocked its only thread ≈1.6 ms per
 * command, against ≈0.6 ms for the small spawner — on another core.
 */

/** Engine → spawner. */
export type ToSpawner =
  | {
      readonly t: "spawn";
      readonly id: number;
      readonly file: string;
      readonly args: ReadonlyArray<string>;
      readonly cwd: string;
      readonly env: Readonly<Record<string, string>>;
    }
  /** Stop job `id`: SIGTERM to its process group, SIGKILL after `graceMs`. */
  | { readonly t: "kill"; readonly id: number; readonly graceMs: number };

/** Spawner → engine. Output comes as complete lines, batched per chunk the child wrote. */
export type FromSpawner =
  | { readonly t: "lines"; readonly id: number; readonly stream: "stdout" | "stderr"; readonly lines: ReadonlyArray<string> }
  | { readonly t: "exit"; readonly id: number; readonly code: number | null; readonly signal: string | null }
  /** The program could not be started (not found, not executable). */
  | { readonly t: "error"; readonly id: number; readonly message: string };

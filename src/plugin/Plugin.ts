/**
 * The plugin interface. A plugin is a factory returning a named object: executors it adds,
 * task constructors, and optional hooks on run events. Plugins import only from `cairn`.
 *
 * @example
 * export const docker = (options: DockerOptions): ExecutorPlugin => ({ name: "docker", run, fingerprint });
 */
import type { ExecutorPlugin } from "../executors/Executor.js";
import type { RunEvent } from "../events/RunEvent.js";

export interface CairnPlugin {
  readonly name: string;
  /** Executors this plugin provides, by name. */
  readonly executors?: Readonly<Record<string, ExecutorPlugin>>;
  /** Observes every run event (metrics, notifications). Must not throw; must not block. */
  readonly onEvent?: (event: RunEvent) => void;
}

/**
 * The labels on every container cairn starts. They let `prepare` find containers a crashed run
 * left behind, and let users find cairn's containers (`docker ps -a --filter label=cairn.run`).
 */
import { hostname } from "node:os";

/** The run id. Every cairn container has it. */
export const LABEL_RUN = "cairn.run";
/** The task name. */
export const LABEL_TASK = "cairn.task";
/** The project directory (absolute path on the machine that started the run). */
export const LABEL_PROJECT = "cairn.project";
export const LABEL_FLOW = "cairn.flow";
export const LABEL_ATTEMPT = "cairn.attempt";
/** Host name and pid of the cairn process that owns the container: a dead owner means a leftover. */
export const LABEL_OWNER_HOST = "cairn.owner-host";
export const LABEL_OWNER_PID = "cairn.owner-pid";

/** Labels of a task's container. */
export const containerLabels = (args: {
  readonly runId: string;
  readonly task: string;
  readonly flow: string;
  readonly attempt: number;
  readonly projectDir: string;
}): Record<string, string> => ({
  [LABEL_RUN]: args.runId,
  [LABEL_TASK]: args.task,
  [LABEL_PROJECT]: args.projectDir,
  [LABEL_FLOW]: args.flow,
  [LABEL_ATTEMPT]: String(args.attempt),
  [LABEL_OWNER_HOST]: hostname(),
  [LABEL_OWNER_PID]: String(process.pid),
});

/** A container name that says what it runs and stays unique across attempts and runs. */
export const containerName = (runId: string, task: string, attempt: number): string => {
  const clean = (s: string): string => s.replace(/[^a-zA-Z0-9_.-]+/g, "-").slice(0, 60);
  const suffix = Math.random().toString(36).slice(2, 8);
  return `cairn-${clean(runId)}-${clean(task)}-${attempt}-${suffix}`.replace(/^cairn--/, "cairn-");
};

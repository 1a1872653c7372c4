/**
 * Task bodies whose progress the test controls through marker files, so tests wait for facts
 * ("the task has started") instead of sleeping, and release tasks when they choose.
 */

import { basename, dirname } from "node:path";

/** Shell-quotes one word for `sh -c`. */
export const sq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * A shell word for `path` that, read as plain text (quotes kept inside), names no existing file. Why: cairn treats
 * every word of a command that names an existing file as a script in the task's cache key, so a
 * marker or log file the task writes would change the key of the next run.
 */
export const shPath = (path: string): string => `${sq(dirname(path))}/${sq(basename(path))}`;

/**
 * A shell command that announces it started (creates `started`, holding its pid), then waits
 * until `release` exists. `$$` is the pid of the `sh` running the command.
 */
export const gateCmd = (started: string, release: string, then = ""): string =>
  `echo $$ > ${shPath(`${started}.tmp`)} && mv ${shPath(`${started}.tmp`)} ${shPath(started)}; ` +
  `while [ ! -e ${shPath(release)} ]; do sleep 0.02; done${then ? `; ${then}` : ""}`;

/**
 * Source of a helper module for function tasks (write it to `lib/gate.ts`): `started(path)`
 * announces, `until(path, signal)` waits for a marker and stops when the task is cancelled.
 */
export const GATE_MODULE = `import { existsSync, writeFileSync, renameSync, appendFileSync } from "node:fs";

export const started = (path: string): void => {
  writeFileSync(path + ".tmp", String(process.pid));
  renameSync(path + ".tmp", path);
};

export const appendLine = (path: string, line: string): void => appendFileSync(path, line + "\\n");

export const until = (path: string, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const tick = () => {
      if (signal?.aborted) return reject(signal.reason ?? new Error("aborted"));
      if (existsSync(path)) return resolve();
      setTimeout(tick, 20);
    };
    tick();
  });
`;

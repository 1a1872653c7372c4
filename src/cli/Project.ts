/** Where a command's project and store live: the directory holding `.cairn/`. */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export interface ProjectPaths {
  /** The project root: the flow file's directory's nearest ancestor holding package.json or .cairn (else the flow's dir). */
  readonly root: string;
  /** `.cairn` under the root, or `--store`. */
  readonly store: string;
  readonly db: string;
  readonly objects: string;
  readonly tmp: string;
  readonly logs: string;
  readonly cache: string;
  readonly outputs: string;
}

const findRoot = (start: string): string => {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, ".cairn")) || existsSync(join(dir, "package.json"))) return dir;
    const up = dirname(dir);
    if (up === dir) return resolve(start);
    dir = up;
  }
};

/**
 * Resolves the project for a command. With a flow file, the root is found from the flow's
 * directory; otherwise from the working directory. `CAIRN_STORE` or `--store` overrides the store.
 */
export const projectPaths = (opts: { flowFile?: string; store?: string } = {}): ProjectPaths => {
  const root = findRoot(opts.flowFile ? dirname(resolve(opts.flowFile)) : process.cwd());
  const store = resolve(opts.store ?? process.env.CAIRN_STORE ?? join(root, ".cairn"));
  return {
    root,
    store,
    db: join(store, "cairn.db"),
    objects: join(store, "objects"),
    tmp: join(store, "tmp"),
    logs: join(store, "logs"),
    cache: join(store, "cache"),
    outputs: join(store, "outputs"),
  };
};

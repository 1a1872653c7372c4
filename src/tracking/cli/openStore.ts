/** Opens the project's lineage store for the tracking commands, and small option parsers they share. */
import { existsSync } from "node:fs";
import { basename, dirname } from "node:path";
import { projectPaths } from "../../cli/Project.js";
import { LineageStore } from "../../lineage/LineageStore.js";
import { InvalidOptionError, NoLineageStoreError } from "../TrackingError.js";

export interface OpenedStore {
  readonly store: LineageStore;
  /** The project root that recorded file paths are relative to. */
  readonly root: string;
  readonly dbPath: string;
}

/** The DB path for `--store` (or the project's `.cairn`), and whether it exists yet. */
export const locateStore = (storeOpt: string | undefined): { dbPath: string; root: string; exists: boolean } => {
  const paths = projectPaths(storeOpt === undefined ? {} : { store: storeOpt });
  // With --store pointing at some project's .cairn, paths are relative to that project.
  const root = basename(paths.store) === ".cairn" ? dirname(paths.store) : paths.root;
  return { dbPath: paths.db, root, exists: existsSync(paths.db) };
};

/**
 * Opens the store (applying pending migrations, e.g. the registry tables on a DB an older cairn
 * wrote). Throws NoLineageStoreError instead of creating an empty DB where nothing has run.
 */
export const openStore = (storeOpt: string | undefined): OpenedStore => {
  const { dbPath, root, exists } = locateStore(storeOpt);
  if (!exists) throw new NoLineageStoreError(dbPath);
  return { store: LineageStore.open(dbPath), root, dbPath };
};

/** Runs `f` with an opened store and closes it afterwards. */
export const withStore = async <T>(storeOpt: string | undefined, f: (s: OpenedStore) => T | Promise<T>): Promise<T> => {
  const s = openStore(storeOpt);
  try {
    return await f(s);
  } finally {
    s.store.close();
  }
};

/** Parses a non-negative integer option; 0 means "no limit" and returns null. */
export const parseLimit = (option: string, value: unknown, fallback: number | null): number | null => {
  if (value === undefined || value === null) return fallback;
  const text = String(value);
  if (!/^\d+$/.test(text)) throw new InvalidOptionError(option, text, "a whole number (0 = no limit)");
  const n = Number(text);
  return n === 0 ? null : n;
};

/** Writes text to stdout. */
export const print = (text: string): void => {
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
};

/** Writes a value as pretty JSON. */
export const printJson = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
};

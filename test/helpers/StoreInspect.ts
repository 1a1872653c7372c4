/**
 * Read-only looks into a project's `.cairn` store for assertions: which objects a task's last
 * execution produced, and where they live on disk.
 */
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type BetterSqlite3 from "better-sqlite3";

const require = createRequire(import.meta.url);
const Database = require("better-sqlite3") as typeof BetterSqlite3;

/** The path of an object under `.cairn/objects` (two-character fan-out, as the store lays it out). */
export const objectPath = (projectDir: string, hash: string): string => join(projectDir, ".cairn/objects", hash.slice(0, 2), hash.slice(2));

/** Runs `f` with the project's lineage DB open read-only, closing it afterwards. */
export const withDb = <T>(projectDir: string, f: (db: BetterSqlite3.Database) => T): T => {
  const db = new Database(join(projectDir, ".cairn/cairn.db"), { readonly: true });
  try {
    return f(db);
  } finally {
    db.close();
  }
};

/** The objects of a task's latest successful execution: its tree, value blob and file blobs. */
export const taskObjects = (projectDir: string, task: string): { tree: string; value: string | null; files: Array<{ path: string; hash: string }> } => {
  const row = withDb(projectDir, (db) =>
    db.prepare(`SELECT output_hash FROM executions WHERE task = ? AND status = 'succeeded' ORDER BY id DESC LIMIT 1`).get(task),
  ) as { output_hash: string } | undefined;
  if (!row) throw new Error(`task ${task} has no successful execution`);
  const tree = JSON.parse(readFileSync(objectPath(projectDir, row.output_hash), "utf8")) as { value: string | null; files: Array<{ path: string; hash: string }> };
  return { tree: row.output_hash, value: tree.value, files: tree.files };
};

/**
 * Looks into a project's `.cairn` store for assertions: which objects a task's last execution
 * produced and where they live (a file under objects/, or a small_objects row of cairn.db), plus
 * the damage the healing tests inflict on them.
 */
import { createRequire } from "node:module";
import { chmodSync, existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type BetterSqlite3 from "better-sqlite3";

const require = createRequire(import.meta.url);
const Database = require("better-sqlite3") as typeof BetterSqlite3;

/** The path of an object under `.cairn/objects` (two-character fan-out, as the store lays it out). */
export const objectPath = (projectDir: string, hash: string): string => join(projectDir, ".cairn/objects", hash.slice(0, 2), hash.slice(2));

/** Runs `f` with the project's lineage DB open (read-only unless asked), closing it afterwards. */
export const withDb = <T>(projectDir: string, f: (db: BetterSqlite3.Database) => T, options: { writable?: boolean } = {}): T => {
  const db = new Database(join(projectDir, ".cairn/cairn.db"), { readonly: options.writable !== true });
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
  const tree = JSON.parse(objectBytes(projectDir, row.output_hash)!.toString("utf8")) as { value: string | null; files: Array<{ path: string; hash: string }> };
  return { tree: row.output_hash, value: tree.value, files: tree.files };
};

/** A small object's row, if the object is one. */
const smallObject = (projectDir: string, hash: string): Buffer | undefined =>
  withDb(projectDir, (db) => db.prepare(`SELECT bytes FROM small_objects WHERE hash = ?`).pluck().get(hash) as Buffer | undefined);

/** Whether the store keeps this object as a small_objects row rather than a file. */
export const isSmallObject = (projectDir: string, hash: string): boolean => smallObject(projectDir, hash) !== undefined;

/** An object's bytes, wherever it lives; undefined when it is in neither place. */
export const objectBytes = (projectDir: string, hash: string): Buffer | undefined => {
  const row = smallObject(projectDir, hash);
  if (row) return row;
  const file = objectPath(projectDir, hash);
  return existsSync(file) ? readFileSync(file) : undefined;
};

/** Replaces an object's bytes behind the store's back (file objects are 0444 once written). */
export const damageObject = (projectDir: string, hash: string, bytes: string): void => {
  if (isSmallObject(projectDir, hash)) {
    withDb(projectDir, (db) => db.prepare(`UPDATE small_objects SET bytes = ? WHERE hash = ?`).run(Buffer.from(bytes), hash), { writable: true });
    return;
  }
  const file = objectPath(projectDir, hash);
  chmodSync(file, 0o644);
  writeFileSync(file, bytes);
};

/** Deletes an object behind the store's back. */
export const deleteObject = (projectDir: string, hash: string): void => {
  if (isSmallObject(projectDir, hash)) withDb(projectDir, (db) => db.prepare(`DELETE FROM small_objects WHERE hash = ?`).run(hash), { writable: true });
  else unlinkSync(objectPath(projectDir, hash));
};

/** Paths of the file objects under `.cairn/objects`. */
export const objectFiles = (projectDir: string): string[] => {
  const dir = join(projectDir, ".cairn/objects");
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((d) => readdirSync(join(dir, d)).map((f) => join(dir, d, f)));
};

/** Every object of the store: files and small_objects rows. */
export const countObjects = (projectDir: string): number =>
  objectFiles(projectDir).length + (withDb(projectDir, (db) => db.prepare(`SELECT count(*) FROM small_objects`).pluck().get()) as number);

/** Whether the object exists, as a file or a row. */
export const objectExists = (projectDir: string, hash: string): boolean => objectBytes(projectDir, hash) !== undefined;

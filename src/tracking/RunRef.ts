/** Resolves what users type for a run: a full id, a unique prefix, `latest` or `latest~N`. */
import type { Db } from "../lineage/Database.js";
import { RunNotFoundError } from "./TrackingError.js";

/**
 * The run id `ref` names. `latest~1` is the run before the latest (optionally within `flow`);
 * a prefix must match exactly one run.
 */
export const resolveRunId = (db: Db, ref: string, flow?: string): string => {
  const latest = /^(?:latest|last|@)(?:~(\d+))?$/.exec(ref);
  if (latest) {
    const back = Number(latest[1] ?? 0);
    const id = db
      .prepare(`SELECT id FROM runs ${flow === undefined ? "" : "WHERE flow = ?"} ORDER BY started_at DESC, id DESC LIMIT 1 OFFSET ?`)
      .pluck()
      .get(...(flow === undefined ? [] : [flow]), back) as string | undefined;
    if (id === undefined) throw new RunNotFoundError(ref, []);
    return id;
  }
  if (db.prepare(`SELECT 1 FROM runs WHERE id = ?`).get(ref)) return ref;
  // Prefix match through the primary-key index: ids sort lexicographically.
  const matches = db.prepare(`SELECT id FROM runs WHERE id >= ? AND id < ? ORDER BY id LIMIT 6`).pluck().all(ref, `${ref}\uffff`) as string[];
  if (matches.length === 1) return matches[0]!;
  throw new RunNotFoundError(ref, matches);
};

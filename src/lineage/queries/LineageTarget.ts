/**
 * What `cairn lineage <target>` names: a model version (`churn@3`, `churn@production`), a task
 * (its latest execution), an artifact hash (or a unique prefix), or an input file path
 * (optionally `path@<hash>` for one version of it).
 */
import { isAbsolute, relative, resolve } from "node:path";
import type { Db } from "../Database.js";
import { resolveVersion, splitModelRef } from "../../tracking/ModelQueries.js";
import { LineageTargetNotFoundError } from "../../tracking/TrackingError.js";

export type LineageTarget =
  | { readonly kind: "model"; readonly model: string; readonly version: number; readonly execution: number; readonly artifact: string; readonly label: string }
  | { readonly kind: "task"; readonly flow: string; readonly task: string; readonly execution: number; readonly label: string }
  | { readonly kind: "artifact"; readonly hash: string; readonly execution: number; readonly label: string }
  | { readonly kind: "file"; readonly path: string; readonly hash: string | null; readonly label: string };

const isModel = (db: Db, name: string): boolean => db.prepare(`SELECT 1 FROM models WHERE name = ?`).get(name) !== undefined;

/** The path as stored (relative to the project root, `/` separators), or null if never read. */
const storedPath = (db: Db, text: string, root: string): string | null => {
  const candidates = [text, relative(root, isAbsolute(text) ? text : resolve(process.cwd(), text))].map((p) => p.split("\\").join("/"));
  for (const p of candidates) {
    if (db.prepare(`SELECT 1 FROM execution_inputs WHERE kind = 'file' AND path = ? LIMIT 1`).get(p)) return p;
  }
  return null;
};

const latestOfTask = (db: Db, task: string, opts: { flow?: string | undefined; run?: string | undefined }): { id: number; flow: string } | undefined =>
  db
    .prepare(
      `SELECT id, flow FROM executions WHERE task = @task AND status IN ('succeeded','cached')
       ${opts.flow === undefined ? "" : "AND flow = @flow"} ${opts.run === undefined ? "" : "AND run_id = @run"} ORDER BY id DESC LIMIT 1`,
    )
    .get({ task, ...(opts.flow === undefined ? {} : { flow: opts.flow }), ...(opts.run === undefined ? {} : { run: opts.run }) }) as { id: number; flow: string } | undefined;

// Hash prefixes use a range scan over the hash indexes: `h >= prefix AND h < prefix || 'g'` (hex digits sort below 'g').
const artifactProducer = (db: Db, prefix: string): { hash: string; execution: number } | "ambiguous" | undefined => {
  const lo = prefix.toLowerCase();
  const hi = `${lo}g`;
  const hashes = new Set<string>([
    ...(db.prepare(`SELECT DISTINCT output_hash FROM executions WHERE output_hash >= ? AND output_hash < ? LIMIT 3`).pluck().all(lo, hi) as string[]),
    ...(db.prepare(`SELECT DISTINCT hash FROM execution_outputs WHERE hash >= ? AND hash < ? LIMIT 3`).pluck().all(lo, hi) as string[]),
    ...(db.prepare(`SELECT DISTINCT artifact_hash FROM model_versions WHERE artifact_hash >= ? AND artifact_hash < ? LIMIT 3`).pluck().all(lo, hi) as string[]),
  ]);
  if (hashes.size === 0) return undefined;
  if (hashes.size > 1) return "ambiguous";
  const hash = [...hashes][0]!;
  const id =
    (db.prepare(`SELECT id FROM executions WHERE output_hash = ? AND status = 'succeeded' ORDER BY id DESC LIMIT 1`).pluck().get(hash) as number | undefined) ??
    (db.prepare(`SELECT execution_id FROM execution_outputs WHERE hash = ? ORDER BY execution_id DESC LIMIT 1`).pluck().get(hash) as number | undefined) ??
    (db.prepare(`SELECT execution_id FROM model_versions WHERE artifact_hash = ? ORDER BY execution_id DESC LIMIT 1`).pluck().get(hash) as number | undefined);
  return id === undefined ? undefined : { hash, execution: id };
};

/** Resolves `text`; `root` is the project root that file paths are relative to. Throws LineageTargetNotFoundError. */
export const resolveLineageTarget = (db: Db, text: string, opts: { root: string; flow?: string | undefined; run?: string | undefined }): LineageTarget => {
  const { model, ref } = splitModelRef(text);
  if (ref !== null) {
    if (isModel(db, model)) {
      const version = resolveVersion(db, model, ref);
      const row = db.prepare(`SELECT execution_id, artifact_hash FROM model_versions WHERE model = ? AND version = ?`).get(model, version) as { execution_id: number; artifact_hash: string };
      return { kind: "model", model, version, execution: row.execution_id, artifact: row.artifact_hash, label: `${model}@${version}` };
    }
    const path = storedPath(db, model, opts.root);
    if (path !== null) return { kind: "file", path, hash: ref, label: `${path}@${ref}` };
  } else {
    const task = latestOfTask(db, text, opts);
    if (task) return { kind: "task", flow: task.flow, task: text, execution: task.id, label: `${task.flow}/${text}` };
    if (isModel(db, text)) {
      const version = resolveVersion(db, text, String(db.prepare(`SELECT latest_version FROM models WHERE name = ?`).pluck().get(text)));
      const row = db.prepare(`SELECT execution_id, artifact_hash FROM model_versions WHERE model = ? AND version = ?`).get(text, version) as { execution_id: number; artifact_hash: string };
      return { kind: "model", model: text, version, execution: row.execution_id, artifact: row.artifact_hash, label: `${text}@${version}` };
    }
    if (/^[0-9a-f]{6,}$/i.test(text)) {
      const a = artifactProducer(db, text);
      if (a === "ambiguous") throw new LineageTargetNotFoundError(text, "That hash prefix matches several artifacts: type more of it.");
      if (a) return { kind: "artifact", hash: a.hash, execution: a.execution, label: a.hash };
    }
    const path = storedPath(db, text, opts.root);
    if (path !== null) return { kind: "file", path, hash: null, label: path };
  }
  const models = db.prepare(`SELECT name FROM models ORDER BY name LIMIT 10`).pluck().all() as string[];
  throw new LineageTargetNotFoundError(
    text,
    `Use a model version (${models.length > 0 ? `${models[0]}@production, ${models[0]}@1` : "name@version"}), a task name, an artifact hash, ` +
      `or an input file path relative to the project root (${opts.root}).` +
      (ref !== null && !isModel(db, model) ? ` No model named "${model}" is registered${models.length > 0 ? ` (models: ${models.join(", ")})` : ""}.` : ""),
  );
};

/**
 * Model registry reads: list, show, history, and resolving `name@version|alias` references.
 * Plain functions over the better-sqlite3 handle so the CLI can answer without an engine.
 */
import type { Db } from "../lineage/Database.js";
import { ModelNotFoundError, ModelVersionNotFoundError } from "./RegistryError.js";

/** One version as `cairn models show --json` prints it (pinned: version, aliases, metrics, artifact, createdAt, run). */
export interface ModelVersionView {
  readonly version: number;
  readonly aliases: ReadonlyArray<string>;
  /** The producing execution's metrics (last value per name) overlaid with those passed to registerModel. */
  readonly metrics: Readonly<Record<string, number>>;
  /** Content hash of the registered artifact in the object store. */
  readonly artifact: string;
  readonly artifactPath: string | null;
  /** ISO-8601 time of registration. */
  readonly createdAt: string;
  /** The run that registered it. */
  readonly run: string;
  readonly task: string | null;
  readonly execution: number;
}

export interface ModelView {
  readonly name: string;
  readonly versions: ReadonlyArray<ModelVersionView>;
}

/** One row of `cairn models list`. */
export interface ModelSummary {
  readonly name: string;
  readonly versions: number;
  readonly latest: number;
  /** alias → version (archived lists every archived version). */
  readonly aliases: Readonly<Record<string, number | ReadonlyArray<number>>>;
  readonly updatedAt: string;
}

/** One audit-log entry (`cairn models history`). */
export interface AuditEntry {
  readonly id: number;
  readonly action: "register" | "promote" | "rollback" | "refused";
  readonly alias: string | null;
  readonly from: number | null;
  readonly to: number | null;
  readonly reason: string | null;
  readonly user: string;
  readonly host: string;
  readonly at: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

const knownModels = (db: Db): string[] => (db.prepare(`SELECT name FROM models ORDER BY name`).pluck().all() as string[]);

/** Throws ModelNotFoundError unless `model` has been registered. */
export const requireModel = (db: Db, model: string): void => {
  if (!db.prepare(`SELECT 1 FROM models WHERE name = ?`).get(model)) throw new ModelNotFoundError(model, knownModels(db));
};

/** Throws unless `model` exists and (when given) has `version`. */
export const requireVersion = (db: Db, model: string, version: number | null): void => {
  requireModel(db, model);
  if (version === null) return;
  if (!db.prepare(`SELECT 1 FROM model_versions WHERE model = ? AND version = ?`).get(model, version)) {
    throw versionNotFound(db, model, String(version));
  }
};

const versionNotFound = (db: Db, model: string, ref: string): ModelVersionNotFoundError =>
  new ModelVersionNotFoundError(
    model,
    ref,
    db.prepare(`SELECT version FROM model_versions WHERE model = ? ORDER BY version`).pluck().all(model) as number[],
    db.prepare(`SELECT DISTINCT alias FROM model_aliases WHERE model = ? ORDER BY alias`).pluck().all(model) as string[],
  );

/** The version holding a single-holder alias, or null. */
export const currentHolder = (db: Db, model: string, alias: string): number | null =>
  (db.prepare(`SELECT version FROM model_aliases WHERE model = ? AND alias = ? ORDER BY updated_at DESC LIMIT 1`).pluck().get(model, alias) as
    | number
    | undefined) ?? null;

/** Resolves `ref` (a version number or an alias) of `model` to a version number. */
export const resolveVersion = (db: Db, model: string, ref: string): number => {
  requireModel(db, model);
  if (/^v?\d+$/.test(ref)) {
    const v = Number(ref.replace(/^v/, ""));
    requireVersion(db, model, v);
    return v;
  }
  const held = currentHolder(db, model, ref);
  if (held === null) throw versionNotFound(db, model, ref);
  return held;
};

/** Splits `name@ref` (ref optional). */
export const splitModelRef = (text: string): { readonly model: string; readonly ref: string | null } => {
  const at = text.lastIndexOf("@");
  return at <= 0 ? { model: text, ref: null } : { model: text.slice(0, at), ref: text.slice(at + 1) };
};

/** A version's metrics: the producing execution's (last value per name), overlaid with registered ones. */
export const versionMetrics = (db: Db, model: string, version: number): Record<string, number> => {
  const out: Record<string, number> = {};
  const exec = db.prepare(`SELECT execution_id FROM model_versions WHERE model = ? AND version = ?`).pluck().get(model, version) as number | undefined;
  if (exec !== undefined) {
    for (const m of db.prepare(`SELECT name, value FROM metrics WHERE execution_id = ? ORDER BY COALESCE(step, -1), at, rowid`).all(exec) as Array<{ name: string; value: number }>) {
      out[m.name] = m.value;
    }
  }
  for (const m of db.prepare(`SELECT name, value FROM model_version_metrics WHERE model = ? AND version = ?`).all(model, version) as Array<{ name: string; value: number }>) {
    out[m.name] = m.value;
  }
  return out;
};

/**
 * Replays the audit log of one alias: promote pushes, rollback pops back to its target. `active`
 * is the resulting stack (bottom first); `everHeld` every version that ever held the alias.
 */
export const aliasHistory = (db: Db, model: string, alias: string): { active: number[]; everHeld: Set<number> } => {
  const rows = db
    .prepare(`SELECT action, to_version AS "to" FROM model_audit WHERE model = ? AND alias = ? AND action IN ('promote','rollback') ORDER BY id`)
    .all(model, alias) as Array<{ action: string; to: number }>;
  const active: number[] = [];
  const everHeld = new Set<number>();
  for (const r of rows) {
    everHeld.add(r.to);
    if (r.action === "promote") {
      if (active[active.length - 1] !== r.to) active.push(r.to);
    } else {
      const i = active.lastIndexOf(r.to);
      if (i >= 0) active.length = i + 1;
      else active.push(r.to);
    }
  }
  return { active, everHeld };
};

/** Every model with its version count, latest version and current aliases. */
export const listModels = (db: Db): ReadonlyArray<ModelSummary> => {
  const models = db
    .prepare(
      `SELECT m.name, m.latest_version AS latest,
              (SELECT COUNT(*) FROM model_versions v WHERE v.model = m.name) AS versions,
              (SELECT at FROM model_audit a WHERE a.model = m.name ORDER BY a.id DESC LIMIT 1) AS updated
       FROM models m ORDER BY m.name`,
    )
    .all() as Array<{ name: string; latest: number; versions: number; updated: number | null }>;
  const aliases = db.prepare(`SELECT model, alias, version FROM model_aliases ORDER BY model, alias, version`).all() as Array<{
    model: string;
    alias: string;
    version: number;
  }>;
  return models.map((m) => {
    const mine: Record<string, number | number[]> = {};
    for (const a of aliases) {
      if (a.model !== m.name) continue;
      if (a.alias === "archived") ((mine[a.alias] ??= []) as number[]).push(a.version);
      else mine[a.alias] = a.version;
    }
    return { name: m.name, versions: m.versions, latest: m.latest, aliases: mine, updatedAt: iso(m.updated ?? 0) };
  });
};

/** A model with all its versions (newest first), or only `ref` (a version or alias) when given. */
export const showModel = (db: Db, model: string, ref: string | null = null): ModelView => {
  requireModel(db, model);
  const only = ref === null ? null : resolveVersion(db, model, ref);
  const rows = db
    .prepare(
      `SELECT v.version, v.artifact_hash, v.artifact_path, v.created_at, v.run_id, v.execution_id, e.task
       FROM model_versions v LEFT JOIN executions e ON e.id = v.execution_id
       WHERE v.model = ? AND (? IS NULL OR v.version = ?) ORDER BY v.version DESC`,
    )
    .all(model, only, only) as Array<{ version: number; artifact_hash: string; artifact_path: string | null; created_at: number; run_id: string; execution_id: number; task: string | null }>;
  const aliasRows = db.prepare(`SELECT alias, version FROM model_aliases WHERE model = ? ORDER BY alias`).all(model) as Array<{ alias: string; version: number }>;
  const metrics = new Map<number, Record<string, number>>();
  const execMetrics = db.prepare(
    `SELECT v.version, m.name, m.value FROM model_versions v JOIN metrics m ON m.execution_id = v.execution_id
     WHERE v.model = ? AND (? IS NULL OR v.version = ?) ORDER BY v.version, COALESCE(m.step, -1), m.at, m.rowid`,
  );
  const regMetrics = db.prepare(`SELECT version, name, value FROM model_version_metrics WHERE model = ? AND (? IS NULL OR version = ?)`);
  for (const stmt of [execMetrics, regMetrics]) {
    for (const m of stmt.all(model, only, only) as Array<{ version: number; name: string; value: number }>) {
      let rec = metrics.get(m.version);
      if (!rec) metrics.set(m.version, (rec = {}));
      rec[m.name] = m.value;
    }
  }
  return {
    name: model,
    versions: rows.map((r) => ({
      version: r.version,
      aliases: aliasRows.filter((a) => a.version === r.version).map((a) => a.alias),
      metrics: metrics.get(r.version) ?? {},
      artifact: r.artifact_hash,
      artifactPath: r.artifact_path,
      createdAt: iso(r.created_at),
      run: r.run_id,
      task: r.task,
      execution: r.execution_id,
    })),
  };
};

/** The audit log of one model, oldest first. */
export const modelHistory = (db: Db, model: string): ReadonlyArray<AuditEntry> => {
  requireModel(db, model);
  return (
    db
      .prepare(`SELECT id, action, alias, from_version, to_version, reason, user, host, at FROM model_audit WHERE model = ? ORDER BY id`)
      .all(model) as Array<{ id: number; action: AuditEntry["action"]; alias: string | null; from_version: number | null; to_version: number | null; reason: string | null; user: string; host: string; at: number }>
  ).map((r) => ({ id: r.id, action: r.action, alias: r.alias, from: r.from_version, to: r.to_version, reason: r.reason, user: r.user, host: r.host, at: iso(r.at) }));
};

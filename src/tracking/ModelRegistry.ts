/**
 * Model registry writes: recording new versions (called by the engine inside the transaction that
 * commits the producing execution), promoting a version to an alias, and rolling an alias back.
 * Every change appends a row to `model_audit`, which triggers keep append-only.
 */
import { hostname, userInfo } from "node:os";
import type { Db } from "../lineage/Database.js";
import type { LineageStore } from "../lineage/LineageStore.js";
import type { Condition } from "./Condition.js";
import { holds } from "./Condition.js";
import { aliasHistory, currentHolder, requireVersion, versionMetrics } from "./ModelQueries.js";
import { InvalidAliasError, InvalidModelNameError, PromotionRefusedError, RollbackUnavailableError } from "./RegistryError.js";

/** One `ctx.registerModel(name, valueOrPath, { metrics })` call, resolved to a stored artifact. */
export interface ModelRegistration {
  readonly name: string;
  readonly artifactHash: string;
  readonly artifactPath: string | null;
  readonly metrics: Record<string, number>;
}

/** The alias `rollback` moves unless told otherwise, and the one `promote --to` defaults to. */
export const PRODUCTION = "production";
/** `archived` may be held by many versions at once; every other alias by exactly one. */
export const ARCHIVED = "archived";

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._\-/]*$/;
const ALIAS = /^[A-Za-z][A-Za-z0-9_-]*$/;

/**
 * Why a model name is unusable, or `undefined` when it is fine. Names may not contain `@` or
 * spaces: `cairn models show churn@production` must be unambiguous. The engine can call this at
 * `ctx.registerModel` time, so a bad name fails the task instead of the commit.
 */
export const invalidModelName = (name: string): string | undefined =>
  MODEL_NAME.test(name)
    ? undefined
    : `model name "${name}" must start with a letter or digit and use only letters, digits, ".", "_", "-" or "/" (no "@", no spaces)`;

/**
 * Records model versions for a successful execution. Runs inside the caller's transaction (the
 * one committing the execution), so a version never points at an execution that did not commit.
 * Versions auto-increment per model name from `models.latest_version`, which the transaction
 * serialises across processes. Returns the versions it created, in order.
 */
export const recordModelRegistrations = (
  db: Db,
  executionId: number,
  runId: string,
  regs: ReadonlyArray<{ name: string; artifactHash: string; artifactPath: string | null; metrics: Record<string, number> }>,
  at: number,
): ReadonlyArray<{ readonly name: string; readonly version: number }> => {
  if (regs.length === 0) return [];
  const who = actor(db, runId);
  const upsertModel = db.prepare(`INSERT OR IGNORE INTO models (name, created_at, latest_version) VALUES (?, ?, 0)`);
  const bump = db.prepare(`UPDATE models SET latest_version = latest_version + 1 WHERE name = ? RETURNING latest_version AS v`);
  const insertVersion = db.prepare(
    `INSERT INTO model_versions (model, version, artifact_hash, artifact_path, execution_id, run_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertMetric = db.prepare(`INSERT OR REPLACE INTO model_version_metrics (model, version, name, value) VALUES (?, ?, ?, ?)`);
  const audit = auditStatement(db);
  const created: Array<{ name: string; version: number }> = [];
  for (const r of regs) {
    const bad = invalidModelName(r.name);
    if (bad) throw new InvalidModelNameError(r.name, bad);
    upsertModel.run(r.name, at);
    const version = (bump.get(r.name) as { v: number }).v;
    insertVersion.run(r.name, version, r.artifactHash, r.artifactPath, executionId, runId, at);
    for (const [k, v] of Object.entries(r.metrics)) {
      if (typeof v === "number" && Number.isFinite(v)) insertMetric.run(r.name, version, k, v);
    }
    audit.run(r.name, "register", null, null, version, `registered by run ${runId}`, who.user, who.host, at);
    created.push({ name: r.name, version });
  }
  return created;
};

/** What a promote or rollback did. `from` is the version that held the alias before (if any). */
export interface AliasChange {
  readonly model: string;
  readonly alias: string;
  readonly from: number | null;
  readonly to: number;
  /** False when the version already held the alias: nothing changed and nothing was logged. */
  readonly changed: boolean;
}

/**
 * Points `alias` of `model` at `version`, after checking `require` gates against the version's
 * metrics. One IMMEDIATE transaction: two processes promoting at once serialise, the second sees
 * the first's result as its `from`, and both land in the audit log (no lost update). A refused
 * gate is logged too (action `refused`), then thrown as PromotionRefusedError.
 */
export const promote = (
  store: LineageStore,
  req: { model: string; version: number; alias?: string; reason?: string | null; require?: ReadonlyArray<Condition>; at?: number },
): AliasChange => {
  const alias = req.alias ?? PRODUCTION;
  if (!ALIAS.test(alias)) throw new InvalidAliasError(alias);
  type Outcome = { readonly refused: ReadonlyArray<string> } | { readonly change: AliasChange };
  const outcome = store.write((): Outcome => {
    const db = store.db;
    const at = req.at ?? Date.now();
    requireVersion(db, req.model, req.version);
    const metrics = versionMetrics(db, req.model, req.version);
    const failures = (req.require ?? []).flatMap((c) => {
      const actual = metrics[c.field];
      if (actual === undefined) {
        const known = Object.keys(metrics);
        return [`it has no metric "${c.field}" (its metrics: ${known.length > 0 ? known.join(", ") : "none"})`];
      }
      return holds(c, actual) ? [] : [`${c.field} is ${actual}, required ${c.op} ${c.value}`];
    });
    const audit = auditStatement(db);
    const who = { user: store.user, host: store.host };
    const from = alias === ARCHIVED ? null : currentHolder(db, req.model, alias);
    if (failures.length > 0) {
      const why = `failed --require: ${failures.join("; ")}` + (req.reason ? ` (reason given: ${req.reason})` : "");
      audit.run(req.model, "refused", alias, from, req.version, why, who.user, who.host, at);
      return { refused: failures };
    }
    if (from === req.version) return { change: { model: req.model, alias, from, to: req.version, changed: false } };
    if (alias === ARCHIVED) {
      const held = db.prepare(`SELECT 1 FROM model_aliases WHERE model = ? AND alias = ? AND version = ?`).get(req.model, alias, req.version);
      if (held) return { change: { model: req.model, alias, from: req.version, to: req.version, changed: false } };
    } else {
      db.prepare(`DELETE FROM model_aliases WHERE model = ? AND alias = ?`).run(req.model, alias);
    }
    db.prepare(`INSERT INTO model_aliases (model, alias, version, updated_at) VALUES (?, ?, ?, ?)`).run(req.model, alias, req.version, at);
    audit.run(req.model, "promote", alias, from, req.version, req.reason ?? null, who.user, who.host, at);
    return { change: { model: req.model, alias, from, to: req.version, changed: true } };
  });
  if ("refused" in outcome) throw new PromotionRefusedError(req.model, req.version, alias, outcome.refused);
  return outcome.change;
};

/**
 * Moves `alias` (default production) back to the version that held it before the current one,
 * or to `to` when given (which must have held the alias before). Successive rollbacks walk further
 * back: the history is replayed as a stack where promote pushes and rollback pops.
 */
export const rollback = (
  store: LineageStore,
  req: { model: string; alias?: string; to?: number; reason?: string | null; at?: number },
): AliasChange =>
  store.write(() => {
    const db = store.db;
    const alias = req.alias ?? PRODUCTION;
    if (!ALIAS.test(alias) || alias === ARCHIVED) throw new InvalidAliasError(alias);
    const at = req.at ?? Date.now();
    const current = currentHolder(db, req.model, alias);
    if (current === null) {
      requireVersion(db, req.model, req.to ?? null);
      throw new RollbackUnavailableError(req.model, alias, `no version holds ${alias} now. Use \`cairn models promote ${req.model} <version> --to ${alias}\`.`);
    }
    const stack = aliasHistory(db, req.model, alias);
    let target: number | undefined;
    if (req.to !== undefined) {
      requireVersion(db, req.model, req.to);
      if (req.to === current) throw new RollbackUnavailableError(req.model, alias, `version ${req.to} already holds ${alias}.`);
      if (!stack.everHeld.has(req.to)) {
        throw new RollbackUnavailableError(
          req.model,
          alias,
          `version ${req.to} never held ${alias}, so it is not a rollback target. Use \`cairn models promote ${req.model} ${req.to} --to ${alias}\` to promote it.`,
        );
      }
      target = req.to;
    } else {
      target = [...stack.active].reverse().find((v) => v !== current);
      if (target === undefined) {
        throw new RollbackUnavailableError(
          req.model,
          alias,
          `version ${current} is the first version to hold ${alias}; there is no earlier one to return to. ` +
            `Promote another version with \`cairn models promote ${req.model} <version> --to ${alias}\`.`,
        );
      }
    }
    db.prepare(`DELETE FROM model_aliases WHERE model = ? AND alias = ?`).run(req.model, alias);
    db.prepare(`INSERT INTO model_aliases (model, alias, version, updated_at) VALUES (?, ?, ?, ?)`).run(req.model, alias, target, at);
    auditStatement(db).run(req.model, "rollback", alias, current, target, req.reason ?? null, store.user, store.host, at);
    return { model: req.model, alias, from: current, to: target, changed: true };
  });

const auditStatement = (db: Db) =>
  db.prepare(
    `INSERT INTO model_audit (model, action, alias, from_version, to_version, reason, user, host, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );

// Registrations are attributed to whoever started the run (runs.user/host), falling back to this process.
const actor = (db: Db, runId: string): { user: string; host: string } => {
  const row = db.prepare(`SELECT user, host FROM runs WHERE id = ?`).get(runId) as { user: string | null; host: string | null } | undefined;
  let user = row?.user ?? null;
  if (user === null) {
    try {
      user = userInfo().username;
    } catch {
      user = String(process.getuid?.() ?? "unknown");
    }
  }
  return { user, host: row?.host ?? hostname() };
};

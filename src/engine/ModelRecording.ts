/**
 * Turns `ctx.registerModel(name, valueOrPath)` calls into registry rows: a path inside the task's
 * output directory points at that stored file; any other value is stored as a JSON blob.
 */
import { isAbsolute, relative, resolve } from "node:path";
import type { Db } from "../lineage/Database.js";
import type { OutputTree } from "../store/ArtifactStore.js";
import type { ModelRegistration } from "./ExecutionRecorder.js";
import type { RunContext } from "./RunContext.js";
import { canonicalJson } from "../hashing/CanonicalJson.js";
import { recordModelRegistrations } from "../tracking/ModelRegistry.js";
import { showModel } from "../tracking/ModelQueries.js";

/** A registered version's metrics (by alias or number), or undefined when there is none. */
export const registeredMetrics = (db: Db, model: string, ref: string): Readonly<Record<string, number>> | undefined => {
  try {
    return showModel(db, model, ref).versions[0]?.metrics;
  } catch (e) {
    // Unknown model, or the alias is held by no version: no baseline (yet).
    if (typeof (e as { _tag?: unknown })._tag === "string") return undefined;
    throw e;
  }
};

export class ModelRegistrationError extends Error {
  readonly _tag = "ModelRegistrationError";
  readonly retryable = false;
  constructor(readonly task: string, readonly model: string, detail: string) {
    super(`task "${task}": ctx.registerModel("${model}", …): ${detail}`);
  }
}

/** Resolves registrations to artifacts now; returns the function that records them inside the commit transaction. */
export const recordModels = (cx: RunContext, task: string, models: ReadonlyArray<ModelRegistration>, outDir: string, tree: OutputTree): ((db: Db, executionId: number) => void) | undefined => {
  if (models.length === 0) return undefined;
  const regs = models.map((m) => {
    if (typeof m.valueOrPath === "string" && (m.valueOrPath.startsWith(outDir) || !isAbsolute(m.valueOrPath))) {
      const rel = relative(outDir, resolve(outDir, m.valueOrPath)).split("\\").join("/");
      const f = tree.files.find((x) => x.path === rel);
      if (f) return { name: m.name, artifactHash: f.hash as string, artifactPath: rel, metrics: m.metrics };
      if (isAbsolute(m.valueOrPath)) throw new ModelRegistrationError(task, m.name, `${m.valueOrPath} was not written into ctx.outDir; write the model file there first`);
    }
    let text: string;
    try {
      text = canonicalJson(m.valueOrPath, "model");
    } catch (e) {
      throw new ModelRegistrationError(task, m.name, `${(e as Error).message}; pass a path inside ctx.outDir or a JSON value`);
    }
    return { name: m.name, artifactHash: cx.store.putBytes(Buffer.from(text, "utf8")) as string, artifactPath: null, metrics: m.metrics };
  });
  return (db, executionId) => recordModelRegistrations(db, executionId, cx.runId, regs, Date.now());
};

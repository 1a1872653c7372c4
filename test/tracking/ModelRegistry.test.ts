import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import type { LineageStore } from "../../src/lineage/LineageStore.js";
import { parseCondition } from "../../src/tracking/Condition.js";
import { aliasHistory, listModels, modelHistory, showModel } from "../../src/tracking/ModelQueries.js";
import { promote, rollback } from "../../src/tracking/ModelRegistry.js";
import { ModelNotFoundError, ModelVersionNotFoundError, PromotionRefusedError, RollbackUnavailableError } from "../../src/tracking/RegistryError.js";
import { churnStory } from "./lineageFixture.js";

describe("model registry", () => {
  let fx: ReturnType<typeof churnStory>;
  let store: LineageStore;
  beforeEach(() => {
    fx = churnStory();
    store = fx.open();
  });
  afterEach(() => {
    store.close();
    rmSync(fx.root, { recursive: true, force: true });
  });

  it("numbers versions per model in registration order and links each to its run and artifact", () => {
    const view = showModel(store.db, "churn");
    expect(view.versions.map((v) => [v.version, v.run, v.task])).toEqual([
      [3, "r3", "train"],
      [2, "r2", "train"],
      [1, "r1", "train"],
    ]);
    expect(view.versions[2]!.artifact).toBe("m1".padEnd(32, "a"));
    expect(view.versions[2]!.metrics).toEqual({ loss: 0.4, accuracy: 0.81, f1: 0.7 });
    expect(modelHistory(store.db, "churn").map((e) => [e.action, e.to])).toEqual([
      ["register", 1],
      ["register", 2],
      ["register", 3],
    ]);
  });

  it("moves an alias from its holder to the promoted version and logs who, from, to and why", () => {
    promote(store, { model: "churn", version: 1, reason: "first" });
    const change = promote(store, { model: "churn", version: 2, alias: "production", reason: "better f1" });
    expect(change).toEqual({ model: "churn", alias: "production", from: 1, to: 2, changed: true });
    expect(showModel(store.db, "churn").versions.map((v) => [v.version, v.aliases])).toEqual([
      [3, []],
      [2, ["production"]],
      [1, []],
    ]);
    const last = modelHistory(store.db, "churn").at(-1)!;
    expect(last).toMatchObject({ action: "promote", alias: "production", from: 1, to: 2, reason: "better f1", user: store.user, host: store.host });
  });

  it("lets many versions be archived while every other alias has one holder", () => {
    promote(store, { model: "churn", version: 1, alias: "archived" });
    promote(store, { model: "churn", version: 2, alias: "archived" });
    promote(store, { model: "churn", version: 2, alias: "staging" });
    promote(store, { model: "churn", version: 3, alias: "staging" });
    expect(listModels(store.db)).toEqual([
      expect.objectContaining({ name: "churn", versions: 3, latest: 3, aliases: { archived: [1, 2], staging: 3 } }),
    ]);
  });

  it("reports promoting the current holder as no change and logs nothing", () => {
    promote(store, { model: "churn", version: 2 });
    const before = modelHistory(store.db, "churn").length;
    expect(promote(store, { model: "churn", version: 2 }).changed).toBe(false);
    expect(modelHistory(store.db, "churn")).toHaveLength(before);
  });

  it("refuses to promote a version that does not exist, naming the versions that do", () => {
    expect(() => promote(store, { model: "churn", version: 9 })).toThrow(ModelVersionNotFoundError);
    expect(() => promote(store, { model: "churn", version: 9 })).toThrow(/versions: 1, 2, 3/);
    expect(() => promote(store, { model: "chrun", version: 1 })).toThrow(ModelNotFoundError);
    expect(modelHistory(store.db, "churn").filter((e) => e.action !== "register")).toEqual([]);
  });

  it("refuses a promotion that misses a metric gate, logs the refusal and keeps the alias", () => {
    promote(store, { model: "churn", version: 2 });
    const gate = [parseCondition("accuracy>=0.9")!];
    expect(() => promote(store, { model: "churn", version: 3, require: gate })).toThrow(PromotionRefusedError);
    expect(() => promote(store, { model: "churn", version: 3, require: gate })).toThrow(/accuracy is 0.88, required >= 0.9/);
    expect(() => promote(store, { model: "churn", version: 3, require: [parseCondition("auc>0.5")!] })).toThrow(/has no metric "auc"/);
    expect(showModel(store.db, "churn", "production").versions[0]!.version).toBe(2);
    expect(modelHistory(store.db, "churn").filter((e) => e.action === "refused")).toHaveLength(3);
    expect(promote(store, { model: "churn", version: 2, alias: "staging", require: gate }).changed).toBe(true);
  });

  it("rolls production back one promotion at a time and refuses when there is nothing earlier", () => {
    promote(store, { model: "churn", version: 1 });
    expect(() => rollback(store, { model: "churn" })).toThrow(RollbackUnavailableError);
    expect(() => rollback(store, { model: "churn" })).toThrow(/version 1 is the first version to hold production/);
    promote(store, { model: "churn", version: 2 });
    promote(store, { model: "churn", version: 3 });
    expect(rollback(store, { model: "churn", reason: "drift" })).toMatchObject({ from: 3, to: 2 });
    expect(rollback(store, { model: "churn" })).toMatchObject({ from: 2, to: 1 });
    expect(() => rollback(store, { model: "churn" })).toThrow(RollbackUnavailableError);
    expect(aliasHistory(store.db, "churn", "production").active).toEqual([1]);
    expect(rollback(store, { model: "churn", to: 3 })).toMatchObject({ from: 1, to: 3 });
    expect(modelHistory(store.db, "churn").filter((e) => e.action === "rollback").map((e) => [e.from, e.to, e.reason])).toEqual([
      [3, 2, "drift"],
      [2, 1, null],
      [1, 3, null],
    ]);
  });

  it("refuses to roll back to a version that never held the alias, or when nothing holds it", () => {
    expect(() => rollback(store, { model: "churn" })).toThrow(/no version holds production now/);
    promote(store, { model: "churn", version: 1 });
    promote(store, { model: "churn", version: 3 });
    expect(() => rollback(store, { model: "churn", to: 2 })).toThrow(/version 2 never held production/);
  });

  it("keeps the audit log append-only even against direct SQL", () => {
    promote(store, { model: "churn", version: 1 });
    expect(() => store.db.prepare(`UPDATE model_audit SET reason = 'x'`).run()).toThrow(/append-only/);
    expect(() => store.db.prepare(`DELETE FROM model_audit`).run()).toThrow(/append-only/);
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { LineageStore } from "../../src/lineage/LineageStore.js";
import { churnStory } from "./lineageFixture.js";

// Recomputes each run's latest value per metric from the raw tables: what run_metrics must hold.
const expected = (store: LineageStore) => {
  const rows = store.db
    .prepare(
      `SELECT e.run_id AS run, m.name, m.value FROM executions e JOIN metrics m ON m.execution_id = COALESCE(e.source_execution_id, e.id)
       ORDER BY e.id, COALESCE(m.step, -1), m.at, m.rowid`,
    )
    .all() as Array<{ run: string; name: string; value: number }>;
  const out = new Map<string, number>();
  for (const r of rows) out.set(`${r.run}/${r.name}`, r.value);
  return Object.fromEntries([...out].sort());
};
const actual = (store: LineageStore) =>
  Object.fromEntries(
    (store.db.prepare(`SELECT run_id AS run, name, value FROM run_metrics ORDER BY run_id, name`).all() as Array<{ run: string; name: string; value: number }>)
      .map((r) => [`${r.run}/${r.name}`, r.value] as const)
      .sort(),
  );

describe("the run_metrics summary", () => {
  let fx: ReturnType<typeof churnStory>;
  beforeEach(() => {
    fx = churnStory();
  });
  afterEach(() => rmSync(fx.root, { recursive: true, force: true }));

  it("holds each run's latest value of every metric, cache hits included, as writes happen", () => {
    const store = fx.open();
    try {
      const want = expected(store);
      expect(want["r1/loss"]).toBe(0.4);
      expect(want["r4/accuracy"]).toBe(0.88);
      expect(actual(store)).toEqual(want);
    } finally {
      store.close();
    }
  });

  it("is rebuilt from recorded metrics when a store written before it existed is migrated", () => {
    const old = fx.open();
    const want = expected(old);
    // Make this store look like one written by a cairn that stopped at schema 2.
    old.db.exec(`DROP TRIGGER run_metrics_on_metric; DROP TRIGGER run_metrics_on_cache_hit; DROP TABLE run_metrics; DROP TABLE small_objects; PRAGMA user_version = 2;`);
    old.close();
    const migrated = LineageStore.open(fx.db);
    try {
      expect(migrated.db.pragma("user_version", { simple: true })).toBeGreaterThanOrEqual(3);
      expect(actual(migrated)).toEqual(want);
    } finally {
      migrated.close();
    }
  });
});

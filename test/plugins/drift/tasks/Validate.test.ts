/** The validate task: report.json in the output directory, failure listing all violations, warn mode. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { file, task } from "../../../../src/index.js";
import { validate, ValidationFailedError } from "../../../../plugins/drift/index.js";
import { runTask, tempFile } from "../TaskHarness.js";

const CSV = "id,age,plan\n1,34,pro\n2,-3,free\n3,51,gold\n3,,pro\n";
const schema = { id: { unique: true }, age: { type: "integer" as const, min: 0 }, plan: { in: ["free", "pro"] } };

describe("validate", () => {
  it("declares a file input and its options as params, so the cache key sees both", () => {
    const t = validate("check", { data: file("data/x.csv"), schema, rows: { min: 2 } });
    expect(t.inputs).toEqual({ data: file("data/x.csv") });
    expect(t.spec.deps).toEqual({});
    expect(t.spec.params).toMatchObject({ schema: { id: { unique: true } }, rows: { min: 2 }, columns: "subset", onFail: "fail" });
  });

  it("depends on an upstream task when the data is a task", () => {
    const extract = task("extract", { run: () => [{ a: 1 }] });
    const t = validate("check", { data: extract, schema: { a: {} } });
    expect(t.spec.deps).toEqual({ data: extract });
  });

  it("writes report.json and fails with a message listing every violation", async () => {
    const path = tempFile("people.csv", CSV);
    const t = validate("check", { data: file("people.csv"), schema });
    const error = await runTask(t, { data: { path } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationFailedError);
    const message = (error as Error).message;
    expect(message).toContain(`validate("check"): ${path} has 4 violation(s)`);
    for (const fragment of ['"id": 1 duplicate value(s) (row 4: "3")', '"age": 1 missing value(s)', '"age": 1 value(s) below min 0 (row 2: "-3")', '"plan": 1 value(s) outside the allowed set']) {
      expect(message).toContain(fragment);
    }
  });

  it("returns and writes the report without failing under onFail: warn", async () => {
    const path = tempFile("people.csv", CSV);
    const { value, harness } = await runTask(validate("check", { data: file("people.csv"), schema, onFail: "warn" }), { data: { path } });
    expect(value.passed).toBe(false);
    expect(value.violations).toHaveLength(4);
    expect(JSON.parse(readFileSync(join(harness.outDir, "report.json"), "utf8"))).toEqual(value);
    expect(harness.metrics.violations).toBe(4);
    expect(harness.logs.some((l) => l.startsWith("warning:"))).toBe(true);
  });

  it("passes clean data and reads an upstream array of records", async () => {
    const { value, harness } = await runTask(validate("check", { data: task("extract", { run: () => [] }), schema: { a: { min: 0 } } }), {
      data: [{ a: 1 }, { a: 2 }],
    });
    expect(value).toMatchObject({ passed: true, rowCount: 2, violations: [] });
    expect(existsSync(join(harness.outDir, "report.json"))).toBe(true);
  });

  it("fails at definition time on a bad schema", () => {
    expect(() => validate("check", { data: file("x.csv"), schema: { a: { type: "float" as never } } })).toThrow(/schema.a.type is "float"/);
  });
});

/** Schema rules over a loaded dataset: every violation collected with counts and example rows. */
import { describe, expect, it } from "vitest";
import { checkDataset, datasetFromRecords, ValidationConfigError } from "../../../../plugins/drift/index.js";
import { checkSchema } from "../../../../plugins/drift/validate/Schema.js";

const data = datasetFromRecords(
  "people",
  [
    { id: 1, age: 34, plan: "pro", email: "a@x.io" },
    { id: 2, age: -1, plan: "free", email: "b@x.io" },
    { id: 2, age: 150, plan: "gold", email: "not-an-email" },
    { id: 4, age: null, plan: "pro", email: "d@x.io" },
    { id: 5, age: 40.5, plan: "free", email: null },
  ],
  { types: { age: "integer" }, onInvalid: "collect" },
);

describe("checkDataset", () => {
  it("collects every violation of every rule in one pass", () => {
    const violations = checkDataset(data, {
      id: { unique: true },
      age: { type: "integer", min: 0, max: 120 },
      plan: { in: ["free", "pro"] },
      email: { pattern: "^[^@]+@[^@]+$" },
    });
    expect(violations.map((v) => [v.rule, v.column, v.count, v.examples.map((e) => e.row)])).toEqual([
      ["unique", "id", 1, [3]],
      ["type", "age", 1, [5]],
      ["nullable", "age", 1, [4]],
      ["min", "age", 1, [2]],
      ["max", "age", 1, [3]],
      ["in", "plan", 1, [3]],
      ["nullable", "email", 1, [5]],
      ["pattern", "email", 1, [3]],
    ]);
    expect(violations.find((v) => v.rule === "in")!.message).toBe('column "plan": 1 value(s) outside the allowed set [free, pro] (row 3: "gold")');
  });

  it("allows missing values only where nullable is true", () => {
    expect(checkDataset(data, { email: { nullable: true } })).toEqual([]);
  });

  it("keeps at most five examples but counts every offending row", () => {
    const many = datasetFromRecords("m", Array.from({ length: 12 }, (_, i) => ({ v: -i - 1 })));
    const [v] = checkDataset(many, { v: { min: 0 } });
    expect(v!.count).toBe(12);
    expect(v!.examples.map((e) => e.row)).toEqual([1, 2, 3, 4, 5]);
  });

  it("finds every repeat in large numeric and string columns, skipping missing cells", () => {
    const records = Array.from({ length: 6000 }, (_, i) => ({
      n: i % 1500 === 7 ? null : i === 4000 ? 12.5 : i === 5000 ? -3 : i === 5999 ? 12.5 : i * 0.5,
      s: i === 5500 ? "id-10" : i % 2000 === 3 ? null : `id-${i}`,
    }));
    const data = datasetFromRecords("big", records);
    const [n, s] = checkDataset(data, { n: { unique: true, nullable: true }, s: { unique: true, nullable: true } });
    // 12.5 is row 26's value (25 · 0.5) and -3 occurs once; rows 4001 and 6000 repeat 12.5.
    expect(n).toMatchObject({ rule: "unique", column: "n", count: 2, examples: [{ row: 4001, value: "12.5" }, { row: 6000, value: "12.5" }] });
    expect(s).toMatchObject({ rule: "unique", column: "s", count: 1, examples: [{ row: 5501, value: "id-10" }] });
  });

  it("checks row bounds and the column policy", () => {
    const rules = checkDataset(data, { id: {}, missing: {} }, { min: 10, max: 20 }, "exact").map((v) => v.message);
    expect(rules).toEqual([
      "5 row(s), fewer than rows.min 10",
      'column "missing" is in the schema but not in the data',
      'column "age" is not in the schema (columns: "exact")',
      'column "plan" is not in the schema (columns: "exact")',
      'column "email" is not in the schema (columns: "exact")',
    ]);
    expect(checkDataset(data, { id: {} }, {}, "subset")).toEqual([]);
  });

  it("reports ill-typed cells of a declared type as type violations", () => {
    const typed = datasetFromRecords("t", [{ n: 1 }, { n: "x" }, { n: "y" }], { types: { n: "number" }, onInvalid: "collect" });
    const [v] = checkDataset(typed, { n: { type: "number" } });
    expect(v).toMatchObject({ rule: "type", count: 2, examples: [{ row: 2, value: "x" }, { row: 3, value: "y" }] });
  });

  it("flags an empty dataset unless rows.min allows zero", () => {
    const empty = datasetFromRecords("e", [], { allowEmpty: true, types: { a: "number" } });
    expect(checkDataset(empty, {}).map((v) => v.message)).toEqual(["the dataset has no data rows"]);
    expect(checkDataset(empty, {}, { min: 0 })).toEqual([]);
  });
});

describe("checkSchema", () => {
  it("rejects a bad schema with every problem listed", () => {
    const attempt = () =>
      checkSchema("v", { a: { type: "text" as never }, b: { type: "string", min: 1 }, c: { pattern: "(" }, d: { min: 5, max: 1 } }, { min: 3, max: 2 }, "all");
    expect(attempt).toThrow(ValidationConfigError);
    try {
      attempt();
    } catch (e) {
      expect((e as ValidationConfigError).problems).toHaveLength(6);
    }
  });
});

/**
 * Checks a loaded dataset against a schema and collects every violation (rule, column, count and
 * up to five example rows) — it never stops at the first one.
 */
import { BOOLEAN_MISSING, cellText, columnNamed, isNumeric, type Column, type Dataset } from "../data/Dataset.js";
import { sortFloat64 } from "../stats/SortFloat64.js";
import type { ColumnPolicy, ColumnRule, RowRule, Schema } from "./Schema.js";

/** One broken rule. `row` in examples is the 1-based data row (header excluded). */
export interface Violation {
  readonly rule: "columns" | "rows" | "type" | "nullable" | "min" | "max" | "unique" | "in" | "pattern";
  readonly column?: string;
  readonly count: number;
  readonly examples: ReadonlyArray<{ readonly row: number; readonly value: string }>;
  readonly message: string;
}

const MAX_EXAMPLES = 5;

/** Counts rows for which `bad(i)` holds and keeps the first few as examples. */
const scan = (column: Column, bad: (i: number) => boolean, rows: number) => {
  let count = 0;
  const examples: Array<{ row: number; value: string }> = [];
  for (let i = 0; i < rows; i++) {
    if (!bad(i)) continue;
    count++;
    if (examples.length < MAX_EXAMPLES) examples.push({ row: i + 1, value: cellText(column, i) ?? "" });
  }
  return { count, examples };
};

/**
 * Values below (or above) a bound, as a tight loop over the typed array: this runs once per
 * numeric column and rule over every row, so it avoids a callback per value. NaN compares false.
 */
const outside = (values: Float64Array, bound: number, below: boolean) => {
  let count = 0;
  const examples: Array<{ row: number; value: string }> = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (below ? v < bound : v > bound) {
      count++;
      if (examples.length < MAX_EXAMPLES) examples.push({ row: i + 1, value: String(v) });
    }
  }
  return { count, examples };
};

/**
 * Rows repeating an earlier value. The keys (numbers, or codes for strings and booleans) are
 * sorted natively to find which values repeat — far cheaper than a hash set of a million
 * doubles — then one pass in row order counts every occurrence after the first.
 */
const duplicates = (column: Column) => {
  const n = column.type === "string" ? column.codes.length : column.values.length;
  const key = (i: number): number =>
    column.type === "string" ? (column.codes[i]! < 0 ? NaN : column.codes[i]!)
      : column.type === "boolean" ? (column.values[i] === BOOLEAN_MISSING ? NaN : column.values[i]!)
        : column.values[i]!;
  const all = new Float64Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const k = key(i);
    if (k === k) all[m++] = k; // missing cells (NaN) are not compared
  }
  const keys = sortFloat64(all.subarray(0, m));
  const repeated = new Set<number>();
  for (let j = 1; j < m; j++) if (keys[j] === keys[j - 1]) repeated.add(keys[j]!);
  let count = 0;
  const examples: Array<{ row: number; value: string }> = [];
  if (repeated.size > 0) {
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) {
      const k = key(i);
      if (!repeated.has(k)) continue;
      if (!seen.has(k)) seen.add(k);
      else if (count++ < MAX_EXAMPLES) examples.push({ row: i + 1, value: cellText(column, i) ?? "" });
    }
  }
  return { count, examples };
};

const describe = (examples: ReadonlyArray<{ row: number; value: string }>): string =>
  examples.map((e) => `row ${e.row}: ${JSON.stringify(e.value)}`).join(", ");

const present = (column: Column, i: number): boolean =>
  column.type === "string" ? column.codes[i]! >= 0 : column.type === "boolean" ? column.values[i] !== BOOLEAN_MISSING : !Number.isNaN(column.values[i]!);

/** Violations of one column's rules. */
const checkColumn = (column: Column, rule: ColumnRule, rows: number): Violation[] => {
  const out: Violation[] = [];
  const name = column.name;
  const add = (r: Violation["rule"], found: { count: number; examples: Violation["examples"] }, what: string) => {
    if (found.count > 0) out.push({ rule: r, column: name, ...found, message: `column "${name}": ${found.count} ${what} (${describe(found.examples)})` });
  };
  if (column.invalid.count > 0) {
    out.push({ rule: "type", column: name, count: column.invalid.count, examples: column.invalid.examples,
      message: `column "${name}": ${column.invalid.count} value(s) are not ${column.type} (${describe(column.invalid.examples)})` });
  }
  if (column.type === "integer") add("type", scan(column, (i) => Number.isFinite(column.values[i]!) && !Number.isInteger(column.values[i]!), rows), "value(s) are not integers");
  if (rule.nullable !== true && column.missing > 0) {
    const examples = column.missingRows.map((row) => ({ row, value: "" }));
    out.push({ rule: "nullable", column: name, count: column.missing, examples,
      message: `column "${name}": ${column.missing} missing value(s) but nullable is not true (rows ${column.missingRows.join(", ")}${column.missing > examples.length ? ", …" : ""})` });
  }
  if (isNumeric(column)) {
    if (rule.min !== undefined) add("min", outside(column.values, rule.min, true), `value(s) below min ${rule.min}`);
    if (rule.max !== undefined) add("max", outside(column.values, rule.max, false), `value(s) above max ${rule.max}`);
  }
  if (rule.unique === true) add("unique", duplicates(column), "duplicate value(s)");
  if (rule.in !== undefined) {
    const allowed = new Set(rule.in.map((x) => String(x)));
    if (column.type === "string") {
      // Test each distinct value once, then count by code.
      const ok = column.dictionary.map((d) => allowed.has(d));
      add("in", scan(column, (i) => column.codes[i]! >= 0 && !ok[column.codes[i]!], rows), `value(s) outside the allowed set [${rule.in.join(", ")}]`);
    } else {
      add("in", scan(column, (i) => present(column, i) && !allowed.has(cellText(column, i)!), rows), `value(s) outside the allowed set [${rule.in.join(", ")}]`);
    }
  }
  if (rule.pattern !== undefined) {
    const re = new RegExp(rule.pattern);
    if (column.type === "string") {
      const ok = column.dictionary.map((d) => re.test(d));
      add("pattern", scan(column, (i) => column.codes[i]! >= 0 && !ok[column.codes[i]!], rows), `value(s) not matching /${rule.pattern}/`);
    } else {
      add("pattern", scan(column, (i) => present(column, i) && !re.test(cellText(column, i)!), rows), `value(s) not matching /${rule.pattern}/`);
    }
  }
  return out;
};

/**
 * All violations of `schema`, `rows` and the column policy in `dataset`.
 *
 * @example
 * checkDataset(data, { age: { type: "integer", min: 0, max: 120 } }, { min: 100 }, "subset");
 */
export const checkDataset = (dataset: Dataset, schema: Schema, rows: RowRule = {}, policy: ColumnPolicy = "subset"): Violation[] => {
  const out: Violation[] = [];
  const n = dataset.rowCount;
  const none = { count: 1, examples: [] };
  if (n === 0 && rows.min === undefined) out.push({ rule: "rows", ...none, message: "the dataset has no data rows" });
  if (rows.min !== undefined && n < rows.min) out.push({ rule: "rows", ...none, message: `${n} row(s), fewer than rows.min ${rows.min}` });
  if (rows.max !== undefined && n > rows.max) out.push({ rule: "rows", ...none, message: `${n} row(s), more than rows.max ${rows.max}` });
  for (const name of Object.keys(schema)) {
    if (columnNamed(dataset, name) === undefined) out.push({ rule: "columns", column: name, ...none, message: `column "${name}" is in the schema but not in the data` });
  }
  if (policy === "exact") {
    for (const c of dataset.columns) {
      if (schema[c.name] === undefined) out.push({ rule: "columns", column: c.name, ...none, message: `column "${c.name}" is not in the schema (columns: "exact")` });
    }
  }
  for (const [name, rule] of Object.entries(schema)) {
    const column = columnNamed(dataset, name);
    if (column !== undefined) out.push(...checkColumn(column, rule, n));
  }
  return out;
};

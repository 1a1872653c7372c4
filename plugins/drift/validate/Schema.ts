/** The validation schema: per-column rules, row-count bounds and the column-set policy. */
import type { ColumnType } from "../data/Dataset.js";
import { ValidationConfigError } from "./ValidationErrors.js";

/** Rules for one column. Every rule that is set is checked; all violations are collected. */
export interface ColumnRule {
  /** Cells that do not parse as this type are violations (rule "type"). */
  readonly type?: ColumnType;
  /** Missing cells allowed? Default false (as Pandera): a missing cell is a violation. */
  readonly nullable?: boolean;
  /** Inclusive bounds for number/integer columns. */
  readonly min?: number;
  readonly max?: number;
  /** No value may occur twice (missing cells are not compared). */
  readonly unique?: boolean;
  /** The allowed values. */
  readonly in?: ReadonlyArray<string | number | boolean>;
  /** A JavaScript regular expression the text of every present value must match (anchor it with ^…$ for a full match). */
  readonly pattern?: string;
}

export type Schema = Readonly<Record<string, ColumnRule>>;

/** Row-count bounds, inclusive. */
export interface RowRule {
  readonly min?: number;
  readonly max?: number;
}

/**
 * "subset" (default): the schema's columns must all be present, other columns are allowed.
 * "exact": the dataset must have exactly the schema's columns.
 */
export type ColumnPolicy = "exact" | "subset";

const TYPES = new Set(["number", "integer", "boolean", "string"]);

/** Checks the schema itself, collecting every mistake, so a typo fails at definition time. */
export const checkSchema = (task: string, schema: Schema, rows: RowRule | undefined, columns: unknown): void => {
  const problems: string[] = [];
  for (const [name, rule] of Object.entries(schema)) {
    const where = `schema.${name}`;
    if (rule.type !== undefined && !TYPES.has(rule.type)) problems.push(`${where}.type is "${rule.type}"; use number, integer, boolean or string`);
    const numeric = rule.type === undefined || rule.type === "number" || rule.type === "integer";
    for (const bound of ["min", "max"] as const) {
      const v = rule[bound];
      if (v === undefined) continue;
      if (typeof v !== "number" || Number.isNaN(v)) problems.push(`${where}.${bound} must be a number`);
      else if (!numeric) problems.push(`${where}.${bound} only applies to number and integer columns, not ${rule.type}`);
    }
    if (rule.min !== undefined && rule.max !== undefined && rule.min > rule.max) problems.push(`${where}: min ${rule.min} is above max ${rule.max}`);
    if (rule.in !== undefined && (!Array.isArray(rule.in) || rule.in.length === 0)) problems.push(`${where}.in must be a non-empty array of allowed values`);
    if (rule.pattern !== undefined) {
      try {
        new RegExp(rule.pattern);
      } catch (e) {
        problems.push(`${where}.pattern is not a valid regular expression: ${(e as Error).message}`);
      }
    }
  }
  if (rows?.min !== undefined && rows.max !== undefined && rows.min > rows.max) problems.push(`rows.min ${rows.min} is above rows.max ${rows.max}`);
  if (columns !== undefined && columns !== "exact" && columns !== "subset") problems.push(`columns is ${JSON.stringify(columns)}; use "exact" or "subset"`);
  if (problems.length > 0) throw new ValidationConfigError({ task, problems });
};

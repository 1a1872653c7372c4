/**
 * `validate(name, options)`: a function task that loads a dataset, checks it against a schema,
 * writes report.json and fails with every violation listed (unless `onFail: "warn"`).
 */
import { task, type FunctionTaskSpec, type InputSpec, type Task } from "../../../src/index.js";
import type { ColumnType, Dataset } from "../data/Dataset.js";
import { loadData, type LoadOptions } from "../data/LoadDataset.js";
import { checkDataset, type Violation } from "../validate/CheckDataset.js";
import { checkSchema, type ColumnPolicy, type RowRule, type Schema } from "../validate/Schema.js";
import { ValidationFailedError } from "../validate/ValidationErrors.js";
import { bindData, describeRef, writeJson, type DataRef } from "./DataRef.js";

/** Options of {@link validate}. */
export interface ValidateOptions {
  /** The data: `file("data/x.csv")`, or an upstream task (its output directory or its array-of-records value). */
  readonly data: DataRef;
  readonly schema: Schema;
  readonly rows?: RowRule;
  /** Default "subset": schema columns must exist, others may too. "exact": no other columns. */
  readonly columns?: ColumnPolicy;
  /** "fail" (default): violations fail the task. "warn": they are logged and reported only. */
  readonly onFail?: "fail" | "warn";
  /** Tasks that must succeed before this one (e.g. a validate task before a drift check). */
  readonly after?: ReadonlyArray<Task<unknown>>;
  /** Loading options (format, delimiter, missing tokens, file inside an upstream directory). */
  readonly load?: Omit<LoadOptions, "types" | "onInvalid" | "allowEmpty">;
}

/** What the task returns and writes to report.json. */
export interface ValidationReport {
  readonly source: string;
  readonly rowCount: number;
  readonly passed: boolean;
  readonly columns: ReadonlyArray<{ readonly name: string; readonly type: ColumnType; readonly missing: number; readonly invalid: number }>;
  readonly violations: ReadonlyArray<Violation>;
}

/** Builds the report value from a dataset and its violations. */
export const validationReport = (dataset: Dataset, violations: ReadonlyArray<Violation>): ValidationReport => ({
  source: dataset.source,
  rowCount: dataset.rowCount,
  passed: violations.length === 0,
  columns: dataset.columns.map((c) => ({ name: c.name, type: c.type, missing: c.missing, invalid: c.invalid.count })),
  violations,
});

/**
 * A task that validates a dataset.
 *
 * @example
 * const checked = validate("check-raw", {
 *   data: file("data/churn.csv"),
 *   schema: { age: { type: "integer", min: 18, max: 120 }, plan: { in: ["free", "pro"] }, id: { unique: true } },
 *   rows: { min: 1000 },
 * });
 */
export const validate = (name: string, options: ValidateOptions): Task<ValidationReport> => {
  checkSchema(name, options.schema, options.rows, options.columns);
  const { inputs, deps } = bindData({ data: options.data }, options.after);
  const types = Object.fromEntries(
    Object.entries(options.schema).flatMap(([col, rule]) => (rule.type === undefined ? [] : [[col, rule.type]])),
  ) as Record<string, ColumnType>;
  const params = {
    schema: options.schema,
    rows: options.rows ?? {},
    columns: options.columns ?? "subset",
    onFail: options.onFail ?? "fail",
    load: options.load ?? {},
  };
  const label = describeRef(options.data);
  const spec: FunctionTaskSpec<Record<string, Task<unknown>>, Record<string, InputSpec>, Record<string, unknown>, Promise<ValidationReport>> = {
    description: `validate ${label}`,
    inputs,
    deps,
    params: JSON.parse(JSON.stringify(params)) as Record<string, unknown>,
    run: async (args, ctx) => {
      const dataset = await loadData(args.data, label, { ...params.load, types, onInvalid: "collect", allowEmpty: true });
      const violations = checkDataset(dataset, options.schema, params.rows, params.columns);
      const report = validationReport(dataset, violations);
      writeJson(ctx.outDir, "report.json", report);
      ctx.metric("violations", violations.length);
      ctx.log(`${dataset.rowCount} rows × ${dataset.columns.length} columns from ${dataset.source}: ${violations.length === 0 ? "valid" : `${violations.length} violation(s)`}`);
      if (violations.length > 0) {
        const error = new ValidationFailedError({ task: name, source: dataset.source, violations });
        if (params.onFail === "fail") throw error;
        ctx.log(`warning: ${error.message}`);
      }
      return report;
    },
  };
  return task(name, spec);
};

/**
 * `driftCheck(name, options)`: a function task comparing current data with a reference. It writes
 * report.json and report.html, logs a table, and returns the report so that downstream tasks can
 * branch on it (`when: ({ drift }) => drift.drifted`).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { task, type FunctionTaskSpec, type InputSpec, type Task } from "../../../src/index.js";
import type { ColumnType } from "../data/Dataset.js";
import { loadData, type LoadOptions } from "../data/LoadDataset.js";
import { computeDrift, type DriftReport, type DriftSettingsInput } from "../drift/ComputeDrift.js";
import { DriftConfigError, DriftDetectedError } from "../drift/DriftErrors.js";
import { renderDriftHtml } from "../drift/HtmlReport.js";
import { terminalTable } from "../drift/TerminalTable.js";
import { bindData, describeRef, writeJson, type DataRef } from "./DataRef.js";

/** Options of {@link driftCheck}. */
export interface DriftCheckOptions extends DriftSettingsInput {
  readonly reference: DataRef;
  readonly current: DataRef;
  /** "fail": throw when the dataset drifted; "warn" (default): log it; "continue": just report. */
  readonly onDrift?: "fail" | "warn" | "continue";
  /** Column types for both datasets (otherwise inferred; declare them when inference could disagree). */
  readonly types?: Readonly<Record<string, ColumnType>>;
  /** Tasks that must succeed before this one (e.g. a validate task before a drift check). */
  readonly after?: ReadonlyArray<Task<unknown>>;
  /** Loading options (format, delimiter, missing tokens, file inside an upstream directory). */
  readonly load?: Omit<LoadOptions, "types" | "onInvalid" | "allowEmpty">;
}

const NUMERIC = ["auto", "ks", "psi", "wasserstein"];
const CATEGORICAL = ["auto", "chi2", "psi", "jensenshannon"];

const checkOptions = (name: string, o: DriftCheckOptions): void => {
  const problems: string[] = [];
  if (o.numeric !== undefined && !NUMERIC.includes(o.numeric)) problems.push(`numeric is "${o.numeric}"; use ${NUMERIC.join(", ")}`);
  if (o.categorical !== undefined && !CATEGORICAL.includes(o.categorical)) problems.push(`categorical is "${o.categorical}"; use ${CATEGORICAL.join(", ")}`);
  if (o.correction !== undefined && !["none", "bonferroni", "bh"].includes(o.correction)) problems.push(`correction is "${o.correction}"; use none, bonferroni or bh`);
  if (o.onDrift !== undefined && !["fail", "warn", "continue"].includes(o.onDrift)) problems.push(`onDrift is "${o.onDrift}"; use fail, warn or continue`);
  const thresholds = typeof o.threshold === "number" ? [o.threshold] : Object.values(o.threshold ?? {});
  if (thresholds.some((t) => typeof t !== "number" || !(t > 0))) problems.push("thresholds must be positive numbers");
  if (o.driftShare !== undefined && !(o.driftShare > 0 && o.driftShare <= 1)) problems.push(`driftShare is ${o.driftShare}; use a share in (0, 1]`);
  if (o.features !== undefined && o.features.length === 0) problems.push("features is empty; leave it out to compare every column");
  if (problems.length > 0) throw new DriftConfigError({ task: name, problems });
};

/**
 * A task that checks `current` against `reference` for drift.
 *
 * @example
 * const drift = driftCheck("drift", { reference: file("data/train.csv"), current: extract, correction: "bh" });
 * const retrain = task("retrain", { deps: { drift }, when: ({ drift }) => drift.drifted, run: … });
 */
export const driftCheck = (name: string, options: DriftCheckOptions): Task<DriftReport> => {
  checkOptions(name, options);
  const { inputs, deps } = bindData({ reference: options.reference, current: options.current }, options.after);
  const params = {
    features: options.features ?? null,
    numeric: options.numeric ?? "auto",
    categorical: options.categorical ?? "auto",
    threshold: options.threshold ?? null,
    correction: options.correction ?? "none",
    driftShare: options.driftShare ?? null,
    onDrift: options.onDrift ?? "warn",
    types: options.types ?? {},
    load: options.load ?? {},
  };
  const refLabel = describeRef(options.reference);
  const curLabel = describeRef(options.current);
  const spec: FunctionTaskSpec<Record<string, Task<unknown>>, Record<string, InputSpec>, Record<string, unknown>, Promise<DriftReport>> = {
    description: `drift of ${curLabel} against ${refLabel}`,
    inputs,
    deps,
    params: JSON.parse(JSON.stringify(params)) as Record<string, unknown>,
    run: async (args, ctx) => {
      const load = { ...params.load, types: params.types };
      const reference = await loadData(args.reference, refLabel, load);
      const current = await loadData(args.current, curLabel, load);
      const report = computeDrift(name, reference, current, options);
      writeJson(ctx.outDir, "report.json", report);
      writeFileSync(join(ctx.outDir, "report.html"), renderDriftHtml(name, report, reference, current));
      ctx.artifact("drift-report", join(ctx.outDir, "report.html"));
      ctx.metric("drifted_share", report.driftedShare);
      const table = terminalTable(report);
      ctx.report(`drift: ${report.drifted ? "DRIFTED" : "no drift"} (${(report.driftedShare * 100).toFixed(0)}% of features)`, table.join("\n"));
      if (report.drifted && params.onDrift !== "continue") {
        const error = new DriftDetectedError({ task: name, driftedFeatures: report.driftedFeatures, driftedShare: report.driftedShare, table });
        if (params.onDrift === "fail") throw error;
        ctx.log(`warning: dataset drift in ${report.driftedFeatures.join(", ")}`);
      }
      return report;
    },
  };
  return task(name, spec);
};

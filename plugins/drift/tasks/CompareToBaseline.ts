/**
 * `compareToBaseline(name, options)`: a function task that compares an upstream task's metrics
 * with a baseline — given values, or the registered production model's (`model`, read from the
 * registry through the task context) — and fails or warns on degradation.
 */
import { TaggedError, task, type FunctionTaskSpec, type InputSpec, type Task } from "../../../src/index.js";
import {
  BaselineComparisonError, compareMetrics, flattenMetrics, type BaselineReport, type CompareOptions,
} from "../baseline/CompareMetrics.js";
import { writeJson } from "./DataRef.js";

/** Options of {@link compareToBaseline}. */
export interface CompareToBaselineOptions extends CompareOptions {
  /** The upstream task whose value holds the new model's metrics (nested objects are flattened to dot paths). */
  readonly metrics: Task<unknown>;
  /**
   * The metrics to beat: given values (`{ accuracy: 0.93 }`), or "production" to read the
   * production model's metrics through `baselineFrom`.
   */
  readonly baseline: Readonly<Record<string, number>> | "production";
  /** With baseline: "production": the registered model whose production version is the baseline. */
  readonly model?: string;
  /** Reads the baseline some other way (instead of `model`). */
  readonly baselineFrom?: () => Promise<Readonly<Record<string, number>>>;
  /** "fail" (default): a degraded metric fails the task. "warn": logged and reported only. */
  readonly onDegradation?: "fail" | "warn";
}

/** A degradation the task was told to fail on. */
export class ModelDegradedError extends TaggedError("ModelDegradedError")<{
  readonly task: string;
  readonly problems: ReadonlyArray<string>;
}> {
  override get message(): string {
    return (
      `compareToBaseline("${this.task}"): the new model is worse than its baseline\n${this.problems.map((p) => `  - ${p}`).join("\n")}\n` +
      `Keep the current model, or raise maxDrop / pass onDegradation: "warn" if the drop is acceptable.`
    );
  }
}

/**
 * A task that gates a model on its metrics.
 *
 * @example
 * const gate = compareToBaseline("gate", { metrics: evaluate, baseline: { accuracy: 0.9, "f1.weighted": 0.88 }, maxDrop: 0.02 });
 */
export const compareToBaseline = (name: string, options: CompareToBaselineOptions): Task<BaselineReport> => {
  if (options.baseline === "production" && options.baselineFrom === undefined && options.model === undefined) {
    throw new BaselineComparisonError({
      task: name,
      problems: [
        'baseline: "production" needs model: "<registered model name>" (its production version\'s metrics are the baseline), or baselineFrom: () => Promise<metrics>; or pass the baseline values themselves',
      ],
    });
  }
  const params = {
    baseline: options.baseline,
    maxDrop: options.maxDrop ?? null,
    dropIs: options.dropIs ?? "absolute",
    lowerIsBetter: options.lowerIsBetter ?? [],
    onDegradation: options.onDegradation ?? "fail",
  };
  const spec: FunctionTaskSpec<Record<string, Task<unknown>>, Record<string, InputSpec>, Record<string, unknown>, Promise<BaselineReport>> = {
    description: `compare ${options.metrics.name} with ${options.baseline === "production" ? "the production model" : "a given baseline"}`,
    deps: { metrics: options.metrics },
    params: JSON.parse(JSON.stringify(params)) as Record<string, unknown>,
    // The production baseline changes without any input of this task changing: never reuse a cached verdict.
    ...(options.baseline === "production" ? { cache: false } : {}),
    run: async (args, ctx) => {
      let baseline: Readonly<Record<string, number>>;
      if (options.baseline !== "production") baseline = options.baseline;
      else if (options.baselineFrom) baseline = await options.baselineFrom();
      else {
        const registered = ctx.modelMetrics(options.model!, "production");
        if (registered === undefined) {
          throw new BaselineComparisonError({
            task: name,
            problems: [`model "${options.model}" has no production version yet: promote one (cairn models promote ${options.model} <version> --to production), or pass baseline values`],
          });
        }
        baseline = registered;
      }
      const source = options.baseline === "production" ? "production model" : "given values";
      const report = compareMetrics(name, flattenMetrics(args.metrics), baseline, source, options);
      writeJson(ctx.outDir, "report.json", report);
      for (const [metric, m] of Object.entries(report.metrics)) {
        ctx.log(`${metric}: ${m.current.toFixed(4)} vs baseline ${m.baseline.toFixed(4)} (drop ${m.drop.toFixed(4)}, max ${m.maxDrop}) ${m.degraded ? "DEGRADED" : "ok"}`);
      }
      if (report.degraded) {
        const problems = report.degradedMetrics.map((n) => `${n} dropped by ${report.metrics[n]!.drop.toFixed(4)} (max ${report.metrics[n]!.maxDrop}) against the ${source}`);
        if (params.onDegradation === "fail") throw new ModelDegradedError({ task: name, problems });
        ctx.log(`warning: model degraded: ${problems.join("; ")}`);
      }
      return report;
    },
  };
  return task(name, spec);
};

/** Tagged errors of the drift check. */
import { TaggedError } from "../../../src/index.js";

/** Drift was found and the task was told to fail on it (`onDrift: "fail"`). */
export class DriftDetectedError extends TaggedError("DriftDetectedError")<{
  readonly task: string;
  readonly driftedFeatures: ReadonlyArray<string>;
  readonly driftedShare: number;
  readonly table: ReadonlyArray<string>;
}> {
  override get message(): string {
    return (
      `driftCheck("${this.task}"): dataset drift — ${this.driftedFeatures.length} feature(s) drifted (${this.driftedFeatures.join(", ")}), share ${this.driftedShare.toFixed(3)}\n` +
      this.table.join("\n") +
      `\nSee report.html in the task output. Use onDrift: "warn" or "continue" to let the flow go on (e.g. to a retrain task with when).`
    );
  }
}

/** The options given to `driftCheck()` are invalid (caught at definition time). */
export class DriftConfigError extends TaggedError("DriftConfigError")<{
  readonly task: string;
  readonly problems: ReadonlyArray<string>;
}> {
  override get message(): string {
    return `driftCheck("${this.task}"): the options are invalid\n${this.problems.map((p) => `  - ${p}`).join("\n")}`;
  }
}

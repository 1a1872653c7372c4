/** Tagged errors of the validation task. */
import { TaggedError } from "../../../src/index.js";
import type { Violation } from "./CheckDataset.js";

/** The schema or options given to `validate()` are themselves wrong (caught at definition time). */
export class ValidationConfigError extends TaggedError("ValidationConfigError")<{
  readonly task: string;
  readonly problems: ReadonlyArray<string>;
}> {
  override get message(): string {
    return `validate("${this.task}"): the options are invalid\n${this.problems.map((p) => `  - ${p}`).join("\n")}`;
  }
}

/** The data broke the schema; the message lists every violation (the full report is report.json). */
export class ValidationFailedError extends TaggedError("ValidationFailedError")<{
  readonly task: string;
  readonly source: string;
  readonly violations: ReadonlyArray<Violation>;
}> {
  override get message(): string {
    return (
      `validate("${this.task}"): ${this.source} has ${this.violations.length} violation(s)\n` +
      this.violations.map((v) => `  - ${v.message}`).join("\n") +
      `\nFix the data or the schema, or pass onFail: "warn" to record violations without failing.`
    );
  }
}

/** Tagged errors of data loading: each message names the file, the place and the fix. */
import { TaggedError } from "../../../src/index.js";
import type { InvalidValues } from "./Dataset.js";

/** A CSV or JSON-lines file that cannot be parsed (unterminated quote, wrong field count, bad JSON). */
export class DataFormatError extends TaggedError("DataFormatError")<{
  readonly source: string;
  readonly line: number;
  readonly problem: string;
}> {
  override get message(): string {
    return `${this.source}, line ${this.line}: ${this.problem}`;
  }
}

/** Cells that are not numbers (or booleans) in columns declared or inferred as such. */
export class InvalidValuesError extends TaggedError("InvalidValuesError")<{
  readonly source: string;
  readonly columns: ReadonlyArray<{ readonly column: string; readonly type: string; readonly invalid: InvalidValues }>;
}> {
  override get message(): string {
    const lines = this.columns.map(({ column, type, invalid }) => {
      const examples = invalid.examples.map((e) => `row ${e.row}: ${JSON.stringify(e.value)}`).join(", ");
      return `  column "${column}" (${type}): ${invalid.count} value(s) not of that type, e.g. ${examples}`;
    });
    return (
      `${this.source}: non-${this.columns.length === 1 ? this.columns[0]!.type : "typed"} values in typed columns\n${lines.join("\n")}\n` +
      `Fix the data, declare the column as "string" in types, or add the token to missing.`
    );
  }
}

/** A dataset without any data row (or an empty file). */
export class EmptyDatasetError extends TaggedError("EmptyDatasetError")<{
  readonly source: string;
  readonly detail: string;
}> {
  override get message(): string {
    return `${this.source} is empty: ${this.detail}`;
  }
}

/** A file or upstream output that cannot be used as a dataset (missing file, no CSV in a directory, …). */
export class DataSourceError extends TaggedError("DataSourceError")<{
  readonly source: string;
  readonly problem: string;
}> {
  override get message(): string {
    return `${this.source}: ${this.problem}`;
  }
}

/** Two datasets that must share columns do not. */
export class SchemaMismatchError extends TaggedError("SchemaMismatchError")<{
  readonly task: string;
  readonly problems: ReadonlyArray<string>;
}> {
  override get message(): string {
    return `task "${this.task}": the datasets do not match\n${this.problems.map((p) => `  - ${p}`).join("\n")}`;
  }
}

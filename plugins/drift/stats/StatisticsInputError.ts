/** The tagged error every pure statistic throws when its input cannot give a meaningful answer. */
import { TaggedError } from "../../../src/index.js";

/**
 * Bad input to a statistic (empty sample, NaN, mismatched lengths, negative counts, …).
 * `problem` says what is wrong and how to fix it.
 */
export class StatisticsInputError extends TaggedError("StatisticsInputError")<{
  readonly function: string;
  readonly problem: string;
}> {
  override get message(): string {
    return `${this.function}: ${this.problem}`;
  }
}

/**
 * The code ingredient of function tasks: the function's normalised source plus the local
 * modules and packages it uses. Results are memoised per function source for the process.
 */
import { hashString } from "../hashing/ContentHash.js";

export interface FunctionCode {
  /** Hash of the normalised function source and the top-level bindings it uses. */
  readonly body: string;
  readonly modules: ReadonlyArray<{ readonly path: string; readonly hash: string }>;
  readonly packages: ReadonlyArray<{ readonly name: string; readonly version: string }>;
}

export interface CodeHasher {
  functionCode(fn: (...args: unknown[]) => unknown, task: string): FunctionCode;
}

/**
 * Fallback when no module graph is available (flows built in-process by tests or the API):
 * the function's own source only.
 */
export const sourceOnlyCodeHasher: CodeHasher = {
  functionCode: (fn) => ({ body: hashString(fn.toString()), modules: [], packages: [] }),
};

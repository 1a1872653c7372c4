/**
 * The tagged errors `loadFlowModule` fails with. Each names the user's file and the fix, and
 * carries no engine stack trace: users see where *their* code is wrong, never cairn's internals.
 */
import { relative } from "node:path";

/** Shortens an absolute path for messages: relative to the working directory when inside it. */
export const displayPath = (file: string): string => {
  const rel = relative(process.cwd(), file);
  return rel !== "" && !rel.startsWith("..") ? rel : file;
};

/**
 * Base of the loader errors. Why a custom stack: the default one lists loader internals
 * (hooks thread, module job) that mean nothing to the user and hide the actual location.
 */
abstract class LoaderError extends Error {
  abstract readonly _tag: string;
  protected finish(): void {
    this.name = this._tag;
    this.stack = `${this._tag}: ${this.message}`;
  }
}

/** The flow file (or a local module it imports) is not valid TypeScript/JavaScript. */
export class FlowSyntaxError extends LoaderError {
  readonly _tag = "FlowSyntaxError";
  constructor(
    /** Absolute path of the file with the error. */
    readonly file: string,
    /** 1-based line. */
    readonly line: number,
    /** 0-based column. */
    readonly column: number,
    /** The parser's description, e.g. `Expected ";" but found "x"`. */
    readonly detail: string,
    /** A few source lines around the error with a `>` marker and a caret under the column. */
    readonly frame: string,
  ) {
    super(
      `${displayPath(file)}:${line}:${column + 1}: syntax error: ${detail}\n${frame}\n` +
        `Fix the syntax at the marked line, then run again.`,
    );
    this.finish();
  }
}

/** An `import` whose specifier does not resolve (missing file, missing package, missing export). */
export class FlowImportError extends LoaderError {
  readonly _tag = "FlowImportError";
  constructor(
    /** Absolute path of the importing file. */
    readonly file: string,
    /** 1-based line of the import statement in the user's source (0 when unknown). */
    readonly line: number,
    /** The specifier as written, e.g. `./lib/features.js` or `csv-parse/sync`. */
    readonly specifier: string,
    /** Why it failed, from the resolver. */
    readonly detail: string,
  ) {
    const bare = !/^(\.{1,2}(\/|$)|\/|file:)/.test(specifier);
    const fix = bare
      ? `install the package (npm install ${packageNameOf(specifier)}) or correct the name`
      : `check the path: relative imports are resolved from the importing file, and "./x.js", "./x" and "./x.ts" all find x.ts`;
    super(`${displayPath(file)}${line > 0 ? `:${line}` : ""}: cannot import "${specifier}": ${detail}\nFix: ${fix}.`);
    this.finish();
  }
}

/** The flow file passed to `loadFlowModule` does not exist (or is a directory). */
export class FlowNotFoundError extends LoaderError {
  readonly _tag = "FlowNotFoundError";
  constructor(readonly file: string) {
    super(`flow file ${displayPath(file)} does not exist. Pass the path of a .ts file that default-exports flow(...), e.g. cairn run flows/churn.ts.`);
    this.finish();
  }
}

/** The flow file loaded, but its default export is missing or is not a `flow(...)`. */
export class FlowExportError extends LoaderError {
  readonly _tag = "FlowExportError";
  constructor(
    readonly file: string,
    /** What the default export was: `"missing"`, or its type (`"object"`, `"function"`, a task, …). */
    readonly found: string,
  ) {
    super(
      `${displayPath(file)} has ${found === "missing" ? "no default export" : `a default export that is ${found}, not a flow`}. ` +
        `Fix: end the file with \`export default flow("name", { targets: [...] })\` (import { flow } from "cairn").`,
    );
    this.finish();
  }
}

/** Evaluating the user's module threw (a top-level `throw`, a failing call at import time). */
export class FlowEvaluationError extends LoaderError {
  readonly _tag = "FlowEvaluationError";
  constructor(
    /** The flow file being loaded. */
    readonly file: string,
    /** The thrown value's message. */
    readonly detail: string,
    /** Stack frames inside the user's own modules (source-mapped to their .ts lines), innermost first. */
    readonly frames: ReadonlyArray<string>,
    /** The value the user's code threw. */
    override readonly cause: unknown,
  ) {
    super(
      `loading ${displayPath(file)} failed: ${detail}\n` +
        (frames.length > 0 ? frames.map((f) => `    at ${f}`).join("\n") + "\n" : "") +
        `Fix the code at the first location above; flow files should only define tasks at the top level.`,
    );
    this.finish();
  }
}

/** Any error `loadFlowModule` fails with. */
export type FlowLoadError = FlowSyntaxError | FlowImportError | FlowNotFoundError | FlowExportError | FlowEvaluationError;

/** `@scope/pkg/sub` → `@scope/pkg`, `pkg/sub` → `pkg`. */
export const packageNameOf = (specifier: string): string => {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
};

/** Renders lines around `line` (1-based) with a `>` marker and a caret under `column` (0-based). */
export const codeFrame = (source: string, line: number, column: number): string => {
  const lines = source.split(/\r?\n/);
  const from = Math.max(1, line - 2);
  const to = Math.min(lines.length, line + 2);
  const width = String(to).length;
  const out: string[] = [];
  for (let n = from; n <= to; n++) {
    out.push(`${n === line ? ">" : " "} ${String(n).padStart(width)} | ${lines[n - 1] ?? ""}`);
    if (n === line) out.push(`  ${" ".repeat(width)} | ${" ".repeat(Math.max(0, column))}^`);
  }
  return out.join("\n");
};

/** Declared file inputs of a task: `file`, `glob` and `dir`. Paths are relative to the flow file. */

/** One declared file. The task receives `{ path }` (absolute) plus helpers to read it. */
export interface FileInput {
  readonly _tag: "file";
  readonly path: string;
}
/** A glob over files (`src/**\/*.py`); expanded and sorted at plan time. */
export interface GlobInput {
  readonly _tag: "glob";
  readonly pattern: string;
}
/** A whole directory, hashed as a tree of its files. */
export interface DirInput {
  readonly _tag: "dir";
  readonly path: string;
}
export type InputSpec = FileInput | GlobInput | DirInput;

/** Declares a file input: `inputs: { csv: file("data/churn.csv") }`. */
export const file = (path: string): FileInput => Object.freeze({ _tag: "file" as const, path });
/** Declares every file matching a glob: `inputs: { code: glob("src/**\/*.py") }`. */
export const glob = (pattern: string): GlobInput => Object.freeze({ _tag: "glob" as const, pattern });
/** Declares a directory: `inputs: { images: dir("data/images") }`. */
export const dir = (path: string): DirInput => Object.freeze({ _tag: "dir" as const, path });

/** What a function task's `run` receives for a `file()` input. */
export interface ResolvedFile {
  /** Absolute path of the file. */
  readonly path: string;
  /** Reads the file as UTF-8. */
  text(): Promise<string>;
  /** Reads the file's bytes. */
  bytes(): Promise<Buffer>;
}
/** What `run` receives for a `glob()` input: the matching files, sorted by path. */
export interface ResolvedGlob {
  readonly paths: ReadonlyArray<string>;
  readonly files: ReadonlyArray<ResolvedFile>;
}
/** What `run` receives for a `dir()` input. */
export interface ResolvedDir {
  readonly path: string;
}
/** What `run` receives for an upstream task that produced files (a command task, or a function task returning nothing). */
export interface OutputDir {
  /** Absolute path of a read-only directory holding the upstream task's output files. */
  readonly path: string;
}

export type ResolvedInput<I> = I extends FileInput
  ? ResolvedFile
  : I extends GlobInput
    ? ResolvedGlob
    : I extends DirInput
      ? ResolvedDir
      : never;

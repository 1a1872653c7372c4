/**
 * The graph of the user's local modules a flow load evaluated: what the code-closure hash and
 * watch mode need to know about each file, reported by the loader hooks.
 */
import type { ContentHash } from "../hashing/ContentHash.js";

/** One import of a local module, as resolved when the module was linked. */
export type ModuleImport =
  /** A relative/absolute import of a file outside node_modules: part of the user's code. */
  | { readonly kind: "local"; readonly specifier: string; readonly path: string }
  /** A bare import (`csv-parse/sync`, `cairn`): `name` is the package, `resolvedPath` the file it resolved to. */
  | { readonly kind: "package"; readonly specifier: string; readonly name: string; readonly resolvedPath: string };

/** One local module as it was evaluated. */
export interface GraphModule {
  /** Absolute path of the source file. */
  readonly path: string;
  /** The URL it was evaluated under: the file (`?v=N` in watch mode) or its snapshot copy. */
  readonly url: string;
  /**
   * The code that was evaluated: esbuild output for .ts/.mts/.tsx (with an inline source map),
   * the file's own text for .js/.mjs/.json. (A snapshot copy differs only in its import
   * specifiers.) `fn.toString()` of any function defined in the module is a substring of it —
   * that is how CodeClosure finds a function's module.
   */
  readonly code: string;
  /** Content hash of the source file's bytes as read. */
  readonly sourceHash: ContentHash;
  /** Its imports, in the order they were resolved (Node builtins are left out). */
  readonly imports: ReadonlyArray<ModuleImport>;
}

/** The local modules reachable from a flow file through local imports. */
export interface ModuleGraph {
  /** Absolute path of the flow file. */
  readonly entry: string;
  /** Every local module reached, keyed by absolute path; includes the entry. */
  readonly modules: ReadonlyMap<string, GraphModule>;
}

/**
 * Version of the transpile options (TranspileCache), part of every transpile-cache key and of
 * load snapshots. Bump it when the transform options change, so outputs made with the old
 * options are not reused. (esbuild upgrades need no bump: any esbuild's output for the same
 * source is valid code.) It lives here, in a file without runtime imports, so both threads can
 * read it cheaply: the main thread without node:crypto, the hooks thread without xxhash.
 */
export const TRANSFORM_VERSION = "cairn-ts-v1";

/**
 * What `import.meta` becomes in a snapshot copy (LoadSnapshot): an object with the original
 * file's url, dirname and filename, so `new URL("../data", import.meta.url)` keeps pointing
 * next to the source. CodeClosure maps it back: a function's source text must match the
 * un-rewritten code in the graph.
 */
export const IMPORT_META_STANDIN = "__cairn_import_meta";

/** What the hooks thread tells the main thread (over a MessagePort, drained synchronously). */
export type HookMessage =
  /** `source` is the file's bytes: the main thread hashes them (see TranspileCache's cacheKey for why not here). */
  | {
      readonly type: "module";
      readonly url: string;
      readonly path: string;
      readonly code: string;
      readonly source: Uint8Array;
      /** Node's format for it: "module", "commonjs", "json", … */
      readonly format: string;
      /** Where `code` can be read again: the transpile cache entry, or the file itself when not transpiled. */
      readonly codeFile: string;
    }
  /** `shadowing`: for local imports, files that would have won had they existed (see resolveLocal). */
  | { readonly type: "import"; readonly parentURL: string; readonly import: ModuleImport; readonly url: string; readonly shadowing?: ReadonlyArray<string> }
  | { readonly type: "syntax-error"; readonly file: string; readonly line: number; readonly column: number; readonly detail: string }
  | { readonly type: "import-error"; readonly file: string; readonly line: number; readonly specifier: string; readonly detail: string };

/** What the main thread tells the hooks thread before each load. */
export interface HookConfig {
  readonly type: "config";
  readonly cacheDir: string;
}

/** The `data` passed to `module.register` (see hooks.ts `initialize`). */
export interface HookInitData {
  readonly port: import("node:worker_threads").MessagePort;
  /** URL of FlowLoader.js: imports it makes are flow entries. */
  readonly loaderURL: string;
  readonly cacheDir: string;
}

/**
 * TypeScript → JavaScript for the loader hooks, cached on disk by content hash so that a load
 * where nothing changed reads one small file per module and never loads esbuild.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { extname, join } from "node:path";
import { TRANSFORM_VERSION } from "./ModuleGraph.js";

/** A syntax error esbuild found, located in the user's source. */
export class TranspileSyntaxError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}:${column + 1}: ${detail}`);
  }
}

type Esbuild = typeof import("esbuild");
let esbuild: Esbuild | undefined;
// Why createRequire rather than import(): the load hook is async anyway, but a synchronous
// require keeps this module usable from synchronous callers, and esbuild ships a CJS build.
const requireHere = createRequire(import.meta.url);

/** Transpiles with esbuild (loaded on first use). Throws TranspileSyntaxError for bad input. */
export const transpile = (path: string, source: string): string => {
  esbuild ??= requireHere("esbuild") as Esbuild;
  try {
    return esbuild.transformSync(source, {
      loader: extname(path) === ".tsx" ? "tsx" : "ts",
      format: "esm",
      target: "node20",
      // Inline so Node's source-map support maps user stack traces back to their .ts lines;
      // `sourcefile` is the absolute path so frames name the real file, not the cache entry.
      sourcemap: "inline",
      sourcefile: path,
      jsx: "automatic",
    }).code;
  } catch (e) {
    const first = (e as { errors?: Array<{ text: string; location: { line: number; column: number } | null }> }).errors?.[0];
    if (first === undefined) throw e;
    throw new TranspileSyntaxError(path, first.location?.line ?? 1, first.location?.column ?? 0, first.text);
  }
};

/**
 * The cache entry name for a source file; the path is part of it because the source map names
 * it. Why node:crypto and not ContentHash's XXH3: this runs on the hooks thread, where loading
 * the xxhash native addon costs ~25 ms — most of the no-op load budget — for files of a few KB.
 */
export const cacheKey = (path: string, source: Uint8Array): string =>
  createHash("sha256").update(`${TRANSFORM_VERSION}\0${path}\0`).update(source).digest("hex").slice(0, 32);

/**
 * Returns the transpiled code for `source` and its cache entry's path, from `cacheDir` when
 * present, else transpiling and
 * writing the entry atomically (write a temp file, rename) so concurrent processes never read a
 * half-written entry.
 */
export const transpileCached = (cacheDir: string, path: string, source: Uint8Array): { readonly code: string; readonly file: string } => {
  const file = join(cacheDir, `${cacheKey(path, source)}.js`);
  try {
    return { code: readFileSync(file, "utf8"), file };
  } catch {
    // A miss: fall through and transpile.
  }
  const code = transpile(path, Buffer.from(source).toString("utf8"));
  try {
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, file);
  } catch {
    // An unwritable cache only costs speed; the load itself must not fail for it.
  }
  return { code, file };
};

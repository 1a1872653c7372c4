/**
 * TypeScript-style resolution of relative imports: `./lib.js`, `./lib` and `./lib.ts` all find
 * `lib.ts`, as tsc and bundlers do — Node's own resolver would only find the literal `./lib.js`.
 */
import { statSync } from "node:fs";
import { extname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** Extensions the loader transpiles. */
export const TS_EXTENSIONS: ReadonlySet<string> = new Set([".ts", ".mts", ".tsx"]);

/** True for specifiers that name a file rather than a package. */
export const isPathSpecifier = (specifier: string): boolean =>
  /^(\.{1,2}(\/|$)|\/|file:)/.test(specifier);

/** True when the URL or path lies inside a node_modules folder (never transpiled, never "local"). */
export const inNodeModules = (urlOrPath: string): boolean => /[\\/]node_modules[\\/]/.test(urlOrPath);

const isFile = (path: string): boolean => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/** `.js` written in TS sources means "the .ts file"; likewise for the other module extensions. */
const SWAPS: Readonly<Record<string, ReadonlyArray<string>>> = {
  ".js": [".ts", ".tsx"],
  ".jsx": [".tsx"],
  ".mjs": [".mts"],
};
const APPENDED = [".ts", ".tsx", ".mts", ".js", ".mjs"];
const INDEXES = ["/index.ts", "/index.tsx", "/index.js", "/index.mjs"];

/**
 * Resolves a path specifier from `parentURL` to a file URL, trying the file as written first,
 * then TypeScript's substitutions; undefined when no candidate exists. `shadowing` lists the
 * candidates tried before the hit: if one of them appears later, the same import would resolve
 * elsewhere (LoadSnapshot checks they are still absent). The parent's query (`?v=N`) is not
 * carried over here — the hook decides that.
 */
export const resolveLocal = (specifier: string, parentURL: string): { readonly url: string; readonly shadowing: ReadonlyArray<string> } | undefined => {
  const target = new URL(specifier, parentURL);
  target.search = "";
  target.hash = "";
  const path = fileURLToPath(target);
  const candidates = [path];
  const ext = extname(path);
  for (const swap of SWAPS[ext] ?? []) candidates.push(path.slice(0, -ext.length) + swap);
  if (!TS_EXTENSIONS.has(ext) && SWAPS[ext] === undefined) {
    for (const a of APPENDED) candidates.push(path + a);
  }
  for (const i of INDEXES) candidates.push(path.replace(/[\\/]$/, "") + i);
  const at = candidates.findIndex(isFile);
  return at === -1 ? undefined : { url: pathToFileURL(candidates[at]!).href, shadowing: candidates.slice(0, at) };
};

/** The file path of a file URL, without its query. */
export const pathOfURL = (url: string): string => {
  const u = new URL(url);
  u.search = "";
  u.hash = "";
  return fileURLToPath(u);
};

/**
 * The 1-based line of the statement importing `specifier` in `source` (0 when not found), so
 * an unresolved import can point at the user's own line rather than the transpiled one.
 */
export const importLine = (source: string, specifier: string): number => {
  const lines = source.split(/\r?\n/);
  const quoted = [`"${specifier}"`, `'${specifier}'`, `\`${specifier}\``];
  const idx = lines.findIndex((l) => quoted.some((q) => l.includes(q)));
  return idx + 1;
};

/**
 * Module-loader hooks (registered by FlowLoader via `module.register`, run on Node's hooks
 * thread): TypeScript resolution and transpilation of the user's local modules, watch-mode
 * generations, and a report of every local module and import back to the main thread.
 */
import { readFileSync } from "node:fs";
import { extname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import { packageNameOf } from "./LoaderErrors.js";
import type { HookConfig, HookInitData, HookMessage } from "./ModuleGraph.js";
import { importLine, inNodeModules, isPathSpecifier, pathOfURL, resolveLocal, TS_EXTENSIONS } from "./resolveLocal.js";
import { transpileCached, TranspileSyntaxError } from "./TranspileCache.js";

interface ResolveContext {
  readonly parentURL?: string;
  readonly conditions: ReadonlyArray<string>;
  readonly importAttributes?: Record<string, string>;
}
interface ResolveResult {
  readonly url: string;
  readonly format?: string | null;
  readonly shortCircuit?: boolean;
}
interface LoadContext {
  readonly format?: string | null;
  readonly conditions: ReadonlyArray<string>;
  readonly importAttributes?: Record<string, string>;
}
interface LoadResult {
  readonly format: string;
  readonly source?: string | ArrayBuffer | Uint8Array | null;
  readonly shortCircuit?: boolean;
}
type NextResolve = (specifier: string, context?: ResolveContext) => Promise<ResolveResult>;
type NextLoad = (url: string, context?: LoadContext) => Promise<LoadResult>;

let port: MessagePort | undefined;
let loaderURL = "";
let cacheDir = "";
/**
 * URLs of the user's local modules: the flow entries FlowLoader imports and whatever they reach
 * through relative imports outside node_modules. Only these are reported, only their imports
 * get the generation query, so the engine's own modules and packages are loaded once.
 */
const local = new Set<string>();

/** Called once by `module.register` with FlowLoader's data. */
export const initialize = (data: HookInitData): void => {
  port = data.port;
  loaderURL = data.loaderURL;
  cacheDir = data.cacheDir;
};

const post = (m: HookMessage): void => port?.postMessage(m);

/** Applies config the main thread posted before this load (messages are queued synchronously). */
const drainConfig = (): void => {
  if (port === undefined) return;
  for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
    const c = m.message as HookConfig;
    if (c.type === "config") cacheDir = c.cacheDir;
  }
};

/** Carries the parent's `?v=N` to a local child so an edited helper is evaluated afresh. */
const withGeneration = (childURL: string, parentURL: string): string => {
  const v = new URL(parentURL).searchParams.get("v");
  if (v === null) return childURL;
  const u = new URL(childURL);
  u.searchParams.set("v", v);
  return u.href;
};

const reportImportError = (parentURL: string, specifier: string, detail: string): void => {
  const file = pathOfURL(parentURL);
  let line = 0;
  try {
    line = importLine(readFileSync(file, "utf8"), specifier);
  } catch {
    // The parent vanished mid-load; the error still names the file.
  }
  post({ type: "import-error", file, line, specifier, detail });
};

const firstLine = (e: unknown): string => String((e as Error)?.message ?? e).split("\n")[0] ?? "";

/** Resolves TypeScript-style local imports of local modules; everything else goes to Node. */
export const resolve = async (specifier: string, context: ResolveContext, next: NextResolve): Promise<ResolveResult> => {
  drainConfig();
  const parentURL = context.parentURL;
  if (parentURL === loaderURL && specifier.startsWith("file:")) {
    // A flow entry: FlowLoader imports it by its full URL (with the generation query). Snapshot
    // copies (LoadSnapshot) are imported the same way but are already resolved: not tracked.
    const r = await next(specifier, context);
    if (!r.url.startsWith(pathToFileURL(join(cacheDir, "run")).href + "/")) local.add(r.url);
    return r;
  }
  if (parentURL === undefined || !local.has(parentURL)) return next(specifier, context);

  if (isPathSpecifier(specifier)) {
    const found = resolveLocal(specifier, parentURL);
    if (found === undefined) {
      reportImportError(parentURL, specifier, "no such file (tried .ts, .tsx, .mts, .js, .mjs and index files)");
      throw new Error(`Cannot find module "${specifier}" imported from ${pathOfURL(parentURL)}`);
    }
    if (inNodeModules(found.url)) return { url: found.url, shortCircuit: true };
    const url = withGeneration(found.url, parentURL);
    local.add(url);
    post({ type: "import", parentURL, url, import: { kind: "local", specifier, path: pathOfURL(url) }, shadowing: found.shadowing });
    return { url, shortCircuit: true };
  }

  let r: ResolveResult;
  try {
    r = await next(specifier, context);
  } catch (e) {
    reportImportError(parentURL, specifier, firstLine(e));
    throw e;
  }
  if (specifier.startsWith("#") && r.url.startsWith("file:") && !inNodeModules(r.url)) {
    // Subpath imports (`#lib/x`, package.json "imports") of the user's own package are local code.
    const url = withGeneration(r.url, parentURL);
    local.add(url);
    post({ type: "import", parentURL, url, import: { kind: "local", specifier, path: pathOfURL(url) } });
    return { ...r, url };
  }
  if (r.url.startsWith("file:")) {
    post({
      type: "import",
      parentURL,
      url: r.url,
      import: { kind: "package", specifier, name: packageNameOf(specifier), resolvedPath: pathOfURL(r.url) },
    });
  }
  return r;
};

/** Transpiles TypeScript outside node_modules; reports every local module with its code. */
export const load = async (url: string, context: LoadContext, next: NextLoad): Promise<LoadResult> => {
  drainConfig();
  if (!url.startsWith("file:") || inNodeModules(url)) return next(url, context);
  const path = pathOfURL(url);
  if (TS_EXTENSIONS.has(extname(path))) {
    const source = readFileSync(path);
    let code: string;
    let codeFile: string;
    try {
      ({ code, file: codeFile } = transpileCached(cacheDir, path, source));
    } catch (e) {
      if (e instanceof TranspileSyntaxError) {
        post({ type: "syntax-error", file: e.file, line: e.line, column: e.column, detail: e.detail });
      }
      throw e;
    }
    if (local.has(url)) post({ type: "module", url, path, code, source, format: "module", codeFile });
    return { format: "module", source: code, shortCircuit: true };
  }
  const r = await next(url, context);
  if (local.has(url)) {
    // CommonJS sources come back as null on Node 20; read them so the closure can hash them.
    const source = r.source == null ? readFileSync(path) : Buffer.from(r.source as Uint8Array);
    post({ type: "module", url, path, code: source.toString("utf8"), source, format: r.format, codeFile: path });
  }
  return r;
};

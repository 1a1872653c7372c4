/**
 * The code ingredient of a function task's cache key: the task's function plus exactly the code
 * it can reach — top-level bindings of its module it uses, local modules it imports
 * (transitively) and versions of the packages involved — normalised so comments and formatting
 * never count.
 */
import { readFileSync, statSync } from "node:fs";
import { createRequire, isBuiltin } from "node:module";
import { dirname, extname, join, relative, sep } from "node:path";
import { canonicalJson } from "./CanonicalJson.js";
import { hashBytes, hashString, type ContentHash } from "./ContentHash.js";
import { analyzeModule, normaliseFragment, type ModuleAnalysis } from "../loader/ModuleAnalysis.js";
import { IMPORT_META_STANDIN, type GraphModule, type ModuleGraph } from "../loader/ModuleGraph.js";

/** The code closure of one function, as stored in the fingerprint and printed by `explain`. */
export interface CodeClosure {
  /** Hash over everything below plus the function's own normalised source. */
  readonly hash: ContentHash;
  /** Top-level bindings of the function's module it uses (directly or through each other). */
  readonly bindings: ReadonlyArray<{ readonly module: string; readonly name: string; readonly hash: ContentHash }>;
  /** Local modules it imports, transitively: whole-module normalised hashes. */
  readonly modules: ReadonlyArray<{ readonly path: string; readonly hash: ContentHash }>;
  /** Packages imported by the function's bindings or by those modules, with installed versions. */
  readonly packages: ReadonlyArray<{ readonly name: string; readonly version: string }>;
}

/**
 * Bump when what goes into the hash changes, so old cache keys are invalidated on purpose.
 */
const CLOSURE_VERSION = 1;

// Per-module analysis keyed by the hash of the evaluated code: a module that did not change
// between watch-mode generations is parsed once.
const analyses = new Map<ContentHash, ModuleAnalysis | undefined>();
const analysisOf = (m: GraphModule): ModuleAnalysis | undefined => {
  const key = hashString(m.code);
  if (!analyses.has(key)) {
    let a: ModuleAnalysis | undefined;
    // JSON and other non-JS modules are hashed by their raw text instead.
    if (extname(m.path) !== ".json") {
      try {
        a = analyzeModule(m.code);
      } catch {
        a = undefined;
      }
    }
    analyses.set(key, a);
  }
  return analyses.get(key);
};

/** Hash of a file's bytes; a missing file hashes as such, so its later appearance changes the key. */
const safeHashFile = (path: string): ContentHash => {
  try {
    return hashBytes(readFileSync(path));
  } catch {
    return hashString(`missing:${path}`);
  }
};

const moduleHash = (m: GraphModule): ContentHash => {
  const a = analysisOf(m);
  return hashString(a === undefined ? m.code : a.text);
};

/** Which package.json belongs to (package name, resolved file): found once per process. */
const manifestPaths = new Map<string, string | undefined>();
/** Parsed versions by package.json path, revalidated by size and mtime so an upgrade during watch mode counts. */
const versions = new Map<string, { readonly stamp: string; readonly version: string }>();

const readPackageJson = (file: string): { name?: string; version?: string } | undefined => {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
  } catch {
    return undefined;
  }
};

/** The package.json of `name` (walking up from a file it resolved to) and its stat stamp. */
const packageManifest = (name: string, resolvedPath: string): { readonly file: string; readonly stamp: string } | undefined => {
  const key = `${name}\0${resolvedPath}`;
  if (!manifestPaths.has(key)) {
    let found: string | undefined;
    for (let dir = dirname(resolvedPath); found === undefined; dir = dirname(dir)) {
      const pkg = readPackageJson(join(dir, "package.json"));
      // `#imports` resolve inside the importing package: the nearest package.json is the one.
      if (pkg !== undefined && (pkg.name === name || name.startsWith("#"))) found = join(dir, "package.json");
      if (dirname(dir) === dir) break;
    }
    manifestPaths.set(key, found);
  }
  const file = manifestPaths.get(key);
  if (file === undefined) return undefined;
  try {
    const st = statSync(file);
    return { file, stamp: `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}` };
  } catch {
    return undefined;
  }
};

/** The installed version of `name`, re-read only when its package.json changed on disk. */
const packageVersion = (name: string, resolvedPath: string): string => {
  const m = packageManifest(name, resolvedPath);
  if (m === undefined) return "unknown";
  const hit = versions.get(m.file);
  if (hit !== undefined && hit.stamp === m.stamp) return hit.version;
  const version = readPackageJson(m.file)?.version ?? "unknown";
  versions.set(m.file, { stamp: m.stamp, version });
  return version;
};

/**
 * A function's source as the graph holds it. A function from a snapshot copy reads
 * `import.meta` through a stand-in (see LoadSnapshot); the graph has the original text.
 */
const sourceOf = (fn: (...args: never[]) => unknown): string => {
  const evaluated = Function.prototype.toString.call(fn);
  return evaluated.includes(IMPORT_META_STANDIN) ? evaluated.replaceAll(IMPORT_META_STANDIN, "import.meta") : evaluated;
};

/**
 * A cheap key for caching `codeClosure(graph, fn)` on disk: it changes whenever the closure
 * could — the function's source, any module of the graph, any imported package's package.json
 * (by stat) — and costs no parsing, so an unchanged flow's code hashes are found without
 * loading acorn. (It is coarser than the closure: any edit in the graph changes every task's
 * key, after which `codeClosure` decides which hashes really changed.)
 *
 * @example
 * const key = codeClosureKey(graph, run);  // or codeClosureKey(graph, run, graphKeyPart(graph)) for many
 * const closure = cached.get(key) ?? codeClosure(graph, run);
 */
export const codeClosureKey = (graph: ModuleGraph, fn: (...args: never[]) => unknown, graphPart: string = graphKeyPart(graph)): ContentHash =>
  hashString(`v${CLOSURE_VERSION}\n${sourceOf(fn)}\n${graphPart}`);

/**
 * The part of `codeClosureKey` that depends on the graph only (every module's source hash, every
 * imported package's package.json stamp): the same for every task of a flow, so callers that
 * key many functions against one graph compute it once (a stat per package import per task
 * showed up in plans of thousands of tasks).
 */
export const graphKeyPart = (graph: ModuleGraph): string => {
  const parts: string[] = [];
  for (const m of [...graph.modules.values()].sort((x, y) => (x.path < y.path ? -1 : 1))) {
    parts.push(`${m.path}\0${m.sourceHash}`);
    for (const i of m.imports) if (i.kind === "package") parts.push(`${i.name}\0${packageManifest(i.name, i.resolvedPath)?.stamp ?? "none"}`);
  }
  return parts.join("\n");
};

/**
 * Computes the code closure of `fn`, a function evaluated as part of `graph` (a task's `run`).
 * The function's module is found by searching the graph's evaluated code for `fn.toString()`;
 * when several places match, all of them count (larger closure, never a missed edit). A
 * function defined outside the graph (in a package) is hashed by its own source only.
 *
 * Packages reached through `require("pkg")` (createRequire) count by version too. Not seen:
 * top-level statements that are not declarations (`config.x = 1`), and modules loaded by a
 * dynamic `import()` that has not run yet (its specifier text still counts).
 *
 * @example
 * const { flow, graph } = await loadFlowModule("flows/churn.ts", { cacheDir });
 * const code = codeClosure(graph, someTask.spec.run!); // code.hash goes into the fingerprint
 */
export const codeClosure = (graph: ModuleGraph, fn: (...args: never[]) => unknown): CodeClosure => {
  const source = sourceOf(fn);
  const root = dirname(graph.entry);
  const rel = (p: string): string => relative(root, p).split(sep).join("/");
  const bindings = new Map<string, { module: string; name: string; hash: ContentHash }>();
  const modules = new Map<string, ContentHash>();
  const packages = new Map<string, string>();
  const fnTexts = new Set<string>();

  const addModule = (m: GraphModule): void => {
    if (modules.has(rel(m.path))) return;
    modules.set(rel(m.path), moduleHash(m));
    for (const imp of m.imports) addImport(imp);
  };
  const addImport = (imp: GraphModule["imports"][number]): void => {
    if (imp.kind === "package") {
      packages.set(imp.name, packageVersion(imp.name, imp.resolvedPath));
      return;
    }
    const m = graph.modules.get(imp.path);
    if (m !== undefined) addModule(m);
  };

  /**
   * `require("pkg")` through createRequire: the package's version counts; a required local
   * CommonJS file counts by its bytes (its own requires are not followed).
   */
  const addRequires = (m: GraphModule, specifiers: ReadonlySet<string>): void => {
    for (const spec of specifiers) {
      if (isBuiltin(spec)) continue;
      let resolved: string | undefined;
      try {
        resolved = createRequire(m.path).resolve(spec);
      } catch {
        resolved = undefined;
      }
      if (/^(\.{1,2}(\/|$)|\/)/.test(spec)) {
        if (resolved !== undefined && !modules.has(rel(resolved))) modules.set(rel(resolved), safeHashFile(resolved));
      } else {
        const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!;
        packages.set(name, resolved === undefined ? "unresolved" : packageVersion(name, resolved));
      }
    }
  };

  for (const m of graph.modules.values()) {
    const a = analysisOf(m);
    if (a === undefined) continue;
    for (let at = m.code.indexOf(source); at !== -1; at = m.code.indexOf(source, at + 1)) {
      const found = a.functionAt(at, at + source.length);
      if (found === undefined) continue;
      fnTexts.add(found.text);
      addRequires(m, found.requires);
      // Walk the references: top-level bindings pull in what they reference in turn.
      const seen = new Set<string>();
      const queue = [...found.refs];
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
        if (seen.has(name)) continue;
        seen.add(name);
        const b = a.bindings.get(name);
        if (b !== undefined) {
          bindings.set(`${rel(m.path)}#${name}`, { module: rel(m.path), name, hash: hashString(b.text) });
          addRequires(m, b.requires);
          queue.push(...b.refs);
          continue;
        }
        const specifier = a.imports.get(name);
        const imp = specifier === undefined ? undefined : m.imports.find((i) => i.specifier === specifier);
        if (imp !== undefined) addImport(imp);
      }
    }
  }
  if (fnTexts.size === 0) fnTexts.add(normaliseFragment(source));

  const sortedBindings = [...bindings.entries()].sort(([x], [y]) => (x < y ? -1 : 1)).map(([, b]) => b);
  const sortedModules = [...modules.entries()].sort(([x], [y]) => (x < y ? -1 : 1)).map(([path, hash]) => ({ path, hash }));
  const sortedPackages = [...packages.entries()].sort(([x], [y]) => (x < y ? -1 : 1)).map(([name, version]) => ({ name, version }));
  const hash = hashString(
    canonicalJson({
      v: CLOSURE_VERSION,
      fn: [...fnTexts].sort().map(hashString),
      bindings: Object.fromEntries(sortedBindings.map((b) => [`${b.module}#${b.name}`, b.hash])),
      modules: Object.fromEntries(sortedModules.map((m) => [m.path, m.hash])),
      packages: Object.fromEntries(sortedPackages.map((p) => [p.name, p.version])),
    }),
  );
  return { hash, bindings: sortedBindings, modules: sortedModules, packages: sortedPackages };
};

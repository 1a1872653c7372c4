/**
 * The no-op fast path: after a load through the hooks, a snapshot of the flow's local modules
 * is written as ready-to-import files with resolved import URLs, so the next load of an
 * unchanged flow imports them directly — no hooks thread (~30 ms to start), no esbuild.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { dirname, extname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { hashBytes, hashString, type ContentHash } from "../hashing/ContentHash.js";
import { IMPORT_META_STANDIN, TRANSFORM_VERSION, type GraphModule, type HookMessage, type ModuleGraph, type ModuleImport } from "./ModuleGraph.js";
import { TS_EXTENSIONS } from "./resolveLocal.js";

/** Bump when the snapshot's shape or the meaning of its files changes. */
const SNAPSHOT_VERSION = 3;


interface SnapshotModule {
  readonly path: string;
  /** Content hash of the source when the snapshot was taken: any edit invalidates it. */
  readonly sourceHash: ContentHash;
  /** Where the un-rewritten code lives (the transpile cache entry), for GraphModule.code. */
  readonly codeFile: string;
  /** The importable copy whose import specifiers are absolute URLs. */
  readonly runFile: string;
  readonly imports: ReadonlyArray<ModuleImport>;
}
interface Snapshot {
  readonly version: number;
  /** The transpile options' version: copies made with other options are not reused. */
  readonly transform: string;
  readonly entry: string;
  /** In the graph's order: entry first. */
  readonly modules: ReadonlyArray<SnapshotModule>;
  /** Package files (resolved entry points, package.json) with the stat stamp they had. */
  readonly stamps: ReadonlyArray<readonly [string, string]>;
  /** Files whose appearance would change how a local import resolves (`lib.ts` before `lib/index.ts`). */
  readonly absent: ReadonlyArray<string>;
}

type ModuleMessage = Extract<HookMessage, { type: "module" }>;
type ImportMessage = Extract<HookMessage, { type: "import" }>;

const snapshotFile = (cacheDir: string, entry: string): string => join(cacheDir, "flows", `${hashString(entry)}.json`);

const stampOf = (file: string): string => {
  const st = statSync(file);
  return `${st.size}:${st.mtimeMs}:${st.ino}`;
};

const exists = (file: string): boolean => {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
};

const writeAtomic = (file: string, content: string): void => {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
};

/**
 * Returns the URL to import and the graph when the flow at `entry` has a snapshot and nothing
 * it recorded changed: every local module's content, every package entry point and package.json,
 * and no file appeared that a local import would now resolve to instead (`lib.ts` next to the
 * `lib/index.ts` that `./lib` found). Not detected: a package newly installed in a node_modules
 * nearer to the flow than the one that resolved it. Watch mode always uses the hooks.
 */
export const readSnapshot = (cacheDir: string, entry: string): { readonly url: string; readonly graph: ModuleGraph } | undefined => {
  try {
    const snap = JSON.parse(readFileSync(snapshotFile(cacheDir, entry), "utf8")) as Snapshot;
    if (snap.version !== SNAPSHOT_VERSION || snap.transform !== TRANSFORM_VERSION || snap.entry !== entry || snap.modules.length === 0) return undefined;
    for (const [file, stamp] of snap.stamps) if (stampOf(file) !== stamp) return undefined;
    for (const file of snap.absent) if (exists(file)) return undefined;
    const modules = new Map<string, GraphModule>();
    for (const m of snap.modules) {
      const source = readFileSync(m.path);
      const sourceHash = hashBytes(source);
      if (sourceHash !== m.sourceHash) return undefined;
      const code = m.codeFile === m.path ? source.toString("utf8") : readFileSync(m.codeFile, "utf8");
      statSync(m.runFile);
      modules.set(m.path, { path: m.path, url: pathToFileURL(m.runFile).href, code, sourceHash, imports: m.imports });
    }
    return { url: pathToFileURL(snap.modules[0]!.runFile).href, graph: { entry, modules } };
  } catch {
    // Missing or unreadable snapshot, a vanished file: take the hooks path.
    return undefined;
  }
};

/**
 * Writes the snapshot of a load that went through the hooks. Skipped (returns false) when a
 * copy could not behave like the original: modules using dynamic `import()` or `import.meta`
 * beyond url/dirname/filename (they depend on their own location), plain-JS or CommonJS local
 * modules (no source map to point stack traces home), and import cycles (copies are named by
 * content, which a cycle cannot have). Never throws: a missing snapshot only costs speed.
 */
export const writeSnapshot = async (
  cacheDir: string,
  graph: ModuleGraph,
  modulesByURL: ReadonlyMap<string, ModuleMessage>,
  importsByParent: ReadonlyMap<string, ReadonlyArray<ImportMessage>>,
): Promise<boolean> => {
  try {
    // Loaded here: the fast path (readSnapshot) never parses anything.
    const { staticImports } = await import("./ModuleAnalysis.js");
    const runFiles = new Map<string, string>();
    const visiting = new Set<string>();
    const written: SnapshotModule[] = [];
    const stamps = new Map<string, string>();
    const absent = new Set<string>();

    const visit = (m: GraphModule): boolean => {
      if (runFiles.has(m.path)) return true;
      if (visiting.has(m.path)) return false;
      visiting.add(m.path);
      const msg = modulesByURL.get(m.url);
      const imports = importsByParent.get(m.url) ?? [];
      if (msg === undefined) return false;
      if (msg.format === "json") {
        runFiles.set(m.path, m.path);
        written.push({ path: m.path, sourceHash: m.sourceHash, codeFile: m.path, runFile: m.path, imports: [] });
        return true;
      }
      if (msg.format !== "module" || !TS_EXTENSIONS.has(extname(m.path))) return false;
      for (const i of imports) {
        if (i.import.kind === "local") {
          const target = graph.modules.get(i.import.path);
          if (target === undefined || !visit(target)) return false;
        }
      }
      const { sources, metas, locationDependent } = staticImports(m.code);
      if (locationDependent || m.code.startsWith("#!")) return false;
      // Edits from the end backwards, so earlier offsets stay valid.
      const edits: Array<{ start: number; end: number; text: string }> = metas.map((r) => ({ ...r, text: IMPORT_META_STANDIN }));
      for (const s of sources) {
        const rec = imports.find((i) => i.import.specifier === s.specifier);
        let url: string;
        if (rec?.import.kind === "local") {
          url = pathToFileURL(runFiles.get(rec.import.path)!).href;
          for (const f of rec.shadowing ?? []) absent.add(f);
        }
        else if (rec?.import.kind === "package") {
          url = rec.url;
          stamps.set(rec.import.resolvedPath, stampOf(rec.import.resolvedPath));
          const pkgJson = nearestPackageJson(rec.import.resolvedPath);
          if (pkgJson !== undefined) stamps.set(pkgJson, stampOf(pkgJson));
        } else if (isBuiltin(s.specifier)) continue;
        else return false;
        edits.push({ start: s.start, end: s.end, text: JSON.stringify(url) });
      }
      let code = m.code;
      for (const e of edits.sort((x, y) => y.start - x.start)) code = code.slice(0, e.start) + e.text + code.slice(e.end);
      if (metas.length > 0) {
        // Prepended on line 1 (no newline) so the source map stays right on every other line.
        const meta = { url: pathToFileURL(m.path).href, dirname: dirname(m.path), filename: m.path };
        code = `var ${IMPORT_META_STANDIN} = ${JSON.stringify(meta)};${code}`;
      }
      const runFile = join(cacheDir, "run", `${hashString(code)}.mjs`);
      writeAtomic(runFile, code);
      runFiles.set(m.path, runFile);
      written.push({ path: m.path, sourceHash: m.sourceHash, codeFile: msg.codeFile, runFile, imports: m.imports });
      visiting.delete(m.path);
      return true;
    };

    const entry = graph.modules.get(graph.entry);
    if (entry === undefined || !visit(entry)) return false;
    // The graph's order (entry first, breadth-first), so both paths report the same graph.
    const ordered = [...graph.modules.keys()].map((p) => written.find((w) => w.path === p)!);
    const snap: Snapshot = { version: SNAPSHOT_VERSION, transform: TRANSFORM_VERSION, entry: graph.entry, modules: ordered, stamps: [...stamps], absent: [...absent] };
    writeAtomic(snapshotFile(cacheDir, graph.entry), JSON.stringify(snap));
    return true;
  } catch {
    return false;
  }
};

const nearestPackageJson = (file: string): string | undefined => {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    try {
      statSync(join(dir, "package.json"));
      return join(dir, "package.json");
    } catch {
      if (dirname(dir) === dir) return undefined;
    }
  }
};

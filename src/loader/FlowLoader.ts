/**
 * `loadFlowModule`: imports a user's flow file (TypeScript) into this process through the
 * loader hooks (or its snapshot), returning its exports and the graph of local modules.
 */
import { readFileSync, statSync } from "node:fs";
import { register } from "node:module";
import { resolve as resolvePath } from "node:path";
import { pathToFileURL } from "node:url";
import type { MessagePort } from "node:worker_threads";
import { isFlow, type Flow } from "../dsl/Flow.js";
import {
  codeFrame,
  FlowEvaluationError,
  FlowExportError,
  FlowImportError,
  FlowNotFoundError,
  FlowSyntaxError,
  type FlowLoadError,
} from "./LoaderErrors.js";
import { hashBytes } from "../hashing/ContentHash.js";
import type { GraphModule, HookConfig, HookInitData, HookMessage, ModuleGraph } from "./ModuleGraph.js";
import { readSnapshot, writeSnapshot } from "./LoadSnapshot.js";
import { pathOfURL } from "./resolveLocal.js";
import { srcUrl } from "../srcRoot.js";

export { FlowEvaluationError, FlowExportError, FlowImportError, FlowNotFoundError, FlowSyntaxError } from "./LoaderErrors.js";
export type { FlowLoadError } from "./LoaderErrors.js";
export type { GraphModule, ModuleGraph, ModuleImport } from "./ModuleGraph.js";

/** Options of `loadFlowModule`. */
export interface LoadFlowOptions {
  /** Directory for transpiled-module cache entries (e.g. `.cairn/cache/ts`); created on demand. */
  readonly cacheDir: string;
  /**
   * Watch mode: a number that changes on every reload. The flow and every local module it
   * imports are evaluated afresh for each new generation; packages are evaluated once.
   */
  readonly generation?: number;
}

/** A loaded flow file. */
export interface LoadedModule {
  /** The module namespace of the flow file. */
  readonly exports: Record<string, unknown>;
  /** Its default export, checked to be a `flow(...)`. */
  readonly flow: Flow;
  /** The local modules evaluated for it (for code hashing and for watch mode's file list). */
  readonly graph: ModuleGraph;
}

interface Registration {
  readonly port: MessagePort;
  readonly receive: typeof import("node:worker_threads").receiveMessageOnPort;
  cacheDir: string;
}
let registration: Registration | undefined;
/** Everything the hooks reported in this process: modules by URL, imports by parent URL. */
const modules = new Map<string, Extract<HookMessage, { type: "module" }>>();
const importsByParent = new Map<string, Array<Extract<HookMessage, { type: "import" }>>>();

/**
 * Registers the hooks once per process (each `register` call would add another hook layer).
 * worker_threads is imported here, not at the top, to keep it off the snapshot fast path.
 */
const ensureRegistered = async (cacheDir: string): Promise<Registration> => {
  if (registration === undefined) {
    const { MessageChannel, receiveMessageOnPort } = await import("node:worker_threads");
    const { port1, port2 } = new MessageChannel();
    const data: HookInitData = { port: port2, loaderURL: import.meta.url, cacheDir };
    register(srcUrl("loader/hooks.js"), { parentURL: import.meta.url, data, transferList: [port2] });
    // Stack traces of user code then show their .ts file:line through the inline source maps.
    process.setSourceMapsEnabled(true);
    registration = { port: port1, receive: receiveMessageOnPort, cacheDir };
  } else if (registration.cacheDir !== cacheDir) {
    registration.port.postMessage({ type: "config", cacheDir } satisfies HookConfig);
    registration.cacheDir = cacheDir;
  }
  return registration;
};

/**
 * Takes every message the hooks posted. Why synchronous draining: the hooks thread posts before
 * it answers the main thread, so by the time `import()` settles every message is already queued
 * here, and no event-loop turn (and no listener keeping the process alive) is needed.
 */
const drain = ({ port, receive }: Registration): HookMessage[] => {
  const out: HookMessage[] = [];
  for (let m = receive(port); m !== undefined; m = receive(port)) {
    const msg = m.message as HookMessage;
    out.push(msg);
    if (msg.type === "module") modules.set(msg.url, msg);
    if (msg.type === "import") {
      const list = importsByParent.get(msg.parentURL) ?? [];
      if (!list.some((i) => i.import.specifier === msg.import.specifier)) list.push(msg);
      importsByParent.set(msg.parentURL, list);
    }
  }
  return out;
};

/**
 * Loads a flow file: resolves `.ts` and extensionless/`.js` local imports to TypeScript files,
 * transpiles them (cached under `cacheDir`), evaluates the module and checks that its default
 * export is a flow. Fails with one of the `FlowLoadError`s, whose messages name the user's file,
 * line and the fix.
 *
 * Two paths: through the loader hooks (first load, after edits, and always when `generation`
 * is set), which then writes a snapshot under `cacheDir`; and, without `generation`, straight
 * from that snapshot when no source or package it recorded changed (see LoadSnapshot). Both
 * give the same exports and graph (module URLs aside). Loads are serialised per process.
 *
 * @example
 * const { flow, graph } = await loadFlowModule("flows/churn.ts", { cacheDir: ".cairn/cache/ts" });
 * // watch mode, after an edit:
 * const next = await loadFlowModule("flows/churn.ts", { cacheDir, generation: 2 });
 */
export const loadFlowModule = (flowPath: string, opts: LoadFlowOptions): Promise<LoadedModule> => {
  // One load at a time: the hooks' reports are drained per load, and two interleaved loads
  // would each see (and misattribute) the other's errors.
  const run = queue.then(() => loadNow(flowPath, opts));
  queue = run.catch(() => undefined);
  return run;
};
let queue: Promise<unknown> = Promise.resolve();

const loadNow = async (flowPath: string, opts: LoadFlowOptions): Promise<LoadedModule> => {
  const file = resolvePath(flowPath);
  let isFile = false;
  try {
    isFile = statSync(file).isFile();
  } catch {
    // Missing: reported below.
  }
  if (!isFile) throw new FlowNotFoundError(file);
  const cacheDir = resolvePath(opts.cacheDir);
  // Watch mode always goes through the hooks: generations need their query propagated.
  if (opts.generation === undefined) {
    const snap = readSnapshot(cacheDir, file);
    if (snap !== undefined) {
      process.setSourceMapsEnabled(true);
      try {
        return checkFlow(file, (await import(snap.url)) as Record<string, unknown>, snap.graph);
      } catch (e) {
        // A link failure (a package that vanished since the snapshot) evaluates no user code,
        // so the hooks path can safely redo the load and report it properly.
        if (!isLinkError(e)) throw e instanceof FlowExportError ? e : await toLoadError(file, e, [], new Set(snap.graph.modules.keys()));
      }
    }
  }
  const reg = await ensureRegistered(cacheDir);
  const url = pathToFileURL(file);
  if (opts.generation !== undefined) url.searchParams.set("v", String(opts.generation));

  let exports: Record<string, unknown>;
  try {
    exports = (await import(url.href)) as Record<string, unknown>;
  } catch (e) {
    const messages = drain(reg);
    throw await toLoadError(file, e, messages, new Set([file, ...[...modules.values()].map((m) => m.path)]));
  }
  drain(reg);
  const graph = buildGraph(url.href, modules, importsByParent);
  const loaded = checkFlow(file, exports, graph);
  if (opts.generation === undefined) await writeSnapshot(cacheDir, graph, modules, importsByParent);
  return loaded;
};

const checkFlow = (file: string, exports: Record<string, unknown>, graph: ModuleGraph): LoadedModule => {
  const def = exports["default"];
  if (!isFlow(def)) throw new FlowExportError(file, describe(def, "default" in exports));
  return { exports, flow: def, graph };
};

const isLinkError = (e: unknown): boolean =>
  (e as { code?: unknown })?.code === "ERR_MODULE_NOT_FOUND" ||
  (e instanceof SyntaxError && /does not provide an export named/.test(e.message));

const describe = (value: unknown, present: boolean): string => {
  if (!present) return "missing";
  if (typeof value === "object" && value !== null && (value as { _tag?: unknown })._tag === "Task") {
    return `the task "${(value as { name?: string }).name}"`;
  }
  return value === null ? "null" : typeof value;
};

/** Maps what `import()` threw, plus what the hooks reported meanwhile, to a tagged error. */
const toLoadError = async (file: string, e: unknown, messages: ReadonlyArray<HookMessage>, localPaths: ReadonlySet<string>): Promise<FlowLoadError> => {
  for (const m of messages) {
    if (m.type === "syntax-error") {
      return new FlowSyntaxError(m.file, m.line, m.column, m.detail, frameOf(m.file, m.line, m.column));
    }
    if (m.type === "import-error") return new FlowImportError(m.file, m.line, m.specifier, m.detail);
  }
  const err = e as Error;
  const message = String(err?.message ?? e);
  const stack = typeof err?.stack === "string" ? err.stack : "";
  if (err instanceof SyntaxError) {
    // Link and parse errors start their stack with the offending file:line (a path once
    // source maps are on, a file URL otherwise), then the source line and a caret.
    const head = /^((?:file:\/\/)?\/[^\n]*?):(\d+)\n/.exec(stack);
    const where = head === null ? undefined : { file: head[1]!.startsWith("file:") ? pathOfURL(head[1]!) : head[1]!.replace(/\?.*$/, ""), line: Number(head[2]) };
    // `import { x } from "./lib.js"` where lib has no export x.
    const missing = /The requested module '([^']+)' does not provide an export named '([^']+)'/.exec(message);
    if (missing !== null) {
      return new FlowImportError(where?.file ?? file, where?.line ?? 0, missing[1]!, `it has no export named "${missing[2]}"`);
    }
    // V8 parse errors of local .js modules (TypeScript ones are caught by esbuild first).
    if (where !== undefined) return new FlowSyntaxError(where.file, where.line, 0, message, frameOf(where.file, where.line, 0));
    // Through the hooks V8 names no file: find the local module that does not parse.
    const { syntaxErrorIn } = await import("./ModuleAnalysis.js");
    for (const m of messages) {
      if (m.type !== "module" || m.format === "json") continue;
      const found = syntaxErrorIn(m.code);
      if (found !== undefined) return new FlowSyntaxError(m.path, found.line, found.column, found.detail, frameOf(m.path, found.line, found.column));
    }
  }
  return new FlowEvaluationError(file, message, userFrames(stack, localPaths), e);
};

/** Stack frames that point into the user's local modules, with URLs shortened to paths. */
const userFrames = (stack: string, localPaths: ReadonlySet<string>): string[] =>
  stack
    .split("\n")
    .filter((l) => /^\s+at /.test(l))
    .map((l) => l.replace(/^\s+at /, "").replace(/file:\/\/(\/[^\s:?)]+)(\?[^\s:)]*)?/g, (_, p: string) => decodeURIComponent(p)))
    .filter((l) => [...localPaths].some((p) => l.includes(`${p}:`)));

const safeRead = <A>(path: string, f: (source: string) => A): A | undefined => {
  try {
    return f(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
};

const frameOf = (file: string, line: number, column: number): string =>
  safeRead(file, (s) => codeFrame(s, line, column)) ?? "";

/** Builds the graph reachable from `entryURL` out of everything the hooks reported so far. */
const buildGraph = (
  entryURL: string,
  modules: ReadonlyMap<string, Extract<HookMessage, { type: "module" }>>,
  importsByParent: ReadonlyMap<string, ReadonlyArray<Extract<HookMessage, { type: "import" }>>>,
): ModuleGraph => {
  const out = new Map<string, GraphModule>();
  const queue = [entryURL];
  let entry = "";
  for (let url = queue.shift(); url !== undefined; url = queue.shift()) {
    const m = modules.get(url);
    if (m === undefined || out.has(m.path)) continue;
    if (entry === "") entry = m.path;
    const imports = importsByParent.get(url) ?? [];
    out.set(m.path, { path: m.path, url: m.url, code: m.code, sourceHash: hashBytes(m.source), imports: imports.map((i) => i.import) });
    for (const i of imports) if (i.import.kind === "local") queue.push(i.url);
  }
  return { entry, modules: out };
};

/**
 * Everything in a task's cache key that does not depend on upstream outputs: code, params,
 * inputs, env, executor and package versions. Computed once per task per run, before scheduling.
 */
import { statSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import type { Task, CommandTaskSpec } from "../dsl/Task.js";
import type { InputSpec } from "../dsl/Input.js";
import type { FileHasher } from "../hashing/FileHasher.js";
import { expandGlob } from "../hashing/Glob.js";
import { hashEnvValue, type Ingredients } from "../hashing/Fingerprint.js";
import { canonicalJson } from "../hashing/CanonicalJson.js";
import { hashString } from "../hashing/ContentHash.js";
import type { InputEdge } from "../lineage/LineageStore.js";
import type { CodeHasher } from "./CodeIngredient.js";

/** A declared input resolved to files on disk. */
export interface ResolvedInputFiles {
  readonly key: string;
  readonly spec: InputSpec;
  /** Absolute path of the file or directory (globs: the base directory). */
  readonly absPath: string;
  readonly files: ReadonlyArray<{ readonly abs: string; readonly rel: string; readonly hash: string; readonly size: number }>;
}

export type StaticIngredients = Omit<Ingredients, "deps">;

export interface TaskStatics {
  readonly ingredients: StaticIngredients;
  readonly inputs: ReadonlyArray<ResolvedInputFiles>;
  readonly inputEdges: ReadonlyArray<InputEdge>;
}

export interface StaticsContext {
  readonly flow: string;
  readonly flowDir: string;
  readonly projectRoot: string;
  readonly hasher: FileHasher;
  readonly code: CodeHasher;
  /** Executor fingerprints, computed (async) before statics. */
  readonly executorFingerprint: (task: Task<unknown>) => unknown;
}

const toRel = (root: string, abs: string): string => {
  // The common case without path.relative (measurable at thousands of inputs): abs is below root.
  if (abs.length > root.length + 1 && abs.startsWith(root) && abs[root.length] === sep && !abs.includes(`${sep}..${sep}`)) {
    return abs.slice(root.length + 1).split("\\").join("/");
  }
  const r = relative(root, abs);
  return r.startsWith("..") || isAbsolute(r) ? abs : r.split("\\").join("/");
};

/** Resolves and hashes one task's inputs (sync: the stat cache makes unchanged files cost a stat). */
export const resolveInputs = (t: Task<unknown>, cx: StaticsContext): ResolvedInputFiles[] => {
  const out: ResolvedInputFiles[] = [];
  for (const [key, spec] of Object.entries(t.inputs).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (spec._tag === "file") {
      const abs = resolve(cx.flowDir, spec.path);
      const h = cx.hasher.hashFileSync(abs);
      out.push({ key, spec, absPath: abs, files: [{ abs, rel: toRel(cx.projectRoot, abs), hash: h.hash, size: h.size }] });
    } else if (spec._tag === "dir") {
      const abs = resolve(cx.flowDir, spec.path);
      const d = cx.hasher.hashDirSync(abs);
      out.push({ key, spec, absPath: abs, files: d.files.map((f) => ({ abs: resolve(abs, f.rel), rel: toRel(cx.projectRoot, resolve(abs, f.rel)), hash: f.hash, size: f.size })) });
    } else {
      const paths = expandGlob(spec.pattern, cx.flowDir);
      out.push({
        key,
        spec,
        absPath: cx.flowDir,
        files: paths.map((abs) => {
          const h = cx.hasher.hashFileSync(abs);
          return { abs, rel: toRel(cx.projectRoot, abs), hash: h.hash, size: h.size };
        }),
      });
    }
  }
  return out;
};

/**
 * Splits a shell command into words, well enough to find the script files it names. Output
 * redirection targets (`> out.txt`, `>> run.log`, `2>&1`) are dropped first: a file the command
 * writes is not code, and counting it would change the key on every run.
 */
const shellWords = (cmd: string): string[] =>
  cmd
    .replace(/\d*>>?&?\s*("[^"]*"|'[^']*'|[^\s;|&<>()]+)/g, " ")
    .split(/[\s;|&<>()]+/)
    .map((w) => w.replace(/^['"]|['"]$/g, ""))
    .filter((w) => w.length > 0 && !w.includes("$") && !w.startsWith("-"));

/**
 * Files a command runs: declared `scripts`, plus every word of the command that names an
 * existing file relative to its cwd (`python train.py` → train.py). Why guess from the command:
 * forgetting to declare the script is the most common way a rerun is silently skipped.
 */
export const commandScripts = (spec: CommandTaskSpec<unknown, unknown, unknown>, cwd: string, flowDir: string): string[] => {
  const words = typeof spec.cmd === "string" ? shellWords(spec.cmd) : [...spec.cmd].filter((w) => !w.startsWith("-"));
  const found = new Set<string>();
  for (const s of spec.scripts ?? []) found.add(resolve(flowDir, s));
  for (const w of words) {
    if (!/[./]/.test(w) || w.startsWith("/dev/") || w.startsWith("/proc/")) continue;
    const abs = resolve(cwd, w);
    if (statSync(abs, { throwIfNoEntry: false })?.isFile()) found.add(abs);
  }
  return [...found].sort();
};

/** Computes the static ingredients of one task. */
export const taskStatics = (t: Task<unknown>, cx: StaticsContext): TaskStatics => {
  const spec = t.spec;
  const inputs = resolveInputs(t, cx);
  let code: Ingredients["code"];
  let dependencies: Ingredients["dependencies"] = [];
  if (spec.version !== undefined) {
    code = { kind: "version", body: hashString(`version:${spec.version}`), version: String(spec.version), modules: [], scripts: [] };
  } else if (t.kind === "function") {
    const c = cx.code.functionCode(spec.run as (...a: unknown[]) => unknown, t.name);
    code = { kind: "function", body: c.body, modules: c.modules, scripts: [] };
    dependencies = c.packages;
  } else {
    const cs = spec as CommandTaskSpec<unknown, unknown, unknown>;
    const cwd = resolve(cx.flowDir, cs.cwd ?? ".");
    const scripts = commandScripts(cs, cwd, cx.flowDir).map((abs) => {
      const h = cx.hasher.hashFileSync(abs);
      return { path: toRel(cx.projectRoot, abs), hash: h.hash };
    });
    code = { kind: "command", body: hashString(canonicalJson(cs.cmd)), command: typeof cs.cmd === "string" ? cs.cmd : JSON.stringify(cs.cmd), modules: [], scripts };
  }
  const env: Record<string, string | null> = {};
  for (const name of [...(spec.env ?? [])].sort()) env[name] = hashEnvValue(name, process.env[name]);
  const ingredients: StaticIngredients = {
    code,
    params: spec.params ?? {},
    inputs: Object.fromEntries(inputs.map((i) => [i.key, i.files.map((f) => ({ path: f.rel, hash: f.hash, size: f.size }))])),
    env,
    executor: cx.executorFingerprint(t),
    dependencies,
  };
  const inputEdges: InputEdge[] = [
    ...inputs.flatMap((i) => i.files.map((f) => ({ kind: "file" as const, name: i.key, path: f.rel, hash: f.hash, size: f.size }))),
    ...Object.entries(env).map(([name, hash]) => ({ kind: "env" as const, name, hash: hash ?? "unset" })),
  ];
  return { ingredients, inputs, inputEdges };
};

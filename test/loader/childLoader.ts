/**
 * Test rig for the loader: temp user projects on disk, and a fresh Node process that loads
 * their flows through the built loader (vitest has its own module loader, so it cannot host ours).
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = fileURLToPath(new URL("../..", import.meta.url));
const DIST_LOADER = join(REPO, "dist/src/loader/FlowLoader.js");
const DIST_CLOSURE = join(REPO, "dist/src/hashing/CodeClosure.js");

/**
 * Fails with instructions when dist/ is older than the sources under test: the child imports
 * the compiled loader, and a stale build would test old code.
 */
export const assertBuilt = (): void => {
  const sources = [...readdirSync(join(REPO, "src/loader")).map((f) => `src/loader/${f}`), "src/hashing/CodeClosure.ts"];
  for (const src of sources.filter((f) => f.endsWith(".ts"))) {
    const out = `dist/${src.replace(/\.ts$/, ".js")}`;
    const built = (() => { try { return statSync(join(REPO, out)).mtimeMs; } catch { return -1; } })();
    if (built < statSync(join(REPO, src)).mtimeMs) throw new Error(`${out} is missing or older than ${src}: run \`npx tsc -p tsconfig.build.json\` first.`);
  }
};

/**
 * Creates a user project in a temp dir: `files` (relative path → content), plus
 * node_modules/cairn linked to this repository, as `npm install cairn` would provide it.
 */
export const makeProject = async (files: Record<string, string>): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), "cairn-loader-"));
  created.push(dir);
  await mkdir(join(dir, "node_modules"), { recursive: true });
  await symlink(REPO, join(dir, "node_modules/cairn"), "dir");
  await writeFiles(dir, files);
  return dir;
};

const created: string[] = [];
/** Removes every project `makeProject` created (call from afterAll). */
export const removeProjects = async (): Promise<void> => {
  await Promise.all(created.splice(0).map((d) => rm(d, { recursive: true, force: true })));
};

export const writeFiles = async (dir: string, files: Record<string, string>): Promise<void> => {
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), content);
  }
};

/** One step the child performs, in order, in the same process. */
export type Step =
  /** Load a flow (relative to the project); `call` names exported functions to call and report. */
  | { readonly load: string; readonly generation?: number; readonly call?: ReadonlyArray<string> }
  /** Overwrite files between loads (watch mode: edits while the process lives). */
  | { readonly write: Record<string, string> }
  /** Start several loads at once without awaiting in between; reports `{ ok, flowName | tag }` each. */
  | { readonly concurrent: ReadonlyArray<string> };

export interface LoadReport {
  readonly ok: boolean;
  readonly flowName?: string;
  readonly exportNames?: string[];
  readonly modules?: Array<{ path: string; url: string; imports: unknown[]; sourceHash: string }>;
  /** Results of the `call`ed exports: `{ value }` or `{ thrown: stack }`. */
  readonly calls?: Record<string, { value?: unknown; thrown?: string }>;
  /** `codeClosure` (plus `codeClosureKey` as `key`) of every function task reachable from the flow's targets and tasks. */
  readonly closures?: Record<string, { key: string; hash: string; bindings: unknown[]; modules: Array<{ path: string; hash: string }>; packages: Array<{ name: string; version: string }> }>;
  /** Whether the flow module's `sameFlowFn` export is the same function as in the previous load. */
  readonly samePackageInstance?: boolean;
  /** For a `concurrent` step: each load's flow name, or its error tag and file. */
  readonly concurrent?: Array<{ flowName?: string; tag?: string; file?: string }>;
  readonly error?: { tag: string; name: string; message: string; stack: string; fields: Record<string, unknown> };
}

const CHILD = `
import { writeFileSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
const { loadFlowModule } = await import(${JSON.stringify(DIST_LOADER)});
const { codeClosure, codeClosureKey } = await import(${JSON.stringify(DIST_CLOSURE)});
const { steps, cacheDir } = JSON.parse(process.argv[1]);
const out = [];
let previousFlowFn;
const depsOf = (t) => { const d = t.spec.deps; return (typeof d === "function" ? d() : d) ?? {}; };
for (const step of steps) {
  if (step.write) {
    for (const [rel, content] of Object.entries(step.write)) { mkdirSync(dirname(rel), { recursive: true }); writeFileSync(rel, content); }
    continue;
  }
  if (step.concurrent) {
    const settled = await Promise.allSettled(step.concurrent.map((f) => loadFlowModule(f, { cacheDir })));
    out.push({ ok: true, concurrent: settled.map((r) => (r.status === "fulfilled" ? { flowName: r.value.flow.name } : { tag: r.reason?._tag, file: r.reason?.file })) });
    continue;
  }
  try {
    const r = await loadFlowModule(step.load, { cacheDir, generation: step.generation });
    const tasks = new Set();
    const visit = (t) => { if (tasks.has(t)) return; tasks.add(t); Object.values(depsOf(t)).forEach(visit); };
    [...(r.flow.spec.targets ?? []), ...(r.flow.spec.tasks ?? [])].forEach(visit);
    const closures = {};
    for (const t of tasks) if (typeof t.spec.run === "function") closures[t.name] = { ...codeClosure(r.graph, t.spec.run), key: codeClosureKey(r.graph, t.spec.run) };
    const calls = {};
    for (const name of step.call ?? []) {
      try { calls[name] = { value: await r.exports[name]() }; } catch (e) { calls[name] = { thrown: String(e?.stack ?? e) }; }
    }
    const flowFn = r.exports.sameFlowFn;
    out.push({
      ok: true, flowName: r.flow.name, exportNames: Object.keys(r.exports).sort(), calls, closures,
      modules: [...r.graph.modules.values()].map((m) => ({ path: m.path, url: m.url, imports: m.imports, sourceHash: m.sourceHash })),
      samePackageInstance: previousFlowFn === undefined ? undefined : previousFlowFn === flowFn,
    });
    previousFlowFn = flowFn;
  } catch (e) {
    const fields = {};
    for (const k of Object.keys(e)) if (k !== "cause") fields[k] = e[k];
    out.push({ ok: false, error: { tag: e?._tag ?? "none", name: e?.name, message: String(e?.message ?? e), stack: String(e?.stack ?? ""), fields } });
  }
}
process.stdout.write(JSON.stringify(out));
`;

/** Runs `steps` in one fresh Node process with the project as working directory. */
export const runSteps = (dir: string, steps: ReadonlyArray<Step>, cacheDir = join(dir, ".cairn/cache/ts")): Promise<LoadReport[]> =>
  new Promise((resolvePromise, reject) => {
    execFile(process.execPath, ["--input-type=module", "-e", CHILD, JSON.stringify({ steps, cacheDir })], { cwd: dir, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`child failed: ${err.message}\n${stderr}`));
      else resolvePromise(JSON.parse(stdout) as LoadReport[]);
    });
  });

/**
 * Runs one load in a fresh process and returns its report. Without a generation the loader may
 * take the snapshot fast path; with one it always goes through the hooks.
 */
export const loadOnce = async (dir: string, flow: string, call: ReadonlyArray<string> = [], generation?: number): Promise<LoadReport> =>
  (await runSteps(dir, [generation === undefined ? { load: flow, call } : { load: flow, call, generation }]))[0]!;

/** True when the report's flow was imported from the snapshot's copies rather than its sources. */
export const fromSnapshot = (r: LoadReport): boolean => r.modules!.every((m) => /\/run\/[0-9a-f]+\.mjs$/.test(m.url));

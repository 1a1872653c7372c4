/**
 * The cache key. A task's key is the hash of one sorted, versioned object — the `Fingerprint` —
 * whose every field is itself a hash of one ingredient. The object is stored with each execution,
 * together with the ingredients' details, so `cairn explain` can say exactly what changed.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "./CanonicalJson.js";
import { hashString, type CacheKey, type ContentHash } from "./ContentHash.js";

/**
 * Bump when the shape or meaning of the fingerprint changes: old keys must stop matching on
 * purpose rather than by accident.
 */
export const KEY_VERSION = 1;

/** The hashed object. Field order is irrelevant: it is serialised as canonical JSON. */
export interface Fingerprint {
  /** Changing the shape of this object must invalidate old keys on purpose. */
  readonly keyVersion: number;
  /** Two tasks with the same body are still different tasks. */
  readonly task: string;
  /** The function's normalised source + local modules it uses, or the command + scripts it runs; or the user's `version`. */
  readonly code: ContentHash;
  /** Canonical JSON of the params. */
  readonly params: ContentHash;
  /** Content hash of every declared input file (globs expanded and sorted). */
  readonly inputs: ContentHash;
  /** Output hashes of upstream tasks — not their keys: an upstream rerun with identical output must not invalidate downstream. */
  readonly deps: ContentHash;
  /** Hashes of declared env var values; undeclared variables never enter. */
  readonly env: ContentHash;
  /** What the executor says changes results (e.g. the Docker image ID). */
  readonly executor: ContentHash;
  /** Versions of the npm packages the code imports. */
  readonly dependencies: ContentHash;
}

export type IngredientName = Exclude<keyof Fingerprint, "keyVersion" | "task">;
export const INGREDIENTS: ReadonlyArray<IngredientName> = ["code", "params", "inputs", "deps", "env", "executor", "dependencies"];

/** The details behind each ingredient hash, stored so a miss can be explained item by item. */
export interface Ingredients {
  readonly code: {
    readonly kind: "function" | "command" | "version";
    /** Hash of the normalised function source or the command string. */
    readonly body: string;
    readonly command?: string;
    readonly modules: ReadonlyArray<{ readonly path: string; readonly hash: string }>;
    readonly scripts: ReadonlyArray<{ readonly path: string; readonly hash: string }>;
    readonly version?: string;
  };
  /** Params are not secret: stored as given. */
  readonly params: unknown;
  /** Per input key, its files (path relative to the project root). */
  readonly inputs: Readonly<Record<string, ReadonlyArray<{ readonly path: string; readonly hash: string; readonly size: number }>>>;
  readonly deps: Readonly<Record<string, { readonly task: string; readonly outputHash: string }>>;
  /** Per declared variable, a SHA-256 of its value (or null when unset) — never the value. */
  readonly env: Readonly<Record<string, string | null>>;
  readonly executor: unknown;
  readonly dependencies: ReadonlyArray<{ readonly name: string; readonly version: string }>;
}

/**
 * Hashes an env value. SHA-256 (not XXH3) with the variable name as salt, because these values
 * are often secrets: the stored hash must not be cheap to invert by trying candidate values.
 */
export const hashEnvValue = (name: string, value: string | undefined): string | null =>
  value === undefined ? null : createHash("sha256").update(`cairn-env\0${name}\0${value}`).digest("hex");

const h = (v: unknown): ContentHash => hashString(canonicalJson(v, "ingredient"));

/** Builds the fingerprint from its ingredients and returns it with its key. */
export const computeFingerprint = (task: string, ing: Ingredients): { fingerprint: Fingerprint; key: CacheKey } => {
  const fingerprint: Fingerprint = {
    keyVersion: KEY_VERSION,
    task,
    code: h(ing.code.kind === "version" ? { version: ing.code.version } : { body: ing.code.body, modules: ing.code.modules, scripts: ing.code.scripts }),
    params: h(ing.params ?? {}),
    inputs: h(ing.inputs),
    deps: h(ing.deps),
    env: h(ing.env),
    executor: h(ing.executor ?? null),
    dependencies: h(ing.dependencies),
  };
  return { fingerprint, key: hashString(canonicalJson(fingerprint, "fingerprint")) as string as CacheKey };
};

/** One ingredient's comparison against the last execution. */
export interface IngredientDiff {
  readonly ingredient: IngredientName | "keyVersion";
  readonly changed: boolean;
  readonly old: string | null;
  readonly new: string;
  /** Human lines naming what changed: files, modules, params, deps, env var names. */
  readonly details: ReadonlyArray<string>;
}

const sideBySide = <T>(a: Readonly<Record<string, T>>, b: Readonly<Record<string, T>>, same: (x: T, y: T) => boolean, label: (k: string, change: "added" | "removed" | "changed") => string): string[] => {
  const out: string[] = [];
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (!(k in a)) out.push(label(k, "added"));
    else if (!(k in b)) out.push(label(k, "removed"));
    else if (!same(a[k]!, b[k]!)) out.push(label(k, "changed"));
  }
  return out.sort();
};

const fileMap = (ing: Ingredients["inputs"] | undefined): Record<string, string> => {
  const m: Record<string, string> = {};
  for (const files of Object.values(ing ?? {})) for (const f of files) m[f.path] = f.hash;
  return m;
};
const listMap = (xs: ReadonlyArray<{ path?: string; name?: string; hash?: string; version?: string }> | undefined): Record<string, string> =>
  Object.fromEntries((xs ?? []).map((x) => [x.path ?? x.name ?? "?", x.hash ?? x.version ?? ""]));

/** Compares a new fingerprint with a stored one, ingredient by ingredient. */
export const diffFingerprints = (
  oldFp: Fingerprint | undefined,
  oldIng: Ingredients | undefined,
  newFp: Fingerprint,
  newIng: Ingredients,
): IngredientDiff[] => {
  const diffs: IngredientDiff[] = [];
  if (oldFp && oldFp.keyVersion !== newFp.keyVersion) {
    diffs.push({ ingredient: "keyVersion", changed: true, old: String(oldFp.keyVersion), new: String(newFp.keyVersion), details: [`cache key format changed (cairn upgrade)`] });
  }
  for (const name of INGREDIENTS) {
    const changed = !oldFp || oldFp[name] !== newFp[name];
    let details: string[] = [];
    if (changed && oldIng) {
      switch (name) {
        case "code": {
          if (oldIng.code.body !== newIng.code.body) details.push(newIng.code.kind === "command" ? `command changed` : newIng.code.kind === "version" ? `version changed` : `task function changed`);
          details.push(...sideBySide(listMap(oldIng.code.modules), listMap(newIng.code.modules), (a, b) => a === b, (k, c) => `module ${k} ${c}`));
          details.push(...sideBySide(listMap(oldIng.code.scripts), listMap(newIng.code.scripts), (a, b) => a === b, (k, c) => `script ${k} ${c}`));
          break;
        }
        case "params": {
          const a = (oldIng.params ?? {}) as Record<string, unknown>;
          const b = (newIng.params ?? {}) as Record<string, unknown>;
          details = sideBySide(a, b, (x, y) => canonicalJson(x) === canonicalJson(y), (k, c) => `param ${k} ${c}${c === "changed" ? `: ${JSON.stringify(a[k])} → ${JSON.stringify(b[k])}` : ""}`);
          break;
        }
        case "inputs":
          details = sideBySide(fileMap(oldIng.inputs), fileMap(newIng.inputs), (a, b) => a === b, (k, c) => `input ${k} ${c}`);
          break;
        case "deps":
          details = sideBySide(oldIng.deps, newIng.deps, (a, b) => a.outputHash === b.outputHash && a.task === b.task, (k, c) => `dep ${k} (${newIng.deps[k]?.task ?? oldIng.deps[k]?.task}) output ${c}`);
          break;
        case "env":
          details = sideBySide(oldIng.env, newIng.env, (a, b) => a === b, (k, c) => `env ${k} ${c}`);
          break;
        case "executor":
          details = [`executor changed: ${canonicalJson(oldIng.executor ?? null)} → ${canonicalJson(newIng.executor ?? null)}`];
          break;
        case "dependencies":
          details = sideBySide(listMap(oldIng.dependencies), listMap(newIng.dependencies), (a, b) => a === b, (k, c) => `package ${k} ${c}`);
          break;
      }
    }
    diffs.push({ ingredient: name, changed, old: oldFp?.[name] ?? null, new: newFp[name], details });
  }
  return diffs;
};

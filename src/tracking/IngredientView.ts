/**
 * Lenient readers for the JSON an execution row stores (`fingerprint`, `ingredients`): the shape
 * is versioned by `keyVersion` and older or foreign rows may lack fields, so every reader here
 * returns nulls/empties instead of throwing.
 */

/** What an execution's code ingredient says: its hash, command, and module/script hashes by path. */
export interface CodeView {
  readonly hash: string | null;
  readonly kind: string | null;
  readonly command: string | null;
  readonly version: string | null;
  readonly modules: Readonly<Record<string, string>>;
  readonly scripts: Readonly<Record<string, string>>;
}

const obj = (v: unknown): Record<string, unknown> => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

/** Parses a JSON column, returning `{}` for null or unreadable text. */
export const parseColumn = (text: string | null | undefined): Record<string, unknown> => {
  if (!text) return {};
  try {
    return obj(JSON.parse(text));
  } catch {
    return {};
  }
};

const byPath = (list: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  if (Array.isArray(list)) for (const m of list) if (str(obj(m).path) !== null) out[obj(m).path as string] = String(obj(m).hash ?? "");
  return out;
};

/** The code ingredient of an execution, from its stored fingerprint and ingredients. */
export const codeView = (fingerprint: string | null, ingredients: string | null): CodeView => {
  const fp = parseColumn(fingerprint);
  const code = obj(parseColumn(ingredients).code);
  return {
    hash: str(fp.code) ?? str(code.hash),
    kind: str(code.kind),
    command: str(code.command),
    version: str(code.version),
    modules: byPath(code.modules),
    scripts: byPath(code.scripts),
  };
};

/**
 * The container image an execution ran in, when its executor recorded one (Docker tasks store
 * `executor: { image: "sha256:…" }`; other spellings are accepted).
 */
export const executorImage = (ingredients: string | null): string | null => {
  const ex = obj(parseColumn(ingredients).executor);
  return str(ex.image) ?? str(ex.imageId) ?? str(ex.imageID) ?? null;
};

/** The executor ingredient as recorded (for lineage output), or null. */
export const executorDetails = (ingredients: string | null): unknown => parseColumn(ingredients).executor ?? null;

/** Top-level fingerprint fields as strings (each an ingredient hash), for "which ingredient differs". */
export const fingerprintFields = (fingerprint: string | null): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parseColumn(fingerprint))) out[k] = typeof v === "string" ? v : JSON.stringify(v);
  return out;
};

/** Paths whose hash differs between two path→hash maps, with how. */
export const diffPaths = (
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
): Array<{ path: string; change: "added" | "removed" | "changed"; from: string | null; to: string | null }> => {
  const out: Array<{ path: string; change: "added" | "removed" | "changed"; from: string | null; to: string | null }> = [];
  for (const p of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const x = a[p];
    const y = b[p];
    if (x === y) continue;
    out.push({ path: p, change: x === undefined ? "added" : y === undefined ? "removed" : "changed", from: x ?? null, to: y ?? null });
  }
  return out;
};

/** Canonical JSON: object keys sorted, no whitespace — the same value always hashes the same. */

/** Thrown when a value cannot be represented as JSON; `path` names the offending place. */
export class NotSerializableError extends Error {
  readonly _tag = "NotSerializableError";
  constructor(readonly path: string, readonly kind: string) {
    super(`${path} is ${kind}, which is not JSON-serializable`);
  }
}

/**
 * Serialises `value` with sorted keys. Rejects (rather than silently dropping, as JSON.stringify
 * does) functions, symbols, bigints, undefined inside arrays, non-finite numbers, cycles and class
 * instances other than Date — each of these would make a cache entry restore a different value.
 */
export const canonicalJson = (value: unknown, rootName = "result"): string => {
  // Fast path: plain data, no path bookkeeping (this runs for every task of every plan). Only when
  // it meets something it rejects is the value walked again, slowly, to name the offending path.
  const fast = fastCanonical(value, new Set());
  if (fast !== undefined) return fast;
  return slowCanonical(value, rootName);
};

/**
 * A scalar's JSON text; `OBJECT` for objects and arrays (walked by the caller); otherwise the
 * description of why JSON cannot hold the value (used by the slow walk's error).
 */
const OBJECT = Symbol("object");
const scalar = (v: unknown): string | typeof OBJECT | { reject: string } => {
  if (v === null) return "null";
  switch (typeof v) {
    case "string":
      return JSON.stringify(v);
    case "boolean":
      return v ? "true" : "false";
    case "number":
      return Number.isFinite(v) ? JSON.stringify(v) : { reject: `the number ${v}` };
    case "object":
      return OBJECT;
    case "undefined":
      return { reject: "undefined" };
    case "function":
      return { reject: `a function${v.name ? ` (${v.name})` : ""}` };
    default:
      return { reject: `a ${typeof v}` };
  }
};

/** Serialises plain JSON data canonically; undefined when the value needs the slow, explaining walk. */
const fastCanonical = (v: unknown, seen: Set<object>): string | undefined => {
  const sc = scalar(v);
  if (typeof sc === "string") return sc;
  if (sc !== OBJECT) return undefined;
  const obj = v as object;
  if (seen.has(obj)) return undefined;
  if (Array.isArray(obj)) {
    seen.add(obj);
    let out = "[";
    for (let i = 0; i < obj.length; i++) {
      const x = fastCanonical(obj[i], seen);
      if (x === undefined) return undefined;
      out += i === 0 ? x : `,${x}`;
    }
    seen.delete(obj);
    return `${out}]`;
  }
  const proto = Object.getPrototypeOf(obj);
  if (proto !== Object.prototype && proto !== null) return obj instanceof Date ? JSON.stringify(obj.toISOString()) : undefined;
  seen.add(obj);
  const keys = Object.keys(obj).sort();
  let out = "{";
  let first = true;
  for (const k of keys) {
    const val = (obj as Record<string, unknown>)[k];
    if (val === undefined) continue;
    const x = fastCanonical(val, seen);
    if (x === undefined) return undefined;
    out += `${first ? "" : ","}${JSON.stringify(k)}:${x}`;
    first = false;
  }
  seen.delete(obj);
  return `${out}}`;
};

const slowCanonical = (value: unknown, rootName: string): string => {
  const seen = new Set<object>();
  const walk = (v: unknown, path: string): string => {
    const sc = scalar(v);
    if (typeof sc === "string") return sc;
    if (sc !== OBJECT) throw new NotSerializableError(path, sc.reject);
    const obj = v as object;
    if (seen.has(obj)) throw new NotSerializableError(path, "a circular reference");
    if (obj instanceof Date) return JSON.stringify(obj.toISOString());
    seen.add(obj);
    try {
      if (Array.isArray(obj)) return `[${obj.map((x, i) => walk(x, `${path}[${i}]`)).join(",")}]`;
      const proto = Object.getPrototypeOf(obj);
      if (proto !== Object.prototype && proto !== null) {
        throw new NotSerializableError(path, `an instance of ${obj.constructor?.name ?? "a class"}`);
      }
      const keys = Object.keys(obj).sort();
      const parts: string[] = [];
      for (const k of keys) {
        const x = (obj as Record<string, unknown>)[k];
        if (x === undefined) continue; // absent and undefined mean the same in JSON objects
        parts.push(`${JSON.stringify(k)}:${walk(x, /^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`)}`);
      }
      return `{${parts.join(",")}}`;
    } finally {
      seen.delete(obj);
    }
  };
  return walk(value, rootName);
};

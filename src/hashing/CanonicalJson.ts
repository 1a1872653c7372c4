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
  const seen = new Set<object>();
  const walk = (v: unknown, path: string): string => {
    if (v === null) return "null";
    switch (typeof v) {
      case "string":
        return JSON.stringify(v);
      case "boolean":
        return v ? "true" : "false";
      case "number":
        if (!Number.isFinite(v)) throw new NotSerializableError(path, `the number ${v}`);
        return JSON.stringify(v);
      case "undefined":
        throw new NotSerializableError(path, "undefined");
      case "function":
        throw new NotSerializableError(path, `a function${v.name ? ` (${v.name})` : ""}`);
      case "symbol":
        throw new NotSerializableError(path, "a symbol");
      case "bigint":
        throw new NotSerializableError(path, "a bigint");
    }
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

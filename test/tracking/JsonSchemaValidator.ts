/**
 * A small JSON Schema (2020-12) validator for the subset the OpenLineage schemas use: $ref (local
 * and across registered documents by $id), type, properties, required, additionalProperties,
 * items, enum, const, allOf/anyOf/oneOf/not, minimum, pattern, format (date-time, uri, uuid).
 * A keyword outside that subset throws, so a schema update cannot be silently half-checked.
 * Written for the tests because the project adds no packages.
 */

type Schema = boolean | { readonly [k: string]: unknown };

const ANNOTATIONS = new Set(["$schema", "$id", "$defs", "description", "example", "examples", "title", "default", "$comment"]);
const ASSERTIONS = new Set(["$ref", "type", "properties", "required", "additionalProperties", "items", "enum", "const", "allOf", "anyOf", "oneOf", "not", "minimum", "pattern", "format"]);

const FORMATS: Record<string, RegExp> = {
  "date-time": /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  uri: /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
};

const typeOf = (v: unknown): string =>
  v === null ? "null" : Array.isArray(v) ? "array" : typeof v === "number" ? (Number.isInteger(v) ? "integer" : "number") : typeof v;

export class SchemaRegistry {
  private readonly docs = new Map<string, Schema>();

  /** Registers a schema document under its `$id`. */
  add(doc: Record<string, unknown>): this {
    this.docs.set(String(doc.$id), doc);
    return this;
  }

  /** Validates `value` against `uri` (a registered $id, optionally with a `#/…` pointer); returns error strings. */
  validate(value: unknown, uri: string): string[] {
    const errors: string[] = [];
    const [base, schema] = this.resolve(uri, "");
    this.check(value, schema, base, "$", errors);
    return errors;
  }

  private resolve(ref: string, currentBase: string): [string, Schema] {
    const [docPart, pointer = ""] = ref.split("#");
    const base = docPart === "" || docPart === undefined ? currentBase : docPart;
    const doc = this.docs.get(base);
    if (doc === undefined) throw new Error(`schema ${base} is not registered`);
    let node: unknown = doc;
    for (const seg of pointer.split("/").filter((s) => s !== "")) {
      node = (node as Record<string, unknown>)[seg.replace(/~1/g, "/").replace(/~0/g, "~")];
      if (node === undefined) throw new Error(`unresolvable $ref ${ref}`);
    }
    return [base, node as Schema];
  }

  private check(v: unknown, s: Schema, base: string, at: string, errors: string[]): void {
    if (s === true) return;
    if (s === false) {
      errors.push(`${at}: no value is allowed here`);
      return;
    }
    for (const k of Object.keys(s)) {
      if (!ANNOTATIONS.has(k) && !ASSERTIONS.has(k)) throw new Error(`the validator does not implement the keyword "${k}" (at ${at})`);
    }
    if (typeof s.$ref === "string") {
      const [b, target] = this.resolve(s.$ref, base);
      this.check(v, target, b, at, errors);
    }
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
      const t = typeOf(v);
      if (!types.some((x) => x === t || (x === "number" && t === "integer"))) errors.push(`${at}: expected ${types.join("|")}, got ${t}`);
    }
    if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) errors.push(`${at}: ${JSON.stringify(v)} is not one of ${JSON.stringify(s.enum)}`);
    if ("const" in s && JSON.stringify(s.const) !== JSON.stringify(v)) errors.push(`${at}: expected ${JSON.stringify(s.const)}`);
    if (typeof s.minimum === "number" && typeof v === "number" && v < s.minimum) errors.push(`${at}: ${v} < minimum ${s.minimum}`);
    if (typeof s.pattern === "string" && typeof v === "string" && !new RegExp(s.pattern, "u").test(v)) errors.push(`${at}: does not match ${s.pattern}`);
    if (typeof s.format === "string" && typeof v === "string") {
      const re = FORMATS[s.format];
      if (!re) throw new Error(`the validator does not implement format "${s.format}"`);
      if (!re.test(v)) errors.push(`${at}: "${v}" is not a valid ${s.format}`);
    }
    if (typeOf(v) === "object") {
      const obj = v as Record<string, unknown>;
      const props = (s.properties ?? {}) as Record<string, Schema>;
      for (const r of (s.required ?? []) as string[]) if (!(r in obj)) errors.push(`${at}: missing required property "${r}"`);
      for (const [k, val] of Object.entries(obj)) {
        if (k in props) this.check(val, props[k]!, base, `${at}.${k}`, errors);
        else if (s.additionalProperties !== undefined) this.check(val, s.additionalProperties as Schema, base, `${at}.${k}`, errors);
      }
    }
    if (Array.isArray(v) && s.items !== undefined) v.forEach((item, i) => this.check(item, s.items as Schema, base, `${at}[${i}]`, errors));
    if (Array.isArray(s.allOf)) for (const sub of s.allOf as Schema[]) this.check(v, sub, base, at, errors);
    const passes = (sub: Schema): boolean => {
      const e: string[] = [];
      this.check(v, sub, base, at, e);
      return e.length === 0;
    };
    // When no branch matches, report the closest branch's errors so a failure says what is wrong.
    const closest = (subs: Schema[]): string => {
      const all = subs.map((sub) => {
        const e: string[] = [];
        this.check(v, sub, base, at, e);
        return e;
      });
      return all.sort((a, b) => a.length - b.length)[0]!.join("; ");
    };
    if (Array.isArray(s.anyOf) && !(s.anyOf as Schema[]).some(passes)) errors.push(`${at}: matches none of anyOf (closest: ${closest(s.anyOf as Schema[])})`);
    if (Array.isArray(s.oneOf)) {
      const n = (s.oneOf as Schema[]).filter(passes).length;
      if (n !== 1) errors.push(`${at}: matches ${n} of oneOf (exactly one required)${n === 0 ? ` (closest: ${closest(s.oneOf as Schema[])})` : ""}`);
    }
    if (s.not !== undefined && passes(s.not as Schema)) errors.push(`${at}: matches a schema it must not match`);
  }
}

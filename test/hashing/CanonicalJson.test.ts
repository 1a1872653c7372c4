/** Canonical JSON: same value → same text, whatever the key order; clear paths for what JSON cannot hold. */
import { describe, expect, it } from "vitest";
import { canonicalJson, NotSerializableError } from "../../src/hashing/CanonicalJson.js";

const errorOf = (v: unknown): NotSerializableError => {
  try {
    canonicalJson(v);
  } catch (e) {
    return e as NotSerializableError;
  }
  throw new Error("expected canonicalJson to throw");
};

describe("canonicalJson", () => {
  it("sorts object keys at every depth and drops undefined members", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: true, y: null }], c: "x" }, u: undefined })).toBe('{"a":{"c":"x","d":[1,{"y":null,"z":true}]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it("writes dates as ISO strings", () => {
    expect(canonicalJson({ at: new Date(0) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
  });

  it("names the path of a function, a class instance, a non-finite number, undefined in an array and a cycle", () => {
    expect(errorOf({ model: { fn: () => 1 } }).path).toBe("result.model.fn");
    expect(errorOf({ m: new Map() }).kind).toBe("an instance of Map");
    expect(errorOf({ xs: [1, NaN] }).path).toBe("result.xs[1]");
    expect(errorOf([1, undefined]).kind).toBe("undefined");
    const cyc: Record<string, unknown> = { a: 1 };
    cyc.self = cyc;
    expect(errorOf(cyc)).toMatchObject({ path: "result.self", kind: "a circular reference" });
    expect(errorOf({ "odd key": 1n }).path).toBe('result["odd key"]');
  });

  it("accepts the same object twice when it is shared, not circular", () => {
    const shared = { k: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"k":1},"b":{"k":1}}');
  });
});

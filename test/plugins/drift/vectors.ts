/** Loads test/fixtures/drift/vectors.json and expands its generated samples exactly as generate.py does. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface GenSpec {
  readonly n: number;
  readonly seed: number;
  readonly kind: "uniform" | "integers" | "triangular";
  readonly scale?: number;
  readonly shift: number;
  readonly k?: number;
}
export type Sample = number[] | { gen: GenSpec };

const M = 2147483647;

/** Park–Miller LCG; every step is an exact integer in doubles, so Python and JS agree bit for bit. */
const lcg = (n: number, seed: number): Float64Array => {
  const out = new Float64Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 16807) % M;
    out[i] = x / M;
  }
  return out;
};

/** Expands a sample: inline numbers as they are, `gen` specs through the LCG. */
export const expand = (sample: Sample): Float64Array => {
  if (Array.isArray(sample)) return Float64Array.from(sample);
  const s = sample.gen;
  const us = lcg(s.n, s.seed);
  if (s.kind === "uniform") return us.map((u) => u * s.scale! + s.shift);
  if (s.kind === "integers") return us.map((u) => Math.floor(u * s.k!) + s.shift);
  const us2 = lcg(s.n, s.seed + 1);
  return us.map((u, i) => (u + us2[i]!) * s.scale! + s.shift);
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const vectors: any = JSON.parse(
  readFileSync(fileURLToPath(new URL("../../fixtures/drift/vectors.json", import.meta.url)), "utf8"),
);

/** |actual − expected| ≤ rel · |expected| (and exact equality for 0). */
export const relativeError = (actual: number, expected: number): number =>
  actual === expected ? 0 : Math.abs(actual - expected) / Math.abs(expected);

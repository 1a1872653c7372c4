/**
 * Distances between two distributions: Wasserstein-1 between samples (scipy's
 * `wasserstein_distance`) and Jensen–Shannon between probability vectors (scipy's `jensenshannon`).
 */
import { StatisticsInputError } from "./StatisticsInputError.js";
import { sortFloat64 } from "./SortFloat64.js";

const sortedFinite = (values: ArrayLike<number>, fn: string, label: string): Float64Array => {
  const out = Float64Array.from(values as ArrayLike<number>);
  if (out.length === 0) throw new StatisticsInputError({ function: fn, problem: `sample ${label} is empty` });
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i]!)) {
      throw new StatisticsInputError({ function: fn, problem: `sample ${label} holds ${out[i]} at index ${i}; drop missing and infinite values first` });
    }
  }
  return sortFloat64(out);
};

/**
 * Wasserstein-1 (earth mover's) distance between the empirical distributions of `a` and `b`:
 * ∫ |F_a(t) − F_b(t)| dt, integrated exactly over the pooled sorted values.
 *
 * @example
 * wasserstein([0, 1, 3], [5, 6, 8]) // 5
 */
export const wasserstein = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  const sa = sortedFinite(a, "wasserstein", "a");
  const sb = sortedFinite(b, "wasserstein", "b");
  const na = sa.length;
  const nb = sb.length;
  let i = 0;
  let j = 0;
  let total = 0;
  let previous = Math.min(sa[0]!, sb[0]!);
  // Walk the pooled values in order; between consecutive values both ECDFs are constant.
  while (i < na || j < nb) {
    const t = j >= nb || (i < na && sa[i]! <= sb[j]!) ? sa[i]! : sb[j]!;
    total += Math.abs(i / na - j / nb) * (t - previous);
    while (i < na && sa[i] === t) i++;
    while (j < nb && sb[j] === t) j++;
    previous = t;
  }
  return total;
};

const checkDistribution = (v: ArrayLike<number>, label: string): number => {
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (!(x >= 0) || !Number.isFinite(x)) {
      throw new StatisticsInputError({ function: "jensenShannon", problem: `${label}[${i}] is ${x}; entries must be finite and non-negative` });
    }
    sum += x;
  }
  if (sum === 0) throw new StatisticsInputError({ function: "jensenShannon", problem: `${label} sums to 0; it needs at least one positive entry` });
  return sum;
};

/** x · ln(x / y) with the conventions 0 · ln(0 / y) = 0 (scipy's `rel_entr`). */
const relativeEntropyTerm = (x: number, y: number): number => (x === 0 ? 0 : x * Math.log(x / y));

/**
 * Jensen–Shannon *distance* (the square root of the divergence), natural log, after normalising
 * both vectors to sum 1 — exactly scipy's `jensenshannon(p, q)`. Ranges over [0, √ln 2]; pass
 * `base` (e.g. 2) for scipy's `jensenshannon(p, q, base)`, which ranges over [0, 1] with base 2.
 *
 * @example
 * jensenShannon([0.5, 0.5], [0.9, 0.1])
 */
export const jensenShannon = (p: ArrayLike<number>, q: ArrayLike<number>, base?: number): number => {
  if (p.length !== q.length) {
    throw new StatisticsInputError({ function: "jensenShannon", problem: `p has ${p.length} entries and q has ${q.length}; they must describe the same categories` });
  }
  const sp = checkDistribution(p, "p");
  const sq = checkDistribution(q, "q");
  let left = 0;
  let right = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]! / sp;
    const qi = q[i]! / sq;
    const mi = (pi + qi) / 2;
    left += relativeEntropyTerm(pi, mi);
    right += relativeEntropyTerm(qi, mi);
  }
  const divergence = Math.max(0, (left + right) / 2);
  return Math.sqrt(base === undefined ? divergence : divergence / Math.log(base));
};

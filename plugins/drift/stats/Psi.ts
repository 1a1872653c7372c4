/**
 * Population Stability Index: Σ (c_i − r_i) · ln(c_i / r_i) over bins, where r_i and c_i are the
 * fractions of the reference and current samples in bin i.
 */
import { StatisticsInputError } from "./StatisticsInputError.js";
import { sortFloat64 } from "./SortFloat64.js";

/** Options of {@link psi}. */
export interface PsiOptions {
  /**
   * A number: that many quantile bins of the reference (default 10, deciles). An array: the
   * interior cut points, ascending. Bins are right-closed, (−∞, e₁], (e₁, e₂], …, (e_k, ∞), so
   * current values outside the reference range land in the outer bins.
   */
  readonly bins?: number | ReadonlyArray<number>;
  /** Fraction used in place of an empty bin's 0, so ln stays finite (default 1e-4, as Evidently). */
  readonly epsilon?: number;
}

/** Default fraction substituted for empty bins. */
export const PSI_EPSILON = 1e-4;

/** Linear-interpolation quantile of sorted values (numpy's default, "type 7"). */
export const quantileSorted = (sorted: Float64Array, q: number): number => {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
};

/** Interior cut points at the reference's quantiles 1/k, …, (k−1)/k, duplicates removed. */
export const quantileCutPoints = (sortedReference: Float64Array, bins: number): number[] => {
  const cuts: number[] = [];
  for (let i = 1; i < bins; i++) {
    const c = quantileSorted(sortedReference, i / bins);
    if (cuts.length === 0 || c > cuts[cuts.length - 1]!) cuts.push(c);
  }
  return cuts;
};

/** Counts per right-closed bin of `values` against ascending `cuts` (binary search per value). */
export const binCounts = (values: ArrayLike<number>, cuts: ReadonlyArray<number>): Float64Array => {
  const counts = new Float64Array(cuts.length + 1);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    let lo = 0;
    let hi = cuts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (v <= cuts[mid]!) hi = mid;
      else lo = mid + 1;
    }
    counts[lo]! += 1;
  }
  return counts;
};

/**
 * PSI from per-bin (or per-category) counts of the two samples. Used for categorical columns too,
 * with one bin per category.
 */
export const psiFromCounts = (reference: ArrayLike<number>, current: ArrayLike<number>, epsilon = PSI_EPSILON): number => {
  if (reference.length !== current.length) {
    throw new StatisticsInputError({ function: "psi", problem: `reference has ${reference.length} bins and current ${current.length}` });
  }
  let rs = 0;
  let cs = 0;
  for (let i = 0; i < reference.length; i++) {
    rs += reference[i]!;
    cs += current[i]!;
  }
  if (rs === 0 || cs === 0) throw new StatisticsInputError({ function: "psi", problem: "a sample is empty" });
  let total = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i]! / rs || epsilon;
    const c = current[i]! / cs || epsilon;
    total += (c - r) * Math.log(c / r);
  }
  return total;
};

/**
 * Population Stability Index of `current` against `reference` (both numeric samples).
 *
 * @example
 * psi(trainAges, liveAges, { bins: 10 }) // < 0.1 stable, 0.1–0.25 moderate shift, > 0.25 large shift
 */
export const psi = (reference: ArrayLike<number>, current: ArrayLike<number>, options: PsiOptions = {}): number => {
  for (const [label, v] of [["reference", reference], ["current", current]] as const) {
    if (v.length === 0) throw new StatisticsInputError({ function: "psi", problem: `${label} is empty` });
    for (let i = 0; i < v.length; i++) {
      if (!Number.isFinite(v[i]!)) {
        throw new StatisticsInputError({ function: "psi", problem: `${label}[${i}] is ${v[i]}; drop missing values first` });
      }
    }
  }
  const bins = options.bins ?? 10;
  let cuts: ReadonlyArray<number>;
  if (typeof bins === "number") {
    if (!Number.isInteger(bins) || bins < 2) {
      throw new StatisticsInputError({ function: "psi", problem: `bins is ${bins}; give an integer ≥ 2 or an array of cut points` });
    }
    cuts = quantileCutPoints(sortFloat64(Float64Array.from(reference)), bins);
  } else {
    for (let i = 1; i < bins.length; i++) {
      if (!(bins[i]! > bins[i - 1]!)) throw new StatisticsInputError({ function: "psi", problem: "cut points must be strictly ascending" });
    }
    cuts = bins;
  }
  return psiFromCounts(binCounts(reference, cuts), binCounts(current, cuts), options.epsilon ?? PSI_EPSILON);
};

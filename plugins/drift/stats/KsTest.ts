/**
 * Two-sample Kolmogorov–Smirnov test, two-sided, with scipy's `ks_2samp(method="auto")` semantics:
 * exact p-value when both samples have at most 10 000 values, otherwise the asymptotic
 * distribution of D at n = round(mn/(m+n)).
 */
import { StatisticsInputError } from "./StatisticsInputError.js";
import { gcd, ksExactPValue } from "./KsExact.js";
import { kolmogorovSurvival } from "./KolmogorovDistribution.js";
import { roundHalfEven } from "./SpecialFunctions.js";
import { sortFloat64 } from "./SortFloat64.js";

/** Result of {@link ksTest}. */
export interface KsTestResult {
  /** sup |F_a − F_b| over the pooled sample. */
  readonly statistic: number;
  /** Two-sided p-value under H0: both samples come from the same continuous distribution. */
  readonly pValue: number;
  /** How the p-value was computed. */
  readonly method: "exact" | "asymptotic";
}

/** Options of {@link ksTest}. */
export interface KsTestOptions {
  /** "auto" (default) = exact up to 10 000 values per sample, as scipy. */
  readonly method?: "auto" | "exact" | "asymptotic";
}

/** Largest sample for which "auto" computes the exact p-value (scipy's MAX_AUTO_N). */
export const KS_EXACT_MAX_N = 10_000;

const toSorted = (values: ArrayLike<number>, label: string): Float64Array => {
  const out = Float64Array.from(values as ArrayLike<number>);
  if (out.length === 0) throw new StatisticsInputError({ function: "ksTest", problem: `sample ${label} is empty` });
  for (let i = 0; i < out.length; i++) {
    if (Number.isNaN(out[i]!)) {
      throw new StatisticsInputError({
        function: "ksTest",
        problem: `sample ${label} holds NaN at index ${i}; drop missing values first (driftCheck does and reports how many)`,
      });
    }
  }
  return sortFloat64(out);
};

/**
 * Largest |c_a·n_b − c_b·n_a| over the pooled values, where c_x counts values ≤ t. Equal values
 * are consumed together on both sides before comparing, so ties are treated exactly as scipy's
 * `searchsorted(side="right")` does. The integer form makes the exact mode's h exact.
 */
const maxScaledGap = (a: Float64Array, b: Float64Array): number => {
  const na = a.length;
  const nb = b.length;
  let i = 0;
  let j = 0;
  let best = 0;
  while (i < na && j < nb) {
    const t = Math.min(a[i]!, b[j]!);
    while (i < na && a[i] === t) i++;
    while (j < nb && b[j] === t) j++;
    const gap = Math.abs(i * nb - j * na);
    if (gap > best) best = gap;
  }
  // Once one sample is exhausted the gap only shrinks towards 0, so it cannot exceed `best`.
  return best;
};

/**
 * Two-sided two-sample Kolmogorov–Smirnov test.
 *
 * @example
 * const { statistic, pValue } = ksTest(reference.values, current.values);
 */
export const ksTest = (a: ArrayLike<number>, b: ArrayLike<number>, options: KsTestOptions = {}): KsTestResult => {
  const sa = toSorted(a, "a");
  const sb = toSorted(b, "b");
  const na = sa.length;
  const nb = sb.length;
  const gap = maxScaledGap(sa, sb);
  const g = gcd(na, nb);
  const method = options.method ?? "auto";
  // scipy switches to the asymptotic mode when lcm(m, n) would overflow a 32-bit integer.
  const exactPossible = na / g < 2_147_483_647 / (nb / g);
  const exact =
    method === "exact" ? exactPossible : method === "auto" ? Math.max(na, nb) <= KS_EXACT_MAX_N : false;
  if (exact) {
    // D = gap / (na·nb) = h / lcm with h = gap / g, an integer.
    const h = gap / g;
    const lcm = (na / g) * nb;
    return { statistic: h / lcm, pValue: ksExactPValue(na, nb, h), method: "exact" };
  }
  const statistic = gap / na / nb;
  const [m, n] = na >= nb ? [na, nb] : [nb, na];
  const effectiveN = roundHalfEven((m * n) / (m + n));
  return { statistic, pValue: kolmogorovSurvival(effectiveN, statistic), method: "asymptotic" };
};

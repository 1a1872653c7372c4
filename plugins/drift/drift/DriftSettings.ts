/**
 * Drift-check settings and their sample-size-aware defaults. Like Evidently, small samples get
 * statistical tests (a p-value answers "could this be chance?"), large samples get distances with
 * thresholds, because with 10⁵ rows KS and chi-square call a shift of no practical size "significant".
 */

export type NumericTest = "ks" | "psi" | "wasserstein";
export type CategoricalTest = "chi2" | "psi" | "jensenshannon";
export type DriftTest = NumericTest | CategoricalTest;

/** Thresholds per test: `pValue` is the significance level of ks/chi2, the others are distances. */
export interface DriftThresholds {
  readonly pValue: number;
  /** On the Wasserstein distance divided by the reference's standard deviation. */
  readonly wasserstein: number;
  readonly psi: number;
  readonly jensenshannon: number;
}

/**
 * Defaults: α = 0.05; normalised Wasserstein 0.1 (a shift of a tenth of a reference standard
 * deviation); PSI 0.1 (the usual "moderate shift" boundary, as Evidently); Jensen–Shannon distance 0.1.
 */
export const DEFAULT_THRESHOLDS: DriftThresholds = { pValue: 0.05, wasserstein: 0.1, psi: 0.1, jensenshannon: 0.1 };

/** Up to this many present values in the smaller sample, "auto" picks a p-value test. */
export const AUTO_TEST_MAX_ROWS = 1000;

/** Default share of drifted features at which the whole dataset counts as drifted (Evidently's 0.5). */
export const DEFAULT_DRIFT_SHARE = 0.5;

/** True for tests that give p-values (and so take part in multiple-testing correction). */
export const isPValueTest = (test: DriftTest): test is "ks" | "chi2" => test === "ks" || test === "chi2";

/** The threshold that applies to a test. */
export const thresholdFor = (test: DriftTest, thresholds: DriftThresholds): number =>
  isPValueTest(test) ? thresholds.pValue : thresholds[test];

/** Resolves `threshold` as given by the user (a number applies to whichever test runs). */
export const resolveThresholds = (threshold: number | Partial<DriftThresholds> | undefined): DriftThresholds =>
  typeof threshold === "number"
    ? { pValue: threshold, wasserstein: threshold, psi: threshold, jensenshannon: threshold }
    : { ...DEFAULT_THRESHOLDS, ...(threshold ?? {}) };

/** Picks the test for a feature: the requested one, or by sample size when "auto". */
export const chooseTest = (
  kind: "numeric" | "categorical",
  requested: NumericTest | CategoricalTest | "auto",
  smallerSample: number,
): DriftTest => {
  if (requested !== "auto") return requested;
  const small = smallerSample <= AUTO_TEST_MAX_ROWS;
  return kind === "numeric" ? (small ? "ks" : "wasserstein") : small ? "chi2" : "jensenshannon";
};

/**
 * Multiple-testing adjustment of p-values: Bonferroni (p·m) or Benjamini–Hochberg step-up
 * (p_(i)·m/i, made monotone from the largest down), each capped at 1.
 */
export const adjustPValues = (pValues: ReadonlyArray<number>, method: "none" | "bonferroni" | "bh"): number[] => {
  const m = pValues.length;
  if (method === "none") return [...pValues];
  if (method === "bonferroni") return pValues.map((p) => Math.min(1, p * m));
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const adjusted = new Array<number>(m);
  let running = 1;
  for (let r = m - 1; r >= 0; r--) {
    const [p, i] = order[r]!;
    running = Math.min(running, (p * m) / (r + 1));
    adjusted[i] = Math.min(1, running);
  }
  return adjusted;
};

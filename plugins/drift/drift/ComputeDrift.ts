/**
 * Compares a current dataset with a reference, feature by feature, and decides drift. Pure: the
 * task around it loads data and writes reports. Every input problem is collected before failing.
 */
import { categoryCounts, columnNamed, isNumeric, presentNumbers, type Column, type Dataset } from "../data/Dataset.js";
import { SchemaMismatchError } from "../data/DataErrors.js";
import { chiSquareTest } from "../stats/ChiSquareTest.js";
import { jensenShannon, wasserstein } from "../stats/Distances.js";
import { ksTest } from "../stats/KsTest.js";
import { psi, psiFromCounts } from "../stats/Psi.js";
import {
  adjustPValues, chooseTest, DEFAULT_DRIFT_SHARE, isPValueTest, resolveThresholds, thresholdFor,
  type CategoricalTest, type DriftTest, type DriftThresholds, type NumericTest,
} from "./DriftSettings.js";

/** Settings of a drift computation (the task's options minus the data and onDrift). */
export interface DriftSettingsInput {
  readonly features?: ReadonlyArray<string>;
  readonly numeric?: NumericTest | "auto";
  readonly categorical?: CategoricalTest | "auto";
  readonly threshold?: number | Partial<DriftThresholds>;
  readonly correction?: "none" | "bonferroni" | "bh";
  readonly driftShare?: number;
}

/** The verdict for one feature. */
export interface FeatureDrift {
  readonly test: DriftTest;
  readonly kind: "numeric" | "categorical";
  readonly statistic: number;
  /** Raw p-value (ks and chi2 only). */
  readonly pValue?: number;
  /** After the multiple-testing correction; equals pValue with correction "none". */
  readonly adjustedPValue?: number;
  readonly threshold: number;
  readonly drifted: boolean;
  /** Present (non-missing) values and missing cells on each side. */
  readonly reference: { readonly count: number; readonly missing: number };
  readonly current: { readonly count: number; readonly missing: number };
}

/** The report of a drift check. */
export interface DriftReport {
  readonly features: Readonly<Record<string, FeatureDrift>>;
  readonly driftedFeatures: ReadonlyArray<string>;
  readonly driftedShare: number;
  readonly drifted: boolean;
  readonly settings: {
    readonly numeric: string;
    readonly categorical: string;
    readonly correction: string;
    readonly driftShare: number;
    readonly thresholds: DriftThresholds;
  };
  readonly reference: { readonly source: string; readonly rows: number };
  readonly current: { readonly source: string; readonly rows: number };
}

const kindOf = (c: Column): "numeric" | "categorical" => (isNumeric(c) ? "numeric" : "categorical");

/** Which features to compare, or every schema problem found on the way. */
const selectFeatures = (task: string, reference: Dataset, current: Dataset, features?: ReadonlyArray<string>): string[] => {
  const problems: string[] = [];
  const refNames = reference.columns.map((c) => c.name);
  const curNames = new Set(current.columns.map((c) => c.name));
  let names: string[];
  if (features !== undefined) {
    names = [...features];
    for (const f of names) {
      if (columnNamed(reference, f) === undefined) problems.push(`feature "${f}" is not a column of the reference (${reference.source})`);
      if (!curNames.has(f)) problems.push(`feature "${f}" is not a column of the current data (${current.source})`);
    }
  } else {
    names = refNames;
    const onlyRef = refNames.filter((n) => !curNames.has(n));
    const onlyCur = [...curNames].filter((n) => columnNamed(reference, n) === undefined);
    if (onlyRef.length > 0) problems.push(`only the reference has column(s) ${onlyRef.join(", ")}`);
    if (onlyCur.length > 0) problems.push(`only the current data has column(s) ${onlyCur.join(", ")}`);
    if (problems.length > 0) problems.push(`pass features: [...] to compare just the shared columns`);
  }
  for (const f of names) {
    const r = columnNamed(reference, f);
    const c = columnNamed(current, f);
    if (r === undefined || c === undefined) continue;
    if (kindOf(r) !== kindOf(c)) {
      problems.push(`column "${f}" is ${r.type} in the reference but ${c.type} in the current data; declare its type in types`);
    }
    const refPresent = reference.rowCount - r.missing - r.invalid.count;
    const curPresent = current.rowCount - c.missing - c.invalid.count;
    if (refPresent === 0) problems.push(`column "${f}" has no present values in the reference (${r.missing} missing)`);
    if (curPresent === 0) problems.push(`column "${f}" has no present values in the current data (${c.missing} missing)`);
  }
  if (names.length === 0) problems.push("there are no features to compare");
  if (problems.length > 0) throw new SchemaMismatchError({ task, problems });
  return names;
};

const stdDev = (v: Float64Array): number => {
  let mean = 0;
  for (let i = 0; i < v.length; i++) mean += v[i]!;
  mean /= v.length;
  let ss = 0;
  for (let i = 0; i < v.length; i++) ss += (v[i]! - mean) ** 2;
  return Math.sqrt(ss / v.length);
};

/** Statistic (and p-value) of one feature under one test. */
const measure = (test: DriftTest, ref: Column, cur: Column): { statistic: number; pValue?: number } => {
  if (isNumeric(ref) && isNumeric(cur) && (test === "ks" || test === "wasserstein" || test === "psi")) {
    const a = presentNumbers(ref);
    const b = presentNumbers(cur);
    if (test === "ks") return ksTest(a, b);
    if (test === "psi") return { statistic: psi(a, b) };
    // Normalised by the reference spread so one threshold fits every feature; floor as Evidently.
    return { statistic: wasserstein(a, b) / Math.max(stdDev(a), 0.001) };
  }
  const rc = categoryCounts(ref);
  const cc = categoryCounts(cur);
  const categories = [...new Set([...rc.keys(), ...cc.keys()])].sort();
  const r = categories.map((k) => rc.get(k) ?? 0);
  const c = categories.map((k) => cc.get(k) ?? 0);
  if (test === "chi2") {
    const result = chiSquareTest([r, c]);
    return { statistic: result.statistic, pValue: result.pValue };
  }
  if (test === "psi") return { statistic: psiFromCounts(r, c) };
  return { statistic: jensenShannon(r, c) };
};

/**
 * Runs the drift comparison.
 *
 * @example
 * const report = computeDrift("drift", reference, current, { correction: "bh" });
 */
export const computeDrift = (task: string, reference: Dataset, current: Dataset, settings: DriftSettingsInput = {}): DriftReport => {
  const names = selectFeatures(task, reference, current, settings.features);
  const thresholds = resolveThresholds(settings.threshold);
  const correction = settings.correction ?? "none";
  const driftShare = settings.driftShare ?? DEFAULT_DRIFT_SHARE;
  const raw = names.map((name) => {
    const ref = columnNamed(reference, name)!;
    const cur = columnNamed(current, name)!;
    const kind = kindOf(ref);
    const refCount = reference.rowCount - ref.missing - ref.invalid.count;
    const curCount = current.rowCount - cur.missing - cur.invalid.count;
    const requested = kind === "numeric" ? settings.numeric ?? "auto" : settings.categorical ?? "auto";
    const test = chooseTest(kind, requested, Math.min(refCount, curCount));
    return { name, kind, test, ...measure(test, ref, cur),
      reference: { count: refCount, missing: ref.missing + ref.invalid.count },
      current: { count: curCount, missing: cur.missing + cur.invalid.count } };
  });
  const tested = raw.filter((f) => isPValueTest(f.test));
  const adjusted = adjustPValues(tested.map((f) => f.pValue!), correction);
  const adjustedByName = new Map(tested.map((f, i) => [f.name, adjusted[i]!]));
  const features: Record<string, FeatureDrift> = {};
  for (const f of raw) {
    const threshold = thresholdFor(f.test, thresholds);
    const adjustedPValue = adjustedByName.get(f.name);
    const drifted = adjustedPValue !== undefined ? adjustedPValue < threshold : f.statistic >= threshold;
    features[f.name] = {
      test: f.test, kind: f.kind, statistic: f.statistic, threshold, drifted, reference: f.reference, current: f.current,
      ...(f.pValue !== undefined ? { pValue: f.pValue, adjustedPValue } : {}),
    };
  }
  const driftedFeatures = names.filter((n) => features[n]!.drifted);
  const driftedShare = driftedFeatures.length / names.length;
  return {
    features, driftedFeatures, driftedShare, drifted: driftedShare >= driftShare,
    settings: { numeric: settings.numeric ?? "auto", categorical: settings.categorical ?? "auto", correction, driftShare, thresholds },
    reference: { source: reference.source, rows: reference.rowCount },
    current: { source: current.source, rows: current.rowCount },
  };
};

/**
 * Pearson's chi-square test of independence on a contingency table, as scipy's
 * `chi2_contingency` (Yates' continuity correction only when asked, and only for 1 degree of freedom).
 */
import { StatisticsInputError } from "./StatisticsInputError.js";
import { chiSquareSurvival } from "./SpecialFunctions.js";

/** Result of {@link chiSquareTest}. */
export interface ChiSquareResult {
  readonly statistic: number;
  readonly pValue: number;
  /** (rows − 1)(columns − 1) */
  readonly dof: number;
  /** Expected counts under independence, from the margins. */
  readonly expected: ReadonlyArray<ReadonlyArray<number>>;
}

/** Options of {@link chiSquareTest}. */
export interface ChiSquareOptions {
  /** Yates' correction for 2×2 tables (dof = 1). Default false, unlike scipy's default. */
  readonly correction?: boolean;
}

const fail = (problem: string): never => {
  throw new StatisticsInputError({ function: "chiSquareTest", problem });
};

/**
 * Chi-square test of independence over `observed` (an array of rows of non-negative counts).
 *
 * @example
 * chiSquareTest([[10, 20, 30], [12, 18, 35]]) // → { statistic, pValue, dof: 2, expected }
 */
export const chiSquareTest = (
  observed: ReadonlyArray<ArrayLike<number>>,
  options: ChiSquareOptions = {},
): ChiSquareResult => {
  const rows = observed.length;
  if (rows === 0) fail("the table has no rows");
  const cols = observed[0]!.length;
  if (cols === 0) fail("the table has no columns");
  const rowSums = new Float64Array(rows);
  const colSums = new Float64Array(cols);
  let total = 0;
  observed.forEach((row, r) => {
    if (row.length !== cols) fail(`row ${r} has ${row.length} cells, row 0 has ${cols}; every row needs one count per column`);
    for (let c = 0; c < cols; c++) {
      const v = row[c]!;
      if (!(v >= 0) || !Number.isFinite(v)) fail(`cell [${r}][${c}] is ${v}; counts must be finite and non-negative`);
      rowSums[r]! += v;
      colSums[c]! += v;
      total += v;
    }
  });
  const expected = Array.from({ length: rows }, (_, r) =>
    Array.from({ length: cols }, (_, c) => (rowSums[r]! * colSums[c]!) / total),
  );
  expected.forEach((row, r) =>
    row.forEach((e, c) => {
      if (e === 0) fail(`the expected count at [${r}][${c}] is 0 (row ${r} or column ${c} sums to 0); drop empty rows and columns`);
    }),
  );
  const dof = Math.max(0, rows - 1) * Math.max(0, cols - 1);
  // A table with one row or one column carries no evidence: scipy returns statistic 0, p 1.
  if (dof === 0) return { statistic: 0, pValue: 1, dof, expected };
  let statistic = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const e = expected[r]![c]!;
      let o = observed[r]![c]!;
      if (options.correction === true && dof === 1) {
        // Yates: move each observed count up to 0.5 towards its expected count.
        const diff = e - o;
        o += Math.sign(diff) * Math.min(0.5, Math.abs(diff));
      }
      statistic += ((o - e) * (o - e)) / e;
    }
  }
  return { statistic, pValue: chiSquareSurvival(statistic, dof), dof, expected };
};

/**
 * The distribution of the two-sided one-sample Kolmogorov–Smirnov statistic D_n, which is what
 * scipy's `kstwo.sf(d, n)` evaluates and what `ks_2samp`'s asymptotic mode uses with n = mn/(m+n).
 * Method choice per region follows Simard & L'Ecuyer (2011), as scipy does.
 */
import { logFactorial } from "./SpecialFunctions.js";

const SQRT_TWO_PI = Math.sqrt(2 * Math.PI);
const PI2 = Math.PI * Math.PI;
const PI4 = PI2 * PI2;
const PI6 = PI4 * PI2;
const clip = (p: number): number => Math.min(1, Math.max(0, p));

/**
 * Exact one-sided Smirnov survival function P(D_n⁺ ≥ x), by the Birnbaum–Tingey sum
 * x · Σ_{j=0}^{⌊n(1−x)⌋} C(n, j) (x + j/n)^{j−1} (1 − x − j/n)^{n−j}.
 * Every term is positive, so summing them in log space keeps full relative precision even when
 * the result is tiny; terms below e^-745 are zero in doubles and skipped.
 */
export const smirnovSurvival = (n: number, x: number): number => {
  if (!(x >= 0 && x <= 1) || n <= 0) return NaN;
  if (x === 0) return 1;
  if (x === 1) return 0;
  const last = Math.floor(n * (1 - x));
  const logNFactorial = logFactorial(n);
  let sum = 0;
  for (let j = 0; j <= last; j++) {
    const evn = x + j / n;
    const rest = (n - j) / n - x;
    if (rest <= 0) {
      // 1 − x − j/n = 0 makes (…)^(n−j) vanish unless n − j = 0, where it is 0^0 = 1.
      if (n - j === 0) sum += Math.exp(logNFactorial - logFactorial(j) + (j - 1) * Math.log(evn));
      continue;
    }
    const logTerm =
      logNFactorial - logFactorial(j) - logFactorial(n - j) + (j - 1) * Math.log(evn) + (n - j) * Math.log(rest);
    if (logTerm > -745) sum += Math.exp(logTerm);
  }
  return clip(sum * x);
};

/**
 * Durbin's matrix method in the form of Marsaglia, Tsang & Wang (2003): P(D_n < d) =
 * n!/n^n · (H^n)_{kk}, with k = ⌈nd⌉ and H the (2k−1)² matrix built from h = k − nd.
 * Exact for every n; the cost is O(k³ log n), so callers use it where k stays small.
 * Powers are rescaled by 2^±256 and the exponent tracked separately, so nothing overflows.
 */
export const durbinMatrixCdf = (n: number, d: number): number => {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const invFactorial = new Float64Array(m + 1);
  invFactorial[0] = 1;
  for (let i = 1; i <= m; i++) invFactorial[i] = invFactorial[i - 1]! / i;
  let base: Float64Array = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      const p = i - j + 1;
      if (p >= 0) base[i * m + j] = invFactorial[p]!;
    }
  }
  for (let i = 0; i < m; i++) {
    // First column and last row lose the paths that start (end) beyond the band.
    base[i * m] = (1 - h ** (i + 1)) * invFactorial[i + 1]!;
    base[(m - 1) * m + i] = (1 - h ** (m - i)) * invFactorial[m - i]!;
  }
  base[(m - 1) * m] = (1 - 2 * h ** m + Math.max(0, 2 * h - 1) ** m) * invFactorial[m]!;

  const SCALE_EXP = 256;
  const BIG = 2 ** SCALE_EXP;
  let result: Float64Array | undefined;
  let resultExp = 0;
  let baseExp = 0;
  let power = n;
  while (power > 0) {
    if (power & 1) {
      if (result === undefined) {
        result = base.slice();
        resultExp = baseExp;
      } else {
        result = multiply(result, base, m);
        resultExp += baseExp;
      }
      if (Math.abs(result[(k - 1) * m + (k - 1)]!) > BIG) {
        for (let i = 0; i < result.length; i++) result[i]! /= BIG;
        resultExp += SCALE_EXP;
      }
    }
    power >>>= 1;
    if (power > 0) {
      base = multiply(base, base, m);
      baseExp *= 2;
      if (Math.abs(base[(k - 1) * m + (k - 1)]!) > BIG) {
        for (let i = 0; i < base.length; i++) base[i]! /= BIG;
        baseExp += SCALE_EXP;
      }
    }
  }
  const entry = result![(k - 1) * m + (k - 1)]!;
  if (entry <= 0) return 0;
  const logP = Math.log(entry) + resultExp * Math.LN2 + logFactorial(n) - n * Math.log(n);
  return clip(Math.exp(logP));
};

const multiply = (a: Float64Array, b: Float64Array, m: number): Float64Array => {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < m; p++) {
      const aip = a[i * m + p]!;
      if (aip === 0) continue;
      const rowB = p * m;
      const rowOut = i * m;
      for (let j = 0; j < m; j++) out[rowOut + j]! += aip * b[rowB + j]!;
    }
  }
  return out;
};

/**
 * Pelz & Good's (1976) asymptotic expansion of P(D_n ≤ x) up to the n^(−3/2) term, in its
 * theta-function form that converges for small z = x√n. Used for large n, as in scipy.
 */
export const pelzGoodCdf = (n: number, x: number): number => {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const logQ = -PI2 / (8 * z2);
  if (logQ < -708) return 0;
  // Σ over odd m = 2k−1 of polynomial(m) · exp(−π² m² / (8 z²)); the tail past k = ⌈16z/π⌉ is negligible.
  const maxK = Math.ceil((16 * z) / Math.PI);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let k = maxK; k >= 1; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const w = Math.exp(logQ * m2);
    s0 += w;
    s1 += (PI2 * m2 / 4 - z2) * w;
    s2 += (6 * z6 + 2 * z4 + ((2 * z4 - 5 * z2) * PI2 * m2) / 4 + (PI4 * (1 - 2 * z2) * m4) / 16) * w;
    s3 +=
      (-30 * z6 - 90 * z4 * z4 + (PI2 * (135 * z4 - 96 * z6) * m2) / 4 +
        (PI4 * (212 * z4 - 60 * z2) * m4) / 16 + (PI6 * (5 - 30 * z2) * m4 * m2) / 64) * w;
  }
  // Second theta series: Σ_k k² e^(−π² k² / (2 z²)) and its companion with (3z² − π² k²).
  let t2 = 0;
  let t3 = 0;
  for (let k = maxK; k >= 1; k--) {
    const k2 = k * k;
    const w = Math.exp((-PI2 * k2) / (2 * z2)) * k2;
    t2 += w;
    t3 += (3 * z2 - PI2 * k2) * w;
  }
  const k0 = (SQRT_TWO_PI / z) * s0;
  const k1 = (SQRT_TWO_PI / (6 * z4)) * s1;
  const k2 = (SQRT_TWO_PI / (72 * z6 * z)) * s2 - (PI2 * SQRT_TWO_PI / (36 * z2 * z)) * t2;
  const k3 = (SQRT_TWO_PI / (6480 * z6 * z4)) * s3 + (PI2 * SQRT_TWO_PI / (216 * z6)) * t3;
  const sqrtN = Math.sqrt(n);
  return k0 + k1 / sqrtN + k2 / n + k3 / (n * sqrtN);
};

/**
 * Survival function P(D_n ≥ x) of the two-sided statistic (scipy's `kstwo.sf`). Regions:
 * Ruben–Gambino closed forms near both ends; x ≥ 0.5: exactly twice the one-sided tail;
 * n ≤ 140: Durbin's exact matrix (scipy uses Pomeranz's recursion where nx² ∈ (0.75, 4] —
 * also exact, so the values agree) and 2·Smirnov beyond; n > 140: 2·Smirnov in the tail
 * (nx² ≥ 2.2), else 1 − CDF from Durbin (n ≤ 100 000 and n·x^1.5 ≤ 1.4) or Pelz–Good.
 */
export const kolmogorovSurvival = (n: number, x: number): number => {
  if (!Number.isInteger(n) || n <= 0 || Number.isNaN(x)) return NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    const cdf = Math.exp(logFactorial(n) - n * Math.log(n) + n * Math.log(2 * t - 1));
    return clip(1 - cdf);
  }
  if (t >= n - 1) return clip(2 * (1 - x) ** n);
  if (x >= 0.5) return clip(2 * smirnovSurvival(n, x));
  const nx2 = t * x;
  if (n <= 140) {
    if (nx2 <= 4) return clip(1 - durbinMatrixCdf(n, x));
    return clip(2 * smirnovSurvival(n, x));
  }
  if (nx2 >= 370) return 0;
  if (nx2 >= 2.2) return clip(2 * smirnovSurvival(n, x));
  const cdf = n <= 100_000 && n * x ** 1.5 <= 1.4 ? durbinMatrixCdf(n, x) : pelzGoodCdf(n, x);
  return clip(1 - cdf);
};

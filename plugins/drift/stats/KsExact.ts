/**
 * Exact null distribution of the two-sample Kolmogorov–Smirnov statistic: the probability that a
 * uniformly random lattice path from (0,0) to (m,n) leaves the band |x/m − y/n| < d.
 * This is what scipy's `ks_2samp(method="exact")` computes for the two-sided alternative.
 */

/**
 * m = n: by the reflection principle the two-sided tail is 2 Σ_{k≥1} (−1)^(k−1) C(2n, n−kh)/C(2n, n).
 * The alternating sum is evaluated in nested form r₀(1 − r₁(1 − r₂(…))), where r_k is the ratio of
 * consecutive terms, so small tails keep their relative precision instead of cancelling.
 */
const squareTail = (n: number, h: number): number => {
  let nested = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    // r_k = C(2n, n−(k+1)h) / C(2n, n−kh) = Π_{j<h} (n − kh − j) / (n + kh + j + 1)
    let ratio = 1;
    for (let j = 0; j < h; j++) ratio = (ratio * (n - k * h - j)) / (n + k * h + j + 1);
    nested = ratio * (1 - nested);
  }
  return 2 * nested;
};

/**
 * m ≠ n: dynamic programming over the lattice, column by column, of
 * E(i, j) = P(a uniform path from (0,0) to (i,j) has left the band).
 * A path into (i,j) arrives from (i−1,j) with probability i/(i+j) and from (i,j−1) with j/(i+j),
 * so E(i,j) = (i·E(i−1,j) + j·E(i,j−1)) / (i+j) inside the band and 1 outside. Computing the
 * exit probability directly (Viehmann 2021) instead of 1 − P(stay inside) keeps small p-values
 * accurate, and every step is a convex combination, so nothing overflows.
 * In units of 1/lcm: (i,j) is inside when |i·n/g − j·m/g| < h; only that band is updated.
 */
const rectangleTail = (m: number, n: number, g: number, h: number): number => {
  if (m < n) [m, n] = [n, m];
  const mg = m / g;
  const ng = n / g;
  const exit = new Float64Array(n + 1).fill(1);
  // Column i = 0: (0, j) is inside while j·mg < h; those paths have not exited.
  const firstHi = Math.min(Math.ceil(h / mg), n + 1);
  for (let j = 0; j < firstHi; j++) exit[j] = 0;
  let lo = 0;
  let hi = firstHi;
  for (let i = 1; i <= m; i++) {
    const newLo = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    const newHi = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (newHi <= newLo) return 1;
    // Cells that fell below the band are outside from now on.
    for (let j = lo; j < newLo; j++) exit[j] = 1;
    for (let j = Math.max(hi, newLo); j < newHi; j++) exit[j] = 1; // entering from above: previous column was outside
    for (let j = newLo; j < newHi; j++) {
      const left = exit[j]!;
      const below = j === 0 ? 0 : exit[j - 1]!;
      exit[j] = (i * left + j * below) / (i + j);
    }
    lo = newLo;
    hi = newHi;
  }
  return exit[n]!;
};

/**
 * Two-sided exact p-value for sample sizes m, n and the statistic expressed as an integer
 * h = D · lcm(m, n) (D is a multiple of 1/lcm, so this is exact).
 */
export const ksExactPValue = (m: number, n: number, h: number): number => {
  if (h <= 0) return 1;
  const g = gcd(m, n);
  const p = m === n ? squareTail(n, h) : rectangleTail(m, n, g, h);
  return Math.min(1, Math.max(0, p));
};

/** Greatest common divisor of two positive integers. */
export const gcd = (a: number, b: number): number => {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
};

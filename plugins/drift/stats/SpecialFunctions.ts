/**
 * Special functions the tests need: log-gamma and the regularised incomplete gamma functions
 * (the chi-square survival function is Q(k/2, x/2)). Written from the textbook definitions.
 */

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * ln Γ(x) for x > 0. Stirling's series for x ≥ 15 (error below 1e-16 relative there), and the
 * recurrence Γ(x) = Γ(x + k) / (x (x+1) … (x+k-1)) to shift smaller arguments up to it; the
 * product stays far from overflow because k < 15.
 */
export const logGamma = (x: number): number => {
  if (!(x > 0)) return x === 0 ? Infinity : NaN;
  if (x < 15) {
    let shift = 1;
    let y = x;
    while (y < 15) {
      shift *= y;
      y += 1;
    }
    return stirling(y) - Math.log(shift);
  }
  return stirling(x);
};

const stirling = (x: number): number => {
  const r = 1 / x;
  const r2 = r * r;
  // Bernoulli-number coefficients B_2k / (2k (2k-1)) of the asymptotic series, k = 1..7.
  const series =
    r *
    (1 / 12 +
      r2 * (-1 / 360 + r2 * (1 / 1260 + r2 * (-1 / 1680 + r2 * (1 / 1188 + r2 * (-691 / 360360 + r2 * (1 / 156)))))));
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI + series;
};

/** ln(n!) for a non-negative integer n. */
export const logFactorial = (n: number): number => (n < 2 ? 0 : logGamma(n + 1));

const EPS = 1e-16;
const TINY = 1e-300;
const MAX_ITERATIONS = 100_000;

/** ln of the common prefactor x^a e^-x / Γ(a) of both incomplete-gamma representations. */
const logPrefactor = (a: number, x: number): number => a * Math.log(x) - x - logGamma(a);

/** Series P(a, x) = prefactor · Σ x^n / (a (a+1) … (a+n)); converges fast for x < a + 1. */
const lowerSeries = (a: number, x: number): number => {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < MAX_ITERATIONS; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(logPrefactor(a, x));
};

/** Continued fraction for Q(a, x) (modified Lentz); converges fast for x ≥ a + 1. */
const upperFraction = (a: number, x: number): number => {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(logPrefactor(a, x)) * h;
};

/** Regularised lower incomplete gamma P(a, x) = γ(a, x) / Γ(a). */
export const gammaP = (a: number, x: number): number => {
  if (!(a > 0) || !(x >= 0)) return NaN;
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? lowerSeries(a, x) : 1 - upperFraction(a, x);
};

/** Regularised upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a) = 1 − P(a, x), accurate in the far tail. */
export const gammaQ = (a: number, x: number): number => {
  if (!(a > 0) || !(x >= 0)) return NaN;
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - lowerSeries(a, x) : upperFraction(a, x);
};

/** Survival function of the chi-square distribution with `dof` degrees of freedom. */
export const chiSquareSurvival = (x: number, dof: number): number => {
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  return gammaQ(dof / 2, x / 2);
};

/** Rounds half to even, like numpy's `np.round`, so sample-size rounding matches scipy. */
export const roundHalfEven = (x: number): number => {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff < 0.5) return floor;
  if (diff > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
};

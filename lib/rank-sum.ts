// The Wilcoxon-Mann-Whitney rank-sum test of two adjacent runs of a series:
// distribution-free, unmoved by how far an outlier lies, and exact for ties
// (integer milliseconds) and for short runs (the newest builds after a change),
// where the normal approximation is far too conservative: three builds above
// forty have p = 2 / C(43, 3) = 1.6e-4, the approximation says 4e-3.

export interface RankSumResult {
  /** Two-sided p-value. */
  p: number;
  /** Standardised rank sum of the later run: positive when it lies higher. */
  z: number;
}

/** The shorter run is at most this long: p is computed from the exact permutation distribution. */
const EXACT_MAX = 6;

/** Rank-sum test of x[a, c) against x[c, b). */
export function rankSumTest(x: readonly number[], a: number, c: number, b: number): RankSumResult {
  const m = c - a;
  const k = b - c;
  const n = m + k;
  // Both runs sorted apart and merged: typed arrays sort numerically, far faster than indices with a comparator.
  const early = Float64Array.from({ length: m }, (_, i) => x[a + i]).sort();
  const later = Float64Array.from({ length: k }, (_, i) => x[c + i]).sort();
  // Doubled mid-ranks keep tied ranks integral, which the exact distribution needs.
  const rank2 = new Float64Array(n);
  let ties = 0;
  let laterSum = 0;
  for (let i = 0, p = 0, q = 0; i < n; ) {
    const v = p < m && (q >= k || early[p] <= later[q]) ? early[p] : later[q];
    let fromEarly = 0;
    let fromLater = 0;
    while (p < m && early[p] === v) {
      p++;
      fromEarly++;
    }
    while (q < k && later[q] === v) {
      q++;
      fromLater++;
    }
    const t = fromEarly + fromLater;
    const j = i + t - 1;
    ties += t * t * t - t;
    rank2.fill(i + j + 2, i, j + 1);
    laterSum += fromLater * (i + j + 2);
    i = j + 1;
  }
  const mean2 = k * (n + 1);
  const var2 = ((m * k) / 3) * (n + 1 - ties / (n * (n - 1)));
  if (!(var2 > 0)) return { p: 1, z: 0 };
  const z = (laterSum - mean2) / Math.sqrt(var2);
  if (Math.min(m, k) <= EXACT_MAX) {
    const smallIsLater = k <= m;
    const ranks = Array.from(rank2);
    const observed = smallIsLater ? laterSum : (n * (n + 1)) - laterSum;
    return { p: exactTwoSided(ranks, Math.min(m, k), observed), z };
  }
  // Continuity correction: half a rank, one doubled rank.
  const zc = Math.max(0, Math.abs(laterSum - mean2) - 1) / Math.sqrt(var2);
  return { p: normalTwoSided(zc), z };
}

/** P(|Z| >= z) for a standard normal Z. */
export function normalTwoSided(z: number): number {
  return Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
}

/**
 * P(|S - E S| >= |s - E S|) where S is the sum of `size` doubled ranks drawn
 * without replacement from `ranks`: every subset is equally likely under no change.
 */
function exactTwoSided(ranks: number[], size: number, observed: number): number {
  const total = ranks.reduce((s, r) => s + r, 0);
  const mean = (size * total) / ranks.length;
  const top = ranks
    .slice()
    .sort((p, q) => q - p)
    .slice(0, size)
    .reduce((s, r) => s + r, 0);
  // ways[j][s]: subsets of j ranks seen so far summing to s.
  const ways = Array.from({ length: size + 1 }, () => new Float64Array(top + 1));
  ways[0][0] = 1;
  for (let i = 0; i < ranks.length; i++) {
    const r = ranks[i];
    for (let j = Math.min(size, i + 1); j >= 1; j--) {
      const to = ways[j];
      const from = ways[j - 1];
      for (let s = top; s >= r; s--) if (from[s - r] !== 0) to[s] += from[s - r];
    }
  }
  const dist = Math.abs(observed - mean) - 1e-9;
  let extreme = 0;
  let all = 0;
  const sums = ways[size];
  for (let s = 0; s <= top; s++) {
    if (sums[s] === 0) continue;
    all += sums[s];
    if (Math.abs(s - mean) >= dist) extreme += sums[s];
  }
  return extreme / all;
}

/** Complementary error function (Numerical Recipes erfcc, relative error below 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

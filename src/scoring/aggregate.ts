import type { Aggregation } from '../config/policy.js';

/**
 * How an asset's finding risks add up to its risk R (DESIGN.md "Scoring").
 *
 * damped (default): sorted by risk, descending (ties by id, done by the caller), the k-th weighs 1/k:
 *   R = exposure × Σₖ risk₍ₖ₎ / k
 * Monotone (a new finding takes a rank and pushes the lighter ones down by one: each of them loses
 * at most what the newcomer adds), and many similar findings grow R like ln n, so counts are not risk.
 * sum: the plain linear sum (the model before issue 10).
 *
 * Every finding has a contribution (its term; they add up to R exactly, in this order) and an
 * "if fixed" reduction: R minus R re-scored without it (0 ≤ reduction ≤ contribution under damping).
 */

export interface Aggregate {
  total: number;
  /** Per input position (the input is already in rank order). */
  contributions: Float64Array;
  reductions: Float64Array;
}

/** `risks` must be sorted descending (rank order). */
export function aggregate(risks: ArrayLike<number>, exposure: number, mode: Aggregation): Aggregate {
  const n = risks.length;
  const contributions = new Float64Array(n);
  const reductions = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) {
    const c = mode === 'sum' ? exposure * risks[k]! : (exposure * risks[k]!) / (k + 1);
    contributions[k] = c;
    total += c;
  }
  if (mode === 'sum') {
    reductions.set(contributions);
    return { total, contributions, reductions };
  }
  // Without the j-th (1-based rank j), every later finding moves up one rank: it gains
  // risₖ × (1/(k−1) − 1/k) = risₖ / (k(k−1)). Suffix sums make each reduction O(1).
  let gain = 0;
  for (let k = n - 1; k >= 0; k--) {
    const r = contributions[k]! - exposure * gain;
    reductions[k] = Math.min(contributions[k]!, Math.max(0, r));
    if (k > 0) gain += risks[k]! / (k * (k + 1));
  }
  return { total, contributions, reductions };
}

/** Longest group removeGroup handles from precomputed suffix sums; larger groups are re-summed. */
const MAX_SHIFT = 8;

/**
 * Exact "what removing these findings takes off R", for many groups of one asset. Precomputes,
 * per shift s = 1…MAX_SHIFT, suffix sums of what each finding gains by moving up s ranks, so a
 * group of m ≤ MAX_SHIFT findings costs O(m) instead of a re-score of the whole list.
 */
export class GroupRemoval {
  private readonly shifts: Float64Array[] = [];
  constructor(
    private readonly risks: ArrayLike<number>,
    private readonly exposure: number,
    private readonly mode: Aggregation,
    private readonly total: number,
  ) {}

  /** Σ over ranks k > j (0-based) of risk × (1/(k+1−s) − 1/(k+1)); index n is 0. */
  private suffix(s: number): Float64Array {
    let a = this.shifts[s];
    if (a) return a;
    const n = this.risks.length;
    a = new Float64Array(n + 1);
    for (let k = n - 1; k >= 0; k--) a[k] = a[k + 1]! + (k + 1 > s ? this.risks[k]! * (1 / (k + 1 - s) - 1 / (k + 1)) : 0);
    this.shifts[s] = a;
    return a;
  }

  /** `positions`: 0-based ranks of the group's findings, ascending and unique. */
  removed(positions: readonly number[]): number {
    const { risks, exposure } = this;
    if (positions.length === 0) return 0;
    if (this.mode === 'sum') return positions.reduce((t, p) => t + exposure * risks[p]!, 0);
    const m = positions.length;
    if (m > MAX_SHIFT) return this.total - this.rescore(positions);
    let own = 0;
    for (const p of positions) own += risks[p]! / (p + 1);
    // Findings between the i-th and (i+1)-th removed one move up i ranks.
    let gained = 0;
    for (let i = 1; i <= m; i++) {
      const from = positions[i - 1]! + 1;
      const to = i < m ? positions[i]! : risks.length;
      if (from >= to) continue;
      const q = this.suffix(i);
      gained += q[from]! - q[to]!;
    }
    return Math.min(this.total, Math.max(0, exposure * (own - gained)));
  }

  private rescore(positions: readonly number[]): number {
    const skip = new Set(positions);
    let k = 0;
    let t = 0;
    for (let j = 0; j < this.risks.length; j++) {
      if (skip.has(j)) continue;
      k++;
      t += (this.exposure * this.risks[j]!) / k;
    }
    return t;
  }
}

import type { Run } from './load.js';
import type { Attainment } from './slo.js';
import type { Window } from './window.js';

/**
 * Coverage over time: which assets could not be fully measured (a source they expect did not
 * answer for them: status UNKNOWN unless already BREACHED), in how many runs, and for how long.
 * A run's state holds from its as-of until the next run (any run, even after the window), clipped
 * to the window's end; so "days" is the time the review could not see the asset whole.
 */

export interface CoverageRow {
  assetId: string;
  owner: string;
  runs: number;
  gapRuns: number;
  gapDays: number;
  /** Longest run of consecutive gap runs. */
  longestStreak: number;
  firstGap: string;
  lastGap: string;
  /** The last run in the window still had a gap. */
  ongoing: boolean;
  /** Reasons from the latest run with a gap. */
  reasons: string[];
}

const DAY = 86_400_000;

export function coverageOverTime(rows: readonly Attainment[], windowRuns: readonly Run[], allRuns: readonly Run[], w: Window): CoverageRow[] {
  const times = allRuns.map((r) => Date.parse(r.snapshot.asOf));
  const nextAfter = (t: number) => Math.min(w.endMs, times.find((x) => x > t) ?? w.endMs);
  const lastAsOf = windowRuns.at(-1)?.snapshot.asOf;
  const out: CoverageRow[] = [];
  for (const r of rows) {
    const gaps = r.observations.filter((o) => !o.covered);
    if (gaps.length === 0) continue;
    let streak = 0;
    let longest = 0;
    for (const o of r.observations) {
      streak = o.covered ? 0 : streak + 1;
      longest = Math.max(longest, streak);
    }
    const last = gaps.at(-1)!;
    const lastRun = windowRuns.find((x) => x.name === last.run);
    const reasons =
      lastRun?.snapshot.assets
        .find((a) => a.id === r.assetId)
        ?.coverage?.filter((c) => c.status === 'gap')
        .flatMap((c) => c.reasons) ?? [];
    out.push({
      assetId: r.assetId,
      owner: r.owner,
      runs: r.runs,
      gapRuns: gaps.length,
      gapDays: gaps.reduce((d, o) => d + (nextAfter(Date.parse(o.asOf)) - Date.parse(o.asOf)) / DAY, 0),
      longestStreak: longest,
      firstGap: gaps[0]!.asOf,
      lastGap: last.asOf,
      ongoing: last.asOf === lastAsOf,
      reasons: [...new Set(reasons)],
    });
  }
  return out.sort((a, b) => b.gapDays - a.gapDays || (a.assetId < b.assetId ? -1 : 1));
}

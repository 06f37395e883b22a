import { fixed, maxOf, pct } from '../report/format.js';
import { budgetUsedOf } from './attribution.js';
import type { Run } from './load.js';
import { isCovered } from './schema.js';
import type { RunMetrics } from './slo.js';
import { signed, sparkline, termSafe, textTable } from './text-table.js';

/** `secsli trend <asset>`: one asset's history as a compact terminal table and a sparkline. Pure. */

export interface TrendRow extends RunMetrics {
  open: { critical: number; high: number; medium: number; low: number };
  policyHash: string;
  /** Every source the asset expects answered fully: else its risk is a lower bound (nobody looked everywhere). */
  measured: boolean;
}

export function trendRows(runs: readonly Run[], assetId: string): TrendRow[] {
  return runs.flatMap((run) => {
    const a = run.snapshot.assets.find((x) => x.id === assetId);
    if (!a) return [];
    const o = a.openBySeverity;
    return [
      {
        asOf: run.snapshot.asOf,
        run: run.name,
        status: a.status,
        risk: a.risk,
        budgetUsed: budgetUsedOf(a),
        remediationSli: a.remediation?.sli ?? null,
        open: { critical: o.critical, high: o.high, medium: o.medium, low: o.low },
        policyHash: run.snapshot.policyHash,
        measured: isCovered(a),
      },
    ];
  });
}

export function renderTrend(assetId: string, rows: readonly TrendRow[], opts: { limit?: number } = {}): string {
  const shown = opts.limit ? rows.slice(-opts.limit) : rows;
  const start = rows.length - shown.length;
  // Each measured row's Δ is against the last measured row before it, never a gap's lower bound.
  let lastMeasured: TrendRow | undefined;
  const base = rows.map((r) => {
    if (!r.measured) return undefined;
    const b = lastMeasured;
    lastMeasured = r;
    return b;
  });
  const bound = (r: TrendRow, text: string) => (r.measured ? text : `≥ ${text}`);
  const table = textTable(
    ['as-of', 'status', 'risk', 'Δ', 'budget used', 'remediation SLI', 'open C/H/M/L', 'policy'],
    shown.map((r, i) => {
      const prev = rows[start + i - 1];
      const from = base[start + i];
      return [
        r.asOf.replace(/:00(\.000)?Z$/, 'Z'),
        r.status,
        bound(r, fixed(r.risk)),
        from ? signed(r.risk - from.risk) : '',
        r.budgetUsed === null ? pct(null, 0) : bound(r, pct(r.budgetUsed, 0)),
        // Of what was read: the findings a gap hid could move it either way (risk only up).
        r.measured || r.remediationSli === null ? pct(r.remediationSli) : `~ ${pct(r.remediationSli)}`,
        bound(r, `${r.open.critical}/${r.open.high}/${r.open.medium}/${r.open.low}`),
        // The hash only where it changes: numbers either side of a policy change are not comparable.
        prev && prev.policyHash !== r.policyHash ? `${r.policyHash} (changed)` : i === 0 ? r.policyHash : '',
      ];
    }),
    ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'l'],
  );
  // A run that did not measure the asset is a gap in the line, not a dip.
  const used = shown.map((r) => (r.measured ? r.budgetUsed : null));
  const nums = used.filter((u): u is number => u !== null);
  const line = `budget used ${sparkline(used, 1)}  ${pct(nums[0] ?? null, 0)} → ${pct(nums.at(-1) ?? null, 0)} (peak ${pct(nums.length ? maxOf(nums) : null, 0)}; scale 0 … max(peak, 100 %))`;
  const gaps = shown.filter((r) => !r.measured).length;
  const approximate = shown.some((r) => !r.measured && r.remediationSli !== null);
  const note = gaps
    ? [
        `≥: ${gaps} run(s) did not fully measure the asset (a lower bound, left out of Δ and of the line)${approximate ? '; ~: such a run’s remediation SLI is of what was read, and what was not could move it either way' : ''}`,
      ]
    : [];
  return [termSafe(`${assetId}: ${rows.length} run(s)${start ? `, last ${shown.length} shown` : ''}`), '', table, line, ...note, ''].join('\n');
}

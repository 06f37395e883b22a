import { fixed, pct } from '../report/format.js';
import { budgetUsedOf } from './attribution.js';
import type { Run } from './load.js';
import type { RunMetrics } from './slo.js';
import { signed, sparkline, termSafe, textTable } from './text-table.js';

/** `secsli trend <asset>`: one asset's history as a compact terminal table and a sparkline. Pure. */

export interface TrendRow extends RunMetrics {
  open: { critical: number; high: number; medium: number; low: number };
  policyHash: string;
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
      },
    ];
  });
}

export function renderTrend(assetId: string, rows: readonly TrendRow[], opts: { limit?: number } = {}): string {
  const shown = opts.limit ? rows.slice(-opts.limit) : rows;
  const table = textTable(
    ['as-of', 'status', 'risk', 'Δ', 'budget used', 'remediation SLI', 'open C/H/M/L', 'policy'],
    shown.map((r, i) => {
      const prev = i > 0 ? shown[i - 1] : rows[rows.length - shown.length - 1];
      return [
        r.asOf.replace(/:00(\.000)?Z$/, 'Z'),
        r.status,
        fixed(r.risk),
        prev ? signed(r.risk - prev.risk) : '',
        pct(r.budgetUsed, 0),
        pct(r.remediationSli),
        `${r.open.critical}/${r.open.high}/${r.open.medium}/${r.open.low}`,
        // The hash only where it changes: numbers either side of a policy change are not comparable.
        prev && prev.policyHash !== r.policyHash ? `${r.policyHash} (changed)` : i === 0 ? r.policyHash : '',
      ];
    }),
    ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'l'],
  );
  const used = shown.map((r) => r.budgetUsed);
  const nums = used.filter((u): u is number => u !== null);
  const line = `budget used ${sparkline(used, 1)}  ${pct(nums[0] ?? null, 0)} → ${pct(nums.at(-1) ?? null, 0)} (peak ${pct(nums.length ? Math.max(...nums) : null, 0)}; scale 0 … max(peak, 100 %))`;
  const skipped = rows.length - shown.length;
  return [termSafe(`${assetId}: ${rows.length} run(s)${skipped ? `, last ${shown.length} shown` : ''}`), '', table, line, ''].join('\n');
}

import { csvRow, type Cell } from '../report/csv-encode.js';
import { round } from '../report/format.js';
import { ATTRIBUTION_PARTS } from './attribution.js';
import type { Review } from './review.js';

/** The parts movers.csv had from the start, in their columns' order. */
const MOVER_PARTS = ATTRIBUTION_PARTS.filter((p) => p !== 'unmeasured');

/**
 * The review's CSVs: the numbers behind every table and chart in review.md, unrounded beyond
 * what a reader needs. Column order is part of the contract (docs/review.md); add columns at the end.
 */

const pctOf = (x: number | null, d = 2): Cell => (x === null ? '' : round(x * 100, d));
const num = (x: number | null, d = 4): Cell => (x === null ? '' : round(x, d));

/** The one CSV encoder (report/csv-encode.ts): strings neutralised against formula injection. */
function toCsv(headers: readonly string[], rows: Cell[][]): string {
  return csvRow(headers) + rows.map(csvRow).join('');
}

const ATTAINMENT_COLUMNS = [
  'asset_id',
  'owner',
  'criticality',
  'runs',
  'valid_runs',
  'unknown_runs',
  'bad_runs',
  'risk_slo_met_runs',
  'risk_slo_valid_runs',
  'risk_attainment_pct',
  'remediation_slo_met_runs',
  'remediation_slo_valid_runs',
  'remediation_attainment_pct',
  'both_attainment_pct',
  'objective_pct',
  'allowed_bad_runs',
  'error_budget_left_pct',
  'burn_rate_window',
  'burn_rate_recent',
  'recent_runs',
  'last_status',
  'last_budget_used_pct',
  // Added at the end: columns are only ever added there. both_attainment_pct is the share of good runs (on target).
  'breached_runs',
] as const;

const HISTORY_COLUMNS = [
  'as_of',
  'run',
  'asset_id',
  'owner',
  'status',
  'risk',
  'budget_used_pct',
  'remediation_sli_pct',
  'covered',
  'verdict',
  // Added at the end: why a BREACHED run was (the rule that set the status); empty otherwise.
  'breached_by',
] as const;
const FLOW_COLUMNS = ['dimension', 'key', 'opened', 'closed', 'false_positives', 'mttr_days', 'mttr_n'] as const;
const LIFECYCLE_COLUMNS = ['finding_id', 'severity', 'title', 'owners', 'assets', 'first_seen', 'closed_at', 'closed_by', 'close_reason', 'days_to_close'] as const;
const MOVER_COLUMNS = [
  'direction',
  'asset_id',
  'owner',
  'budget_used_pct_first',
  'budget_used_pct_last',
  'risk_first',
  'risk_last',
  'risk_change',
  ...MOVER_PARTS.map((p) => `part_${p}`),
  'notes',
  // Added after `notes`: columns are only ever added at the end.
  'part_unmeasured',
] as const;
const COVERAGE_COLUMNS = ['asset_id', 'owner', 'runs', 'gap_runs', 'gap_days', 'longest_streak_runs', 'first_gap', 'last_gap', 'ongoing', 'reasons'] as const;
const EXCEPTION_COLUMNS = ['exception_id', 'asset_id', 'owner', 'expires', 'findings_accepted', 'reason'] as const;

export function renderReviewCsvs(r: Review): Record<string, string> {
  const inWindow = (t: string | null) => t !== null && Date.parse(t) >= r.window.startMs && Date.parse(t) < r.window.endMs;
  return {
    'attainment.csv': toCsv(
      ATTAINMENT_COLUMNS,
      r.attainment.map((a) => {
        const last = a.observations.at(-1)!;
        return [
          a.assetId,
          a.owner,
          a.criticality,
          a.runs,
          a.good.valid,
          a.unknownRuns,
          a.badRuns,
          a.risk.met,
          a.risk.valid,
          pctOf(a.risk.share),
          a.remediation.met,
          a.remediation.valid,
          pctOf(a.remediation.share),
          pctOf(a.good.share),
          pctOf(a.objective),
          num(a.allowedBad),
          pctOf(a.budgetLeft),
          num(a.burnWindow),
          num(a.burnRecent),
          a.recentRuns,
          last.status,
          pctOf(last.budgetUsed),
          a.breachedRuns,
        ];
      }),
    ),
    'budget-history.csv': toCsv(
      HISTORY_COLUMNS,
      r.runs.flatMap((run) =>
        r.attainment.flatMap((a) =>
          a.observations
            .filter((o) => o.run === run.name)
            .map((o) => [o.asOf, o.run, a.assetId, a.owner, o.status, num(o.risk), pctOf(o.budgetUsed), pctOf(o.remediationSli), o.covered, o.verdict, o.breachedBy ?? '']),
        ),
      ),
    ),
    'flow.csv': toCsv(FLOW_COLUMNS, [
      ...r.flow.bySeverity.map((f) => ['severity', f.key, f.opened, f.closed, f.falsePositives, num(f.mttrDays, 2), f.mttrN]),
      ...r.flow.byOwner.map((f) => ['owner', f.key, f.opened, f.closed, f.falsePositives, num(f.mttrDays, 2), f.mttrN]),
      ...r.flow.byMonth.map((m) => ['month', m.month, m.opened, m.closed, '', '', '']),
    ]),
    'lifecycle.csv': toCsv(
      LIFECYCLE_COLUMNS,
      r.flow.lives
        .filter((l) => inWindow(l.firstSeen) || inWindow(l.closedAt) || inWindow(l.leftAt))
        .map((l) => [
          l.id,
          l.severity,
          l.title,
          l.owners.join(' '),
          l.assets.join(' '),
          l.firstSeen,
          l.closedAt ?? '',
          l.closedBy ?? (l.leftAt !== null ? 'left-inventory' : ''),
          l.closeReason ?? '',
          l.closedAt ? num((Date.parse(l.closedAt) - Date.parse(l.firstSeen)) / 86_400_000, 2) : '',
        ]),
    ),
    'movers.csv': toCsv(
      MOVER_COLUMNS,
      [...r.moversUp.map((m) => ['up', m] as const), ...r.moversDown.map((m) => ['down', m] as const), ...r.unmeasuredMovers.map((m) => ['not-compared', m] as const)].map(
        ([dir, m]) => [
          dir,
          m.assetId,
          m.owner,
          pctOf(m.budgetUsedA),
          pctOf(m.budgetUsedB),
          num(m.riskA),
          num(m.riskB),
          num(m.delta),
          ...MOVER_PARTS.map((p) => num(m.parts[p])),
          m.notes.join('; '),
          num(m.parts.unmeasured),
        ],
      ),
    ),
    'coverage.csv': toCsv(
      COVERAGE_COLUMNS,
      r.coverage.map((c) => [c.assetId, c.owner, c.runs, c.gapRuns, num(c.gapDays, 2), c.longestStreak, c.firstGap, c.lastGap, c.ongoing, c.reasons.join('; ')]),
    ),
    'exceptions-expiring.csv': toCsv(
      EXCEPTION_COLUMNS,
      r.expiring.map((e) => [e.id, e.assetId, e.owner, e.expires, e.matched, e.reason]),
    ),
  };
}

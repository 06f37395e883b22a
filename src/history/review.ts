import { attributeChange, type AssetAttribution } from './attribution.js';
import { coverageOverTime, type CoverageRow } from './coverage.js';
import { findingLives, flow, type Flow } from './flow.js';
import type { History, Run, Skipped } from './load.js';
import { describePolicyChange } from './policy-diff.js';
import { nextQuarterOf, previousWindow, quarterFigures, type QuarterFigures } from './quarter.js';
import { contributionOf, isCounted, type AssetV1, type FindingV1 } from './schema.js';
import { attainment, DAY, DEFAULT_OBJECTIVE, DEFAULT_RECENT_DAYS, ownerAttainment, type Attainment, type OwnerAttainment } from './slo.js';
import { recurringCves, runTrend, type RecurringCve, type RunTrend } from './trends.js';
import { runsIn, type Window } from './window.js';

/** Everything review.md and its CSVs show, computed from history in one pure call. */

export interface ReviewOptions {
  /** Share of runs each asset should meet both SLOs in, 0 < objective < 1. Default 0.9. */
  objective?: number;
  /** The "recent" burn-rate period: days before the window's end. Default 28. */
  recentDays?: number;
  /** Movers listed each way. Default 5. */
  movers?: number;
}

interface PolicyChange {
  run: string;
  asOf: string;
  from: string;
  to: string;
  /** In words: the settings that changed, or the KEV catalog versions. */
  what: string;
}

/** An open finding worth doing next: overdue first, then by the risk it adds to its asset. */
interface FindingRef {
  assetId: string;
  owner: string;
  findingId: string;
  title: string;
  severity: string;
  url: string | null;
}

interface NextAction extends FindingRef {
  overdue: boolean;
  contribution: number;
}

interface OverdueFinding extends FindingRef {
  /** Days past its SLA at the last run's as-of. */
  daysOverdue: number | null;
}

interface ExpiringException {
  id: string;
  assetId: string;
  owner: string;
  expires: string;
  matched: number;
  reason: string;
}

export interface Review {
  window: Window;
  runs: Run[];
  skipped: Skipped[];
  objective: number;
  recentDays: number;
  policies: string[];
  policyChanges: PolicyChange[];
  attainment: Attainment[];
  owners: OwnerAttainment[];
  flow: Flow;
  /** First run in the window → last; up by Δ budget used, then down. */
  moversUp: AssetAttribution[];
  moversDown: AssetAttribution[];
  coverage: CoverageRow[];
  overdue: OverdueFinding[];
  /** Exceptions (as of the last run) expiring in the quarter after the window. */
  expiring: ExpiringException[];
  nextQuarter: { from: string; to: string };
  /** Headline figures of this window and of the one before it (null: no runs there). */
  figures: QuarterFigures | null;
  previous: QuarterFigures | null;
  /** One row per run of the window. */
  trends: RunTrend[];
  recurring: RecurringCve[];
  nextActions: NextAction[];
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Which finding of which asset, as the review's lists name it. */
const findingRef = (a: AssetV1, f: FindingV1) => ({ assetId: a.id, owner: a.owner, findingId: f.id, title: f.title, severity: f.severity, url: f.url });

export function buildReview(history: History, w: Window, opts: ReviewOptions = {}): Review {
  const runs = runsIn(w, history.runs);
  const objective = opts.objective ?? DEFAULT_OBJECTIVE;
  const recentDays = opts.recentDays ?? DEFAULT_RECENT_DAYS;
  const rows = attainment(runs, w, { objective, recentDays });
  const first = runs[0];
  const last = runs.at(-1);

  const policyChanges: PolicyChange[] = [];
  history.runs.forEach((r, i) => {
    const prev = history.runs[i - 1];
    if (prev && runs.includes(r) && prev.snapshot.policyHash !== r.snapshot.policyHash) {
      policyChanges.push({ run: r.name, asOf: r.snapshot.asOf, from: prev.snapshot.policyHash, to: r.snapshot.policyHash, what: describePolicyChange(prev.snapshot, r.snapshot) });
    }
  });

  const deltaUsed = (m: AssetAttribution) => (m.budgetUsedB ?? 0) - (m.budgetUsedA ?? 0);
  const moves = first && last && first !== last ? attributeChange(first.snapshot, last.snapshot) : [];
  const n = opts.movers ?? 5;
  const moversUp = moves
    .filter((m) => deltaUsed(m) > 0)
    .sort((a, b) => deltaUsed(b) - deltaUsed(a) || cmp(a.assetId, b.assetId))
    .slice(0, n);
  const moversDown = moves
    .filter((m) => deltaUsed(m) < 0)
    .sort((a, b) => deltaUsed(a) - deltaUsed(b) || cmp(a.assetId, b.assetId))
    .slice(0, n);

  const lastTime = last ? Date.parse(last.snapshot.asOf) : 0;
  const overdue: OverdueFinding[] = (last?.snapshot.assets ?? []).flatMap((a) =>
    a.findings
      .filter((f) => f.overdue)
      .map((f) => ({
        ...findingRef(a, f),
        daysOverdue: f.firstSeen && f.slaDays !== null ? (lastTime - Date.parse(f.firstSeen)) / DAY - f.slaDays : null,
      })),
  );
  overdue.sort((a, b) => (b.daysOverdue ?? 0) - (a.daysOverdue ?? 0) || cmp(a.assetId, b.assetId) || cmp(a.findingId, b.findingId));

  const { endMs: nextEnd, ...nextQuarter } = nextQuarterOf(w);
  const ownerOf = new Map((last?.snapshot.assets ?? []).map((a) => [a.id, a.owner]));
  const expiring: ExpiringException[] = (last?.snapshot.exceptions ?? [])
    .filter((x) => x.expires !== null && Date.parse(x.expires) >= w.endMs && Date.parse(x.expires) < nextEnd)
    .map((x) => ({ id: x.id, assetId: x.asset, owner: ownerOf.get(x.asset) ?? '(unknown asset)', expires: x.expires!, matched: x.matched, reason: x.reason }))
    .sort((a, b) => cmp(a.expires, b.expires) || cmp(a.id, b.id));

  const nextActions: NextAction[] = (last?.snapshot.assets ?? []).flatMap((a) =>
    a.findings
      .filter((f) => f.status === 'open' && isCounted(f) && f.kind !== 'threat')
      .map((f) => ({
        ...findingRef(a, f),
        overdue: f.overdue,
        contribution: contributionOf(last!.snapshot, a, f),
      })),
  );
  nextActions.sort((a, b) => Number(b.overdue) - Number(a.overdue) || b.contribution - a.contribution || cmp(a.assetId, b.assetId) || cmp(a.findingId, b.findingId));

  const lives = findingLives(history.runs.filter((r) => Date.parse(r.snapshot.asOf) < w.endMs));
  return {
    window: w,
    runs,
    skipped: history.skipped,
    objective,
    recentDays,
    policies: [...new Set(runs.map((r) => r.snapshot.policyHash))],
    policyChanges,
    attainment: rows,
    owners: ownerAttainment(rows),
    flow: flow(lives, w),
    moversUp,
    moversDown,
    coverage: coverageOverTime(rows, runs, history.runs, w),
    overdue,
    expiring,
    nextQuarter,
    figures: quarterFigures(history, w, lives),
    previous: quarterFigures(history, previousWindow(w)),
    trends: runs.map(runTrend),
    recurring: recurringCves(runs),
    nextActions,
  };
}

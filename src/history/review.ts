import { attributeChange, type AssetAttribution } from './attribution.js';
import { coverageOverTime, type CoverageRow } from './coverage.js';
import { type FindingLife, flow, type Flow, LifeTracker } from './flow.js';
import type { History, Run, Skipped } from './load.js';
import { describePolicyChange } from './policy-diff.js';
import { nextQuarterOf, previousWindow, quarterFigures, type QuarterFigures } from './quarter.js';
import { contributionOf, isCounted, type AssetV1, type FindingV1 } from './schema.js';
import { attainment, DAY, DEFAULT_OBJECTIVE, DEFAULT_RECENT_DAYS, ownerAttainment, type Attainment, type OwnerAttainment } from './slo.js';
import { CveFold, runTrend, type RecurringCve, type RunTrend } from './trends.js';
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
  /** The last run's open counted findings, overdue first, then by risk: each owner's first NEXT_ACTIONS_PER_OWNER. */
  nextActions: NextAction[];
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Which finding of which asset, as the review's lists name it. */
const findingRef = (a: AssetV1, f: FindingV1) => ({ assetId: a.id, owner: a.owner, findingId: f.id, title: f.title, severity: f.severity, url: f.url });

export function buildReview(history: History, w: Window, opts: ReviewOptions = {}): Review {
  const runs = runsIn(w, history.runs);
  const folds = new ReviewFolds(w, runs);
  for (const r of history.runs) folds.add(r);
  const first = runs[0];
  const last = runs.at(-1);
  const moves = first && last && first !== last ? attributeChange(first.snapshot, last.snapshot) : [];
  return assembleReview(history, w, folds, moves, opts);
}

/**
 * What the review reads from the runs' findings, gathered one run at a time (history's order,
 * oldest first), so that a caller can read each run's findings, add it, and let it go: finding
 * lives up to the window's end and up to the previous window's end, each window run's trend and
 * recurring CVEs, and the lists of the window's last run. `windowRuns`: the window's runs
 * (by name) as the review will count them.
 */
export class ReviewFolds {
  private readonly lifeTracker = new LifeTracker();
  private before: FindingLife[] | undefined;
  private readonly cves = new CveFold();
  private readonly names: ReadonlySet<string>;
  private readonly lastName: string | undefined;
  private readonly previousEndMs: number;
  readonly trends: RunTrend[] = [];
  overdue: OverdueFinding[] = [];
  nextActions: NextAction[] = [];

  constructor(
    private readonly w: Window,
    windowRuns: readonly Run[],
  ) {
    this.names = new Set(windowRuns.map((r) => r.name));
    this.lastName = windowRuns.at(-1)?.name;
    this.previousEndMs = previousWindow(w).endMs;
  }

  add(run: Run): void {
    const t = Date.parse(run.snapshot.asOf);
    if (t >= this.w.endMs) return;
    if (this.before === undefined && t >= this.previousEndMs) this.before = this.lifeTracker.lives();
    this.lifeTracker.add(run);
    if (!this.names.has(run.name)) return;
    this.trends.push(runTrend(run));
    this.cves.add(run);
    // Only the last run's: a million findings sorted once, not once a run.
    if (run.name !== this.lastName) return;
    this.overdue = overdueOf(run);
    this.nextActions = nextActionsOf(run);
  }

  /** Lives of the runs before the window's end. */
  lives(): FindingLife[] {
    return this.lifeTracker.lives();
  }

  /** Lives of the runs before the previous window's end. */
  previousLives(): FindingLife[] {
    return this.before ?? this.lifeTracker.lives();
  }

  recurring(): RecurringCve[] {
    return this.cves.result();
  }
}

function overdueOf(last: Run): OverdueFinding[] {
  const lastTime = Date.parse(last.snapshot.asOf);
  const overdue: OverdueFinding[] = last.snapshot.assets.flatMap((a) =>
    a.findings
      .filter((f) => f.overdue)
      .map((f) => ({
        ...findingRef(a, f),
        daysOverdue: f.firstSeen && f.slaDays !== null ? (lastTime - Date.parse(f.firstSeen)) / DAY - f.slaDays : null,
      })),
  );
  return overdue.sort((a, b) => (b.daysOverdue ?? 0) - (a.daysOverdue ?? 0) || cmp(a.assetId, b.assetId) || cmp(a.findingId, b.findingId));
}

/** Next actions the pack shows per owner (review-owners.ts, review-html-owner.ts): the review keeps no more. */
export const NEXT_ACTIONS_PER_OWNER = 5;

/** Each owner's first NEXT_ACTIONS_PER_OWNER, in the one order; a million open findings are not carried to the renderers to show five each. */
function nextActionsOf(last: Run): NextAction[] {
  const nextActions: NextAction[] = last.snapshot.assets.flatMap((a) =>
    a.findings
      .filter((f) => f.status === 'open' && isCounted(f) && f.kind !== 'threat')
      .map((f) => ({
        ...findingRef(a, f),
        overdue: f.overdue,
        contribution: contributionOf(last.snapshot, a, f),
      })),
  );
  nextActions.sort((a, b) => Number(b.overdue) - Number(a.overdue) || b.contribution - a.contribution || cmp(a.assetId, b.assetId) || cmp(a.findingId, b.findingId));
  const taken = new Map<string, number>();
  return nextActions.filter((a) => {
    const n = taken.get(a.owner) ?? 0;
    taken.set(a.owner, n + 1);
    return n < NEXT_ACTIONS_PER_OWNER;
  });
}

/**
 * The review from history's summaries (its runs' findings are not read here), the folds of every
 * run's findings, and the attribution from the window's first run to its last.
 */
export function assembleReview(history: History, w: Window, folds: ReviewFolds, moves: AssetAttribution[], opts: ReviewOptions = {}): Review {
  const runs = runsIn(w, history.runs);
  const objective = opts.objective ?? DEFAULT_OBJECTIVE;
  const recentDays = opts.recentDays ?? DEFAULT_RECENT_DAYS;
  const rows = attainment(runs, w, { objective, recentDays });
  const last = runs.at(-1);

  const policyChanges: PolicyChange[] = [];
  history.runs.forEach((r, i) => {
    const prev = history.runs[i - 1];
    if (prev && runs.includes(r) && prev.snapshot.policyHash !== r.snapshot.policyHash) {
      policyChanges.push({ run: r.name, asOf: r.snapshot.asOf, from: prev.snapshot.policyHash, to: r.snapshot.policyHash, what: describePolicyChange(prev.snapshot, r.snapshot) });
    }
  });

  const deltaUsed = (m: AssetAttribution) => (m.budgetUsedB ?? 0) - (m.budgetUsedA ?? 0);
  const n = opts.movers ?? 5;
  const moversUp = moves
    .filter((m) => deltaUsed(m) > 0)
    .sort((a, b) => deltaUsed(b) - deltaUsed(a) || cmp(a.assetId, b.assetId))
    .slice(0, n);
  const moversDown = moves
    .filter((m) => deltaUsed(m) < 0)
    .sort((a, b) => deltaUsed(a) - deltaUsed(b) || cmp(a.assetId, b.assetId))
    .slice(0, n);

  const { endMs: nextEnd, ...nextQuarter } = nextQuarterOf(w);
  const ownerOf = new Map((last?.snapshot.assets ?? []).map((a) => [a.id, a.owner]));
  const expiring: ExpiringException[] = (last?.snapshot.exceptions ?? [])
    .filter((x) => x.expires !== null && Date.parse(x.expires) >= w.endMs && Date.parse(x.expires) < nextEnd)
    .map((x) => ({ id: x.id, assetId: x.asset, owner: ownerOf.get(x.asset) ?? '(unknown asset)', expires: x.expires!, matched: x.matched, reason: x.reason }))
    .sort((a, b) => cmp(a.expires, b.expires) || cmp(a.id, b.id));

  const lives = folds.lives();
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
    overdue: folds.overdue,
    expiring,
    nextQuarter,
    figures: quarterFigures(history, w, lives),
    previous: quarterFigures(history, previousWindow(w), folds.previousLives()),
    trends: folds.trends,
    recurring: folds.recurring(),
    nextActions: folds.nextActions,
  };
}

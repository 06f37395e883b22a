import { attributeChange, type AssetAttribution } from './attribution.js';
import { coverageOverTime, type CoverageRow } from './coverage.js';
import { type FindingLife, flow, type Flow, LaterCloses, LifeTracker } from './flow.js';
import { type History, leftOut, type Run, type Skipped } from './load.js';
import { runNameMs } from '../store/names.js';
import { describePolicyChange } from './policy-diff.js';
import { nextQuarterOf, previousWindow, quarterFigures, type QuarterFigures } from './quarter.js';
import { type AssetV1, contributionOf, type FindingV1, isCounted } from './schema.js';
import { attainment, DAY, DEFAULT_OBJECTIVE, DEFAULT_RECENT_DAYS, ownerAttainment, type Attainment, type OwnerAttainment } from './slo.js';
import { CveFold, type RecurringCve, type RunTrend, TrendCount } from './trends.js';
import { runsIn, type Window, wouldMoveWindow } from './window.js';

/** Everything review.md and its CSVs show, computed from history in one pure call. */

export interface ReviewOptions {
  /** Share of runs each asset should meet both SLOs in, 0 < objective < 1. Default 0.9. */
  objective?: number;
  /** The "recent" burn-rate period: days before the window's end. Default 28. */
  recentDays?: number;
  /** Movers listed each way. Default 5. */
  movers?: number;
  /**
   * The --from/--to the window was resolved from (resolveWindow): an end not given follows the
   * latest run, so a run after the window that could not be read may have moved it (`leftOut`).
   * Absent: the window was given as is.
   */
  choice?: { from?: string; to?: string };
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

interface OverdueCount {
  byOwner: ReadonlyMap<string, number>;
  byAsset: ReadonlyMap<string, number>;
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
  /** Every run folder not used, and why (by design or not). */
  skipped: Skipped[];
  /**
   * Of `skipped`, the runs the review needed and could not read (`secsli review` exits 3): every
   * unreadable one from the last run read before the previous window (`readFromMs`) to the
   * window's end (the window, the quarter before it, finding lives), one after the end and before
   * the first run read after it (closes it may have been the one to report, `closesUntilMs`), and
   * one after it that, read, would have moved the default window.
   */
  leftOut: Skipped[];
  /**
   * Of `skipped`, the run folders after the window's end that it did not need (not in `leftOut`):
   * no hole in this window, and listed apart so that none reads as a run missing from it.
   */
  afterWindow: Skipped[];
  /** The as-of of the earliest run the review reads (`readFromMs`); undefined when it reads from the first. */
  readFrom?: string;
  /**
   * Of `skipped`, the run folders before `readFrom`: no hole in this review either
   * (the run it starts from was read), listed apart as `afterWindow` is.
   */
  beforeReach: Skipped[];
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
  /** Assets not fully measured at the first or the last run (both in the inventory): their change is not a mover's, whatever it reads. */
  unmeasuredMovers: AssetAttribution[];
  /** Assets fully measured at both the first and the last run of the window (the movers are among them). */
  comparedAssets: number;
  coverage: CoverageRow[];
  /** The last run's findings past their deadline, most days past first: each owner's first OVERDUE_LISTED_PER_OWNER. */
  overdue: OverdueFinding[];
  /** How many findings were past their deadline at the last run, per owner and per asset (every one, listed or not). */
  overdueCount: OverdueCount;
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
 * oldest first), and within a run one (asset, finding) entry at a time, so that a caller can
 * stream each run's findings file and keep none of its entries: finding lives up to the window's
 * end and up to the previous window's end, each with the closures that runs after that end report
 * inside it (LaterCloses), each window run's trend and recurring CVEs, and the lists of the
 * window's last run (its overdue findings; each owner's first next actions, kept as they pass).
 * `windowRuns`: the window's runs (by name) as the review will count them. `add(run)` is the same
 * for a run read whole.
 */
export class ReviewFolds {
  private readonly lifeTracker = new LifeTracker();
  /** The lives at the previous window's end and at this one's, taken at the first run after each, and the closures later runs report inside it. */
  private before: LaterCloses | undefined;
  private atEnd: LaterCloses | undefined;
  private readonly cves = new CveFold();
  private readonly names: ReadonlySet<string>;
  private readonly lastName: string | undefined;
  private readonly previousEndMs: number;
  /** The run being read; `trend` only for a run of the window, `last` only for its last; `after` for a run after the window. */
  private run: { run: Run; trend?: TrendCount; last?: LastRunLists; after?: true } | undefined;
  /** The window's last run's lists, once it is read. */
  private last: LastRunLists | undefined;
  readonly trends: RunTrend[] = [];

  constructor(
    private readonly w: Window,
    windowRuns: readonly Run[],
  ) {
    this.names = new Set(windowRuns.map((r) => r.name));
    this.lastName = windowRuns.at(-1)?.name;
    this.previousEndMs = previousWindow(w).endMs;
  }

  add(run: Run): void {
    this.begin(run);
    for (const a of run.snapshot.assets) for (const f of a.findings) this.finding(a, f);
    this.end();
  }

  /** A run's findings follow (`finding`, then `end`). Of a run after the window, only the closures it reports inside the window are used. */
  begin(run: Run): void {
    const t = Date.parse(run.snapshot.asOf);
    if (this.before === undefined && t >= this.previousEndMs) this.before = new LaterCloses(this.lifeTracker.lives(), this.previousEndMs);
    if (t >= this.w.endMs) {
      this.atEnd ??= new LaterCloses(this.lifeTracker.lives(), this.w.endMs);
      this.run = { run, after: true };
      return;
    }
    this.lifeTracker.begin(run);
    if (!this.names.has(run.name)) {
      this.run = { run };
      return;
    }
    this.cves.begin();
    // Only the last run's lists: a million findings sorted once, not once a run.
    this.run = { run, trend: new TrendCount(), ...(run.name === this.lastName ? { last: new LastRunLists(run) } : {}) };
  }

  finding(a: AssetV1, f: FindingV1): void {
    const r = this.run!;
    this.before?.finding(f);
    if (r.after) {
      this.atEnd!.finding(f);
      return;
    }
    this.lifeTracker.finding(a, f);
    if (!r.trend) return;
    r.trend.finding(f);
    this.cves.finding(a, f);
    r.last?.finding(a, f);
  }

  end(): void {
    const r = this.run!;
    this.run = undefined;
    if (r.after) return;
    this.lifeTracker.end(r.run);
    if (!r.trend) return;
    this.trends.push(r.trend.result(r.run));
    this.cves.end();
    this.last = r.last ?? this.last;
  }

  /** The window's last run's overdue findings, each owner's first OVERDUE_LISTED_PER_OWNER. */
  get overdue(): OverdueFinding[] {
    return this.last?.overdue.list() ?? [];
  }

  get overdueCount(): OverdueCount {
    return { byOwner: this.last?.overdueByOwner ?? new Map(), byAsset: this.last?.overdueByAsset ?? new Map() };
  }

  /** The window's last run's next actions, each owner's first NEXT_ACTIONS_PER_OWNER. */
  get nextActions(): NextAction[] {
    return this.last?.next.list() ?? [];
  }

  /** Lives of the runs before the window's end, with the closures later runs report inside it. */
  lives(): FindingLife[] {
    return this.atEnd?.lives ?? this.lifeTracker.lives();
  }

  /** Lives of the runs before the previous window's end, with the closures later runs report inside it. */
  previousLives(): FindingLife[] {
    return this.before?.lives ?? this.lifeTracker.lives();
  }

  recurring(): RecurringCve[] {
    return this.cves.result();
  }
}

/**
 * The window's run in which an asset was first missing after it was last seen — removed from the
 * inventory — or undefined when the window's last run has it. Its last observation is then no
 * status at the end of the window: the pack says "removed from the inventory on <date>".
 */
export function removedIn(r: Pick<Review, 'runs'>, a: Pick<Attainment, 'observations'>): Run | undefined {
  const k = r.runs.findIndex((x) => x.name === a.observations.at(-1)?.run);
  return k >= 0 && k < r.runs.length - 1 ? r.runs[k + 1] : undefined;
}

/** Next actions the pack shows per owner (review-owners.ts, review-html-owner.ts): the review keeps no more. */
export const NEXT_ACTIONS_PER_OWNER = 5;
/** Overdue findings the pack lists per owner (the same pages): the review keeps no more, and counts them all. */
export const OVERDUE_LISTED_PER_OWNER = 20;

/** Overdue first, then by the risk it adds, then by asset and finding: the one order of next actions. */
const byUrgency = (a: NextAction, b: NextAction) =>
  Number(b.overdue) - Number(a.overdue) || b.contribution - a.contribution || cmp(a.assetId, b.assetId) || cmp(a.findingId, b.findingId);
/** Most days past the deadline first, then by asset and finding. */
const byLateness = (a: OverdueFinding, b: OverdueFinding) => (b.daysOverdue ?? 0) - (a.daysOverdue ?? 0) || cmp(a.assetId, b.assetId) || cmp(a.findingId, b.findingId);

/** Each owner's first `limit` items in `order`, kept as items pass (never all of them). */
class FirstPerOwner<T extends { owner: string }> {
  private readonly by = new Map<string, T[]>();
  constructor(
    private readonly limit: number,
    private readonly order: (a: T, b: T) => number,
  ) {}

  add(x: T): void {
    let mine = this.by.get(x.owner);
    if (!mine) {
      mine = [];
      this.by.set(x.owner, mine);
    }
    if (mine.length === this.limit && this.order(x, mine.at(-1)!) >= 0) return;
    let i = mine.length;
    while (i > 0 && this.order(x, mine[i - 1]!) < 0) i--;
    mine.splice(i, 0, x);
    if (mine.length > this.limit) mine.pop();
  }

  /** Every owner's, in the one order. */
  list(): T[] {
    return [...this.by.values()].flat().sort(this.order);
  }
}

const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

/**
 * Days past the deadline the run itself set (its `dueAt`: the age counted from another source's
 * earlier sighting when there was one); first seen + slaDays in snapshots without it.
 */
function daysPastDue(f: FindingV1, asOfMs: number): number | null {
  const due = typeof f.dueAt === 'string' ? Date.parse(f.dueAt) : f.firstSeen && f.slaDays !== null ? Date.parse(f.firstSeen) + f.slaDays * DAY : Number.NaN;
  return Number.isNaN(due) ? null : (asOfMs - due) / DAY;
}

/**
 * The window's last run's lists, its entries taken one at a time: how many findings are overdue
 * per owner and asset, and each owner's first overdue findings and next actions, as many as the
 * pack shows (a million overdue findings are neither held, sorted, nor filtered once per owner
 * page to show twenty each).
 */
class LastRunLists {
  private readonly lastTime: number;
  readonly overdue = new FirstPerOwner<OverdueFinding>(OVERDUE_LISTED_PER_OWNER, byLateness);
  readonly overdueByOwner = new Map<string, number>();
  readonly overdueByAsset = new Map<string, number>();
  readonly next = new FirstPerOwner<NextAction>(NEXT_ACTIONS_PER_OWNER, byUrgency);

  constructor(private readonly run: Run) {
    this.lastTime = Date.parse(run.snapshot.asOf);
  }

  finding(a: AssetV1, f: FindingV1): void {
    // Weaknesses past their deadline; an incident's `overdue` is its response time (the incident sections).
    if (f.overdue && f.kind !== 'threat') {
      bump(this.overdueByOwner, a.owner);
      bump(this.overdueByAsset, a.id);
      this.overdue.add({
        ...findingRef(a, f),
        daysOverdue: daysPastDue(f, this.lastTime),
      });
    }
    if (f.status !== 'open' || !isCounted(f) || f.kind === 'threat') return;
    this.next.add({ ...findingRef(a, f), overdue: f.overdue, contribution: contributionOf(this.run.snapshot, a, f) });
  }
}

/**
 * The earliest as-of whose run the review depends on: the last run read before the previous
 * window's start. That run is where the previous window's deadlines start and what its first run's
 * policy is compared with; finding lives carry their own first-seen time, and a life that closed
 * before it closed before both windows. So a run that could not be read before that one is no hole
 * in this review (it is listed as not used, and the review exits 0): a corrupt run from two years
 * ago does not make every quarterly review exit 3 until someone prunes it. With no run read
 * before the previous window, every earlier run may have been that one.
 */
function readFromMs(runs: readonly Run[], w: Window): number {
  const start = previousWindow(w).startMs;
  let from = Number.NEGATIVE_INFINITY;
  for (const r of runs) {
    const t = Date.parse(r.snapshot.asOf);
    if (t < start && t > from) from = t;
  }
  return from;
}

/**
 * Up to when a run after the window may hold closes the review counts (flow.ts LaterCloses: a
 * finding fixed after the window's last run and before its end is closed in the window, though
 * only a later run can say so): until the first run read after the window's end, the one that
 * reports them. A run after the window that could not be read before that one may have been the
 * only one to report some (a source that stops listing what it closed), so it is a hole; one after
 * it is not. With no run read after the window, every later run is.
 */
function closesUntilMs(runs: readonly Run[], w: Window): number {
  let until = Number.POSITIVE_INFINITY;
  for (const r of runs) {
    const t = Date.parse(r.snapshot.asOf);
    if (t >= w.endMs && t < until) until = t;
  }
  return until;
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
  // Budget used read off a run that did not fully measure the asset is a lower bound: comparing it is no movement.
  const unmeasuredMovers = moves.filter((m) => m.measuredA === false || m.measuredB === false);
  const measured = moves.filter((m) => m.measuredA !== false && m.measuredB !== false);
  const moversUp = measured
    .filter((m) => deltaUsed(m) > 0)
    .sort((a, b) => deltaUsed(b) - deltaUsed(a) || cmp(a.assetId, b.assetId))
    .slice(0, n);
  const moversDown = measured
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
  const fromMs = readFromMs(history.runs, w);
  const closesMs = closesUntilMs(history.runs, w);
  const needed = leftOut(
    history.skipped,
    (ms) => (ms >= fromMs && ms < closesMs) || (opts.choice !== undefined && wouldMoveWindow(w, history.runs, ms, opts.choice.from, opts.choice.to)),
  );
  return {
    window: w,
    runs,
    skipped: history.skipped,
    leftOut: needed,
    afterWindow: history.skipped.filter((s) => !needed.includes(s) && runNameMs(s.name) >= w.endMs),
    readFrom: Number.isFinite(fromMs) ? new Date(fromMs).toISOString() : undefined,
    beforeReach: history.skipped.filter((s) => !needed.includes(s) && runNameMs(s.name) < fromMs),
    objective,
    recentDays,
    policies: [...new Set(runs.map((r) => r.snapshot.policyHash))],
    policyChanges,
    attainment: rows,
    owners: ownerAttainment(rows),
    flow: flow(lives, w),
    moversUp,
    moversDown,
    unmeasuredMovers,
    comparedAssets: measured.length,
    coverage: coverageOverTime(rows, runs, history.runs, w),
    overdue: folds.overdue,
    overdueCount: folds.overdueCount,
    expiring,
    nextQuarter,
    figures: quarterFigures(history, w, lives),
    previous: quarterFigures(history, previousWindow(w), folds.previousLives()),
    trends: folds.trends,
    recurring: folds.recurring(),
    nextActions: folds.nextActions,
  };
}

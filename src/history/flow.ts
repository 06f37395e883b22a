import { SEVERITIES } from '../model/finding.js';
import type { Run } from './load.js';
import { type AssetV1, isCovered, type FindingV1 } from './schema.js';
import { DAY } from './slo.js';
import { inWindow, type Window } from './window.js';

/**
 * Finding flow (docs/review.md "Flow and MTTR"). One life per finding id across all runs (a finding
 * on two assets is one finding; it belongs to both owners — the owners of the assets it sits on in
 * the latest run that lists it, so a renamed owner takes it over rather than both counting it). Opened at its `firstSeen`; closed at the
 * `closedAt` the source reports, or — when it silently disappears from a complete run in which its
 * assets are still declared and covered — at the as-of of that run (an upper bound). A finding that
 * disappears while one of its assets is not measured (UNKNOWN, or a PARTIAL run) waits: the next
 * complete run that measures its assets decides, however many runs later (an asset it was on that
 * left the inventory meanwhile does not hold it open when another one it was on is measured). One
 * whose assets have all left the inventory is not closed: it has *left* (`leftAt`), and counts
 * neither as fixed nor as open from then on. Reopening clears the close. Passing controls and reports only ever seen as another
 * source's duplicate are not findings. False positives (dismissed as inaccurate) count as closed,
 * never in MTTR.
 */

const FALSE_POSITIVE_REASONS = ['inaccurate', 'false_positive', 'false-positive', 'false positive'];
export const isFalsePositive = (reason: string | null): boolean => reason !== null && FALSE_POSITIVE_REASONS.includes(reason.toLowerCase());

export interface FindingLife {
  id: string;
  title: string;
  severity: string;
  /** Days from first seen to its deadline (latest run's value); null when the run had none. */
  slaDays: number | null;
  /**
   * Its deadline as the latest run set it (epoch ms), when that run counted the age from another
   * source's earlier sighting of the same vulnerability (the entry's `ageFrom`): it then falls
   * before first seen + slaDays. Null otherwise (the two are the same; and in snapshots that did
   * not record it): `dueMsOf` then reads first seen + slaDays. Only those few lives parse a date or
   * hold a number: a Date.parse per entry and run cost the review seconds at a million findings.
   */
  dueMs: number | null;
  firstSeen: string;
  closedAt: string | null;
  closedBy: 'source' | 'vanished' | null;
  closeReason: string | null;
  /** Not closed, but every asset it was on left the inventory, as of this run (null: it did not, or it came back). */
  leftAt: string | null;
  assets: readonly string[];
  owners: readonly string[];
}

const isOpen = (f: FindingV1) => f.status === 'open';
/**
 * Not a weakness to fix: a passing control, another source's duplicate, or an incident (a detection
 * is measured by its response time, never by a remediation deadline: DESIGN.md "Scoring"). A
 * detection is known by its kind, open or closed: a closed one is excluded as closed, not as an incident.
 */
const ignorable = (f: FindingV1) => f.kind === 'threat' || f.excluded?.kind === 'passed-control' || f.excluded?.kind === 'duplicate' || f.excluded?.kind === 'incident';

/** A life's deadline (epoch ms): the latest run's own, else first seen + slaDays; null without a deadline. */
export const dueMsOf = (l: FindingLife): number | null => (l.slaDays === null ? null : (l.dueMs ?? Date.parse(l.firstSeen) + l.slaDays * DAY));

/** The run's own deadline of an entry whose age another source's sighting set (see FindingLife.dueMs); else null. */
function ownDueMs(f: FindingV1): number | null {
  if (typeof (f as { ageFrom?: unknown }).ageFrom !== 'string' || typeof f.dueAt !== 'string') return null;
  const due = Date.parse(f.dueAt);
  return Number.isNaN(due) ? null : due;
}

/** Lives of every finding seen in `runs` (oldest first), by id. */
export function findingLives(runs: readonly Run[]): FindingLife[] {
  const t = new LifeTracker();
  for (const run of runs) t.add(run);
  return t.lives();
}

/**
 * The lives a window ending at `endMs` works on: those of the runs before its end, with the
 * closures that runs after it report inside it (LaterCloses). `runs`: oldest first.
 */
export function windowLives(runs: readonly Run[], endMs: number): FindingLife[] {
  const t = new LifeTracker();
  let later: LaterCloses | undefined;
  for (const run of runs) {
    if (Date.parse(run.snapshot.asOf) < endMs) {
      t.add(run);
      continue;
    }
    later ??= new LaterCloses(t.lives(), endMs);
    for (const a of run.snapshot.assets) for (const f of a.findings) later.finding(f);
  }
  return later?.lives ?? t.lives();
}

/**
 * Closures that runs after a window report with a closed-at inside it (docs/review.md "Flow and
 * MTTR"): a finding open at the window's last run and fixed the day after is closed in the window,
 * though only the next run can say so. `lives` are the window's (the runs before its end), sorted
 * by id as LifeTracker.lives() gives them, and are changed in place; the later runs' entries come
 * oldest run first, and the first closure reported stands (a reopening after it is a later
 * window's). Only a finding still open in `lives` is closed: one closed, or gone with its assets
 * (left the inventory), stays as the window's runs left it. A finding a later run no longer lists
 * is not closed by it: that close is the later run's as-of, after the window.
 */
export class LaterCloses {
  constructor(
    readonly lives: FindingLife[],
    private readonly endMs: number,
  ) {}

  /** One entry of a run after the window. */
  finding(f: FindingV1): void {
    if (isOpen(f) || ignorable(f) || f.closedAt === null) return;
    const at = Date.parse(f.closedAt);
    if (!(at < this.endMs)) return;
    const life = this.find(f.id);
    if (!life || life.closedAt !== null || life.leftAt !== null || at < Date.parse(life.firstSeen)) return;
    Object.assign(life, { closedAt: f.closedAt, closedBy: 'source', closeReason: f.closeReason });
  }

  /** Binary search: `lives` are sorted by id (code unit order). */
  private find(id: string): FindingLife | undefined {
    let lo = 0;
    let hi = this.lives.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const x = this.lives[mid]!.id;
      if (x === id) return this.lives[mid];
      if (x < id) lo = mid + 1;
      else hi = mid;
    }
    return undefined;
  }
}

/**
 * findingLives one run at a time, oldest first, and within a run one finding entry at a time (in
 * the run's order: by asset, then as the asset lists them), so that a caller can stream a run's
 * findings file and keep none of its entries: what it keeps is one life per finding id, and of the
 * run before the ids it touched with their assets. `add` is the same for a run read whole.
 */
export class LifeTracker {
  private readonly all = new Map<string, Life>();
  private readonly one = new Map<string, readonly string[]>();
  private readonly text = new Map<string, string>();
  /** Runs begun so far; a life's `mark` is the number of the run that last touched it. */
  private runs = 0;
  private run: { asOf: string; touched: Life[] } | undefined;
  /**
   * Open lives the last run did not list, still to be judged: touched by the run before, or left
   * waiting by a run that could not tell (an asset of theirs not measured).
   */
  private waiting: Life[] = [];

  add(run: Run): void {
    this.begin(run);
    for (const a of run.snapshot.assets) for (const f of a.findings) this.finding(a, f);
    this.end(run);
  }

  begin(run: Run): void {
    this.runs++;
    this.run = { asOf: run.snapshot.asOf, touched: [] };
  }

  /** One (asset, finding) entry of the run begun. */
  finding(a: AssetV1, f: FindingV1): void {
    const run = this.run!;
    let life = this.all.get(f.id);
    const born = !life;
    if (!life) {
      life = newLife(f.id);
      this.all.set(life.id, life);
    }
    if (life.mark !== this.runs) {
      // First entry of this finding in the run: what the run changes is judged against the state before it.
      life.mark = this.runs;
      life.was = { born, open: life.open, closedAt: life.closedAt, closedBy: life.closedBy, closeReason: life.closeReason };
      life.runAssets = this.single(a.id);
      // Its owners are those of the latest run that lists it: an owner renamed, or an asset handed
      // to another team, moves the finding with it rather than counting it for both.
      life.owners = this.single(a.owner);
      run.touched.push(life);
      this.choose(life, f, run.asOf);
    } else {
      life.runAssets = [...life.runAssets, a.id];
      // The run's word on a finding on several assets: its last entry that is a real finding, else its first.
      if (!ignorable(f)) this.choose(life, f, run.asOf);
    }
    life.assets = this.union(life.assets, a.id);
    if (life.owners[0] !== a.owner) life.owners = this.union(life.owners, a.owner);
  }

  end(run: Run): void {
    const touched = this.run!.touched;
    this.run = undefined;
    const assets = new Map(run.snapshot.assets.map((a) => [a.id, a]));
    const mentioned = new Set(run.snapshot.unmapped.flatMap((u) => u.findingIds));
    const waiting: Life[] = [];
    for (const life of this.waiting) {
      if (life.mark === this.runs || !life.open || life.leftAt !== null) continue;
      const gone = this.gone(life, run, assets, mentioned);
      if (gone === 'vanished') Object.assign(life, { open: false, closedAt: run.snapshot.asOf, closedBy: 'vanished', closeReason: null });
      else if (gone === 'left') life.leftAt = run.snapshot.asOf;
      else waiting.push(life);
    }
    for (const life of touched) {
      life.was = undefined;
      if (life.open) waiting.push(life);
    }
    this.waiting = waiting;
  }

  /**
   * What the run says of an open life it does not list: fixed (it vanished from a complete run
   * that measured every asset it was on that is still declared: it is reported nowhere), left (no
   * asset it was on is declared any more), or nothing yet (a PARTIAL run, one of its assets not
   * measured, or still reported but unmapped).
   */
  private gone(life: Life, run: Run, assets: ReadonlyMap<string, AssetV1>, mentioned: ReadonlySet<string>): 'vanished' | 'left' | null {
    if (run.snapshot.partial || mentioned.has(life.id)) return null;
    let declared = 0;
    for (const aid of life.runAssets) {
      const a = assets.get(aid);
      if (!a) continue;
      if (!isCovered(a)) return null;
      declared++;
    }
    return declared === 0 ? 'left' : 'vanished';
  }

  /** The lives so far (copies: adding more runs does not change them). */
  lives(): FindingLife[] {
    const out: FindingLife[] = [];
    for (const l of this.all.values()) {
      if (!l.real) continue;
      const { id, title, severity, slaDays, dueMs, firstSeen, closedAt, closedBy, closeReason, leftAt, assets, owners } = l;
      out.push({ id, title, severity, slaDays, dueMs, firstSeen, closedAt, closedBy, closeReason, leftAt, assets, owners });
    }
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** `f` is what the run says of the life: its title, severity and deadline, open or closed. */
  private choose(life: Life, f: FindingV1, asOf: string): void {
    life.title = this.intern(f.title);
    life.severity = this.intern(f.severity);
    life.slaDays = f.slaDays;
    life.dueMs = ownDueMs(f);
    life.leftAt = null;
    if (!ignorable(f)) life.real = true;
    const { born, ...was } = life.was!;
    if (born) life.firstSeen = f.firstSeen ?? asOf;
    if (isOpen(f)) Object.assign(life, { open: true, closedAt: null, closedBy: null, closeReason: null, leftAt: null });
    else if (was.open)
      Object.assign(life, { open: false, closedAt: f.closedAt ?? asOf, closedBy: 'source', closeReason: f.closeReason === null ? null : this.intern(f.closeReason) });
    else Object.assign(life, was);
  }

  private intern(s: string): string {
    const hit = this.text.get(s);
    if (hit !== undefined) return hit;
    this.text.set(s, s);
    return s;
  }

  /** `[id]`, one array per id (most findings sit on one asset: a million of them share 2,000 arrays). */
  private single(id: string): readonly string[] {
    let a = this.one.get(id);
    if (!a) {
      a = [id];
      this.one.set(id, a);
    }
    return a;
  }

  /** The sorted list with `id` in it: the same array when it is there already (lists are never changed in place). */
  private union(list: readonly string[], id: string): readonly string[] {
    if (list.includes(id)) return list;
    if (list.length === 0) return this.single(id);
    return [...list, id].sort();
  }
}

interface Life extends Omit<FindingLife, 'assets' | 'owners'> {
  assets: readonly string[];
  owners: readonly string[];
  open: boolean;
  /** Seen as a real finding (not only as a passing control or another's duplicate). */
  real: boolean;
  /** The number of the run that last touched it, and the assets it sat on there. */
  mark: number;
  runAssets: readonly string[];
  /** While its run is read: its state before the run, and whether the run is the first to list it. */
  was: (Pick<FindingLife, 'closedAt' | 'closedBy' | 'closeReason'> & { open: boolean; born: boolean }) | undefined;
}

const newLife = (id: string): Life => ({
  id,
  title: '',
  severity: '',
  slaDays: null,
  dueMs: null,
  firstSeen: '',
  closedAt: null,
  closedBy: null,
  closeReason: null,
  leftAt: null,
  assets: [],
  owners: [],
  open: true,
  real: false,
  mark: 0,
  runAssets: [],
  was: undefined,
});

interface FlowRow {
  key: string;
  opened: number;
  closed: number;
  falsePositives: number;
  /** Mean days from first seen to closed, over closures in the window that were not false positives. */
  mttrDays: number | null;
  mttrN: number;
}

function flowRow(key: string, lives: FindingLife[], w: Window): FlowRow {
  const closed = lives.filter((l) => l.closedAt !== null && inWindow(w, l.closedAt));
  const fixes = closed.filter((l) => !isFalsePositive(l.closeReason));
  const days = fixes.map((l) => (Date.parse(l.closedAt!) - Date.parse(l.firstSeen)) / DAY);
  return {
    key,
    opened: lives.filter((l) => inWindow(w, l.firstSeen)).length,
    closed: closed.length,
    falsePositives: closed.length - fixes.length,
    mttrDays: days.length ? days.reduce((s, d) => s + d, 0) / days.length : null,
    mttrN: days.length,
  };
}

export interface Flow {
  bySeverity: FlowRow[];
  byOwner: FlowRow[];
  /** "2026-07" → opened/closed that month (every month the window touches). */
  byMonth: { month: string; opened: number; closed: number }[];
  lives: FindingLife[];
}

/** One pass over the lives (a million of them at scale), each row's lives kept in their order so that sums add up the same. */
export function flow(lives: FindingLife[], w: Window): Flow {
  const months: string[] = [];
  for (let d = new Date(w.startMs); d.getTime() < w.endMs; d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1))) {
    months.push(d.toISOString().slice(0, 7));
  }
  const month = (t: string | null) => (t && inWindow(w, t) ? new Date(t).toISOString().slice(0, 7) : null);
  const bySeverity = new Map<string, FindingLife[]>(SEVERITIES.map((s) => [s, []]));
  const byOwner = new Map<string, FindingLife[]>();
  const opened = new Map(months.map((m) => [m, 0]));
  const closed = new Map(months.map((m) => [m, 0]));
  const bump = (m: Map<string, number>, k: string | null) => {
    if (k !== null && m.has(k)) m.set(k, m.get(k)! + 1);
  };
  for (const l of lives) {
    bySeverity.get(l.severity)?.push(l);
    for (const o of l.owners) {
      const mine = byOwner.get(o);
      if (mine) mine.push(l);
      else byOwner.set(o, [l]);
    }
    bump(opened, month(l.firstSeen));
    bump(closed, month(l.closedAt));
  }
  const owners = [...byOwner.keys()].sort();
  return {
    bySeverity: SEVERITIES.map((s) => flowRow(s, bySeverity.get(s)!, w)),
    byOwner: owners.map((o) => flowRow(o, byOwner.get(o)!, w)),
    byMonth: months.map((m) => ({ month: m, opened: opened.get(m)!, closed: closed.get(m)! })),
    lives,
  };
}

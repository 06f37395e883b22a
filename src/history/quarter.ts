import { SEVERITIES } from '../model/finding.js';
import { budgetUsedOf } from './attribution.js';
import { dueMsOf, isFalsePositive, type FindingLife, windowLives } from './flow.js';
import type { History, Run } from './load.js';
import { isCovered, type SnapshotV1 } from './schema.js';
import { DAY, type Share } from './slo.js';
import { makeWindow, runsIn, type Window } from './window.js';

/**
 * The executive summary's headline figures for one window, so the same function gives this
 * quarter and the one before it (docs/review.md "Executive summary"). Pure.
 */

interface DeadlineRow {
  severity: string;
  /**
   * Deadlines the window decided: met (closed by the deadline, the close in the window) or missed
   * (a run of the window was the first after the deadline, and the finding had not been closed by it).
   */
  events: number;
  /** Of those, closed by their deadline. */
  inTime: number;
  /** Due after the window's last run and not met in the window: the next run decides them, for the next window. */
  undecided: number;
}

export interface MttrRow {
  severity: string;
  /** Mean days to close, counting findings still open at the window's last run at their age then (not those whose assets left the inventory). */
  days: number | null;
  closed: number;
  /** Still open at the window's last run: when > 0, `days` is a lower bound ("at least"). */
  open: number;
}

export interface QuarterFigures {
  window: Window;
  runs: number;
  assets: number;
  /** At the window's last run. */
  breached: number;
  atRisk: number;
  unknown: number;
  /**
   * Asset-runs with budget used ≤ 100 % (every run of every asset is one observation), of those
   * measured: an asset-run with a coverage gap is left out unless it is over budget anyway (measured
   * risk is a lower bound), as the attainment tables count it (slo.ts).
   */
  withinBudget: Share;
  /** Asset-runs left out of `withinBudget`: not measured, and not over budget on what was measured. */
  unmeasured: number;
  deadlines: DeadlineRow[];
  deadlinesAll: DeadlineRow;
  mttr: MttrRow[];
  /** Claimed ÷ discovered inventory at the last run; null: not measured in these runs. */
  inventoryCoverage: number | null;
  /** Unclaimed inventory groups (with findings) at the last run. */
  unclaimed: number;
  /** Exceptions not expired at the last run, the open findings they accept, and how many expire next quarter. */
  accepted: { exceptions: number; findings: number; expiringNext: number };
  nextQuarter: { from: string; to: string; endMs: number };
}

/** The window of the same shape just before `w`: the previous calendar quarter, else the same number of days. */
export function previousWindow(w: Window): Window {
  const s = new Date(w.startMs);
  if (/-Q\d$/.test(w.label)) return makeWindow(Date.UTC(s.getUTCFullYear(), s.getUTCMonth() - 3, 1), w.startMs);
  return makeWindow(w.startMs - (w.endMs - w.startMs), w.startMs);
}

/** The quarter after the window (three months from its end). */
export function nextQuarterOf(w: Window): QuarterFigures['nextQuarter'] {
  const e = new Date(w.endMs);
  const endMs = Date.UTC(e.getUTCFullYear(), e.getUTCMonth() + 3, e.getUTCDate());
  return { from: new Date(w.endMs).toISOString().slice(0, 10), to: new Date(endMs - DAY).toISOString().slice(0, 10), endMs };
}

/**
 * Inventory coverage as the snapshot records it (the inventory check writes it in live runs):
 * `inventory.coverage` as a ratio, or `{ claimed, discovered }`. Absent → null, never a guess.
 */
function inventoryCoverageOf(s: SnapshotV1): number | null {
  const c = (s as { inventory?: { coverage?: unknown } }).inventory?.coverage;
  if (typeof c === 'number' && c >= 0 && c <= 1) return c;
  if (c && typeof c === 'object') {
    const { claimed, discovered } = c as { claimed?: unknown; discovered?: unknown };
    if (typeof claimed === 'number' && typeof discovered === 'number' && discovered > 0) return claimed / discovered;
  }
  return null;
}

/**
 * How far a window sees (docs/review.md "Deadlines and ages"): what the review says of deadlines
 * and ages stops at its last run (`seenMs`) — nobody looked after it. A missed deadline is decided
 * by the first run after it (the finding still open there, or closed late), so a window counts the
 * misses its runs decided: deadlines from the last run before the window (`missedFromMs`; the
 * window's start when there is none) up to its own last run. A deadline between a window's last
 * run and its end is the next window's, so each is counted once, quarter after quarter.
 */
interface Horizon {
  missedFromMs: number;
  seenMs: number;
}

function horizonOf(w: Window, all: readonly Run[], last: Run): Horizon {
  const before = all.filter((r) => Date.parse(r.snapshot.asOf) < w.startMs).at(-1);
  return { missedFromMs: before ? Date.parse(before.snapshot.asOf) : w.startMs, seenMs: Date.parse(last.snapshot.asOf) };
}

function deadlineRow(severity: string, lives: FindingLife[], w: Window, h: Horizon): DeadlineRow {
  let events = 0;
  let inTime = 0;
  let undecided = 0;
  for (const l of lives) {
    const due = dueMsOf(l);
    if (due === null || Number.isNaN(due) || isFalsePositive(l.closeReason)) continue;
    const closed = l.closedAt === null ? null : Date.parse(l.closedAt);
    if (closed !== null && closed <= due) {
      // Met: decided when it closed (a close a later run reports inside the window included).
      if (closed >= w.startMs && closed < w.endMs) {
        events++;
        inTime++;
      }
      continue;
    }
    // Its assets left the inventory before it was due: no deadline of a declared asset was missed.
    if (closed === null && l.leftAt !== null && Date.parse(l.leftAt) <= due) continue;
    // A run as of its deadline does not see it past due (overdue is "open after the deadline").
    if (due >= h.missedFromMs && due < h.seenMs) events++;
    else if (due >= h.seenMs && due < w.endMs) undecided++;
  }
  return { severity, events, inTime, undecided };
}

function mttrRow(severity: string, lives: FindingLife[], w: Window, h: Horizon): MttrRow {
  const days: number[] = [];
  let open = 0;
  for (const l of lives) {
    const first = Date.parse(l.firstSeen);
    const closed = l.closedAt === null ? null : Date.parse(l.closedAt);
    if (closed !== null && closed >= w.startMs && closed < w.endMs) {
      if (!isFalsePositive(l.closeReason)) days.push((closed - first) / DAY);
    } else if ((closed === null || closed >= w.endMs) && first <= h.seenMs && (l.leftAt === null || Date.parse(l.leftAt) > h.seenMs)) {
      // Open at the last run: its age there, a lower bound (nobody looked after it).
      days.push((h.seenMs - first) / DAY);
      open++;
    }
  }
  return { severity, days: days.length ? days.reduce((a, b) => a + b, 0) / days.length : null, closed: days.length - open, open };
}

/**
 * `lives`: the window's (ReviewFolds.lives(), or windowLives of the history): the runs before its
 * end, with the closures later runs report inside it.
 */
export function quarterFigures(history: History, w: Window, lives?: FindingLife[]): QuarterFigures | null {
  const runs: Run[] = runsIn(w, history.runs);
  const last = runs.at(-1);
  if (!last) return null;
  const all = lives ?? windowLives(history.runs, w.endMs);
  const h = horizonOf(w, history.runs, last);
  const used: number[] = [];
  let unmeasured = 0;
  for (const r of runs) {
    for (const a of r.snapshot.assets) {
      const u = budgetUsedOf(a);
      if (u === null) continue;
      if (isCovered(a) || u > 1) used.push(u);
      else unmeasured++;
    }
  }
  const met = used.filter((u) => u <= 1).length;
  const next = nextQuarterOf(w);
  const live = last.snapshot.exceptions.filter((e) => e.state !== 'expired');
  const status = (x: string) => last.snapshot.assets.filter((a) => a.status === x).length;
  const bySev = (s: string) => all.filter((l) => l.severity === s);
  const deadlines = SEVERITIES.filter((s) => s !== 'info').map((s) => deadlineRow(s, bySev(s), w, h));
  return {
    window: w,
    runs: runs.length,
    assets: last.snapshot.assets.length,
    breached: status('BREACHED'),
    atRisk: status('AT RISK'),
    unknown: status('UNKNOWN'),
    withinBudget: { met, valid: used.length, share: used.length ? met / used.length : null },
    unmeasured,
    deadlines,
    deadlinesAll: {
      severity: 'all',
      events: deadlines.reduce((n, d) => n + d.events, 0),
      inTime: deadlines.reduce((n, d) => n + d.inTime, 0),
      undecided: deadlines.reduce((n, d) => n + d.undecided, 0),
    },
    mttr: SEVERITIES.filter((s) => s !== 'info').map((s) => mttrRow(s, bySev(s), w, h)),
    inventoryCoverage: inventoryCoverageOf(last.snapshot),
    unclaimed: last.snapshot.unmapped.length,
    accepted: {
      exceptions: live.length,
      findings: live.reduce((n, e) => n + e.matched, 0),
      expiringNext: live.filter((e) => e.expires !== null && Date.parse(e.expires) >= w.endMs && Date.parse(e.expires) < next.endMs).length,
    },
    nextQuarter: next,
  };
}

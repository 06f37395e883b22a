import { SEVERITIES } from '../model/finding.js';
import { budgetUsedOf } from './attribution.js';
import { isFalsePositive, type FindingLife, windowLives } from './flow.js';
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
  /** Findings whose deadline event fell in the window (due, or closed earlier). */
  events: number;
  /** Of those, closed by their deadline. */
  inTime: number;
}

export interface MttrRow {
  severity: string;
  /** Mean days to close, counting findings still open at the window's end at their age then (not those whose assets left the inventory). */
  days: number | null;
  closed: number;
  /** Still open at the window's end: when > 0, `days` is a lower bound ("at least"). */
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

function deadlineRow(severity: string, lives: FindingLife[], w: Window): DeadlineRow {
  let events = 0;
  let inTime = 0;
  for (const l of lives) {
    if (l.slaDays === null || isFalsePositive(l.closeReason)) continue;
    const due = Date.parse(l.firstSeen) + l.slaDays * DAY;
    const closed = l.closedAt === null ? null : Date.parse(l.closedAt);
    const at = closed !== null && closed < due ? closed : due;
    if (at < w.startMs || at >= w.endMs) continue;
    // Its assets left the inventory before it was due: no deadline of a declared asset was missed.
    if (closed === null && l.leftAt !== null && Date.parse(l.leftAt) <= due) continue;
    events++;
    if (closed !== null && closed <= due) inTime++;
  }
  return { severity, events, inTime };
}

function mttrRow(severity: string, lives: FindingLife[], w: Window): MttrRow {
  const days: number[] = [];
  let open = 0;
  for (const l of lives) {
    const first = Date.parse(l.firstSeen);
    const closed = l.closedAt === null ? null : Date.parse(l.closedAt);
    if (closed !== null && closed >= w.startMs && closed < w.endMs) {
      if (!isFalsePositive(l.closeReason)) days.push((closed - first) / DAY);
    } else if ((closed === null || closed >= w.endMs) && first < w.endMs && (l.leftAt === null || Date.parse(l.leftAt) >= w.endMs)) {
      days.push((w.endMs - first) / DAY);
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
  const deadlines = SEVERITIES.filter((s) => s !== 'info').map((s) => deadlineRow(s, bySev(s), w));
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
    deadlinesAll: { severity: 'all', events: deadlines.reduce((n, d) => n + d.events, 0), inTime: deadlines.reduce((n, d) => n + d.inTime, 0) },
    mttr: SEVERITIES.filter((s) => s !== 'info').map((s) => mttrRow(s, bySev(s), w)),
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

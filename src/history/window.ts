import { parseUtc } from '../model/time.js';
import { UsageError } from '../errors.js';
import type { Run } from './load.js';

/**
 * The review window: whole UTC days, `from` 00:00 inclusive to the end of `to` (exclusive
 * `endMs`). Default: the last full calendar quarter that ended on or before the latest run's as-of.
 */

export interface Window {
  /** YYYY-MM-DD, inclusive. */
  from: string;
  /** YYYY-MM-DD, inclusive. */
  to: string;
  startMs: number;
  /** Start of the day after `to`. */
  endMs: number;
  /** "2026-Q3" when the window is exactly a calendar quarter. */
  label: string;
}

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function parseDay(value: string, flag: string): number {
  const ms = parseUtc(value);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(ms)) {
    throw new UsageError(`${flag}: "${value}" is not a date like 2026-07-01`, `Example: ${flag} 2026-07-01`);
  }
  return ms;
}

function quarterLabel(startMs: number, endMs: number): string {
  const s = new Date(startMs);
  const m = s.getUTCMonth();
  const isQuarter = s.getUTCDate() === 1 && m % 3 === 0 && endMs === Date.UTC(s.getUTCFullYear(), m + 3, 1);
  return isQuarter ? `${s.getUTCFullYear()}-Q${m / 3 + 1}` : `${iso(startMs)}_${iso(endMs - DAY)}`;
}

export function makeWindow(startMs: number, endMs: number): Window {
  return { from: iso(startMs), to: iso(endMs - DAY), startMs, endMs, label: quarterLabel(startMs, endMs) };
}

/** What to call the window in the pack's words: a calendar quarter, or a period of other dates (--from/--to). */
export const periodOf = (w: Window): 'quarter' | 'period' => (/-Q\d$/.test(w.label) ? 'quarter' : 'period');

/** The last calendar quarter that ended on or before `asOf`. */
export function lastFullQuarter(asOf: string): Window {
  const d = new Date(asOf);
  const currentQuarterStart = Date.UTC(d.getUTCFullYear(), Math.floor(d.getUTCMonth() / 3) * 3, 1);
  const end = currentQuarterStart;
  const e = new Date(end);
  const start = Date.UTC(e.getUTCFullYear(), e.getUTCMonth() - 3, 1);
  return makeWindow(start, end);
}

/** --from/--to, each optional: missing ends come from the default quarter. */
export function resolveWindow(runs: readonly Run[], from?: string, to?: string): Window {
  return windowFor(runs.at(-1)?.snapshot.asOf, from, to);
}

/**
 * Whether a run as of `asOfMs` that could not be read would, read, have given another window than
 * `w` (resolveWindow of `runs`): it would have been the latest run, and an end not given follows
 * the latest run's quarter. A run after the window that could not move it is outside the review.
 */
export function wouldMoveWindow(w: Window, runs: readonly Run[], asOfMs: number, from?: string, to?: string): boolean {
  if (from && to) return false;
  const latest = runs.at(-1)?.snapshot.asOf;
  if (latest !== undefined && asOfMs <= Date.parse(latest)) return false;
  try {
    const other = windowFor(new Date(asOfMs).toISOString(), from, to);
    return other.startMs !== w.startMs || other.endMs !== w.endMs;
  } catch {
    // That window would have been empty (--to before its default --from): moved, to an error.
    return true;
  }
}

/** Ten years (with their leap days): more history than any retention keeps, fewer months than a chart can draw. */
const MAX_WINDOW_DAYS = 3660;

function windowFor(latest: string | undefined, from?: string, to?: string): Window {
  if ((!from || !to) && !latest) {
    throw new UsageError('no readable runs to review', 'Run `secsli score` on a schedule first, or point --reports at its --out folder.');
  }
  const def = latest ? lastFullQuarter(latest) : undefined;
  const startMs = from ? parseDay(from, '--from') : def!.startMs;
  const endMs = to ? parseDay(to, '--to') + DAY : def!.endMs;
  if (endMs <= startMs) throw new UsageError(`--to ${iso(endMs - DAY)} is before --from ${iso(startMs)}`, 'Give --from earlier than or equal to --to.');
  // A month per bar and a row per month: `--to 9999-12-31` asked for 96,000 of them (a 40 MB pack, or a crash).
  if (endMs - startMs > MAX_WINDOW_DAYS * DAY)
    throw new UsageError(
      `--from ${iso(startMs)} --to ${iso(endMs - DAY)} spans more than ${MAX_WINDOW_DAYS / 366} years: a review covers a quarter, a year, a few at most`,
      'Give --from and --to closer together (the default is the last full quarter before the latest run).',
    );
  return makeWindow(startMs, endMs);
}

export const inWindow = (w: Window, isoTime: string): boolean => {
  const t = Date.parse(isoTime);
  return t >= w.startMs && t < w.endMs;
};

export const runsIn = (w: Window, runs: readonly Run[]): Run[] => runs.filter((r) => inWindow(w, r.snapshot.asOf));

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
  const latest = runs.at(-1)?.snapshot.asOf;
  if ((!from || !to) && !latest) {
    throw new UsageError('no readable runs to review', 'Run `secsli score` on a schedule first, or point --reports at its --out folder.');
  }
  const def = latest ? lastFullQuarter(latest) : undefined;
  const startMs = from ? parseDay(from, '--from') : def!.startMs;
  const endMs = to ? parseDay(to, '--to') + DAY : def!.endMs;
  if (endMs <= startMs) throw new UsageError(`--to ${iso(endMs - DAY)} is before --from ${iso(startMs)}`, 'Give --from earlier than or equal to --to.');
  return makeWindow(startMs, endMs);
}

export const inWindow = (w: Window, isoTime: string): boolean => {
  const t = Date.parse(isoTime);
  return t >= w.startMs && t < w.endMs;
};

export const runsIn = (w: Window, runs: readonly Run[]): Run[] => runs.filter((r) => inWindow(w, r.snapshot.asOf));

/** Fixed clock for the example: every date is relative to this instant, never to "now". */
export const REFERENCE_DATE = '2026-11-27T00:00:00Z';
export const REFERENCE_MS = Date.parse(REFERENCE_DATE);

const DAY = 86_400_000;

/** Milliseconds `days` (fractional allowed) before the reference date. */
export function daysAgo(days: number): number {
  return REFERENCE_MS - Math.round(days * DAY);
}

export function addDays(ms: number, days: number): number {
  return ms + Math.round(days * DAY);
}

/** Never later than one minute before the reference date. */
export function clampPast(ms: number): number {
  return Math.min(ms, REFERENCE_MS - 60_000);
}

/** ASFF style: `2026-06-01T12:34:56.789Z`. */
export function isoMillis(ms: number): string {
  return new Date(ms).toISOString();
}

/** GitHub style: `2026-06-01T12:34:56Z`. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * The one time parser: every time secsli reads (record timestamps, --as-of, `expires`, KEV dates,
 * snapshots, sync state) goes through `parseUtc`, so the same text means the same instant on every
 * machine, in every TZ and locale.
 *
 * - ISO 8601 `YYYY-MM-DD`, `YYYY-MM-DDTHH:mm[:ss[.fff]][zone]` (a space may stand for the `T`);
 *   RFC 2822 `[Tue, ]1 Dec 2026 10:00[:00] [zone]` (what mail, HTTP and some exporters write).
 * - No zone means UTC, never the machine's local time.
 * - Only instants that exist: month 01–12, a day the month has, hour 00–23, minute and second
 *   00–59, a weekday (RFC 2822) that is that date's, years 0000–9999. `Date.parse` rolls
 *   2026-02-30 over to March and reads zone-less text in local time; both are refused here.
 * Four-digit years also keep every date + any allowed policy span inside JavaScript's Date range.
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s?(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?$/;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const RFC2822 = /^(?:([A-Za-z]{3}),\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?(?:\s+([A-Za-z]{1,3}|[+-]\d{4}))?$/;
/** RFC 2822's obsolete zone names (section 4.3), in minutes east of UTC. */
const ZONES: Record<string, number> = { UT: 0, UTC: 0, GMT: 0, Z: 0, EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420 };

/** Years 0000–9999, as epoch milliseconds: [YEAR_0, YEAR_10000). */
const startOfYear = (y: number): number => {
  const d = new Date(0);
  d.setUTCFullYear(y, 0, 1);
  return d.getTime();
};
const YEAR_0 = startOfYear(0);
const YEAR_10000 = startOfYear(10000);

/** True for an epoch-milliseconds value inside the years secsli accepts. */
export function isTimeInRange(ms: number): boolean {
  return Number.isFinite(ms) && ms >= YEAR_0 && ms < YEAR_10000;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const leap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const daysIn = (year: number, month: number): number => (month === 2 && leap(year) ? 29 : DAYS[month - 1]!);

/** Epoch ms of a calendar date-time in UTC, or NaN when a field is out of its range. */
function utc(year: number, month: number, day: number, h: number, m: number, s: number, ms: number): number {
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || h > 23 || m > 59 || s > 59) return NaN;
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day); // unlike Date.UTC, keeps years 0–99 as written
  d.setUTCHours(h, m, s, ms);
  return d.getTime();
}

function isoZoneMinutes(zone: string | undefined): number {
  if (!zone || /^(Z|z|UTC|GMT)$/.test(zone)) return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const h = Number(digits.slice(0, 2));
  const m = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  return h > 23 || m > 59 ? NaN : sign * (h * 60 + m);
}

/** Milliseconds since the epoch, or NaN when the text is not a time that exists (see above). */
export function parseUtc(value: string): number {
  const v = value.trim();
  const iso = ISO.exec(v);
  if (iso) {
    const [, y, mo, d, h, mi, s, frac, zone] = iso;
    const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
    const local = utc(Number(y), Number(mo), Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), ms);
    return inRange(local - isoZoneMinutes(zone) * 60_000);
  }
  const rfc = RFC2822.exec(v);
  if (rfc) {
    const [, wd, d, mon, y, h, mi, s, zone] = rfc;
    const month = MONTHS.indexOf(mon!.toLowerCase()) + 1;
    const local = utc(Number(y), month, Number(d), Number(h), Number(mi), Number(s ?? 0), 0);
    if (wd !== undefined && new Date(local).getUTCDay() !== WEEKDAYS.indexOf(wd.toLowerCase())) return NaN;
    const offset = zone === undefined ? 0 : /^[+-]/.test(zone) ? isoZoneMinutes(zone) : ZONES[zone.toUpperCase()];
    return offset === undefined ? NaN : inRange(local - offset * 60_000);
  }
  return NaN;
}

const inRange = (ms: number): number => (isTimeInRange(ms) ? ms : NaN);

/** `parseUtc` as canonical ISO text (`…T…Z`), or undefined. */
export function isoUtc(value: string): string | undefined {
  const ms = parseUtc(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

const DAY_MS = 86_400_000;
/** Epoch ms of 10000-01-01: from there on toISOString writes a signed six-digit year. */
const YEAR_10000_MS = 253_402_300_800_000;
const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/**
 * `new Date(ms).toISOString()` without building a Date: the report writers spell millions of times
 * (first seen, closed, due) and this is three times quicker. Days to a civil date as in Howard
 * Hinnant's `civil_from_days` (https://howardhinnant.github.io/date_algorithms.html); instants before
 * 1970 or from year 10000 on (and non-finite ones) take Date's own path.
 */
export function isoOf(ms: number): string {
  if (!(ms >= 0 && ms < YEAR_10000_MS)) return new Date(ms).toISOString();
  const days = Math.floor(ms / DAY_MS);
  let rest = ms - days * DAY_MS;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const mi = Math.floor(rest / 60_000);
  rest -= mi * 60_000;
  const s = Math.floor(rest / 1000);
  return `${year}-${pad2(month)}-${pad2(day)}T${pad2(h)}:${pad2(mi)}:${pad2(s)}.${pad3(rest - s * 1000)}Z`;
}

/** Digits at `i…i+n` of `s` as a number, or -1 when one is not a digit. */
function digits(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = i; k < i + n; k++) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * Epoch ms of `iso` when it is exactly the text `toISOString()` gives (YYYY-MM-DDTHH:MM:SS.mmmZ, a
 * real date, year 1000–9999), read without building Dates; undefined for anything else, which then
 * takes the general (slower) path. Most times are in this form, so most finding times cost this.
 * The inverse of isoOf for that text; the finding store reads times with it (records were read
 * with parseUtc's rules by the normalizers already).
 */
export function canonicalIsoMs(iso: string): number | undefined {
  if (iso.length !== 24 || iso[4] !== '-' || iso[7] !== '-' || iso[10] !== 'T' || iso[13] !== ':' || iso[16] !== ':' || iso[19] !== '.' || iso[23] !== 'Z') return undefined;
  const y = digits(iso, 0, 4);
  const mo = digits(iso, 5, 2);
  const d = digits(iso, 8, 2);
  const h = digits(iso, 11, 2);
  const mi = digits(iso, 14, 2);
  const sec = digits(iso, 17, 2);
  const ms = digits(iso, 20, 3);
  if (y < 1000 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59 || ms < 0) return undefined;
  if (d > 28 && d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return undefined; // 2026-02-30 is not a date
  return Date.UTC(y, mo - 1, d, h, mi, sec, ms);
}

/**
 * An incident's hours as every output shows them: one decimal, so `why` in fixes.csv, report.md's
 * incident table, `explain` and fixes.csv's `age_hours` agree (24.5 h open against a 24 h target
 * reads "24.5 h > 24 h", where whole hours read "24 h > 24 h").
 */
export const hoursText = (hours: number): string => (Math.round(hours * 10) / 10).toFixed(1);

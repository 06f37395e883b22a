import { parseUtc } from '../../time.js';
import type { z } from 'zod';
import type { Finding, Severity } from '../../model/finding.js';

/** What a normalizer returns: a Finding, or why the record was rejected (with its native id when one could be read). */
export type NormalizeResult = { ok: true; finding: Finding } | { ok: false; reason: string; nativeId?: string };

export const reject = (reason: string, nativeId?: string): NormalizeResult =>
  nativeId === undefined ? { ok: false, reason } : { ok: false, reason, nativeId };

/** zod issues as short reasons: "missing Id", "Resources[0].Type: expected string, received number". */
export function zodReason(error: z.ZodError): string {
  const reasons = error.issues.slice(0, 3).map((issue) => {
    const path = formatPath(issue.path);
    if (issue.code === 'invalid_type' && / received undefined$/.test(issue.message)) return `missing ${path}`;
    if (!issue.message.startsWith('Invalid')) return issue.message; // a custom message says it all
    return `${path || 'record'}: ${issue.message.replace(/^Invalid input: /, '')}`;
  });
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '';
  return reasons.join('; ') + more;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('');
}

/** A timestamp the source gave, as UTC ISO-8601 (`…Z`), so strings sort and compare as times; undefined if unparseable. */
export function isoTime(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (isCanonicalIso(value)) return value; // what the round trip below would give back
  if (value.trim() === '') return undefined;
  const ms = parseUtc(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * `YYYY-MM-DDTHH:mm:ss.sssZ` naming a real instant (month 01–12, a day that exists in that month,
 * hour 00–23, minute and second 00–59): `new Date(Date.parse(s)).toISOString()` is `s` itself.
 * Anything else (24:00, Feb 30, which Date.parse rolls over; other forms) takes the general path.
 */
function isCanonicalIso(s: string): boolean {
  if (s.length !== 24 || s.charCodeAt(23) !== 90 /* Z */) return false;
  for (let i = 0; i < 23; i++) {
    const c = s.charCodeAt(i);
    if (i === 4 || i === 7) {
      if (c !== 45 /* - */) return false;
    } else if (i === 10) {
      if (c !== 84 /* T */) return false;
    } else if (i === 13 || i === 16) {
      if (c !== 58 /* : */) return false;
    } else if (i === 19) {
      if (c !== 46 /* . */) return false;
    } else if (c < 48 || c > 57) return false;
  }
  const d = (i: number) => s.charCodeAt(i) - 48;
  const year = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
  const month = d(5) * 10 + d(6);
  const day = d(8) * 10 + d(9);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month]!)) return false;
  return d(11) * 10 + d(12) <= 23 && d(14) <= 5 && d(17) <= 5;
}

export const CVE_RE = /CVE-\d{4}-\d{4,}/gi;

export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/** Upper-cased CVE ids found in the strings. */
export function cvesIn(values: Iterable<string | null | undefined>): string[] {
  const out: string[] = [];
  for (const v of values) if (v) for (const m of v.matchAll(CVE_RE)) out.push(m[0].toUpperCase());
  return sortedUnique(out);
}

/** 0–100 → label, by Security Hub's bands (0 info, 1–39 low, 40–69 medium, 70–89 high, 90–100 critical). */
export function severityFromScore100(n: number): Severity {
  if (n >= 90) return 'critical';
  if (n >= 70) return 'high';
  if (n >= 40) return 'medium';
  if (n >= 1) return 'low';
  return 'info';
}

/** A number, or a numeric string such as GitHub's "0.16001e0"; undefined otherwise. */
export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** CVSS version from a vector ("CVSS:3.1/…" → "3.1"; a v2 vector has no prefix). */
export function cvssVersionOf(vector: string | null | undefined): string | undefined {
  if (!vector) return undefined;
  const m = /^CVSS:(\d+(?:\.\d+)?)\//i.exec(vector);
  if (m) return m[1];
  return /^\(?AV:[LAN]\/AC:[HML]\/Au:/.test(vector) ? '2.0' : undefined;
}

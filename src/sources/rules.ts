/**
 * Rules every source format shares, written once: what an object is, timestamps, CVE ids, ARN
 * fields, severity bands, CVSS scores, and how zod issues read as a rejection reason.
 */
import type * as z from '../vendor/zod.js';
import { isAwsAccountId, type RecordClaims, type Severity } from '../model/finding.js';
import { scrubTokens } from '../text/tokens.js';
import { parseUtc } from '../model/time.js';
import type { NormalizeResult } from './types.js';

/** zod's `util.isObject`: what `z.object()` / `z.looseObject()` accept. */
export function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A string that is not empty, as given (keys, ids); anything else is undefined. */
export const nonEmpty = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** What a rejected Security Hub record names (ASFF and OCSF alike): its account and resource ids, when readable. */
export function awsClaims(accountField: unknown, resourceIds: ReadonlyArray<string | undefined>): RecordClaims | undefined {
  const resources = resourceIds.filter((id): id is string => id !== undefined);
  const account = claimedAccount(accountField);
  return account || resources.length ? { ...(account ? { account } : {}), ...(resources.length ? { resources } : {}) } : undefined;
}

/**
 * The account a rejected record still names, read leniently: the record is refused for how it
 * spells its account (a number, padding, dashes), but what it is about is plain, and an asset of
 * that account must not read as measured. Undefined when nothing like 12 digits is there.
 */
function claimedAccount(v: unknown): string | undefined {
  const text = typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? String(v).padStart(12, '0') : typeof v === 'string' ? v.replace(/[\s-]/g, '') : undefined;
  return text !== undefined && isAwsAccountId(text) ? text : undefined;
}

/**
 * Why `account` cannot be the AWS account a finding is about, or undefined when it can: exactly 12
 * digits (the model's "Length Constraints: 12"). Anything else would be matched, keyed and written
 * as an account that does not exist; a record that says so is refused with the value quoted (at
 * most 40 characters of it).
 */
export function accountProblem(field: string, account: string): string | undefined {
  if (isAwsAccountId(account)) return undefined;
  const shown = account.length > 40 ? `${JSON.stringify(account.slice(0, 40))}…` : JSON.stringify(account);
  return `${field} is not an AWS account id (12 digits): ${shown}`;
}

/**
 * A link from a source, kept only when it is a web address (http or https, with a host): a
 * `javascript:` or `data:` URL in an export is no link back, and summary.json, fixes.csv and the
 * snapshots hand `url` on to whatever routes them (a chat message, a ticket). Credentials in it
 * are scrubbed by their shape (text/tokens.ts).
 */
export function webUrl(v: string | null | undefined): string | undefined {
  return typeof v === 'string' && /^https?:\/\/[^/\s?#]/i.test(v) ? scrubTokens(v) : undefined;
}

export const reject = (reason: string, nativeId?: string): NormalizeResult => (nativeId === undefined ? { ok: false, reason } : { ok: false, reason, nativeId });

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

/** The one CVE rule: `CVE-YYYY-NNNN…` (four or more digits) anywhere in a string, any case; kept upper-cased. */
const CVE_RE = /CVE-\d{4}-\d{4,}/gi;

/** Upper-cased CVE ids in `s`, appended to `out`. */
export function addCves(out: string[], s: string): void {
  const found = s.match(CVE_RE);
  if (found) for (let i = 0; i < found.length; i++) out.push(found[i]!.toUpperCase());
}

/** Upper-cased CVE ids found in the strings, sorted and unique. */
export function cvesIn(values: Iterable<string | null | undefined>): string[] {
  const out: string[] = [];
  for (const v of values) if (v) addCves(out, v);
  return sortedUnique(out);
}

/** Sorted (code-unit order), duplicates removed. */
export function sortedUnique(values: string[]): string[] {
  if (values.length === 0) return [];
  if (values.length === 1) return [values[0]!];
  return [...new Set(values)].sort();
}

/** A GHSA id (`GHSA-…`, any case), as given. */
export const isGhsa = (id: string | null | undefined): id is string => id?.toUpperCase().startsWith('GHSA-') === true;

/** Field `index` of an ARN split on ':' (1 partition, 3 Region, 4 account); undefined when empty or not an ARN. */
export function arnField(arn: string | undefined, index: number): string | undefined {
  if (!arn?.startsWith('arn:')) return undefined;
  let start = 0;
  for (let i = 0; i < index; i++) {
    const colon = arn.indexOf(':', start);
    if (colon < 0) return undefined;
    start = colon + 1;
  }
  const end = arn.indexOf(':', start);
  return arn.slice(start, end < 0 ? arn.length : end) || undefined;
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

/**
 * The CVSS base score that counts, or undefined: a number 0–10 (numeric strings too); a score of 0
 * without a vector is "not scored" (GitHub, Inspector) and never counts.
 */
export function cvssScore(score: unknown, vector: string | undefined): number | undefined {
  const n = toNumber(score);
  return n === undefined || n < 0 || n > 10 || (n === 0 && !vector) ? undefined : n;
}

/** CVSS version from a vector ("CVSS:3.1/…" → "3.1"; a v2 vector has no prefix). */
export function cvssVersionOf(vector: string | null | undefined): string | undefined {
  if (!vector) return undefined;
  const m = /^CVSS:(\d+(?:\.\d+)?)\//i.exec(vector);
  if (m) return m[1];
  return /^\(?AV:[LAN]\/AC:[HML]\/Au:/.test(vector) ? '2.0' : undefined;
}

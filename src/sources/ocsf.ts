/**
 * GetFindingsV2 (OCSF) record → Finding. Pure. The model types OcsfFinding as an untyped
 * `document`; the fields read here are the OCSF paths the Smithy model names in its filter enums
 * (finding_info.*, severity_id, status_id, compliance.*, cloud.*, resources.*, vulnerabilities.*,
 * metadata.product.*), with OCSF 1.x enum ids. No real GetFindingsV2 response has been published,
 * so only what a Finding cannot do without is required (an id, a title, an update time, an account)
 * and every other field errs towards keeping the record and saying less.
 */
import { isoUtc, isTimeInRange } from '../model/time.js';
import * as z from '../vendor/zod.js';
import type { AwsResource, Cvss, Finding, FindingStatus, Kind, Severity } from '../model/finding.js';
import { accountProblem, addCves, awsClaims, cvssScore, isObj, nonEmpty, reject, sortedUnique, toNumber, webUrl } from './rules.js';
import { scrubTokens } from '../text/tokens.js';
import type { NormalizeResult, SourceAdapter } from './types.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
/** OCSF text: trimmed, blank reads as absent. */
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/**
 * An OCSF time: the ISO text (`*_dt`, read by the one time parser), else epoch milliseconds (a
 * number or numeric text) within the years secsli accepts (0000–9999).
 */
function isoTime(dt: unknown, epochMs: unknown): string | undefined {
  const s = str(dt);
  const fromText = s === undefined ? undefined : isoUtc(s);
  if (fromText) return fromText;
  const n = toNumber(epochMs);
  return n !== undefined && isTimeInRange(n) ? new Date(n).toISOString() : undefined;
}

// What a record must have; `read` checks these by hand, `ocsfSchema` says which one is missing.
const idOf = (r: Obj) => str(obj(r.finding_info).uid) ?? str(obj(r.metadata).uid);
const titleOf = (r: Obj) => str(obj(r.finding_info).title) ?? str(r.message);
const updatedAtOf = (r: Obj) => isoTime(obj(r.finding_info).modified_time_dt, obj(r.finding_info).modified_time) ?? isoTime(r.time_dt, r.time);
const accountOf = (r: Obj) => str(obj(obj(r.cloud).account).uid);

/** The record as the mapping reads it: any object with the required fields (read leniently). */
export type Ocsf = Obj;

function readOcsf(raw: unknown): Ocsf | undefined {
  return isObj(raw) && idOf(raw) && titleOf(raw) && updatedAtOf(raw) && accountOf(raw) ? raw : undefined;
}

// Every check aborts: a union reports its own `error` only when no option got past its checks.
const text = z.string().trim().min(1, { abort: true });
const dateText = text.refine((s) => isoUtc(s) !== undefined, { abort: true });
const epochMs = z.union([z.number(), text.pipe(z.coerce.number())]).refine((n) => isTimeInRange(n), { abort: true });
const at = (key: string, schema: z.ZodType) => z.looseObject({ [key]: schema });
/**
 * An object that one of `options` accepts; else one issue, `error`. zod reports a union's own issue
 * only when every option aborted (else the issues of the one that did not), and a one-option union
 * as that option: `never` makes even one option a union.
 */
const some = (options: ReturnType<typeof at>[], missing: string, first: string[], expected: string) =>
  z.union([...options, z.never()], {
    // "missing" only when it is: a value of the wrong type (an account id written as a number) is named as what it is.
    error: (iss) => {
      let v: unknown = iss.input;
      for (const k of first) v = isObj(v) ? (v as Obj)[k] : undefined;
      if (v === undefined || v === null) return missing;
      const shown = typeof v === 'string' ? (v.trim() === '' ? 'blank' : JSON.stringify(v.slice(0, 40))) : `a ${Array.isArray(v) ? 'list' : typeof v}`;
      return `${first.join('.')} is ${shown} (expected ${expected})`;
    },
  });

/** Each requirement in the order the mapping needs them; a pipe stops at the first unmet, so the reason names one. */
const ocsfSchema: z.ZodType<Ocsf> = z
  .looseObject({}, { error: 'not a JSON object' })
  .pipe(some([at('finding_info', at('uid', text)), at('metadata', at('uid', text))], 'missing finding_info.uid (and metadata.uid)', ['finding_info', 'uid'], 'a non-empty string'))
  .pipe(some([at('finding_info', at('title', text)), at('message', text)], 'missing finding_info.title', ['finding_info', 'title'], 'a non-empty string'))
  .pipe(
    some(
      [at('finding_info', at('modified_time_dt', dateText)), at('finding_info', at('modified_time', epochMs)), at('time_dt', dateText), at('time', epochMs)],
      'missing finding_info.modified_time_dt (and time_dt)',
      ['finding_info', 'modified_time_dt'],
      'an ISO 8601 time with its zone, or modified_time in epoch ms',
    ),
  )
  .pipe(some([at('cloud', at('account', at('uid', text)))], 'missing cloud.account.uid', ['cloud', 'account', 'uid'], 'the account id as a string'));

/** OCSF severity_id: 0 Unknown, 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical, 6 Fatal, 99 Other. */
const SEVERITY_BY_ID: Record<number, Severity> = { 1: 'info', 2: 'low', 3: 'medium', 4: 'high', 5: 'critical', 6: 'critical' };
const SEVERITY_BY_CAPTION: Record<string, Severity> = {
  informational: 'info',
  info: 'info',
  low: 'low',
  medium: 'medium',
  high: 'high',
  critical: 'critical',
  fatal: 'critical',
};
/** OCSF status_id: 0 Unknown, 1 New, 2 In Progress, 3 Suppressed, 4 Resolved, 5 Archived, 6 Deleted, 99 Other. */
const STATUS_BY_ID: Record<number, FindingStatus> = { 1: 'open', 2: 'open', 3: 'suppressed', 4: 'resolved', 5: 'resolved', 6: 'resolved' };
const STATUS_BY_CAPTION: Record<string, FindingStatus> = {
  new: 'open',
  'in progress': 'open',
  suppressed: 'suppressed',
  resolved: 'resolved',
  archived: 'resolved',
  deleted: 'resolved',
};
/** compliance.status_id: 0 Unknown, 1 Pass, 2 Warning, 3 Fail, 99 Other. */
const COMPLIANCE_BY_ID: Record<number, NonNullable<Finding['compliance']>> = { 1: 'passed', 2: 'warning', 3: 'failed' };
const COMPLIANCE_BY_CAPTION: Record<string, NonNullable<Finding['compliance']>> = { pass: 'passed', passed: 'passed', warning: 'warning', fail: 'failed', failed: 'failed' };

const THREAT_TYPE = /^(TTPs|Effects|Unusual Behaviors)(\/|$)/i;

function tags(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  // OCSF 1.1+: [{name, value}]; the MapFilter on resources.tags suggests a plain map is possible too.
  if (Array.isArray(v))
    for (const t of v) {
      const name = str(obj(t).name);
      if (name) out[name] = String(obj(t).value ?? '');
    }
  else if (isObj(v)) for (const [k, val] of Object.entries(v)) out[k] = String(val ?? '');
  return out;
}

function toFinding(raw: Ocsf): NormalizeResult {
  const info = obj(raw.finding_info);
  // Present: `read` and the schema require them.
  const nativeId = idOf(raw)!;
  const title = scrubTokens(titleOf(raw)!);
  const updatedAt = updatedAtOf(raw)!;
  const accountId = accountOf(raw)!;
  const badAccount = accountProblem('cloud.account.uid', accountId);
  if (badAccount) return reject(badAccount, nativeId);
  const firstSeen = isoTime(info.first_seen_time_dt, info.first_seen_time) ?? isoTime(info.created_time_dt, info.created_time) ?? updatedAt;

  // OCSF severity_id 0 (Unknown) and 99 (Other) say the source has no level: keep the finding, as
  // info, rather than lose it. A severity missing or spelt as no OCSF value is unreadable, as for
  // ASFF: read as info it had 0 points and a 365-day deadline, a critical gone quiet.
  const severityId = toNumber(raw.severity_id);
  const caption = (str(raw.severity) ?? '').toLowerCase();
  const severity =
    SEVERITY_BY_ID[severityId ?? -1] ??
    SEVERITY_BY_CAPTION[caption] ??
    (severityId === 0 || severityId === 99 || caption === 'unknown' || caption === 'other' ? 'info' : undefined);
  if (severity === undefined) {
    const shown = (v: unknown) => (v === undefined ? 'missing' : JSON.stringify(v).slice(0, 40));
    return reject(`severity_id (${shown(raw.severity_id)}) and severity (${shown(raw.severity)}) name no OCSF severity (severity_id 0–6 or 99)`, nativeId);
  }
  const status = STATUS_BY_ID[toNumber(raw.status_id) ?? -1] ?? STATUS_BY_CAPTION[(str(raw.status) ?? '').toLowerCase()] ?? 'open';

  const cloud = obj(raw.cloud);
  const region = str(cloud.region);
  const resources: AwsResource[] = arr(raw.resources)
    .map(obj)
    .filter((r) => str(r.uid))
    .map((r) => ({ id: str(r.uid)!, type: str(r.type) ?? 'Other', ...(str(r.region) ? { region: str(r.region)! } : {}), tags: tags(r.tags) }));

  const compliance = obj(raw.compliance);
  const complianceStatus = isObj(raw.compliance)
    ? (COMPLIANCE_BY_ID[toNumber(compliance.status_id) ?? -1] ?? COMPLIANCE_BY_CAPTION[(str(compliance.status) ?? '').toLowerCase()] ?? 'not_available')
    : undefined;
  const controlId = str(compliance.control);

  const vulns = arr(raw.vulnerabilities).map(obj);
  const cveList: string[] = [];
  const packages: string[] = [];
  let cvss: Cvss | undefined;
  let epss: Finding['epss'];
  let exploitAvailable = false;
  let knownExploited = false;
  let fixKnown = false;
  let fixAvailable = false;
  for (const v of vulns) {
    const cve = obj(v.cve);
    for (const id of [cve.uid, ...arr(v.related_vulnerabilities)]) {
      const s = str(id);
      if (s) addCves(cveList, s);
    }
    for (const c of arr(cve.cvss).map(obj)) {
      const vector = str(c.vector_string);
      const score = cvssScore(c.base_score, vector);
      if (score === undefined) continue;
      if (!cvss || score > cvss.score) cvss = { score, version: str(c.version) ?? 'unknown', ...(vector ? { vector } : {}) };
    }
    const e = obj(cve.epss);
    const probability = toNumber(e.score);
    const percentile = toNumber(e.percentile);
    if (probability !== undefined && percentile !== undefined && (!epss || percentile > epss.percentile)) epss = { probability, percentile };
    for (const p of arr(v.affected_packages).map(obj)) {
      const n = str(p.name);
      if (n) packages.push(n.toLowerCase());
    }
    if (v.is_exploit_available === true) exploitAvailable = true;
    if (str(v.exploit_last_seen_time_dt) || toNumber(v.exploit_last_seen_time) !== undefined) knownExploited = true;
    const coverage = (str(v.fix_coverage) ?? '').toUpperCase();
    if (typeof v.is_fix_available === 'boolean' || coverage) fixKnown = true;
    if (v.is_fix_available === true || coverage === 'COMPLETE' || coverage === 'PARTIAL') fixAvailable = true;
  }

  const types = arr(info.types)
    .map(str)
    .filter((t): t is string => !!t);
  const classUid = toNumber(raw.class_uid);
  // A compliance check is a misconfiguration whatever its types (see isControlCheck in asff-rules.ts).
  const control = classUid === 2003 || isObj(raw.compliance);
  const kind: Kind =
    classUid === 2004 || (!control && types.some((t) => THREAT_TYPE.test(t)))
      ? 'threat'
      : classUid === 2002 || vulns.length > 0
        ? 'vulnerability'
        : classUid === 2003 || isObj(raw.compliance)
          ? 'misconfiguration'
          : 'other';
  const closed = status !== 'open';
  const found = link(raw);
  const url = webUrl(found);

  const finding: Finding = {
    id: `securityhub:${nativeId}`,
    source: 'securityhub',
    nativeId,
    kind,
    title,
    severity,
    ...(cvss ? { cvss } : {}),
    ...(epss ? { epss } : {}),
    knownExploited,
    exploitAvailable,
    ...(fixKnown ? { fixAvailable } : {}),
    cves: sortedUnique(cveList),
    ...(controlId ? { controlId } : {}),
    packages: sortedUnique(packages),
    status,
    ...(complianceStatus ? { compliance: complianceStatus } : {}),
    ...(status === 'open' && (toNumber(raw.status_id) === 2 || str(raw.status)?.toLowerCase() === 'in progress') ? { acknowledged: true } : {}),
    firstSeen,
    updatedAt,
    ...(closed ? { closedAt: updatedAt } : {}),
    product: str(obj(obj(raw.metadata).product).name) ?? 'Security Hub',
    aws: { accountId, ...(region ? { region } : {}), resources },
    ...(url ? { url } : {}),
  };
  return { ok: true, finding };
}

/** The product's own page for the finding, when the record names one. */
const link = (r: Ocsf): string | undefined => str(obj(r.finding_info).src_url);

/** OCSF times come as ISO strings (`*_dt`) or epoch milliseconds. */
const syncTime = (v: unknown): string => (typeof v === 'number' && isTimeInRange(v) ? new Date(v).toISOString() : String(v ?? ''));

export const ocsf: SourceAdapter<Ocsf> = {
  id: 'ocsf',
  format: 'OCSF (Security Hub GetFindingsV2)',
  source: 'securityhub',
  recognise: (raw) => isObj(raw) && ('finding_info' in raw || 'class_uid' in raw) && !('SchemaVersion' in raw),
  read: readOcsf,
  schema: ocsfSchema,
  idOf: (raw) => (isObj(raw) ? idOf(raw) : undefined),
  claimsOf: (raw) =>
    isObj(raw)
      ? awsClaims(
          obj(obj(raw.cloud).account).uid,
          arr(raw.resources).map((r) => str(obj(r).uid)),
        )
      : undefined,
  toFinding,
  link,
  // Sync reads keys as given (untrimmed): the same text the store was keyed by.
  facts(raw) {
    const key = nonEmpty;
    const r = obj(raw);
    const info = obj(r.finding_info);
    const cloud = obj(r.cloud);
    const account = key(obj(cloud.account).uid);
    const region = key(cloud.region);
    const compliance = obj(r.compliance);
    return {
      id: key(info.uid) ?? key(obj(r.metadata).uid),
      updatedAt: syncTime(info.modified_time_dt ?? info.modified_time ?? r.time_dt ?? r.time),
      ...(account ? { account } : {}),
      ...(region ? { region } : {}),
      // What the full query (collectors/securityhub/filters.ts) returns: not Archived or Deleted, compliance not Pass.
      keep: r.status !== 'Archived' && r.status !== 'Deleted' && compliance.status !== 'Pass',
    };
  },
};

import type { AwsResource, Cvss, Finding, FindingStatus, Kind, Severity } from '../../model/finding.js';

/**
 * GetFindingsV2 (OCSF) record → Finding. Pure. The model types OcsfFinding as an untyped
 * `document`; the fields read here are the OCSF paths the Smithy model names in its filter enums
 * (finding_info.*, severity_id, status_id, compliance.*, cloud.*, resources.*, vulnerabilities.*,
 * metadata.product.*), with OCSF 1.x enum ids. No real GetFindingsV2 response has been published,
 * so every fallback here errs towards keeping the record and saying less.
 */

export type OcsfResult = { ok: true; finding: Finding } | { ok: false; reason: string; nativeId?: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const num = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
};

/** OCSF severity_id: 0 Unknown, 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical, 6 Fatal, 99 Other. */
const SEVERITY_BY_ID: Record<number, Severity> = { 1: 'info', 2: 'low', 3: 'medium', 4: 'high', 5: 'critical', 6: 'critical' };
const SEVERITY_BY_CAPTION: Record<string, Severity> = {
  informational: 'info', info: 'info', low: 'low', medium: 'medium', high: 'high', critical: 'critical', fatal: 'critical',
};
/** OCSF status_id: 0 Unknown, 1 New, 2 In Progress, 3 Suppressed, 4 Resolved, 5 Archived, 6 Deleted, 99 Other. */
const STATUS_BY_ID: Record<number, FindingStatus> = { 1: 'open', 2: 'open', 3: 'suppressed', 4: 'resolved', 5: 'resolved', 6: 'resolved' };
const STATUS_BY_CAPTION: Record<string, FindingStatus> = {
  new: 'open', 'in progress': 'open', suppressed: 'suppressed', resolved: 'resolved', archived: 'resolved', deleted: 'resolved',
};
/** compliance.status_id: 0 Unknown, 1 Pass, 2 Warning, 3 Fail, 99 Other. */
const COMPLIANCE_BY_ID: Record<number, NonNullable<Finding['compliance']>> = { 1: 'passed', 2: 'warning', 3: 'failed' };
const COMPLIANCE_BY_CAPTION: Record<string, NonNullable<Finding['compliance']>> = { pass: 'passed', passed: 'passed', warning: 'warning', fail: 'failed', failed: 'failed' };

const THREAT_TYPE = /^(TTPs|Effects|Unusual Behaviors)(\/|$)/i;

function isoTime(dt: unknown, epochMs: unknown): string | undefined {
  const s = str(dt);
  if (s && !Number.isNaN(Date.parse(s))) return new Date(Date.parse(s)).toISOString();
  const n = num(epochMs);
  return n !== undefined ? new Date(n).toISOString() : undefined;
}

function tags(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  // OCSF 1.1+: [{name, value}]; the MapFilter on resources.tags suggests a plain map is possible too.
  if (Array.isArray(v)) for (const t of v) { const name = str(obj(t).name); if (name) out[name] = String(obj(t).value ?? ''); }
  else if (isObj(v)) for (const [k, val] of Object.entries(v)) out[k] = String(val ?? '');
  return out;
}

export function normalizeOcsf(raw: unknown): OcsfResult {
  if (!isObj(raw)) return { ok: false, reason: 'not a JSON object' };
  const info = obj(raw.finding_info);
  const nativeId = str(info.uid) ?? str(obj(raw.metadata).uid);
  if (!nativeId) return { ok: false, reason: 'missing finding_info.uid (and metadata.uid)' };
  const fail = (reason: string): OcsfResult => ({ ok: false, reason, nativeId });

  const title = str(info.title) ?? str(raw.message);
  if (!title) return fail('missing finding_info.title');
  const updatedAt = isoTime(info.modified_time_dt, info.modified_time) ?? isoTime(raw.time_dt, raw.time);
  if (!updatedAt) return fail('missing finding_info.modified_time_dt (and time_dt)');
  const firstSeen = isoTime(info.first_seen_time_dt, info.first_seen_time) ?? isoTime(info.created_time_dt, info.created_time) ?? updatedAt;

  // OCSF severity_id 0 (Unknown) and 99 (Other) carry no level: keep the finding, as info, rather than lose it.
  const severity = SEVERITY_BY_ID[num(raw.severity_id) ?? -1] ?? SEVERITY_BY_CAPTION[(str(raw.severity) ?? '').toLowerCase()] ?? 'info';
  const status = STATUS_BY_ID[num(raw.status_id) ?? -1] ?? STATUS_BY_CAPTION[(str(raw.status) ?? '').toLowerCase()] ?? 'open';

  const cloud = obj(raw.cloud);
  const accountId = str(obj(cloud.account).uid);
  if (!accountId) return fail('missing cloud.account.uid');
  const region = str(cloud.region);
  const resources: AwsResource[] = arr(raw.resources)
    .map(obj)
    .filter((r) => str(r.uid))
    .map((r) => ({ id: str(r.uid)!, type: str(r.type) ?? 'Other', ...(str(r.region) ? { region: str(r.region)! } : {}), tags: tags(r.tags) }));

  const compliance = obj(raw.compliance);
  const complianceStatus = isObj(raw.compliance)
    ? (COMPLIANCE_BY_ID[num(compliance.status_id) ?? -1] ?? COMPLIANCE_BY_CAPTION[(str(compliance.status) ?? '').toLowerCase()] ?? 'not_available')
    : undefined;
  const controlId = str(compliance.control);

  const vulns = arr(raw.vulnerabilities).map(obj);
  const cves = new Set<string>();
  const packages = new Set<string>();
  let cvss: Cvss | undefined;
  let epss: Finding['epss'];
  let exploitAvailable = false;
  let knownExploited = false;
  let fixKnown = false;
  let fixAvailable = false;
  for (const v of vulns) {
    const cve = obj(v.cve);
    const cveId = str(cve.uid);
    if (cveId && /^CVE-\d{4}-\d+$/i.test(cveId)) cves.add(cveId.toUpperCase());
    for (const rel of arr(v.related_vulnerabilities)) { const r = str(rel); if (r && /^CVE-\d{4}-\d+$/i.test(r)) cves.add(r.toUpperCase()); }
    for (const c of arr(cve.cvss).map(obj)) {
      const score = num(c.base_score);
      // "Not scored" is reported as 0 without a vector: absent, not zero severity.
      if (score === undefined || (score === 0 && !str(c.vector_string))) continue;
      if (!cvss || score > cvss.score) cvss = { score, version: str(c.version) ?? 'unknown', ...(str(c.vector_string) ? { vector: str(c.vector_string)! } : {}) };
    }
    const e = obj(cve.epss);
    const probability = num(e.score);
    const percentile = num(e.percentile);
    if (probability !== undefined && percentile !== undefined && (!epss || percentile > epss.percentile)) epss = { probability, percentile };
    for (const p of arr(v.affected_packages).map(obj)) { const n = str(p.name); if (n) packages.add(n.toLowerCase()); }
    if (v.is_exploit_available === true) exploitAvailable = true;
    if (str(v.exploit_last_seen_time_dt) || num(v.exploit_last_seen_time) !== undefined) knownExploited = true;
    const coverage = (str(v.fix_coverage) ?? '').toUpperCase();
    if (typeof v.is_fix_available === 'boolean' || coverage) fixKnown = true;
    if (v.is_fix_available === true || coverage === 'COMPLETE' || coverage === 'PARTIAL') fixAvailable = true;
  }

  const types = arr(info.types).map(str).filter((t): t is string => !!t);
  const classUid = num(raw.class_uid);
  // A compliance check is a misconfiguration whatever its types (see isControlCheck in normalize.ts).
  const control = classUid === 2003 || isObj(raw.compliance);
  const kind: Kind =
    classUid === 2004 || (!control && types.some((t) => THREAT_TYPE.test(t))) ? 'threat'
      : classUid === 2002 || vulns.length > 0 ? 'vulnerability'
        : classUid === 2003 || isObj(raw.compliance) ? 'misconfiguration'
          : 'other';
  const closed = status !== 'open';

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
    cves: [...cves].sort(),
    ...(controlId ? { controlId } : {}),
    packages: [...packages].sort(),
    status,
    ...(complianceStatus ? { compliance: complianceStatus } : {}),
    ...(!closed && (num(raw.status_id) === 2 || str(raw.status)?.toLowerCase() === 'in progress') ? { acknowledged: true } : {}),
    firstSeen,
    updatedAt,
    ...(closed ? { closedAt: updatedAt } : {}),
    product: str(obj(obj(raw.metadata).product).name) ?? 'Security Hub',
    aws: { accountId, ...(region ? { region } : {}), resources },
    ...(str(info.src_url) ? { url: str(info.src_url)! } : {}),
  };
  return { ok: true, finding };
}

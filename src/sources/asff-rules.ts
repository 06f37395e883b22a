/**
 * ASFF field rules the mapping (asff.ts) applies: severity, workflow status, kind, product, control
 * id, the CVSS that counts, and the link back to the Security Hub console.
 */
import type { Cvss, FindingStatus, Kind, Severity } from '../model/finding.js';
import type { Asff, Vulnerability } from './asff-record.js';
import { arnField, cvssScore, cvssVersionOf, severityFromScore100 } from './rules.js';

const LABELS: Record<string, Severity> = { INFORMATIONAL: 'info', LOW: 'low', MEDIUM: 'medium', HIGH: 'high', CRITICAL: 'critical' };

/** Severity.Label, else Severity.Normalized (0–100), else the provider's label, else Severity.Product (0–10 or 0–100). */
/** The finding's level, from the first readable of Label, Normalized, the provider's Label, Product; undefined when none is. */
export function severityOf(f: Asff): Severity | undefined {
  const s = f.Severity;
  const fromLabel = LABELS[s?.Label?.toUpperCase() ?? ''];
  if (fromLabel) return fromLabel;
  if (s?.Normalized !== undefined && s.Normalized >= 0 && s.Normalized <= 100) return severityFromScore100(s.Normalized);
  const provider = LABELS[f.FindingProviderFields?.Severity?.Label?.toUpperCase() ?? ''];
  if (provider) return provider;
  const p = s?.Product;
  if (p !== undefined && p >= 0 && p <= 100) return severityFromScore100(p > 10 ? p : p * 10);
  return undefined;
}

export function complianceOf(status: string | undefined) {
  const map = { PASSED: 'passed', FAILED: 'failed', WARNING: 'warning', NOT_AVAILABLE: 'not_available' } as const;
  return map[(status?.toUpperCase() ?? '') as keyof typeof map];
}

/** Open, but the workflow left NEW (NOTIFIED): someone was told — an incident's response. */
export const acknowledged = (f: Asff, status: FindingStatus): boolean => status === 'open' && f.Workflow?.Status?.toUpperCase() === 'NOTIFIED';

/** Open only while ACTIVE and NEW/NOTIFIED (DESIGN.md); a PASSED control is coverage, not risk. */
export function statusOf(f: Asff, compliance: string | undefined): FindingStatus {
  if (f.RecordState?.toUpperCase() === 'ARCHIVED') return 'resolved';
  let status: FindingStatus;
  switch (f.Workflow?.Status?.toUpperCase()) {
    case 'NEW':
    case 'NOTIFIED':
      status = 'open';
      break;
    case 'RESOLVED':
      status = 'resolved';
      break;
    case 'SUPPRESSED':
      status = 'suppressed';
      break;
    default: // no Workflow: the deprecated WorkflowState (NEW, ASSIGNED, IN_PROGRESS, DEFERRED are open)
      status = f.WorkflowState?.toUpperCase() === 'RESOLVED' ? 'resolved' : 'open';
  }
  return status === 'open' && compliance === 'passed' ? 'resolved' : status;
}

const THREAT_NAMESPACES = new Set(['TTPs', 'Effects', 'Unusual Behaviors']);
const VULN_TYPE_PREFIX = 'Software and Configuration Checks/Vulnerabilities';

/**
 * A control check (a Compliance block or a Security Hub control GeneratorId) is a misconfiguration
 * whatever its Types: FSBP's S3.2 "S3 buckets should prohibit public read access" carries
 * `Effects/Data Exposure/…`, and is a public bucket, not a detection.
 */
const isControlCheck = (f: Asff): boolean => f.Compliance !== undefined || controlFromGenerator(f) !== undefined;

/**
 * GuardDuty, or a threat namespace in Types on a finding that is not a control check → threat;
 * vulnerabilities → vulnerability; a control or config check → misconfiguration.
 */
export function kindOf(f: Asff, hasVulns: boolean, product: string): Kind {
  if (product.toLowerCase() === 'guardduty' || /[:/]product\/aws\/guardduty$/i.test(f.ProductArn ?? '')) return 'threat';
  const control = isControlCheck(f);
  let threat = false;
  let vulnType = false;
  let configNs = false;
  for (const types of [f.Types, f.FindingProviderFields?.Types]) {
    if (!types) continue;
    for (let i = 0; i < types.length; i++) {
      const t = types[i]!;
      const slash = t.indexOf('/');
      const ns = (slash < 0 ? t : t.slice(0, slash)).trim();
      if (!control && THREAT_NAMESPACES.has(ns)) threat = true;
      if (ns === 'Software and Configuration Checks') configNs = true;
      if (t.startsWith(VULN_TYPE_PREFIX)) vulnType = true;
    }
  }
  if (threat) return 'threat';
  if (hasVulns || vulnType) return 'vulnerability';
  if (control || configNs) return 'misconfiguration';
  return 'other';
}

/** ProductName, else the product field Security Hub adds, else the ARN's last part ("…product/aws/inspector" → "inspector"). */
export function productOf(f: Asff): string {
  return f.ProductName || f.ProductFields?.['aws/securityhub/ProductName'] || f.ProductArn?.split('product/')[1]?.split('/').pop() || 'unknown';
}

/** "security-control/S3.8", "aws-foundational-security-best-practices/v/1.0.0/S3.8", "…/cis-aws-foundations-benchmark/v/1.2.0/rule/1.10". */
export function controlFromGenerator(f: Asff): string | undefined {
  const g = f.GeneratorId ?? '';
  const m = /^security-control\/(.+)$/.exec(g);
  if (m) return m[1];
  if (!/[:/]product\/aws\/securityhub$/.test(f.ProductArn ?? '')) return undefined;
  return /\/v\/[^/]+\/(?:rule\/)?([^/]+)$/.exec(g)?.[1];
}

/** The CVSS that counts: highest version wins (4.0 > 3.x > 2.0), then the highest score; with a vector over without. */
export function bestCvss(vulns: readonly Vulnerability[]): Cvss | undefined {
  let best: Cvss | undefined;
  let bestRank = -1;
  for (let i = 0; i < vulns.length; i++) {
    const list = vulns[i]!.Cvss;
    if (!list) continue;
    for (let j = 0; j < list.length; j++) {
      const c = list[j]!;
      const vector = c.BaseVector || undefined;
      const score = cvssScore(c.BaseScore, vector);
      if (score === undefined) continue;
      const version = c.Version ?? cvssVersionOf(vector) ?? 'unknown';
      const rank = (Number.parseFloat(version) || 0) * 100 + score;
      if (rank > bestRank || (rank === bestRank && vector && !best?.vector)) {
        best = vector ? { score, version, vector } : { score, version };
        bestRank = rank;
      }
    }
  }
  return best;
}

/** Region: the finding's own, else the ProductArn's, else the Id's (an ARN for most products). */
export const regionOf = (f: Asff): string | undefined => f.Region ?? arnField(f.ProductArn, 3) ?? arnField(f.Id, 3);
/** AWS partition ("aws", "aws-cn", "aws-us-gov") from the ProductArn or the Id. */
export const partitionOf = (f: Asff): string | undefined => arnField(f.ProductArn, 1) ?? arnField(f.Id, 1);

const CONSOLE_HOSTS: Record<string, string> = {
  'aws-us-gov': 'https://console.amazonaws-us-gov.com',
  'aws-cn': 'https://console.amazonaws.cn',
};

/**
 * The Security Hub console filtered to this finding's Id. The search value `Id=\operator\:EQUALS\:<Id>`
 * is encoded twice, as the console itself does in its links.
 */
export function consoleUrl(id: string, region: string | undefined, partition: string | undefined): string {
  if (id === last.id && region === last.region && partition === last.partition) return last.url;
  const host = CONSOLE_HOSTS[partition ?? ''] ?? 'https://console.aws.amazon.com';
  const search = encodeTwice(`\\operator\\:EQUALS\\:${id}`);
  const url = `${host}/securityhub/home?region=${region ?? 'us-east-1'}#/findings?search=Id%3D${search}`;
  last = { id, region, partition, url };
  return url;
}

/**
 * The last URL built. A finding's URL is asked for twice in a row: by the normalizer, and by the
 * compact store checking that the URL is the derived one (which it then does not keep).
 */
let last: { id: string | undefined; region: string | undefined; partition: string | undefined; url: string } = { id: undefined, region: undefined, partition: undefined, url: '' };

/** What encodeURIComponent leaves alone: A–Z a–z 0–9 - _ . ! ~ * ' ( ). */
const UNRESERVED = /^[A-Za-z0-9\-_.!~*'()]$/;
/** Per ASCII code: the character itself when unreserved, else `%XX` encoded again (`%25XX`). */
const TWICE: string[] = Array.from({ length: 128 }, (_, c) => {
  const ch = String.fromCharCode(c);
  return UNRESERVED.test(ch) ? ch : `%25${c.toString(16).toUpperCase().padStart(2, '0')}`;
});

/** `encodeURIComponent(encodeURIComponent(s))` in one pass for ASCII; anything else goes the native way. */
export function encodeTwice(s: string): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128) return encodeURIComponent(encodeURIComponent(s));
    const t = TWICE[c]!;
    if (t.length > 1) {
      out += s.slice(start, i) + t;
      start = i + 1;
    }
  }
  return start === 0 ? s : out + s.slice(start);
}

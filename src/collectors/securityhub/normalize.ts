/**
 * ASFF (AwsSecurityFinding) → Finding. Pure: no I/O, no clock.
 *
 * Real findings break the ASFF rules (no Severity.Label, no Workflow, no RecordState, no ProductName),
 * so only what a Finding cannot do without is required: Id, AwsAccountId, Title, UpdatedAt,
 * CreatedAt or FirstObservedAt, and a non-empty Resources array of {Id, Type}. Optional fields
 * of the wrong type are ignored rather than rejecting the finding.
 */
import { z } from 'zod';
import type { AwsResource, FindingStatus, Kind, Severity } from '../../model/finding.js';
import {
  cvesIn, isoTime, reject, severityFromScore100, sortedUnique, zodReason,
  type NormalizeResult,
} from '../read/normalize-result.js';
import { fromAsffFast, readAsffFast } from './fast-asff.js';
import { bestCvss } from './cvss.js';

const opt = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);
const optStr = opt(z.string());
const optNum = opt(z.number());
const strings = opt(z.array(z.unknown()).transform((a) => a.filter((x): x is string => typeof x === 'string')));
const stringMap = opt(
  z.record(z.string(), z.unknown()).transform((m) =>
    Object.fromEntries(Object.entries(m).filter((e): e is [string, string] => typeof e[1] === 'string').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  ),
);
const severitySchema = opt(z.looseObject({ Label: optStr, Normalized: optNum, Product: optNum }));

const vulnerabilitySchema = z.looseObject({
  Id: optStr,
  VulnerablePackages: opt(z.array(z.looseObject({ Name: optStr, FixedInVersion: optStr }))),
  Cvss: opt(z.array(z.looseObject({ Version: optStr, BaseScore: z.unknown(), BaseVector: optStr }))),
  RelatedVulnerabilities: strings,
  FixAvailable: optStr,
  ExploitAvailable: optStr,
  LastKnownExploitAt: optStr,
});

const asffSchema = z.looseObject({
  Id: z.string().min(1, { error: 'Id is empty' }),
  AwsAccountId: z.string().min(1, { error: 'AwsAccountId is empty' }),
  Title: z.string(),
  UpdatedAt: z.string(),
  CreatedAt: optStr,
  FirstObservedAt: optStr,
  Resources: z
    .array(z.looseObject({ Id: z.string().min(1), Type: z.string().min(1), Region: optStr, Tags: stringMap }), {
      error: (iss) => (iss.input === undefined ? undefined : 'Resources must be a non-empty array'),
    })
    .min(1, { error: 'Resources must be a non-empty array' }),
  ProductArn: optStr,
  ProductName: optStr,
  GeneratorId: optStr,
  Region: optStr,
  Types: strings,
  Severity: severitySchema,
  FindingProviderFields: opt(z.looseObject({ Severity: severitySchema, Types: strings })),
  Workflow: opt(z.looseObject({ Status: optStr })),
  WorkflowState: optStr,
  RecordState: optStr,
  Compliance: opt(z.looseObject({ Status: optStr, SecurityControlId: optStr })),
  ProductFields: stringMap,
  Vulnerabilities: opt(z.array(vulnerabilitySchema)),
});
export type Asff = z.infer<typeof asffSchema>;
export type Vulnerability = z.infer<typeof vulnerabilitySchema>;

/**
 * Plainly well-formed records are read by a hand-written fast path (`readAsffFast`), the rest by
 * the zod schema; both give the same Finding or rejection (test/collectors/fast-normalize.test.ts).
 */
export function normalizeAsff(raw: unknown): NormalizeResult {
  const fast = readAsffFast(raw);
  return fast ? fromAsffFast(fast) : normalizeAsffWithSchema(raw);
}

/** The reference path: every record through the zod schema. */
export function normalizeAsffWithSchema(raw: unknown): NormalizeResult {
  const parsed = asffSchema.safeParse(raw);
  const rawId = typeof raw === 'object' && raw !== null ? (raw as { Id?: unknown }).Id : undefined;
  const nativeId = typeof rawId === 'string' && rawId !== '' ? rawId : undefined;
  if (!parsed.success) {
    return reject(typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? zodReason(parsed.error) : 'record is not an object', nativeId);
  }
  return fromAsff(parsed.data);
}

/** Asff (as the schema reads it) → Finding: the reference implementation the fast path must agree with. */
export function fromAsff(f: Asff): NormalizeResult {
  const updatedAt = isoTime(f.UpdatedAt);
  if (!updatedAt) return reject(`UpdatedAt is not a timestamp: ${JSON.stringify(f.UpdatedAt)}`, f.Id);
  const firstSeen = isoTime(f.FirstObservedAt) ?? isoTime(f.CreatedAt);
  if (!firstSeen) return reject(f.CreatedAt === undefined ? 'missing CreatedAt' : `CreatedAt is not a timestamp: ${JSON.stringify(f.CreatedAt)}`, f.Id);

  const vulns = f.Vulnerabilities ?? [];
  const compliance = complianceOf(f.Compliance?.Status);
  const status = statusOf(f, compliance);
  const product = productOf(f);
  const knownExploited = vulns.some((v) => Boolean(v.LastKnownExploitAt));
  const cveSources = vulns.flatMap((v) => [v.Id, ...(v.RelatedVulnerabilities ?? [])]);
  const cves = cvesIn(cveSources);
  const ghsa = vulns.map((v) => v.Id).find((id) => id?.toUpperCase().startsWith('GHSA-'));
  const region = f.Region ?? arnPart(f.ProductArn, 3) ?? arnPart(f.Id, 3);
  const cvss = bestCvss(vulns);
  const fixAvailable = fixOf(vulns);
  const controlId = f.Compliance?.SecurityControlId ?? f.ProductFields?.ControlId ?? controlFromGenerator(f);

  return {
    ok: true,
    finding: {
      id: `securityhub:${f.Id}`,
      source: 'securityhub',
      nativeId: f.Id,
      kind: kindOf(f, vulns, product),
      title: f.Title,
      severity: severityOf(f),
      ...(cvss ? { cvss } : {}),
      knownExploited,
      exploitAvailable: knownExploited || vulns.some((v) => v.ExploitAvailable?.toUpperCase() === 'YES'),
      ...(fixAvailable === undefined ? {} : { fixAvailable }),
      cves: cves.length > 0 ? cves : cvesIn([f.Title]),
      ...(ghsa ? { ghsa } : {}),
      ...(controlId ? { controlId } : {}),
      packages: sortedUnique(vulns.flatMap((v) => v.VulnerablePackages ?? []).flatMap((p) => (p.Name ? [p.Name.toLowerCase()] : []))),
      status,
      ...(compliance ? { compliance } : {}),
      ...(acknowledged(f, status) ? { acknowledged: true } : {}),
      firstSeen,
      updatedAt,
      ...(status === 'open' ? {} : { closedAt: updatedAt }),
      product,
      aws: {
        accountId: f.AwsAccountId,
        ...(region ? { region } : {}),
        resources: f.Resources.map((r): AwsResource => ({ id: r.Id, type: r.Type, ...(r.Region ? { region: r.Region } : {}), tags: r.Tags ?? {} })),
      },
      url: consoleUrl(f.Id, region, arnPart(f.ProductArn, 1) ?? arnPart(f.Id, 1)),
    },
  };
}

const LABELS: Record<string, Severity> = { INFORMATIONAL: 'info', LOW: 'low', MEDIUM: 'medium', HIGH: 'high', CRITICAL: 'critical' };

export function severityOf(f: Asff): Severity {
  const s = f.Severity;
  const fromLabel = LABELS[s?.Label?.toUpperCase() ?? ''];
  if (fromLabel) return fromLabel;
  if (s?.Normalized !== undefined && s.Normalized >= 0 && s.Normalized <= 100) return severityFromScore100(s.Normalized);
  const provider = LABELS[f.FindingProviderFields?.Severity?.Label?.toUpperCase() ?? ''];
  if (provider) return provider;
  const p = s?.Product;
  if (p !== undefined && p >= 0 && p <= 100) return severityFromScore100(p > 10 ? p : p * 10);
  return 'info';
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

export const THREAT_NAMESPACES = new Set(['TTPs', 'Effects', 'Unusual Behaviors']);

/**
 * A control check (a Compliance block or a Security Hub control GeneratorId) is a misconfiguration
 * whatever its Types: FSBP's S3.2 "S3 buckets should prohibit public read access" carries
 * `Effects/Data Exposure/…`, and is a public bucket, not a detection.
 */
export const isControlCheck = (f: Asff): boolean => f.Compliance !== undefined || controlFromGenerator(f) !== undefined;

function kindOf(f: Asff, vulns: Vulnerability[], product: string): Kind {
  const types = [...(f.Types ?? []), ...(f.FindingProviderFields?.Types ?? [])];
  const namespaces = types.map((t) => t.split('/')[0]?.trim() ?? '');
  const guardDuty = product.toLowerCase() === 'guardduty' || /[:/]product\/aws\/guardduty$/i.test(f.ProductArn ?? '');
  const control = isControlCheck(f);
  if (guardDuty || (!control && namespaces.some((n) => THREAT_NAMESPACES.has(n)))) return 'threat';
  if (vulns.length > 0 || types.some((t) => t.startsWith('Software and Configuration Checks/Vulnerabilities'))) return 'vulnerability';
  if (control || namespaces.includes('Software and Configuration Checks')) return 'misconfiguration';
  return 'other';
}

function productOf(f: Asff): string {
  const fromArn = f.ProductArn?.split('product/')[1]?.split('/').pop();
  return f.ProductName || f.ProductFields?.['aws/securityhub/ProductName'] || fromArn || 'unknown';
}

/** FixAvailable YES/PARTIAL on any vulnerability → true, else NO → false; a FixedInVersion also counts. */
function fixOf(vulns: Vulnerability[]): boolean | undefined {
  const values = vulns.map((v) => v.FixAvailable?.toUpperCase());
  if (values.some((v) => v === 'YES' || v === 'PARTIAL')) return true;
  if (values.includes('NO')) return false;
  const fixed = vulns.flatMap((v) => v.VulnerablePackages ?? []).some((p) => p.FixedInVersion && p.FixedInVersion !== 'NotAvailable');
  return fixed ? true : undefined;
}

/** "security-control/S3.8", "aws-foundational-security-best-practices/v/1.0.0/S3.8", "…/cis-aws-foundations-benchmark/v/1.2.0/rule/1.10". */
export function controlFromGenerator(f: Asff): string | undefined {
  const g = f.GeneratorId ?? '';
  const m = /^security-control\/(.+)$/.exec(g);
  if (m) return m[1];
  if (!/[:/]product\/aws\/securityhub$/.test(f.ProductArn ?? '')) return undefined;
  return /\/v\/[^/]+\/(?:rule\/)?([^/]+)$/.exec(g)?.[1];
}

export function arnPart(arn: string | undefined, index: number): string | undefined {
  if (!arn?.startsWith('arn:')) return undefined;
  return arn.split(':')[index] || undefined;
}

const CONSOLE_HOSTS: Record<string, string> = {
  'aws-us-gov': 'https://console.amazonaws-us-gov.com',
  'aws-cn': 'https://console.amazonaws.cn',
};

/**
 * The Security Hub console filtered to this finding's Id. The search value `Id=\operator\:EQUALS\:<Id>`
 * is encoded twice, as the console itself does in its links.
 */
export function consoleUrl(id: string, region: string | undefined, partition: string | undefined): string {
  const host = CONSOLE_HOSTS[partition ?? ''] ?? 'https://console.aws.amazon.com';
  const search = encodeTwice(`\\operator\\:EQUALS\\:${id}`);
  return `${host}/securityhub/home?region=${region ?? 'us-east-1'}#/findings?search=Id%3D${search}`;
}

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

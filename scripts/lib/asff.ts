/**
 * Builders for AWS Security Finding Format records as `aws securityhub get-findings` prints them.
 * Shapes follow the real samples copied into test/fixtures/securityhub/ (see its SOURCE.md).
 */
import { platformLabel, type AwsResource, type LangManager, type Platform } from './acme.js';
import type { AsffLabel, Control, LangVuln, OsVuln, Sev, ThreatType } from './catalog.js';
import type { Rng } from './prng.js';
import { daysAgo, isoMillis } from './time.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Asff = { [key: string]: Json };

const NORMALIZED: Record<AsffLabel, number> = { INFORMATIONAL: 0, LOW: 1, MEDIUM: 40, HIGH: 70, CRITICAL: 90 };

function labelFromScore(score: number): AsffLabel {
  if (score >= 9) return 'CRITICAL';
  if (score >= 7) return 'HIGH';
  if (score >= 4) return 'MEDIUM';
  if (score > 0) return 'LOW';
  return 'INFORMATIONAL';
}
function labelFromSev(sev: Sev): AsffLabel {
  return sev.toUpperCase() as AsffLabel;
}

/** Where a finding stands, in ASFF terms. */
export interface Lifecycle {
  createdMs: number;
  /** Last time the product looked at it. */
  lastObservedMs: number;
  updatedMs: number;
  workflow: 'NEW' | 'NOTIFIED' | 'RESOLVED' | 'SUPPRESSED';
  record: 'ACTIVE' | 'ARCHIVED';
  /** Pre-2020 style: only `WorkflowState`, no `Workflow` object. */
  legacyWorkflow?: boolean;
  /** Only `Severity.Normalized` (and Product), no `Label`. */
  noSeverityLabel?: boolean;
  note?: { text: string; by: string };
}

const WORKFLOW_STATE: Record<Lifecycle['workflow'], string> = { NEW: 'NEW', NOTIFIED: 'ASSIGNED', RESOLVED: 'RESOLVED', SUPPRESSED: 'DEFERRED' };

/** Replace "@N" (N days ago) and "@launch"/"@created" placeholders in resource details. */
function resolveDetails(value: unknown, rng: Rng): Json {
  if (typeof value === 'string' && value.startsWith('@')) {
    const n = Number(value.slice(1));
    const ms = Number.isFinite(n) ? daysAgo(n) : daysAgo(rng.int(220, 900));
    return isoMillis(ms).replace(/\.\d{3}Z$/, 'Z');
  }
  if (Array.isArray(value)) return value.map((v) => resolveDetails(v, rng));
  if (value && typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolveDetails(v, rng);
    return out;
  }
  return value as Json;
}

export function resourceBlock(res: AwsResource, rng: Rng, withDetails = true): Json {
  const block: { [key: string]: Json } = { Type: res.type, Id: res.arn, Partition: 'aws', Region: res.region };
  if (Object.keys(res.tags).length > 0) block.Tags = { ...res.tags };
  if (withDetails && res.details) block.Details = resolveDetails(res.details, rng);
  return block;
}

function severityBlock(label: AsffLabel, life: Lifecycle, original?: string, product?: number): Json {
  if (life.noSeverityLabel) {
    if (product !== undefined) return { Product: product, Normalized: product <= 10 ? Math.round(product * 10) : product };
    return { Product: NORMALIZED[label], Normalized: NORMALIZED[label] };
  }
  const s: { [key: string]: Json } = {};
  if (product !== undefined) s.Product = product;
  s.Label = label;
  s.Normalized = product !== undefined && product <= 10 ? Math.round(product * 10) : NORMALIZED[label];
  if (original !== undefined) s.Original = original;
  return s;
}

function applyLifecycle(f: Asff, life: Lifecycle): void {
  f.WorkflowState = WORKFLOW_STATE[life.workflow];
  if (!life.legacyWorkflow) f.Workflow = { Status: life.workflow };
  f.RecordState = life.record;
  if (life.note) f.Note = { Text: life.note.text, UpdatedBy: life.note.by, UpdatedAt: isoMillis(life.updatedMs) };
}

function times(life: Lifecycle): Asff {
  return {
    FirstObservedAt: isoMillis(life.createdMs),
    LastObservedAt: isoMillis(life.lastObservedMs),
    CreatedAt: isoMillis(life.createdMs),
    UpdatedAt: isoMillis(life.updatedMs),
  };
}

// --------------------------------------------------------------------------- Inspector

const DISTRO: Record<Platform, { v: string; f: string; cmd: (p: string) => string; arch: string }> = {
  al2: { v: '1.amzn2.0.1', f: '1.amzn2.0.3', cmd: (p) => `yum update ${p}`, arch: 'x86_64' },
  al2023: { v: '1.amzn2023.0.2', f: '1.amzn2023.0.5', cmd: (p) => `dnf update --releasever=latest ${p}`, arch: 'x86_64' },
  debian12: { v: '1+deb12u1', f: '1+deb12u3', cmd: (p) => `apt-get install --only-upgrade ${p}`, arch: 'amd64' },
  ubuntu2204: { v: '0ubuntu1.2', f: '0ubuntu1.5', cmd: (p) => `apt-get install --only-upgrade ${p}`, arch: 'amd64' },
  alpine318: { v: 'r0', f: 'r2', cmd: (p) => `apk upgrade ${p}`, arch: 'x86_64' },
};

export interface InspectorVuln {
  kind: 'os' | 'lang';
  cve: string;
  /** Package names as Inspector lists them. */
  packages: Json[];
  title: string;
  description: string;
  score: number;
  vector: string | null;
  sevLabel: AsffLabel;
  epss: number;
  exploit: boolean;
  lastKnownExploitAt?: string;
  fix: 'YES' | 'NO' | 'PARTIAL';
  vendor: Json;
  refs: string[];
}

export function osInspectorVuln(v: OsVuln, platform: Platform): InspectorVuln {
  const d = DISTRO[platform];
  const pkg: Json = {
    Name: v.pkg,
    Version: v.base,
    Epoch: '0',
    Release: d.v,
    Architecture: d.arch,
    PackageManager: 'OS',
    FixedInVersion: `0:${v.fixed}-${d.f}`,
    Remediation: d.cmd(v.pkg),
  };
  const iv: InspectorVuln = {
    kind: 'os',
    cve: v.cve,
    packages: [pkg],
    title: `${v.cve} - ${v.pkg}`,
    description: v.summary,
    score: v.score,
    vector: v.vector,
    sevLabel: labelFromScore(v.score),
    epss: v.epss[0],
    exploit: v.exploit === true,
    fix: 'YES',
    vendor: {
      Name: platform.startsWith('al') ? 'AMAZON_CVE' : 'NVD',
      Url: platform.startsWith('al') ? `https://alas.aws.amazon.com/cve/html/${v.cve}.html` : `https://nvd.nist.gov/vuln/detail/${v.cve}`,
      VendorSeverity: v.score >= 9 ? 'critical' : v.score >= 7 ? 'important' : 'medium',
      VendorCreatedAt: v.published,
      VendorUpdatedAt: v.published.replace(/^(\d{4})/, (y) => String(Math.min(Number(y) + 1, 2026))),
    },
    refs: [`https://nvd.nist.gov/vuln/detail/${v.cve}`, `https://www.cve.org/CVERecord?id=${v.cve}`],
  };
  if (v.lastKnownExploitAt) iv.lastKnownExploitAt = v.lastKnownExploitAt;
  return iv;
}

function filePath(v: LangVuln, manager: LangManager, root: string): string {
  const short = v.pkg.includes(':') ? (v.pkg.split(':')[1] ?? v.pkg) : v.pkg;
  switch (manager) {
    case 'JAR':
      return `${root}/${short}-${v.vulnerable}.jar`;
    case 'NPM':
    case 'NODEPKG':
      return `${root}/${v.pkg}/package.json`;
    case 'PYTHONPKG':
      return `${root}/${v.pkg}-${v.vulnerable}.dist-info/METADATA`;
    case 'GOBINARY':
      return root;
  }
}

export function langInspectorVuln(v: LangVuln, manager: LangManager, root: string): InspectorVuln {
  const cve = v.cve ?? v.ghsa;
  const names = v.pkg === 'org.apache.logging.log4j:log4j-core' ? ['org.apache.logging.log4j:log4j-api', v.pkg] : [v.pkg];
  const packages: Json[] = names.map((name) => ({
    Name: name,
    Version: v.vulnerable,
    Epoch: '0',
    PackageManager: manager,
    FilePath: filePath({ ...v, pkg: name }, manager, root),
    FixedInVersion: v.patched ?? 'NotAvailable',
    Remediation: v.patched ? `Upgrade ${name} to ${v.patched} or later.` : 'None Provided',
  }));
  const iv: InspectorVuln = {
    kind: 'lang',
    cve,
    packages,
    title: `${cve} - ${names.join(', ')}`,
    description: `${v.summary}. Affected versions: ${v.range}.`,
    score: v.score,
    vector: v.vector,
    sevLabel: v.score > 0 ? labelFromScore(v.score) : labelFromSev(v.severity),
    epss: v.epss[0],
    exploit: v.exploit === true,
    fix: v.patched ? (names.length > 1 ? 'PARTIAL' : 'YES') : 'NO',
    vendor: {
      Name: 'NVD',
      Url: `https://nvd.nist.gov/vuln/detail/${cve}`,
      VendorSeverity: v.severity.toUpperCase(),
      VendorCreatedAt: v.published,
    },
    refs: [`https://nvd.nist.gov/vuln/detail/${cve}`, `https://github.com/advisories/${v.ghsa}`],
  };
  if (v.lastKnownExploitAt) iv.lastKnownExploitAt = v.lastKnownExploitAt;
  return iv;
}

export function inspectorFinding(res: AwsResource, iv: InspectorVuln, life: Lifecycle, rng: Rng, findingHex = rng.hex(32)): Asff {
  const id = `arn:aws:inspector2:${res.region}:${res.account}:finding/${findingHex}`;
  const closed = life.record === 'ARCHIVED' && life.workflow === 'RESOLVED';
  const productFields: { [key: string]: Json } = {
    'aws/inspector/FindingStatus': closed ? 'CLOSED' : life.workflow === 'SUPPRESSED' ? 'SUPPRESSED' : 'ACTIVE',
    'aws/inspector/inspectorScore': iv.score > 0 ? iv.score.toFixed(1) : '0.0',
    'aws/inspector/ProductVersion': '2',
  };
  const platform = res.inspector?.platform;
  if (res.type === 'AwsEcrContainerImage' && platform) {
    productFields['aws/inspector/resources/1/resourceDetails/awsEcrContainerImageDetails/platform'] = platformLabel(platform);
  }
  if (res.type === 'AwsEc2Instance' && platform) {
    productFields['aws/inspector/resources/1/resourceDetails/awsEc2InstanceDetails/platform'] = platformLabel(platform);
  }
  productFields['aws/securityhub/FindingId'] = `arn:aws:securityhub:${res.region}::product/aws/inspector/${id}`;
  productFields['aws/securityhub/ProductName'] = 'Inspector';
  productFields['aws/securityhub/CompanyName'] = 'Amazon';

  const vuln: { [key: string]: Json } = { Id: iv.cve, VulnerablePackages: iv.packages };
  if (iv.vector && iv.score > 0) {
    vuln.Cvss = [{ Version: '3.1', BaseScore: iv.score, BaseVector: iv.vector, Source: 'NVD', Adjustments: [] }];
  }
  vuln.Vendor = iv.vendor;
  vuln.ReferenceUrls = iv.refs;
  vuln.FixAvailable = iv.fix;
  vuln.EpssScore = iv.epss;
  vuln.ExploitAvailable = iv.exploit ? 'YES' : 'NO';
  if (iv.lastKnownExploitAt) vuln.LastKnownExploitAt = iv.lastKnownExploitAt;

  const types = ['Software and Configuration Checks/Vulnerabilities/CVE'];
  const f: Asff = {
    SchemaVersion: '2018-10-08',
    Id: id,
    ProductArn: `arn:aws:securityhub:${res.region}::product/aws/inspector`,
    ProductName: 'Inspector',
    CompanyName: 'Amazon',
    Region: res.region,
    GeneratorId: 'AWSInspector',
    AwsAccountId: res.account,
    Types: types,
    ...times(life),
    Severity: severityBlock(iv.sevLabel, life),
    Title: iv.title,
    Description: iv.description,
    Remediation: {
      Recommendation: {
        Text: iv.kind === 'os' ? 'Upgrade your installed software packages to the proposed fixed in version and release.' : 'None Provided',
      },
    },
    ProductFields: productFields,
    Resources: [resourceBlock(res, rng)],
  };
  applyLifecycle(f, life);
  f.Vulnerabilities = [vuln];
  f.FindingProviderFields = { Severity: { Label: iv.sevLabel }, Types: types };
  return f;
}

// --------------------------------------------------------------------------- Security Hub controls

export interface ControlOptions {
  compliance: 'PASSED' | 'FAILED' | 'WARNING' | 'NOT_AVAILABLE';
  /** Standards-specific ("subscription/…") finding with ProductFields.ControlId, as before consolidated control findings. */
  legacyId?: boolean;
  /** Pre-2023 record with ProductFields.ControlId but no Compliance.SecurityControlId. */
  noSecurityControlId?: boolean;
}

const FSBP = 'standards/aws-foundational-security-best-practices/v/1.0.0';

export function controlFinding(res: AwsResource, c: Control, life: Lifecycle, opts: ControlOptions, rng: Rng): Asff {
  const uuid = rng.uuid();
  const acct = res.account;
  const region = res.region;
  const id = opts.legacyId
    ? `arn:aws:securityhub:${region}:${acct}:subscription/aws-foundational-security-best-practices/v/1.0.0/${c.id}/finding/${uuid}`
    : `arn:aws:securityhub:${region}:${acct}:security-control/${c.id}/finding/${uuid}`;
  const passedLike = opts.compliance === 'PASSED' || opts.compliance === 'NOT_AVAILABLE';
  const label: AsffLabel = passedLike ? 'INFORMATIONAL' : c.severity;
  const types = opts.legacyId
    ? ['Software and Configuration Checks/Industry and Regulatory Standards/AWS-Foundational-Security-Best-Practices']
    : ['Software and Configuration Checks/Industry and Regulatory Standards'];
  const remediationUrl = `https://docs.aws.amazon.com/console/securityhub/${c.id}/remediation`;

  const pf: { [key: string]: Json } = {};
  if (opts.legacyId) {
    pf.StandardsArn = `arn:aws:securityhub:::${FSBP}`;
    pf.StandardsSubscriptionArn = `arn:aws:securityhub:${region}:${acct}:subscription/aws-foundational-security-best-practices/v/1.0.0`;
    pf.ControlId = c.id;
    pf.RecommendationUrl = remediationUrl;
  }
  pf['RelatedAWSResources:0/name'] = `${c.configRule}-${rng.hex(8)}`;
  pf['RelatedAWSResources:0/type'] = 'AWS::Config::ConfigRule';
  if (opts.legacyId) pf.StandardsControlArn = `arn:aws:securityhub:${region}:${acct}:control/aws-foundational-security-best-practices/v/1.0.0/${c.id}`;
  pf['aws/securityhub/ProductName'] = 'Security Hub';
  pf['aws/securityhub/CompanyName'] = 'AWS';
  pf['Resources:0/Id'] = res.arn;
  pf['aws/securityhub/FindingId'] = `arn:aws:securityhub:${region}::product/aws/securityhub/${id}`;

  const compliance: { [key: string]: Json } = { Status: opts.compliance };
  if (c.requirements && !opts.legacyId) compliance.RelatedRequirements = c.requirements;
  if (!opts.noSecurityControlId) compliance.SecurityControlId = c.id;
  compliance.AssociatedStandards = [{ StandardsId: FSBP }];
  if (opts.compliance === 'NOT_AVAILABLE') {
    compliance.StatusReasons = [
      {
        ReasonCode: 'CONFIG_EVALUATIONS_EMPTY',
        Description:
          'AWS Config evaluated your resources against the rule. The rule did not apply to the AWS resources in its scope, the specified resources were deleted, or the evaluation results were deleted.',
      },
    ];
  }

  const f: Asff = {
    SchemaVersion: '2018-10-08',
    Id: id,
    ProductArn: `arn:aws:securityhub:${region}::product/aws/securityhub`,
    ProductName: 'Security Hub',
    CompanyName: 'AWS',
    Region: region,
    GeneratorId: opts.legacyId ? `aws-foundational-security-best-practices/v/1.0.0/${c.id}` : `security-control/${c.id}`,
    AwsAccountId: acct,
    Types: types,
    ...times(life),
    Severity: severityBlock(label, life, label),
    Title: opts.legacyId ? `${c.id} ${c.title}` : c.title,
    Description: c.description,
    Remediation: {
      Recommendation: {
        Text: 'For information on how to correct this issue, consult the AWS Security Hub controls documentation.',
        Url: remediationUrl,
      },
    },
    ProductFields: pf,
    Resources: [resourceBlock(res, rng, res.type !== 'AwsAccount')],
    Compliance: compliance,
  };
  applyLifecycle(f, life);
  f.FindingProviderFields = { Severity: { Label: label, Original: label }, Types: types };
  return f;
}

// --------------------------------------------------------------------------- GuardDuty

export interface ThreatTarget {
  /** The resource block as GuardDuty reports it. */
  resource: Json;
  region: string;
  account: string;
  /** Used in the title. */
  name: string;
}

export function guardDutyFinding(t: ThreatType, target: ThreatTarget, life: Lifecycle, count: number, rng: Rng, detectorId: string): Asff {
  const findingId = rng.hex(32);
  const id = `arn:aws:guardduty:${target.region}:${target.account}:detector/${detectorId}/finding/${findingId}`;
  const label: AsffLabel = t.gdSeverity >= 7 ? 'HIGH' : t.gdSeverity >= 4 ? 'MEDIUM' : 'LOW';
  const pf: { [key: string]: Json } = {
    'aws/guardduty/service/action/actionType': t.actionType,
    'aws/guardduty/service/archived': String(life.record === 'ARCHIVED'),
    'aws/guardduty/service/count': String(count),
    'aws/guardduty/service/detectorId': detectorId,
    'aws/guardduty/service/eventFirstSeen': isoMillis(life.createdMs),
    'aws/guardduty/service/eventLastSeen': isoMillis(life.lastObservedMs),
    'aws/guardduty/service/resourceRole': t.gdType.startsWith('UnauthorizedAccess:EC2/SSH') || t.gdType.startsWith('Recon') ? 'TARGET' : 'ACTOR',
    'aws/guardduty/service/serviceName': 'guardduty',
    'aws/securityhub/FindingId': `arn:aws:securityhub:${target.region}::product/aws/guardduty/${id}`,
    'aws/securityhub/ProductName': 'GuardDuty',
    'aws/securityhub/CompanyName': 'Amazon',
  };
  const f: Asff = {
    SchemaVersion: '2018-10-08',
    Id: id,
    ProductArn: `arn:aws:securityhub:${target.region}::product/aws/guardduty`,
    ProductName: 'GuardDuty',
    CompanyName: 'Amazon',
    Region: target.region,
    GeneratorId: `arn:aws:guardduty:${target.region}:${target.account}:detector/${detectorId}`,
    AwsAccountId: target.account,
    Types: [t.asffType],
    ...times(life),
    Severity: severityBlock(label, life, String(t.gdSeverity), t.gdSeverity),
    Title: t.title(target.name),
    Description: t.description(target.name),
    SourceUrl: `https://${target.region}.console.aws.amazon.com/guardduty/home?region=${target.region}#/findings?macros=current&fId=${findingId}`,
    ProductFields: pf,
    Resources: [target.resource],
  };
  if (t.actionType === 'NETWORK_CONNECTION' || t.actionType === 'PORT_PROBE') {
    f.Network = {
      Direction: pf['aws/guardduty/service/resourceRole'] === 'TARGET' ? 'IN' : 'OUT',
      Protocol: 'TCP',
      SourceIpV4: pf['aws/guardduty/service/resourceRole'] === 'TARGET' ? '198.51.100.23' : '10.0.12.4',
      SourcePort: rng.int(32768, 60999),
      DestinationPort: t.gdType.includes('SSH') ? 22 : t.gdType.includes('PortProbe') ? 5432 : 4444,
    };
  }
  applyLifecycle(f, life);
  f.FindingProviderFields = { Severity: { Label: label, Original: String(t.gdSeverity) }, Types: [t.asffType] };
  return f;
}

/** Milliseconds, `days` ago plus a random offset within that day, for spreading timestamps. */
export function jitteredDaysAgo(days: number, rng: Rng): number {
  return daysAgo(days) - rng.int(0, 86_399_999);
}

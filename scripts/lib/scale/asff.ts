/**
 * Security Hub findings (ASFF, as `aws securityhub get-findings` prints them): Inspector CVE
 * findings, Security Hub CSPM control findings and GuardDuty detections. Record i is a pure
 * function of (seed, i), so a later record can re-emit an earlier one (same Id, other UpdatedAt).
 */
import { CONTROLS, THREATS, type Vuln } from './catalog.js';
import { rngFor, type Rand } from './prng.js';
import type { Resource, World } from './world.js';

export const REF_MS = Date.UTC(2026, 10, 27);
const DAY = 86_400_000;
export const iso = (ms: number) => new Date(ms).toISOString();
const pastMs = (r: Rand, maxDays: number) => REF_MS - Math.floor(r.next() * maxDays * DAY) - 60_000;

export interface Pools {
  world: World;
  lang: Vuln[];
  os: Vuln[];
  kev: Vuln[];
  /** KEV entries with a GitHub ecosystem (for Dependabot). */
  kevLang: Vuln[];
  /** Assets that claim repositories. */
  repoAssets: World['assets'];
}

const STREAM_PICK = 1;
const STREAM_BODY = 2;

/** Finding i: mostly its own record; ~0.5 % re-emit an earlier record with a different UpdatedAt. */
export function securityHubFinding(seed: number, i: number, p: Pools): object {
  const r = rngFor(seed, STREAM_PICK, i);
  if (i >= 50 && r.chance(0.005)) {
    const j = i - 1 - r.below(Math.min(i, 5000));
    const rec = baseFinding(seed, j, p) as { UpdatedAt: string; LastObservedAt: string };
    const created = Date.parse(rec.UpdatedAt);
    const later = r.chance(0.5);
    rec.UpdatedAt = rec.LastObservedAt = iso(later ? Math.min(REF_MS - 1000, created + r.int(1, 3) * DAY) : created - r.int(1, 3) * 3_600_000);
    return rec;
  }
  return baseFinding(seed, i, p);
}

function baseFinding(seed: number, i: number, p: Pools): object {
  const r = rngFor(seed, STREAM_BODY, i);
  const { assets, orphanResources } = p.world;
  const unmapped = r.chance(0.05);
  const asset = unmapped ? undefined : assets[Math.floor(assets.length * r.next() ** 1.6)]!;
  const kind = r.weighted([
    ['inspector', 80],
    ['control', 17],
    ['guardduty', 3],
  ] as const);
  const pool = asset ? asset.resources : orphanResources;
  const hexId = i.toString(16).padStart(8, '0') + r.hex(24);
  if (kind === 'control') return controlFinding(r, r.pick(pool), hexId);
  if (kind === 'guardduty') {
    const target = pool.find((x) => x.type === 'AwsEc2Instance') ?? pool.find((x) => x.type === 'AwsLambdaFunction') ?? pool[0]!;
    return guardDutyFinding(r, target, hexId);
  }
  const scannable = pool.filter((x) => x.type === 'AwsEcrContainerImage' || x.type === 'AwsEc2Instance' || x.type === 'AwsLambdaFunction');
  const res = r.pick(scannable.length ? scannable : pool);
  const v = r.chance(0.003) ? r.pick(p.kev) : res.type === 'AwsLambdaFunction' || (res.type === 'AwsEcrContainerImage' && r.chance(0.5)) ? r.pick(p.lang) : r.pick(p.os);
  return inspectorFinding(r, res, v, hexId);
}

function common(r: Rand, res: Resource, id: string, product: string, companyName: string, generatorId: string, types: string[]) {
  const created = pastMs(r, 420);
  const updated = Math.min(REF_MS - 1000, created + Math.floor(r.next() * (REF_MS - created)));
  return {
    SchemaVersion: '2018-10-08',
    Id: id,
    ProductArn: `arn:aws:securityhub:${res.region}::product/aws/${product.toLowerCase().replace(/\s+/g, '')}`,
    ProductName: product,
    CompanyName: companyName,
    Region: res.region,
    GeneratorId: generatorId,
    AwsAccountId: res.account,
    Types: types,
    FirstObservedAt: iso(created),
    LastObservedAt: iso(updated),
    CreatedAt: iso(created),
    UpdatedAt: iso(updated),
  };
}

function resourceBlock(res: Resource, details?: object): object {
  return {
    Type: res.type,
    Id: res.arn,
    Partition: 'aws',
    Region: res.region,
    ...(res.tags ? { Tags: res.tags } : {}),
    ...(details ? { Details: details } : {}),
  };
}

const workflow = (status: string, archived: boolean) => ({
  WorkflowState: status === 'NOTIFIED' ? 'ASSIGNED' : status === 'SUPPRESSED' ? 'DEFERRED' : status,
  Workflow: { Status: status },
  RecordState: archived ? 'ARCHIVED' : 'ACTIVE',
});

function inspectorFinding(r: Rand, res: Resource, v: Vuln, hex: string): object {
  const id = `arn:aws:inspector2:${res.region}:${res.account}:finding/${hex}`;
  const base = common(r, res, id, 'Inspector', 'Amazon', 'AWSInspector', ['Software and Configuration Checks/Vulnerabilities/CVE']);
  const status = r.weighted([
    ['NEW', 78],
    ['NOTIFIED', 5],
    ['RESOLVED', 12],
    ['SUPPRESSED', 5],
  ] as const);
  const label = v.sev.toUpperCase();
  const details =
    res.type === 'AwsEcrContainerImage'
      ? {
          AwsEcrContainerImage: {
            RegistryId: res.account,
            RepositoryName: res.repoName,
            Architecture: 'amd64',
            ImageDigest: res.digest,
            ImageTags: [`v${r.int(1, 9)}.${r.int(0, 30)}.${r.int(0, 9)}`],
          },
        }
      : res.type === 'AwsLambdaFunction'
        ? { AwsLambdaFunction: { FunctionName: res.arn.split(':').pop(), Runtime: 'python3.12', Handler: 'app.handler' } }
        : { AwsEc2Instance: { Type: 'm6i.large', ImageId: `ami-0${r.hex(16)}` } };
  return {
    ...base,
    Severity: { Label: label, Normalized: { LOW: 1, MEDIUM: 40, HIGH: 70, CRITICAL: 90 }[label] },
    Title: `${v.cve} - ${v.pkg}`,
    Description: `${v.summary}. Affected versions: < ${v.fixed ?? 'none'}.`,
    Remediation: { Recommendation: { Text: v.fixed ? `Upgrade ${v.pkg} to ${v.fixed} or later.` : 'None Provided' } },
    ProductFields: {
      'aws/inspector/FindingStatus': status === 'RESOLVED' ? 'CLOSED' : status === 'SUPPRESSED' ? 'SUPPRESSED' : 'ACTIVE',
      'aws/inspector/inspectorScore': String(v.score),
      'aws/inspector/ProductVersion': '2',
      'aws/securityhub/FindingId': `arn:aws:securityhub:${res.region}::product/aws/inspector/${id}`,
      'aws/securityhub/ProductName': 'Inspector',
      'aws/securityhub/CompanyName': 'Amazon',
    },
    Resources: [resourceBlock(res, details)],
    ...workflow(status, status === 'RESOLVED'),
    Vulnerabilities: [
      {
        Id: v.cve,
        VulnerablePackages: [
          {
            Name: v.pkg,
            Version: v.version,
            Epoch: '0',
            PackageManager: v.manager,
            ...(v.fixed ? { FixedInVersion: v.fixed, Remediation: `Upgrade ${v.pkg} to ${v.fixed} or later.` } : {}),
          },
        ],
        Cvss: [{ Version: '3.1', BaseScore: v.score, BaseVector: v.vector, Source: 'NVD', Adjustments: [] }],
        Vendor: { Name: 'NVD', Url: `https://nvd.nist.gov/vuln/detail/${v.cve}`, VendorSeverity: label },
        ReferenceUrls: [`https://nvd.nist.gov/vuln/detail/${v.cve}`],
        FixAvailable: v.fixed ? 'YES' : 'NO',
        EpssScore: v.epss,
        ExploitAvailable: v.exploit ? 'YES' : 'NO',
        ...(v.exploit && r.chance(0.1) ? { LastKnownExploitAt: iso(pastMs(r, 200)) } : {}),
      },
    ],
    FindingProviderFields: { Severity: { Label: label }, Types: ['Software and Configuration Checks/Vulnerabilities/CVE'] },
  };
}

function controlFinding(r: Rand, res: Resource, hex: string): object {
  const c = r.pick(CONTROLS.filter((x) => x.types.includes(res.type)));
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  const id = `arn:aws:securityhub:${res.region}:${res.account}:security-control/${c.id}/finding/${uuid}`;
  const base = common(r, res, id, 'Security Hub', 'AWS', `security-control/${c.id}`, ['Software and Configuration Checks/Industry and Regulatory Standards']);
  const passed = r.chance(0.45);
  const status = passed
    ? 'RESOLVED'
    : r.weighted([
        ['NEW', 85],
        ['NOTIFIED', 5],
        ['SUPPRESSED', 10],
      ] as const);
  const label = passed ? 'INFORMATIONAL' : c.sev;
  return {
    ...base,
    Severity: { Label: label, Normalized: { INFORMATIONAL: 0, LOW: 1, MEDIUM: 40, HIGH: 70, CRITICAL: 90 }[label], Original: label },
    Title: c.title,
    Description: `This control checks whether ${c.title.toLowerCase()}.`,
    Remediation: {
      Recommendation: {
        Text: 'For information on how to correct this issue, consult the AWS Security Hub controls documentation.',
        Url: `https://docs.aws.amazon.com/console/securityhub/${c.id}/remediation`,
      },
    },
    ProductFields: {
      'aws/securityhub/ProductName': 'Security Hub',
      'aws/securityhub/CompanyName': 'AWS',
      'Resources:0/Id': res.arn,
      'aws/securityhub/FindingId': `arn:aws:securityhub:${res.region}::product/aws/securityhub/${id}`,
    },
    Resources: [resourceBlock(res)],
    Compliance: {
      Status: passed ? 'PASSED' : 'FAILED',
      SecurityControlId: c.id,
      AssociatedStandards: [{ StandardsId: 'standards/aws-foundational-security-best-practices/v/1.0.0' }],
    },
    ...workflow(status, false),
    FindingProviderFields: { Severity: { Label: label, Original: label }, Types: ['Software and Configuration Checks/Industry and Regulatory Standards'] },
  };
}

function guardDutyFinding(r: Rand, res: Resource, hex: string): object {
  const [type, title, sevProduct] = r.pick(THREATS);
  const detector = hex.slice(8, 24) + hex.slice(0, 16);
  const id = `arn:aws:guardduty:${res.region}:${res.account}:detector/${detector}/finding/${hex}`;
  const ns = type.startsWith('Behavior') ? 'Unusual Behaviors/VM' : type.startsWith('Recon') ? 'TTPs/Discovery' : 'TTPs/Command and Control';
  const base = common(r, res, id, 'GuardDuty', 'Amazon', `arn:aws:guardduty:${res.region}:${res.account}:detector/${detector}`, [`${ns}/${type}`]);
  const label = sevProduct >= 7 ? 'HIGH' : sevProduct >= 4 ? 'MEDIUM' : 'LOW';
  const archived = r.chance(0.3);
  return {
    ...base,
    Severity: { Product: sevProduct, Label: label, Normalized: sevProduct * 10, Original: String(sevProduct) },
    Title: title,
    Description: `${title} Detected by GuardDuty.`,
    SourceUrl: `https://${res.region}.console.aws.amazon.com/guardduty/home?region=${res.region}#/findings?macros=current&fId=${hex}`,
    ProductFields: {
      'aws/guardduty/service/archived': String(archived),
      'aws/guardduty/service/count': String(r.int(1, 500)),
      'aws/guardduty/service/detectorId': detector,
      'aws/securityhub/FindingId': `arn:aws:securityhub:${res.region}::product/aws/guardduty/${id}`,
      'aws/securityhub/ProductName': 'GuardDuty',
      'aws/securityhub/CompanyName': 'Amazon',
    },
    Resources: [resourceBlock(res)],
    ...workflow(archived ? 'RESOLVED' : 'NEW', archived),
    FindingProviderFields: { Severity: { Label: label, Original: String(sevProduct) }, Types: [`${ns}/${type}`] },
  };
}

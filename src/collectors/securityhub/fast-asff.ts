/**
 * The fast path of `normalizeAsff`: reads a plainly well-formed ASFF record into exactly what
 * `asffSchema.safeParse(raw).data` holds for the fields the normalizer reads, with typeof checks
 * instead of zod. Returns undefined when the schema would reject the record (or when this reader
 * cannot be sure): the caller then runs the schema, so rejection reasons come from zod, unchanged.
 */
import type { AwsResource, Finding, Kind } from '../../model/finding.js';
import { GIVE_UP, isObj, objectList, optNum, optStr, optStringMap, optStrings } from '../read/fast-read.js';
import { isoTime, type NormalizeResult } from '../read/normalize-result.js';
import {
  acknowledged, complianceOf, consoleUrl, controlFromGenerator, fromAsff, isControlCheck, severityOf, statusOf, THREAT_NAMESPACES, type Asff, type Vulnerability,
} from './normalize.js';
import { bestCvss } from './cvss.js';

type Severity = NonNullable<Asff['Severity']>;
type Resource = Asff['Resources'][number];

export function readAsffFast(raw: unknown): Asff | undefined {
  if (!isObj(raw)) return undefined;
  const r = raw;
  const Id = r.Id;
  const AwsAccountId = r.AwsAccountId;
  const Title = r.Title;
  const UpdatedAt = r.UpdatedAt;
  if (typeof Id !== 'string' || Id.length < 1) return undefined;
  if (typeof AwsAccountId !== 'string' || AwsAccountId.length < 1) return undefined;
  if (typeof Title !== 'string' || typeof UpdatedAt !== 'string') return undefined;
  const Resources = resourcesOf(r.Resources);
  if (!Resources) return undefined;
  const ProductFields = optStringMap(r.ProductFields);
  if (ProductFields === GIVE_UP) return undefined;
  const Vulnerabilities = vulnerabilitiesOf(r.Vulnerabilities);
  const fpf = r.FindingProviderFields;
  const workflow = r.Workflow;
  const compliance = r.Compliance;
  return {
    Id,
    AwsAccountId,
    Title,
    UpdatedAt,
    CreatedAt: optStr(r.CreatedAt),
    FirstObservedAt: optStr(r.FirstObservedAt),
    Resources,
    ProductArn: optStr(r.ProductArn),
    ProductName: optStr(r.ProductName),
    GeneratorId: optStr(r.GeneratorId),
    Region: optStr(r.Region),
    Types: optStrings(r.Types),
    Severity: readSeverity(r.Severity),
    FindingProviderFields: isObj(fpf) ? { Severity: readSeverity(fpf.Severity), Types: optStrings(fpf.Types) } : undefined,
    Workflow: isObj(workflow) ? { Status: optStr(workflow.Status) } : undefined,
    WorkflowState: optStr(r.WorkflowState),
    RecordState: optStr(r.RecordState),
    Compliance: isObj(compliance) ? { Status: optStr(compliance.Status), SecurityControlId: optStr(compliance.SecurityControlId) } : undefined,
    ProductFields,
    Vulnerabilities,
  };
}

function readSeverity(v: unknown): Severity | undefined {
  if (!isObj(v)) return undefined;
  return { Label: optStr(v.Label), Normalized: optNum(v.Normalized), Product: optNum(v.Product) };
}

/** Required: a non-empty array of objects with non-empty string Id and Type; anything else is zod's to explain. */
function resourcesOf(v: unknown): Resource[] | undefined {
  if (!Array.isArray(v) || v.length < 1) return undefined;
  return objectList(v, (e) => {
    const { Id, Type } = e;
    if (typeof Id !== 'string' || Id.length < 1 || typeof Type !== 'string' || Type.length < 1) return undefined;
    const Tags = optStringMap(e.Tags);
    return Tags === GIVE_UP ? undefined : { Id, Type, Region: optStr(e.Region), Tags };
  });
}

/** `opt(z.array(vulnerabilitySchema))`: one element that is not an object drops the whole array. */
function vulnerabilitiesOf(v: unknown): Vulnerability[] | undefined {
  return objectList(v, (e) => ({
    Id: optStr(e.Id),
    VulnerablePackages: objectList(e.VulnerablePackages, (p) => ({ Name: optStr(p.Name), FixedInVersion: optStr(p.FixedInVersion) })),
    Cvss: cvssOf(e.Cvss),
    RelatedVulnerabilities: optStrings(e.RelatedVulnerabilities),
    FixAvailable: optStr(e.FixAvailable),
    ExploitAvailable: optStr(e.ExploitAvailable),
    LastKnownExploitAt: optStr(e.LastKnownExploitAt),
  }));
}

function cvssOf(v: unknown): Vulnerability['Cvss'] {
  // `BaseScore: z.unknown()` is a required key to zod: present (even as undefined), or the list is dropped.
  return objectList(v, (e) => ('BaseScore' in e ? { Version: optStr(e.Version), BaseScore: e.BaseScore, BaseVector: optStr(e.BaseVector) } : undefined));
}

const VULN_TYPE_PREFIX = 'Software and Configuration Checks/Vulnerabilities';
const CVE_IN = /CVE-\d{4}-\d{4,}/gi;

/**
 * `fromAsff`, with the same result (same keys in the same order), written for speed: loops instead
 * of flatMap chains, no throw-away objects, lazy fallbacks. Records whose times do not parse go
 * through `fromAsff` itself for the rejection.
 */
export function fromAsffFast(f: Asff): NormalizeResult {
  const updatedAt = isoTime(f.UpdatedAt);
  const firstSeen = updatedAt && (isoTime(f.FirstObservedAt) ?? isoTime(f.CreatedAt));
  if (!updatedAt || !firstSeen) return fromAsff(f);

  const vulns = f.Vulnerabilities ?? [];
  const compliance = complianceOf(f.Compliance?.Status);
  const status = statusOf(f, compliance);
  const product = f.ProductName || f.ProductFields?.['aws/securityhub/ProductName'] || productFromArn(f.ProductArn) || 'unknown';

  let knownExploited = false;
  let exploitYes = false;
  let fixYes = false;
  let fixNo = false;
  let ghsa: string | undefined;
  const cveList: string[] = [];
  for (let i = 0; i < vulns.length; i++) {
    const v = vulns[i]!;
    if (v.LastKnownExploitAt) knownExploited = true;
    if (v.ExploitAvailable?.toUpperCase() === 'YES') exploitYes = true;
    const fix = v.FixAvailable?.toUpperCase();
    if (fix === 'YES' || fix === 'PARTIAL') fixYes = true;
    else if (fix === 'NO') fixNo = true;
    const id = v.Id;
    if (ghsa === undefined && id?.toUpperCase().startsWith('GHSA-')) ghsa = id;
    if (id) addCves(cveList, id);
    const related = v.RelatedVulnerabilities;
    if (related) for (let j = 0; j < related.length; j++) if (related[j]) addCves(cveList, related[j]!);
  }
  let cves = unique(cveList);
  if (cves.length === 0) {
    addCves(cveList, f.Title);
    cves = unique(cveList);
  }

  let fixAvailable: boolean | undefined;
  if (fixYes) fixAvailable = true;
  else if (fixNo) fixAvailable = false;
  const names: string[] = [];
  for (let i = 0; i < vulns.length; i++) {
    const pkgs = vulns[i]!.VulnerablePackages;
    if (!pkgs) continue;
    for (let j = 0; j < pkgs.length; j++) {
      const p = pkgs[j]!;
      if (p.Name) names.push(p.Name.toLowerCase());
      if (fixAvailable === undefined && !fixYes && !fixNo && p.FixedInVersion && p.FixedInVersion !== 'NotAvailable') fixAvailable = true;
    }
  }

  const region = f.Region ?? arnField(f.ProductArn, 3) ?? arnField(f.Id, 3);
  const cvss = bestCvss(vulns);
  const controlId = f.Compliance?.SecurityControlId ?? f.ProductFields?.ControlId ?? controlFromGenerator(f);

  const resources: AwsResource[] = new Array<AwsResource>(f.Resources.length);
  for (let i = 0; i < f.Resources.length; i++) {
    const r = f.Resources[i]!;
    resources[i] = r.Region ? { id: r.Id, type: r.Type, region: r.Region, tags: r.Tags ?? {} } : { id: r.Id, type: r.Type, tags: r.Tags ?? {} };
  }

  // Keys in the order `fromAsff` spreads them.
  const finding = {
    id: `securityhub:${f.Id}`,
    source: 'securityhub',
    nativeId: f.Id,
    kind: kindOf(f, vulns.length > 0, product),
    title: f.Title,
    severity: severityOf(f),
  } as Finding;
  if (cvss) finding.cvss = cvss;
  finding.knownExploited = knownExploited;
  finding.exploitAvailable = knownExploited || exploitYes;
  if (fixAvailable !== undefined) finding.fixAvailable = fixAvailable;
  finding.cves = cves;
  if (ghsa) finding.ghsa = ghsa;
  if (controlId) finding.controlId = controlId;
  finding.packages = unique(names);
  finding.status = status;
  if (compliance) finding.compliance = compliance;
  if (acknowledged(f, status)) finding.acknowledged = true;
  finding.firstSeen = firstSeen;
  finding.updatedAt = updatedAt;
  if (status !== 'open') finding.closedAt = updatedAt;
  finding.product = product;
  finding.aws = region ? { accountId: f.AwsAccountId, region, resources } : { accountId: f.AwsAccountId, resources };
  finding.url = consoleUrl(f.Id, region, arnField(f.ProductArn, 1) ?? arnField(f.Id, 1));
  return { ok: true, finding };
}

/** Upper-cased CVE ids in `s`, appended (as `cvesIn` collects them). */
function addCves(out: string[], s: string): void {
  const found = s.match(CVE_IN);
  if (found) for (let i = 0; i < found.length; i++) out.push(found[i]!.toUpperCase());
}

/** `sortedUnique`. */
function unique(values: string[]): string[] {
  if (values.length === 0) return [];
  if (values.length === 1) return [values[0]!];
  return [...new Set(values)].sort();
}

/** `productOf`'s last resort: "arn:…:product/aws/inspector" → "inspector". */
function productFromArn(arn: string | undefined): string | undefined {
  return arn?.split('product/')[1]?.split('/').pop();
}

/** `arnPart`: field `index` of an ARN split on ':', undefined when empty or not an ARN. */
function arnField(arn: string | undefined, index: number): string | undefined {
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

function kindOf(f: Asff, hasVulns: boolean, product: string): Kind {
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


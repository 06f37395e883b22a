/**
 * AWS Security Finding Format (GetFindings, `aws securityhub get-findings`) → Finding. Pure: no I/O,
 * no clock. The record (schema and fast reader) is in asff-record.ts, the field rules in asff-rules.ts.
 */
import type { AwsResource, Finding } from '../model/finding.js';
import { asffSchema, readAsff, type Asff } from './asff-record.js';
import { acknowledged, bestCvss, complianceOf, consoleUrl, controlFromGenerator, kindOf, partitionOf, productOf, regionOf, severityOf, statusOf } from './asff-rules.js';
import { accountProblem, addCves, awsClaims, isGhsa, isObj, isoTime, nonEmpty as str, reject, sortedUnique } from './rules.js';
import { scrubTokens } from '../text/tokens.js';
import type { NormalizeResult, SourceAdapter } from './types.js';

/**
 * The one mapping, written for speed (it runs on every record): loops instead of flatMap chains, no
 * throw-away objects, lazy fallbacks; keys in a fixed order (reports serialize findings).
 */
function toFinding(f: Asff): NormalizeResult {
  const badAccount = accountProblem('AwsAccountId', f.AwsAccountId);
  if (badAccount) return reject(badAccount, f.Id);
  const updatedAt = isoTime(f.UpdatedAt);
  if (!updatedAt) return reject(`UpdatedAt is not a timestamp: ${JSON.stringify(f.UpdatedAt)}`, f.Id);
  const firstSeen = isoTime(f.FirstObservedAt) ?? isoTime(f.CreatedAt);
  if (!firstSeen) return reject(f.CreatedAt === undefined ? 'missing CreatedAt' : `CreatedAt is not a timestamp: ${JSON.stringify(f.CreatedAt)}`, f.Id);
  // Unreadable is not "informational": a made-up level would understate (or overstate) the risk.
  const severity = severityOf(f);
  if (!severity) {
    // Only the fields read are quoted: the same reason from the fast reader and the schema (which drops other keys).
    const s = f.Severity;
    const got = s
      ? {
          ...(s.Label !== undefined ? { Label: s.Label } : {}),
          ...(s.Normalized !== undefined ? { Normalized: s.Normalized } : {}),
          ...(s.Product !== undefined ? { Product: s.Product } : {}),
        }
      : null;
    return reject(`Severity: expected a Label of INFORMATIONAL, LOW, MEDIUM, HIGH or CRITICAL (or Normalized 0–100); got ${JSON.stringify(got)}`, f.Id);
  }

  const vulns = f.Vulnerabilities ?? [];
  const compliance = complianceOf(f.Compliance?.Status);
  const status = statusOf(f, compliance);
  const product = productOf(f);

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
    if (ghsa === undefined && isGhsa(id)) ghsa = id;
    if (id) addCves(cveList, id);
    const related = v.RelatedVulnerabilities;
    if (related) for (let j = 0; j < related.length; j++) if (related[j]) addCves(cveList, related[j]!);
  }
  // No CVE on the vulnerabilities: the title may name one ("CVE-2021-44228 - log4j").
  if (cveList.length === 0) addCves(cveList, f.Title);
  const cves = sortedUnique(cveList);

  // FixAvailable YES/PARTIAL on any vulnerability → true, else NO → false; else a FixedInVersion counts.
  let fixAvailable: boolean | undefined = fixYes ? true : fixNo ? false : undefined;
  const names: string[] = [];
  let fixedIn: string | undefined;
  for (let i = 0; i < vulns.length; i++) {
    const pkgs = vulns[i]!.VulnerablePackages;
    if (!pkgs) continue;
    for (let j = 0; j < pkgs.length; j++) {
      const p = pkgs[j]!;
      if (p.Name) names.push(p.Name.toLowerCase());
      if (p.FixedInVersion && p.FixedInVersion !== 'NotAvailable') {
        if (fixAvailable === undefined) fixAvailable = true;
        fixedIn ??= p.FixedInVersion;
      }
    }
  }

  const region = regionOf(f);
  const cvss = bestCvss(vulns);
  const controlId = f.Compliance?.SecurityControlId ?? f.ProductFields?.ControlId ?? controlFromGenerator(f);

  const resources: AwsResource[] = new Array<AwsResource>(f.Resources.length);
  for (let i = 0; i < f.Resources.length; i++) {
    const r = f.Resources[i]!;
    resources[i] = r.Region ? { id: r.Id, type: r.Type, region: r.Region, tags: r.Tags ?? {} } : { id: r.Id, type: r.Type, tags: r.Tags ?? {} };
  }

  const finding = {
    id: `securityhub:${f.Id}`,
    source: 'securityhub',
    nativeId: f.Id,
    kind: kindOf(f, vulns.length > 0, product),
    title: scrubTokens(f.Title),
    severity,
  } as Finding;
  if (cvss) finding.cvss = cvss;
  finding.knownExploited = knownExploited;
  finding.exploitAvailable = knownExploited || exploitYes;
  if (fixAvailable !== undefined) finding.fixAvailable = fixAvailable;
  if (fixedIn !== undefined) finding.fixedIn = fixedIn;
  finding.cves = cves;
  if (ghsa) finding.ghsa = ghsa;
  if (controlId) finding.controlId = controlId;
  finding.packages = sortedUnique(names);
  finding.status = status;
  if (compliance) finding.compliance = compliance;
  if (acknowledged(f, status)) finding.acknowledged = true;
  finding.firstSeen = firstSeen;
  finding.updatedAt = updatedAt;
  if (status !== 'open') finding.closedAt = updatedAt;
  finding.product = product;
  finding.aws = region ? { accountId: f.AwsAccountId, region, resources } : { accountId: f.AwsAccountId, resources };
  finding.url = consoleUrl(f.Id, region, partitionOf(f));
  return { ok: true, finding };
}

export const asff: SourceAdapter<Asff> = {
  id: 'asff',
  format: 'AWS Security Finding Format (ASFF)',
  source: 'securityhub',
  recognise: (raw) => isObj(raw) && ('SchemaVersion' in raw || 'AwsAccountId' in raw) && !('finding_info' in raw),
  read: readAsff,
  schema: asffSchema,
  idOf: (raw) => (isObj(raw) ? str(raw.Id) : undefined),
  claimsOf: (raw) =>
    isObj(raw)
      ? awsClaims(
          raw.AwsAccountId,
          (Array.isArray(raw.Resources) ? raw.Resources : []).map((r: unknown) => (isObj(r) ? str(r.Id) : undefined)),
        )
      : undefined,
  toFinding,
  link: (f) => consoleUrl(f.Id, regionOf(f), partitionOf(f)),
  facts(raw) {
    const r = (isObj(raw) ? raw : {}) as { Id?: unknown; UpdatedAt?: unknown; AwsAccountId?: unknown; Region?: unknown; RecordState?: unknown; Compliance?: { Status?: unknown } };
    const account = str(r.AwsAccountId);
    const region = str(r.Region);
    return {
      id: str(r.Id),
      updatedAt: String(r.UpdatedAt ?? ''),
      ...(account ? { account } : {}),
      ...(region ? { region } : {}),
      // What the full query (collectors/securityhub/filters.ts) returns: RecordState ACTIVE, compliance not PASSED.
      keep: r.RecordState === 'ACTIVE' && r.Compliance?.Status !== 'PASSED',
    };
  },
};

import { readFileSync } from 'node:fs';

/**
 * Builders for emulator seeds, starting from real shapes copied into test/fakes/data/ (AWS docs
 * FSBP control finding, a recorded Inspector finding, GitHub's documented repository alert list).
 */

type Obj = Record<string, any>;
const load = (name: string): Obj => JSON.parse(readFileSync(new URL(`./data/${name}`, import.meta.url), 'utf8')) as Obj;
const clone = <T>(v: T): T => structuredClone(v);

const CONTROL = load('asff-control-finding.json');
const INSPECTOR = load('asff-inspector-finding.json');
const ALERTS = load('dependabot-alerts-for-repository.json') as unknown as Obj[];

const iso = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();

export interface AsffSeed {
  account?: string;
  region?: string;
  kind?: 'control' | 'inspector';
  compliance?: 'PASSED' | 'FAILED' | 'WARNING';
  recordState?: 'ACTIVE' | 'ARCHIVED';
  workflow?: 'NEW' | 'NOTIFIED' | 'RESOLVED' | 'SUPPRESSED';
  id?: string;
}

export function makeAsff(i: number, s: AsffSeed = {}): Obj {
  const f = clone(s.kind === 'inspector' ? INSPECTOR : CONTROL);
  const account = s.account ?? '111122223333';
  const region = s.region ?? 'eu-west-1';
  f.Id = s.id ?? `arn:aws:securityhub:${region}:${account}:finding/${String(i).padStart(6, '0')}`;
  f.AwsAccountId = account;
  f.Region = region;
  f.CreatedAt = iso(i);
  f.UpdatedAt = iso(i + 1);
  f.RecordState = s.recordState ?? 'ACTIVE';
  f.Workflow = { Status: s.workflow ?? 'NEW' };
  if (s.kind === 'inspector') delete f.Compliance;
  else f.Compliance = { ...(f.Compliance ?? {}), Status: s.compliance ?? 'FAILED' };
  return f;
}

export interface OcsfSeed {
  account?: string;
  region?: string;
  status?: string;
  compliance?: 'Pass' | 'Fail';
}

/** An OCSF Vulnerability/Compliance finding built from the fields the model's filter enums name (see test/fixtures/ocsf/SOURCE.md). */
export function makeOcsf(i: number, s: OcsfSeed = {}): Obj {
  const account = s.account ?? '111122223333';
  const region = s.region ?? 'eu-west-1';
  const uid = `arn:aws:securityhub:${region}:${account}:finding/ocsf-${String(i).padStart(6, '0')}`;
  return {
    class_uid: s.compliance ? 2003 : 2002,
    class_name: s.compliance ? 'Compliance Finding' : 'Vulnerability Finding',
    severity_id: 4,
    severity: 'High',
    status_id: s.status === 'Archived' ? 5 : 1,
    status: s.status ?? 'New',
    metadata: { uid, product: { name: s.compliance ? 'Security Hub' : 'Inspector', vendor_name: 'AWS' } },
    cloud: { provider: 'AWS', region, account: { uid: account } },
    finding_info: { uid, title: `finding ${i}`, created_time_dt: iso(i), modified_time_dt: iso(i + 1), types: ['Software and Configuration Checks/Vulnerabilities/CVE'] },
    resources: [{ uid: `arn:aws:ecr:${region}:${account}:repository/app/sha256:${i}`, type: 'AwsEcrContainerImage', region }],
    ...(s.compliance ? { compliance: { status: s.compliance, status_id: s.compliance === 'Pass' ? 1 : 3, control: 'S3.8' } } : {}),
    ...(s.compliance ? {} : { vulnerabilities: [{ cve: { uid: `CVE-2024-${1000 + i}` }, is_exploit_available: false }] }),
  };
}

/** A repository-shaped alert for owner/repo #number (no `repository` key, as the repo endpoint returns). */
export function makeAlert(owner: string, repo: string, number: number, state: 'open' | 'fixed' | 'dismissed' = 'open'): Obj {
  const a = clone(ALERTS[number % ALERTS.length]!);
  a.number = number;
  a.state = state;
  a.url = `https://api.github.com/repos/${owner}/${repo}/dependabot/alerts/${number}`;
  a.html_url = `https://github.com/${owner}/${repo}/security/dependabot/${number}`;
  a.created_at = iso(number);
  a.updated_at = iso(number + 1);
  return a;
}

export function alertsFor(owner: string, repo: string, n: number): Obj[] {
  return Array.from({ length: n }, (_, i) => makeAlert(owner, repo, i + 1, i % 5 === 4 ? 'fixed' : 'open'));
}

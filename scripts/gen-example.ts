/**
 * Generates the bundled example (examples/*.json and examples/README.md) for the fictional
 * company in the root assets.yaml. Deterministic: a seeded PRNG and a fixed reference date
 * (2026-11-27T00:00:00Z), so running it twice gives byte-identical files.
 *
 *   npm run build && npm run gen:example      # = tsc, then node dist/scripts/gen-example.js
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACCOUNTS, APNE1, DEV_NPM, ORG, REPOS, RESOURCES, resource, type AwsResource, type Manifest } from './lib/acme.js';
import {
  controlFinding,
  guardDutyFinding,
  inspectorFinding,
  jitteredDaysAgo,
  langInspectorVuln,
  osInspectorVuln,
  resourceBlock,
  type Asff,
  type ControlOptions,
  type InspectorVuln,
  type Json,
  type Lifecycle,
} from './lib/asff.js';
import { control, controlsFor, LANG_VULNS, langVuln, osVuln, threat, type LangVuln } from './lib/catalog.js';
import { dependabotAlert, PEOPLE, type AlertSpec, type AlertState, type DismissReason, type GhUser } from './lib/dependabot.js';
import { Rng } from './lib/prng.js';
import { addDays, clampPast, daysAgo, isoMillis, REFERENCE_DATE, REFERENCE_MS } from './lib/time.js';

const SEED = 20261127;

/**
 * A reasonably run company (issue 10 item 9): most teams keep up — few open findings, young,
 * closed ones closed fast. The data warehouse team does not (the usual long tail of old findings:
 * an overdue backlog), and neither does the undeclared legacy account. The other stories are
 * scripted below: a KEV on an internet-facing service past its deadline (payments-api), an
 * incident nobody answered (ci-runners), and three AT RISK assets (identity-service: a fresh KEV on
 * an internet-facing service; logging-platform: heavy young findings; sandbox: an open public-bucket
 * detection). The model is not tuned to this data: these are what such exports hold.
 */
const BACKLOG = new Set(['data-warehouse']);
const healthy = (asset: string | null): boolean => asset !== null && !BACKLOG.has(asset);

/** CVEs in the bundled CISA KEV catalog (set in main). Random fill avoids them: KEV placements are scripted. */
let KEV = new Set<string>();
const inKev = (cves: readonly (string | null)[]): boolean => cves.some((c) => c !== null && KEV.has(c));

// --------------------------------------------------------------------------- bookkeeping

/** What the generator meant each record to be, for the summary in examples/README.md. */
interface Meta {
  source: 'securityhub' | 'dependabot';
  product: string;
  id: string;
  /** Intended asset, null for unmapped, 'ambiguous'. */
  asset: string | null;
  state: string;
  open: boolean;
  cves: string[];
  role?: string;
}

const meta: Meta[] = [];
const roles: { role: string; id: string; note: string }[] = [];

function note(role: string, id: string, text: string): void {
  roles.push({ role, id, note: text });
}

function person(r: Rng): GhUser {
  return r.pick(PEOPLE);
}

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the project root (no package.json above the script)');
    dir = up;
  }
}

function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

function pretty(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

// --------------------------------------------------------------------------- lifecycles

function openLife(r: Rng, createdDays: number): Lifecycle {
  const createdMs = clampPast(jitteredDaysAgo(createdDays, r));
  const lastObservedMs = Math.max(createdMs, clampPast(jitteredDaysAgo(r.int(0, 1), r)));
  return { createdMs, lastObservedMs, updatedMs: lastObservedMs, workflow: r.chance(0.18) ? 'NOTIFIED' : 'NEW', record: 'ACTIVE' };
}

function closedLife(r: Rng, createdDays: number, openDays: number, archived = true): Lifecycle {
  const createdMs = clampPast(jitteredDaysAgo(createdDays, r));
  const closedMs = clampPast(Math.min(addDays(createdMs, openDays), daysAgo(1)));
  const c = Math.max(closedMs, createdMs + 3_600_000);
  return { createdMs, lastObservedMs: c, updatedMs: c, workflow: 'RESOLVED', record: archived ? 'ARCHIVED' : 'ACTIVE' };
}

/** An open detection: NEW (no response), or NOTIFIED `respondHours` after it was first seen. */
function detectionLife(r: Rng, createdDays: number, respondHours: number | undefined): Lifecycle {
  const life = openLife(r, createdDays);
  if (respondHours === undefined) return { ...life, workflow: 'NEW' };
  const at = Math.min(life.createdMs + respondHours * 3_600_000, life.lastObservedMs);
  // The detection stopped once answered: last observed and updated at the response.
  const u = Math.max(at, life.createdMs);
  return { ...life, workflow: 'NOTIFIED', updatedMs: u, lastObservedMs: u };
}

function suppressedLife(r: Rng, createdDays: number, text: string): Lifecycle {
  const createdMs = clampPast(jitteredDaysAgo(createdDays, r));
  const updatedMs = clampPast(Math.min(addDays(createdMs, r.int(2, 20)), daysAgo(1)));
  return {
    createdMs,
    lastObservedMs: Math.max(updatedMs, clampPast(jitteredDaysAgo(r.int(0, 1), r))),
    updatedMs,
    workflow: 'SUPPRESSED',
    record: 'ACTIVE',
    note: { text, by: `arn:aws:iam::${ACCOUNTS.prod}:user/${r.pick(PEOPLE).login}` },
  };
}

function isOpen(f: Asff): boolean {
  const wf = (f.Workflow as { Status?: string } | undefined)?.Status ?? (f.WorkflowState === 'ASSIGNED' ? 'NOTIFIED' : String(f.WorkflowState));
  const compliance = (f.Compliance as { Status?: string } | undefined)?.Status;
  if (compliance === 'PASSED' || compliance === 'NOT_AVAILABLE') return false;
  return f.RecordState === 'ACTIVE' && (wf === 'NEW' || wf === 'NOTIFIED');
}

function stateOf(f: Asff): string {
  const wf = (f.Workflow as { Status?: string } | undefined)?.Status ?? `WorkflowState=${String(f.WorkflowState)}`;
  const compliance = (f.Compliance as { Status?: string } | undefined)?.Status;
  return `${String(f.RecordState)}/${wf}${compliance ? `/${compliance}` : ''}`;
}

function cvesOf(f: Asff): string[] {
  const v = f.Vulnerabilities as { Id: string }[] | undefined;
  return v ? v.map((x) => x.Id) : [];
}

// --------------------------------------------------------------------------- Security Hub

const findings: Asff[] = [];

function push(f: Asff, asset: string | null, role?: string): void {
  findings.push(f);
  const m: Meta = { source: 'securityhub', product: String(f.ProductName), id: String(f.Id), asset, state: stateOf(f), open: isOpen(f), cves: cvesOf(f) };
  if (role) m.role = role;
  meta.push(m);
}

function imageAgeDays(res: AwsResource): number {
  const d = res.details?.AwsEcrContainerImage as { ImagePublishedAt?: string } | undefined;
  const at = d?.ImagePublishedAt;
  if (at?.startsWith('@')) return Number(at.slice(1));
  return 200;
}

type Candidate = { kind: 'os'; cve: string } | { kind: 'lang'; pkg: string; cve: string };

function candidateKey(c: Candidate): string {
  return c.kind === 'os' ? `os:${c.cve}` : `lang:${c.pkg}:${c.cve}`;
}

/** Days ago forced (scripted) Inspector findings were first seen. */
const FORCED_AGE: Record<string, number> = {
  'payments-img|CVE-2021-44228': 19,
  'payments-img|CVE-2022-1471': 19,
  'payments-img|CVE-2020-36518': 18,
  'checkout-img|CVE-2024-45296': 11,
  'ledger-img|CVE-2022-22965': 6,
  'identity-img|CVE-2023-44487': 4,
  'mobile-api|CVE-2023-32681': 41,
  'recon-img|CVE-2023-46604': 9,
  'admin-1|CVE-2021-21315': 8,
};

function genInspector(root: Rng): void {
  for (const res of RESOURCES) {
    const prof = res.inspector;
    if (!prof) continue;
    const r = root.fork(`inspector:${res.key}`);
    const age = Math.min(imageAgeDays(res), 200);
    const all: Candidate[] = [...prof.os.map((cve): Candidate => ({ kind: 'os', cve })), ...prof.lang.map(([pkg, cve]): Candidate => ({ kind: 'lang', pkg, cve }))];
    const forced: Candidate[] = (prof.force ?? []).map(([pkg, cve]) => ({ kind: 'lang', pkg, cve }));
    const forcedKeys = new Set(forced.map(candidateKey));
    // KEV placements on declared assets are scripted; the undeclared legacy account gets them at random.
    const pool = all.filter((c) => !forcedKeys.has(candidateKey(c)) && !(res.asset !== null && inKev([c.cve])));
    const rest = r.sample(pool, Math.max(0, prof.count - forced.length));
    for (const c of [...forced, ...rest]) {
      const iv: InspectorVuln =
        c.kind === 'os' ? osInspectorVuln(osVuln(c.cve), prof.platform ?? 'al2') : langInspectorVuln(langVuln(c.pkg, c.cve), prof.manager ?? 'JAR', prof.root ?? '/');
      const forcedAge = FORCED_AGE[`${res.key}|${c.cve}`];
      if (forcedAge !== undefined && forcedKeys.has(candidateKey(c))) {
        if (res.key === 'payments-img' && c.cve === 'CVE-2020-36518') {
          genDuplicate(res, iv, r);
          continue;
        }
        const life = openLife(r, forcedAge);
        life.workflow = 'NEW';
        const f = inspectorFinding(res, iv, life, r);
        push(f, res.asset, 'cross-source');
        continue;
      }
      let life: Lifecycle;
      const created = r.int(Math.max(2, Math.floor(age * 0.3)), Math.max(3, age));
      if (healthy(res.asset)) {
        life = r.chance(0.2) ? openLife(r, r.int(1, 12)) : closedLife(r, created, r.int(1, 6));
      } else if (prof.stale) {
        life = r.chance(0.85) ? closedLife(r, created, r.int(7, Math.max(8, created - 3))) : openLife(r, created);
      } else {
        const pick = r.weighted([
          ['open', 78],
          ['closed', 11],
          ['suppressed', 6],
          ['resolved', 5],
        ] as const);
        if (pick === 'open') life = openLife(r, created);
        else if (pick === 'closed') life = closedLife(r, created, r.int(3, Math.max(4, created - 1)));
        else if (pick === 'resolved') life = closedLife(r, created, r.int(3, Math.max(4, created - 1)), false);
        else life = suppressedLife(r, created, 'Suppressed by rule: package not loaded at runtime (verified by team).');
      }
      push(inspectorFinding(res, iv, life, r), res.asset);
    }
  }
}

/** The same finding twice: the newer copy (closed) first, the older copy (still open) later in the file. */
function genDuplicate(res: AwsResource, iv: InspectorVuln, r: Rng): void {
  const hex = r.hex(32);
  const newer = closedLife(r, 18, 15);
  const older: Lifecycle = { ...newer, workflow: 'NEW', record: 'ACTIVE', updatedMs: newer.createdMs + 6 * 86_400_000, lastObservedMs: newer.createdMs + 6 * 86_400_000 };
  const a = inspectorFinding(res, iv, newer, r, hex);
  const b = inspectorFinding(res, iv, older, r, hex);
  push(a, res.asset, 'duplicate-newer');
  push(b, res.asset, 'duplicate-older');
  note(
    'duplicate',
    String(a.Id),
    `Same Id twice: UpdatedAt ${String(a.UpdatedAt)} (RESOLVED/ARCHIVED, wins) and ${String(b.UpdatedAt)} (NEW/ACTIVE, stale copy placed later in the file).`,
  );
}

interface ControlPlan {
  compliance: ControlOptions['compliance'];
  how: 'open' | 'suppressed' | 'archived' | 'resolved';
  createdDays?: number;
  legacy?: Partial<Pick<Lifecycle, 'legacyWorkflow' | 'noSeverityLabel'>> & { legacyId?: boolean; noSecurityControlId?: boolean };
  note?: string;
  role?: string;
}

const CONTROL_PLAN: Record<string, ControlPlan> = {
  'ledger-db-archive|RDS.3': { compliance: 'FAILED', how: 'open', createdDays: 75, role: 'exception-expiring' },
  'ledger-db-primary|RDS.3': { compliance: 'PASSED', how: 'resolved' },
  'ledger-db-primary|RDS.2': { compliance: 'PASSED', how: 'resolved' },
  'ledger-db-archive|RDS.2': { compliance: 'PASSED', how: 'resolved' },
  'dw-redshift|Redshift.1': { compliance: 'FAILED', how: 'open', createdDays: 40 },
  'sandbox-sg|EC2.19': { compliance: 'FAILED', how: 'open', createdDays: 9 },
  'sandbox-sg|EC2.18': { compliance: 'FAILED', how: 'archived', createdDays: 130 },
  'admin-sg|EC2.19': { compliance: 'PASSED', how: 'resolved' },
  'admin-sg|EC2.18': { compliance: 'FAILED', how: 'open', createdDays: 66 },
  'marketing-www|S3.8': {
    compliance: 'FAILED',
    how: 'suppressed',
    createdDays: 180,
    note: 'Public website bucket served through CloudFront; reviewed with security (RA-2026-002).',
  },
  'dw-access-logs|S3.5': { compliance: 'FAILED', how: 'open', createdDays: 58, role: 'ambiguous' },
  'dw-access-logs|S3.9': { compliance: 'FAILED', how: 'open', createdDays: 58, role: 'ambiguous' },
  'dw-access-logs|S3.8': { compliance: 'PASSED', how: 'resolved' },
  'acct-legacy-apne1|IAM.6': { compliance: 'FAILED', how: 'open', createdDays: 199 },
  'acct-legacy-apne1|IAM.4': { compliance: 'FAILED', how: 'open', createdDays: 199 },
  'acct-legacy-apne1|CloudTrail.1': { compliance: 'FAILED', how: 'open', createdDays: 199 },
  'acct-legacy-apne1|GuardDuty.1': { compliance: 'PASSED', how: 'resolved' },
  'acct-data-apne1|IAM.6': { compliance: 'FAILED', how: 'open', createdDays: 190 },
  'acct-prod-apne1|IAM.6': { compliance: 'PASSED', how: 'resolved' },
  'acct-prod-apne1|IAM.4': { compliance: 'PASSED', how: 'resolved' },
  'acct-prod-apne1|GuardDuty.1': { compliance: 'PASSED', how: 'resolved' },
  'acct-prod-use1|GuardDuty.1': { compliance: 'PASSED', how: 'resolved' },
  'acct-shared-apne1|GuardDuty.1': { compliance: 'PASSED', how: 'resolved' },
  'acct-data-apne1|GuardDuty.1': { compliance: 'PASSED', how: 'resolved' },
  'payments-webhook|Lambda.2': { compliance: 'FAILED', how: 'open', createdDays: 88 },
  'mobile-push|Lambda.2': { compliance: 'FAILED', how: 'open', createdDays: 150 },
  'recon-settlement|Lambda.2': { compliance: 'FAILED', how: 'open', createdDays: 150 },
  'recon-fx|Lambda.2': { compliance: 'FAILED', how: 'open', createdDays: 150 },
  'mobile-api|Lambda.2': { compliance: 'PASSED', how: 'resolved' },
  'org-trail|CloudTrail.2': { compliance: 'PASSED', how: 'resolved' },
  'prod-trail|CloudTrail.2': { compliance: 'FAILED', how: 'open', createdDays: 170, legacy: { legacyId: true } },
};

function genControls(root: Rng): void {
  for (const res of RESOURCES) {
    const r = root.fork(`controls:${res.key}`);
    const ids = res.controls ?? controlsFor(res.type).map((c) => c.id);
    for (const cid of ids) {
      const c = control(cid);
      const scripted = CONTROL_PLAN[`${res.key}|${cid}`];
      let plan: ControlPlan;
      if (scripted) plan = scripted;
      else {
        const failP = healthy(res.asset) ? 0.2 : c.severity === 'CRITICAL' ? 0.15 : 0.5;
        const roll = r.next();
        if (roll < 0.04) plan = { compliance: 'NOT_AVAILABLE', how: 'resolved' };
        else if (roll < 0.04 + failP) {
          const how = r.weighted([
            ['open', 78],
            ['suppressed', 10],
            ['archived', 12],
          ] as const);
          plan = { compliance: 'FAILED', how, createdDays: healthy(res.asset) && how === 'open' ? r.int(1, 10) : r.int(3, 200) };
        } else plan = { compliance: 'PASSED', how: 'resolved' };
        if (r.chance(0.16)) {
          plan.legacy = { legacyId: true, legacyWorkflow: r.chance(0.45), noSeverityLabel: r.chance(0.45), noSecurityControlId: r.chance(0.3) };
        }
      }
      const created = plan.createdDays ?? r.int(60, 200);
      let life: Lifecycle;
      if (plan.how === 'open') life = openLife(r, created);
      else if (plan.how === 'suppressed') life = suppressedLife(r, created, plan.note ?? 'Accepted: compensating control in place (see risk register).');
      else if (plan.how === 'archived') life = closedLife(r, created, healthy(res.asset) ? r.int(1, 5) : r.int(5, Math.max(6, created - 1)), true);
      else {
        // Passing controls are re-evaluated continuously: created long ago, updated recently.
        const createdMs = clampPast(jitteredDaysAgo(created, r));
        const updatedMs = Math.max(createdMs, clampPast(jitteredDaysAgo(r.int(0, 2), r)));
        life = { createdMs, lastObservedMs: updatedMs, updatedMs, workflow: 'RESOLVED', record: 'ACTIVE' };
      }
      if (plan.legacy?.legacyWorkflow) life.legacyWorkflow = true;
      if (plan.legacy?.noSeverityLabel) life.noSeverityLabel = true;
      const opts: ControlOptions = { compliance: plan.compliance };
      if (plan.legacy?.legacyId) opts.legacyId = true;
      if (plan.legacy?.noSecurityControlId) opts.noSecurityControlId = true;
      const f = controlFinding(res, c, life, opts, r);
      push(f, res.asset, plan.role);
      if (plan.role === 'ambiguous')
        note(
          'ambiguous',
          String(f.Id),
          `${cid} on arn:aws:s3:::acme-data-access-logs: matches data-warehouse ("arn:aws:s3:::acme-data-*") and logging-platform ("arn:aws:s3:::acme-*-logs"), ARN globs with the same number of literal characters.`,
        );
      if (plan.role === 'exception-expiring')
        note('exception', String(f.Id), `RDS.3 on ledger-archive: excepted by RA-2026-011 (expires 2026-12-15, inside the 30-day warning window).`);
    }
  }
}

interface ThreatPlan {
  type: string;
  target: string;
  createdDays: number;
  /** open: workflow NEW (nobody responded); notified: responded within `respondHours`, still open. */
  how: 'open' | 'notified' | 'archived' | 'resolved' | 'suppressed';
  respondHours?: number;
  count: number;
  legacyWorkflow?: boolean;
  noSeverityLabel?: boolean;
}

const THREAT_PLAN: ThreatPlan[] = [
  { type: 'CryptoCurrency:EC2/BitcoinTool.B!DNS', target: 'ci-runner-2', createdDays: 3, how: 'open', count: 214 },
  { type: 'Backdoor:EC2/C&CActivity.B!DNS', target: 'ci-runner-2', createdDays: 3, how: 'open', count: 37 },
  { type: 'UnauthorizedAccess:EC2/SSHBruteForce', target: 'sandbox-1', createdDays: 26, how: 'notified', respondHours: 20, count: 1290 },
  { type: 'Recon:EC2/PortProbeUnprotectedPort', target: 'sandbox-1', createdDays: 90, how: 'archived', count: 12 },
  { type: 'UnauthorizedAccess:EC2/SSHBruteForce', target: 'sandbox-2', createdDays: 61, how: 'resolved', count: 88 },
  { type: 'Recon:EC2/PortProbeUnprotectedPort', target: 'admin-1', createdDays: 12, how: 'notified', respondHours: 30, count: 6 },
  { type: 'Behavior:EC2/NetworkPortUnusual', target: 'admin-2', createdDays: 33, how: 'suppressed', count: 2 },
  { type: 'Behavior:EC2/NetworkPortUnusual', target: 'dw-airflow-1', createdDays: 8, how: 'notified', respondHours: 50, count: 4, noSeverityLabel: true },
  { type: 'Backdoor:EC2/C&CActivity.B!DNS', target: 'legacy-1', createdDays: 15, how: 'open', count: 51 },
  { type: 'UnauthorizedAccess:EC2/SSHBruteForce', target: 'legacy-2', createdDays: 140, how: 'open', count: 4033, legacyWorkflow: true },
  { type: 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS', target: 'key:prod:admin-console-role', createdDays: 5, how: 'resolved', count: 3 },
  { type: 'Discovery:IAMUser/AnomalousBehavior', target: 'key:prod:legacy-deployer', createdDays: 47, how: 'resolved', count: 1 },
  { type: 'Discovery:IAMUser/AnomalousBehavior', target: 'key:shared:terraform-ci', createdDays: 19, how: 'archived', count: 1, legacyWorkflow: true },
  { type: 'Policy:S3/BucketAnonymousAccessGranted', target: 'marketing-www', createdDays: 175, how: 'archived', count: 1 },
  { type: 'Policy:S3/BucketAnonymousAccessGranted', target: 'sandbox-scratch', createdDays: 9, how: 'notified', respondHours: 3, count: 1 },
];

function genGuardDuty(root: Rng): void {
  const r = root.fork('guardduty');
  const detectors = new Map<string, string>();
  const detector = (account: string, region: string): string => {
    const k = `${account}:${region}`;
    let d = detectors.get(k);
    if (!d) {
      d = new Rng(account.length * 7919 + Number(account.slice(-6)) + region.length).hex(32);
      detectors.set(k, d);
    }
    return d;
  };
  // Random fill: background noise of brute force and port probes on the instances.
  const ec2s = RESOURCES.filter((x) => x.type === 'AwsEc2Instance');
  const plans = [...THREAT_PLAN];
  for (let i = 0; i < 12; i++) {
    const target = r.pick(ec2s);
    plans.push({
      type: r.pick(['UnauthorizedAccess:EC2/SSHBruteForce', 'Recon:EC2/PortProbeUnprotectedPort', 'Behavior:EC2/NetworkPortUnusual']),
      target: target.key,
      createdDays: r.int(2, 195),
      how: r.weighted([
        ['archived', 45],
        ['resolved', 25],
        ['notified', 30],
      ] as const),
      respondHours: r.int(1, 20),
      count: r.int(1, 400),
    });
  }
  for (const p of plans) {
    const t = threat(p.type);
    let block: Json;
    let account: string;
    let region = APNE1;
    let name: string;
    let asset: string | null;
    if (p.target.startsWith('key:')) {
      const [, acctName, principal] = p.target.split(':');
      account = ACCOUNTS[(acctName ?? 'prod') as keyof typeof ACCOUNTS];
      name = principal ?? 'unknown';
      const isRole = name.endsWith('-role');
      block = {
        Type: 'AwsIamAccessKey',
        Id: `AWS::IAM::AccessKey:${isRole ? 'ASIA' : 'AKIA'}${r.upper(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
        Partition: 'aws',
        Region: region,
        Details: {
          AwsIamAccessKey: {
            PrincipalId: `${isRole ? 'AROA' : 'AIDA'}${r.upper(17, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}${isRole ? `:i-0${r.hex(16)}` : ''}`,
            PrincipalType: isRole ? 'AssumedRole' : 'IAMUser',
            PrincipalName: name,
          },
        },
      };
      asset = 'aws-foundation';
    } else {
      const res = resource(p.target);
      account = res.account;
      region = res.region;
      name = res.name;
      block = resourceBlock(res, r);
      asset = res.asset;
    }
    const life: Lifecycle =
      p.how === 'open' || p.how === 'notified'
        ? detectionLife(r, p.createdDays, p.how === 'notified' ? (p.respondHours ?? 4) : undefined)
        : p.how === 'suppressed'
          ? suppressedLife(r, p.createdDays, 'Expected: remote debugging session approved in CHG-4471.')
          : closedLife(r, p.createdDays, r.int(1, Math.max(2, Math.min(30, p.createdDays - 1))), p.how === 'archived');
    if (p.legacyWorkflow) life.legacyWorkflow = true;
    if (p.noSeverityLabel) life.noSeverityLabel = true;
    push(guardDutyFinding(t, { resource: block, region, account, name }, life, p.count, r, detector(account, region)), asset);
  }
}

/** A BatchImportFindings record from an in-house scanner: no top-level Severity, hostile title. */
function genCustom(root: Rng): void {
  const r = root.fork('custom');
  const res = resource('admin-1');
  const createdMs = clampPast(jitteredDaysAgo(6, r));
  const updatedMs = clampPast(jitteredDaysAgo(1, r));
  const id = `acme-admin-audit/${ACCOUNTS.prod}/${r.uuid()}`;
  const types = ['Software and Configuration Checks/Vulnerabilities'];
  const f: Asff = {
    SchemaVersion: '2018-10-08',
    Id: id,
    ProductArn: `arn:aws:securityhub:${APNE1}:${ACCOUNTS.prod}:product/${ACCOUNTS.prod}/default`,
    ProductName: 'Default',
    CompanyName: 'Personal',
    Region: APNE1,
    GeneratorId: 'acme-admin-audit-scanner',
    AwsAccountId: ACCOUNTS.prod,
    Types: types,
    FirstObservedAt: isoMillis(createdMs),
    LastObservedAt: isoMillis(updatedMs),
    CreatedAt: isoMillis(createdMs),
    UpdatedAt: isoMillis(updatedMs),
    Title: '=HYPERLINK("http://evil","x")',
    Description: 'Reported by the in-house admin audit scanner.\nColumns | pipes | and <script>alert(1)</script> in the description.\n@SUM(1+1)',
    ProductFields: {
      'acme/scanner/version': '0.9.3',
      'aws/securityhub/FindingId': `arn:aws:securityhub:${APNE1}:${ACCOUNTS.prod}:product/${ACCOUNTS.prod}/default/${id}`,
      'aws/securityhub/ProductName': 'Default',
      'aws/securityhub/CompanyName': 'Personal',
    },
    Resources: [resourceBlock(res, r)],
    WorkflowState: 'NEW',
    Workflow: { Status: 'NEW' },
    RecordState: 'ACTIVE',
    FindingProviderFields: { Severity: { Label: 'HIGH', Original: '8' }, Types: types },
  };
  push(f, res.asset, 'hostile');
  note(
    'hostile',
    id,
    'Security Hub custom finding (ProductName "Default") with Title `=HYPERLINK("http://evil","x")`, a Description with `|`, newlines, `<script>` and `@SUM(1+1)`, and no top-level Severity (only FindingProviderFields.Severity).',
  );
}

// --------------------------------------------------------------------------- Dependabot

const CVSS_V4: Record<string, { score: number; vector: string }> = {
  'GHSA-jfh8-c2jp-5v3q': { score: 10, vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H' },
  'GHSA-36p3-wjmg-h94x': { score: 9.3, vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' },
  'GHSA-9wv6-86v2-598j': { score: 8.7, vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N' },
  'GHSA-pxg6-pf52-xh8x': { score: 6.3, vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N' },
};

const DISMISS_COMMENTS: Record<DismissReason, (string | null)[]> = {
  tolerable_risk: ['Only reachable from the internal network; tracked in SEC-2291.', 'Input is always trusted config from our own repo.', null],
  inaccurate: ['Vulnerable function is not called: verified with the reachability report.', 'False positive: we pin the patched fork.', null],
  not_used: ['Only used by a script nobody runs any more.', null],
  no_bandwidth: ['Will pick up after the Q4 freeze.', null],
  fix_started: ['Upgrade PR open.', null],
};

interface ScriptedAlert {
  repo: string;
  pkg: string;
  cve: string;
  manifest: string;
  state: AlertState;
  createdDays: number;
  relationship?: AlertSpec['relationship'];
  reason?: DismissReason;
  comment?: string;
  closeAfterDays?: number;
  assign?: boolean;
  legacy?: boolean;
  packageNameOverride?: string;
  summaryOverride?: string;
  role?: string;
}

const SCRIPTED_ALERTS: ScriptedAlert[] = [
  {
    repo: 'payments-api',
    pkg: 'org.apache.logging.log4j:log4j-core',
    cve: 'CVE-2021-44228',
    manifest: 'pom.xml',
    state: 'open',
    createdDays: 48,
    relationship: 'direct',
    assign: true,
    role: 'cross-source',
  },
  { repo: 'payments-api', pkg: 'org.apache.logging.log4j:log4j-core', cve: 'CVE-2021-45046', manifest: 'pom.xml', state: 'open', createdDays: 48, relationship: 'direct' },
  {
    repo: 'payments-api',
    pkg: 'org.yaml:snakeyaml',
    cve: 'CVE-2022-1471',
    manifest: 'pom.xml',
    state: 'open',
    createdDays: 120,
    relationship: 'transitive',
    role: 'exception-expired',
  },
  {
    repo: 'payments-api',
    pkg: 'com.fasterxml.jackson.core:jackson-databind',
    cve: 'CVE-2020-36518',
    manifest: 'pom.xml',
    state: 'fixed',
    createdDays: 64,
    closeAfterDays: 34,
    relationship: 'transitive',
  },
  {
    repo: 'payments-api',
    pkg: 'org.bouncycastle:bcprov-jdk18on',
    cve: 'CVE-2024-29857',
    manifest: 'pom.xml',
    state: 'open',
    createdDays: 37,
    relationship: 'transitive',
    role: 'not-scored',
  },
  {
    repo: 'payments-sdk-java',
    pkg: 'org.yaml:snakeyaml',
    cve: 'CVE-2022-1471',
    manifest: 'pom.xml',
    state: 'open',
    createdDays: 131,
    relationship: 'direct',
    role: 'exception-expired',
  },
  {
    repo: 'checkout-web',
    pkg: 'path-to-regexp',
    cve: 'CVE-2024-45296',
    manifest: 'package-lock.json',
    state: 'open',
    createdDays: 20,
    relationship: 'transitive',
    role: 'cross-source',
  },
  {
    repo: 'checkout-web',
    pkg: 'micromatch',
    cve: 'CVE-2024-4067',
    manifest: 'package-lock.json',
    state: 'open',
    createdDays: 95,
    relationship: 'transitive',
    role: 'exception-active',
  },
  { repo: 'checkout-web', pkg: 'next', cve: 'CVE-2025-29927', manifest: 'package-lock.json', state: 'fixed', createdDays: 160, closeAfterDays: 2, relationship: 'direct' },
  { repo: 'checkout-web', pkg: 'cookie', cve: 'CVE-2024-47764', manifest: 'package-lock.json', state: 'open', createdDays: 52, relationship: 'transitive', role: 'not-scored' },
  {
    repo: 'ledger-service',
    pkg: 'org.springframework:spring-beans',
    cve: 'CVE-2022-22965',
    manifest: 'pom.xml',
    state: 'open',
    createdDays: 7,
    relationship: 'transitive',
    role: 'cross-source',
  },
  {
    repo: 'identity-service',
    pkg: 'google.golang.org/grpc',
    cve: 'CVE-2023-44487',
    manifest: 'go.mod',
    state: 'open',
    createdDays: 5,
    relationship: 'direct',
    role: 'cross-source',
  },
  { repo: 'identity-service', pkg: 'golang.org/x/net', cve: 'CVE-2023-39325', manifest: 'go.mod', state: 'fixed', createdDays: 5, closeAfterDays: 2, relationship: 'transitive' },
  {
    repo: 'identity-service',
    pkg: 'golang.org/x/crypto',
    cve: 'CVE-2024-45337',
    manifest: 'go.mod',
    state: 'dismissed',
    createdDays: 110,
    closeAfterDays: 6,
    reason: 'tolerable_risk',
    comment: 'We never set ServerConfig.PublicKeyCallback (no SSH server in this service).',
    relationship: 'direct',
  },
  { repo: 'mobile-bff', pkg: 'requests', cve: 'CVE-2023-32681', manifest: 'poetry.lock', state: 'open', createdDays: 40, relationship: 'direct', role: 'cross-source' },
  {
    repo: 'mobile-bff',
    pkg: 'urllib3',
    cve: 'CVE-2023-43804',
    manifest: 'poetry.lock',
    state: 'dismissed',
    createdDays: 90,
    closeAfterDays: 12,
    reason: 'inaccurate',
    comment: 'We do not follow redirects with cookies set; see SEC-2310.',
    relationship: 'transitive',
  },
  {
    repo: 'reconciliation-jobs',
    pkg: 'org.apache.activemq:activemq-client',
    cve: 'CVE-2023-46604',
    manifest: 'jobs/settlement/pom.xml',
    state: 'open',
    createdDays: 10,
    relationship: 'direct',
    role: 'cross-source',
  },
  {
    repo: 'internal-admin',
    pkg: 'systeminformation',
    cve: 'CVE-2021-21315',
    manifest: 'web/package-lock.json',
    state: 'open',
    createdDays: 9,
    relationship: 'direct',
    legacy: true,
    role: 'cross-source',
  },
  { repo: 'internal-admin', pkg: 'django', cve: 'CVE-2024-42005', manifest: 'api/requirements.txt', state: 'open', createdDays: 5, relationship: 'direct' },
  // Young, within SLA, but heavy: they push logging-platform's budget towards AT RISK.
  {
    repo: 'logging-pipeline',
    pkg: 'github.com/docker/docker',
    cve: 'CVE-2024-41110',
    manifest: 'go.mod',
    state: 'open',
    createdDays: 6,
    relationship: 'transitive',
    role: 'at-risk',
  },
  { repo: 'logging-pipeline', pkg: 'golang.org/x/crypto', cve: 'CVE-2024-45337', manifest: 'go.mod', state: 'open', createdDays: 4, relationship: 'direct', role: 'at-risk' },
  {
    repo: 'sandbox-playground',
    pkg: 'lodash',
    cve: 'CVE-2021-23337',
    manifest: 'package-lock.json',
    state: 'open',
    createdDays: 21,
    relationship: 'direct',
    packageNameOverride: 'lodash|<script>alert(1)</script>',
    summaryOverride: "@SUM(1+1)*cmd|' /C calc'!A0\nsecond line | with a pipe and <b>markup</b>",
    role: 'hostile',
  },
  {
    repo: 'sandbox-playground',
    pkg: 'axios',
    cve: 'CVE-2023-45857',
    manifest: 'package-lock.json',
    state: 'dismissed',
    createdDays: 44,
    closeAfterDays: 1,
    reason: 'tolerable_risk',
    comment: '+1 tolerable | <img src=x onerror=alert(1)>\n-- sandbox only',
    relationship: 'direct',
    role: 'hostile',
  },
];

function scopeFor(m: Manifest, pkg: string): 'runtime' | 'development' {
  if (m.scope === 'development') return 'development';
  if (m.ecosystem === 'npm' && DEV_NPM.has(pkg)) return 'development';
  if (m.ecosystem === 'pip' && (pkg === 'black' || pkg === 'setuptools')) return 'development';
  return 'runtime';
}

function genDependabot(root: Rng): AlertSpec[] {
  const all: AlertSpec[] = [];
  for (const repo of REPOS) {
    const r = root.fork(`dependabot:${repo.name}`);
    // A separate stream for the random fill, so scripted alerts do not shift it.
    const fill = root.fork(`dependabot-fill:${repo.name}`);
    const specs: Omit<AlertSpec, 'number'>[] = [];
    const taken = new Set<string>();
    const manifest = (path: string): Manifest => {
      const m = repo.manifests.find((x) => x.path === path);
      if (!m) throw new Error(`${repo.name} has no manifest ${path}`);
      return m;
    };

    const build = (g: Rng, vuln: LangVuln, m: Manifest, s: Partial<ScriptedAlert> & { state: AlertState; createdDays: number }): Omit<AlertSpec, 'number'> => {
      taken.add(`${m.path}|${vuln.ghsa}`);
      const createdMs = clampPast(jitteredDaysAgo(s.createdDays, g));
      const legacyShape = s.legacy ?? g.chance(0.3);
      const scope0 = scopeFor(m, vuln.pkg);
      const scope = legacyShape && vuln.ecosystem === 'go' && g.chance(0.3) ? null : scope0;
      let state = s.state;
      if (state === 'auto_dismissed' && scope !== 'development') state = 'fixed';
      const closeMs = clampPast(Math.min(addDays(createdMs, s.closeAfterDays ?? g.int(1, Math.max(2, Math.min(90, s.createdDays - 1)))), daysAgo(0.5)));
      const spec: Omit<AlertSpec, 'number'> = {
        repo,
        vuln,
        manifest: m,
        scope,
        relationship:
          s.relationship ??
          g.weighted([
            ['direct', 45],
            ['transitive', 45],
            ['unknown', 5],
            ['inconclusive', 5],
          ] as const),
        state,
        createdMs,
        updatedMs: createdMs,
        legacyShape,
        epssAsString: !legacyShape && g.chance(0.2),
      };
      const v4 = CVSS_V4[vuln.ghsa];
      if (v4) spec.cvssV4 = v4;
      if (state === 'open') {
        // EPSS and advisory refreshes touch updated_at on open alerts.
        spec.updatedMs = g.chance(0.6) ? Math.max(createdMs, clampPast(jitteredDaysAgo(g.int(0, 20), g))) : createdMs;
        if (!legacyShape && (s.assign || g.chance(0.12))) spec.assignee = person(g);
      } else if (state === 'fixed') {
        spec.fixedMs = closeMs;
        spec.updatedMs = closeMs;
      } else if (state === 'auto_dismissed') {
        const at = clampPast(Math.min(addDays(createdMs, g.int(0, 2)) + 600_000, daysAgo(0.5)));
        spec.autoDismissedMs = at;
        spec.updatedMs = at;
      } else {
        const reason =
          s.reason ??
          g.weighted([
            ['tolerable_risk', 35],
            ['inaccurate', 20],
            ['not_used', 20],
            ['no_bandwidth', 15],
            ['fix_started', 10],
          ] as const);
        spec.dismissedMs = closeMs;
        spec.updatedMs = closeMs;
        spec.dismissedBy = person(g);
        spec.dismissedReason = reason;
        spec.dismissedComment = s.comment ?? g.pick(DISMISS_COMMENTS[reason]);
      }
      if (s.packageNameOverride) spec.packageNameOverride = s.packageNameOverride;
      if (s.summaryOverride) spec.summaryOverride = s.summaryOverride;
      if (s.role) spec.role = s.role;
      return spec;
    };

    for (const s of SCRIPTED_ALERTS.filter((x) => x.repo === repo.name)) {
      specs.push(build(r, langVuln(s.pkg, s.cve), manifest(s.manifest), s));
    }
    // Drawn from the whole pool and only then filtered against the scripted alerts, so adding a
    // scripted alert does not reshuffle the rest of the repository.
    const scripted = new Set(taken);
    const candidates: [LangVuln, Manifest][] = [];
    for (const m of repo.manifests) {
      for (const v of LANG_VULNS) {
        if (v.ecosystem !== m.ecosystem) continue;
        if (inKev([v.cve, ...(v.alsoCves ?? [])])) continue;
        if (m.scope === 'development' && m.ecosystem === 'pip' && !['black', 'setuptools', 'jinja2', 'requests'].includes(v.pkg)) continue;
        candidates.push([v, m]);
      }
    }
    for (const [v, m] of fill.sample(candidates, repo.count)) {
      if (scripted.has(`${m.path}|${v.ghsa}`)) continue;
      // Dependabot's preset rules auto-dismiss many low-impact development-scope alerts.
      const state =
        scopeFor(m, v.pkg) === 'development'
          ? fill.weighted([
              ['open', 35],
              ['fixed', 20],
              ['dismissed', 10],
              ['auto_dismissed', 35],
            ] as const)
          : fill.weighted(
              healthy(repo.asset)
                ? ([
                    ['open', 25],
                    ['fixed', 60],
                    ['dismissed', 15],
                  ] as const)
                : ([
                    ['open', 52],
                    ['fixed', 33],
                    ['dismissed', 15],
                  ] as const),
            );
      if (healthy(repo.asset)) {
        specs.push(build(fill, v, m, state === 'open' ? { state, createdDays: fill.int(1, 15) } : { state, createdDays: fill.int(2, 200), closeAfterDays: fill.int(1, 7) }));
      } else specs.push(build(fill, v, m, { state, createdDays: fill.int(1, 200) }));
    }
    // GitHub numbers alerts per repository in the order they were opened.
    specs.sort((a, b) => a.createdMs - b.createdMs || a.vuln.ghsa.localeCompare(b.vuln.ghsa));
    for (const [i, s] of specs.entries()) all.push({ ...s, number: i + 1 });
  }
  // The org endpoint's default order: created, newest first.
  all.sort((a, b) => b.createdMs - a.createdMs || a.repo.name.localeCompare(b.repo.name) || a.number - b.number);
  for (const a of all) {
    const id = `${ORG}/${a.repo.name}#${a.number}`;
    const m: Meta = {
      source: 'dependabot',
      product: 'Dependabot',
      id,
      asset: a.repo.asset,
      state: a.state,
      open: a.state === 'open',
      cves: [a.vuln.cve, ...(a.vuln.alsoCves ?? [])].filter((x): x is string => x !== null),
    };
    if (a.role) m.role = a.role;
    meta.push(m);
    if (a.role === 'hostile') {
      note(
        'hostile',
        `dependabot:${id}`,
        a.packageNameOverride
          ? `package name \`${a.packageNameOverride}\`, summary starting with \`@SUM(1+1)*cmd|\` with a newline and HTML`
          : `dismissed_comment \`${a.dismissedComment ?? ''}\``.replace(/\n/g, '\\n'),
      );
    }
    if (a.role === 'exception-active') note('exception', `dependabot:${id}`, `${a.vuln.pkg} ${a.vuln.ghsa} (development scope): excepted by RA-2026-014 (expires 2027-03-31).`);
    if (a.role === 'exception-expired') note('exception', `dependabot:${id}`, `${a.vuln.pkg} ${a.vuln.cve ?? ''}: RA-2026-004 expired 2026-10-31, so it counts again.`);
    if (a.role === 'not-scored') note('not-scored', `dependabot:${id}`, `${a.vuln.pkg} ${a.vuln.ghsa}: cvss score 0 with vector_string null ("not scored").`);
  }
  return all;
}

// --------------------------------------------------------------------------- summary / README

function countBy<T>(items: readonly T[], key: (t: T) => string): [string, number][] {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function table(rows: [string, number][], head: [string, string]): string {
  return [`| ${head[0]} | ${head[1]} |`, '|---|---:|', ...rows.map(([k, n]) => `| ${k.replace(/\|/g, '\\|')} | ${n} |`)].join('\n');
}

function readme(kev: Set<string>, kevVersion: string, pages: number[], pagedRepo: string): string {
  const sh = meta.filter((m) => m.source === 'securityhub');
  const db = meta.filter((m) => m.source === 'dependabot');
  const kevUsed = [...new Set(meta.flatMap((m) => m.cves).filter((c) => kev.has(c)))].sort();
  const kevWhere = kevUsed.map((c) => {
    const ms = meta.filter((m) => m.cves.includes(c));
    const assets = [...new Set(ms.map((m) => m.asset ?? '(unmapped)'))].sort();
    const open = ms.filter((m) => m.open).length;
    return `| ${c} | ${ms.filter((m) => m.source === 'securityhub').length} | ${ms.filter((m) => m.source === 'dependabot').length} | ${open} | ${assets.join(', ')} |`;
  });
  const unmappedSh = sh.filter((m) => m.asset === null).length;
  const unmappedDb = db.filter((m) => m.asset === null).length;
  const roleLines = roles.map((x) => `- **${x.role}** — \`${x.id}\`: ${x.note}`);
  const crossPairs = meta
    .filter((m) => m.role === 'cross-source')
    .map((m) => `${m.source === 'securityhub' ? 'Inspector' : 'Dependabot'} ${m.cves.join('/')} on ${m.asset ?? '?'}`)
    .sort();

  return `# Bundled example: acme

A fictional fintech, **acme**, with the inventory in the root [\`assets.yaml\`](../assets.yaml) and
exports from its two sources. Everything here is generated; nothing is real customer data.

| File | What it is |
|---|---|
| \`securityhub-findings.json\` | \`aws securityhub get-findings\` output (\`{"Findings": [...]}\`): ${sh.length} ASFF records from Inspector, Security Hub controls (FSBP), GuardDuty and one custom integration, across accounts ${ACCOUNTS.prod} (prod), ${ACCOUNTS.shared} (shared-services), ${ACCOUNTS.data} (data) and the undeclared ${ACCOUNTS.legacy}. |
| \`dependabot-alerts.json\` | \`GET /orgs/acme/dependabot/alerts\` (all pages, one JSON array): ${db.length} \`dependabot-alert-with-repository\` objects across ${new Set(db.map((m) => m.id.split('#')[0])).size} repositories. |
| \`dependabot-alerts-paginated.json\` | \`gh api --paginate /repos/${ORG}/${pagedRepo}/dependabot/alerts?per_page=${pages[0] ?? 0}\` as gh prints it: ${pages.length} JSON arrays back to back (${pages.join(' + ')} alerts), repository-level objects with no \`repository\` key (the repository comes from \`html_url\`). The same alerts are also in \`dependabot-alerts.json\`. |

Try it:

\`\`\`sh
npm run build
npx --no-install secsli score --config assets.yaml \\
  --from securityhub=examples/securityhub-findings.json \\
  --from dependabot=examples/dependabot-alerts.json \\
  --as-of ${REFERENCE_DATE}
\`\`\`

Always pass \`--as-of ${REFERENCE_DATE}\`: the data is dated relative to that instant (findings
first seen up to ~200 days before it), so SLA ages and exception expiry only make sense then.

## The story it tells

A reasonably run company: most teams keep up, so most assets are OK. Scored as of
${REFERENCE_DATE} with the policy in assets.yaml — the defaults, except the remediation SLAs acme agreed
(\`slaDays\`: critical 14 days instead of 7, high 60 instead of 30):

| Asset | Status | Why (the rule that set it) |
|---|---|---|
| payments-api | BREACHED | known exploited past due: log4j-core (CVE-2021-44228, CVE-2021-45046) open for 48 days on an internet-facing service, past its 14-day deadline (acme's critical SLA; explain and findings.csv name the rule \`severity SLA, 14 d\`, which ties with the 14-day KEV deadline) |
| data-warehouse | BREACHED | remediation SLO: the one team with the old long tail — an overdue backlog, most findings months past due |
| ci-runners | BREACHED | incident response: GuardDuty C2 and Bitcoin DNS detections on a runner, still NEW three days later (high: respond within 24 h) |
| identity-service | AT RISK | known exploited on internet-facing: HTTP/2 Rapid Reset (CVE-2023-44487) in grpc, five days old, inside its deadline |
| ledger-service | AT RISK | risk budget nearly used: Spring4Shell (KEV, a week old, internal) and a few criticals |
| sandbox | AT RISK | open incident: "S3 Public Anonymous Access was granted" on a bucket of an *isolated* asset, answered (NOTIFIED) but still open |
| the other 7 | OK | within targets |

The other GuardDuty detections were answered within hours (NOTIFIED, RESOLVED or archived); the
other KEV findings on declared assets are young (inside 14 days). The model was not tuned to
this: apart from those two SLAs the policy is the defaults, which come from their sources (README,
"Scoring model").

## How it was generated

\`scripts/gen-example.ts\` (helpers in \`scripts/lib/\`) writes every file in this folder, this
README included:

\`\`\`sh
npm run build          # tsc -p tsconfig.build.json
npm run gen:example    # node dist/scripts/gen-example.js
\`\`\`

It is deterministic: a seeded mulberry32 PRNG (seed ${SEED}), no clock, no \`Math.random\`, a fixed
reference date of ${REFERENCE_DATE}; running it twice gives byte-identical files. The estate
(accounts, resources, repositories and which asset each should map to) is in
\`scripts/lib/acme.ts\` and mirrors \`assets.yaml\` — change both together. The vulnerability
catalogue is in \`scripts/lib/catalog.ts\`: CVE ids are real and attached to the package they
affect, but GHSA ids, scores, EPSS values and version ranges are written from memory and may be
imprecise. It is demo data, not vulnerability intelligence.

Known-exploited status is **not** stored in the exports (except where Inspector itself says
\`LastKnownExploitAt\`); secsli looks CVEs up in the bundled CISA KEV catalog
(\`data/kev/\`, catalogVersion ${kevVersion}).

## What is in it

### Security Hub (${sh.length} records, ${sh.filter((m) => m.open).length} open)

\`Open\` = \`RecordState\` ACTIVE, workflow NEW/NOTIFIED and, for controls, not PASSED.

${table(
  countBy(sh, (m) => m.product),
  ['ProductName', 'records'],
)}

${table(
  countBy(sh, (m) => `${m.product}: ${m.state}`),
  ['product: RecordState/Workflow[/Compliance]', 'records'],
)}

Unmapped on purpose: ${unmappedSh} records (${((100 * unmappedSh) / sh.length).toFixed(1)} %) in account ${ACCOUNTS.legacy}, which
\`assets.yaml\` does not declare — including open KEV vulnerabilities on a PHP portal, so the
inventory gap is visibly risky.

Older shapes on purpose: some control findings use the pre-consolidation id
(\`…:subscription/aws-foundational-security-best-practices/v/1.0.0/<Control>/finding/…\`) with
\`ProductFields.ControlId\`; some of those lack \`Compliance.SecurityControlId\`, some have only
\`WorkflowState\` (no \`Workflow\`), some only \`Severity.Normalized\` (no \`Label\`); the custom
finding has no top-level \`Severity\` at all.

### Dependabot (${db.length} alerts, ${db.filter((m) => m.open).length} open)

${table(
  countBy(db, (m) => m.state),
  ['state', 'alerts'],
)}

${table(
  countBy(db, (m) => (m.asset ? `${m.id.split('#')[0]} → ${m.asset}` : `${m.id.split('#')[0]} → (unmapped)`)),
  ['repository → asset', 'alerts'],
)}

Unmapped on purpose: ${unmappedDb} alerts in repositories no asset claims
(\`acme/legacy-php-portal\`, \`acme/hackathon-2025-chatbot\`).

About 30 % of the alerts have the older shape (no \`relationship\`, \`epss\`, \`cvss_severities\`,
\`classification\`, \`assignees\`, \`dismissal_request\`); about a fifth of the newer ones give
\`epss.percentile\` as a string such as \`"0.99958e0"\`. Development scope comes from dev-only npm
packages, \`requirements-dev.txt\` and \`platform-terraform\`'s test module; a few old Go alerts
have \`scope: null\`.

### Cross-source pairs (the same CVE and package on the same asset)

${crossPairs.map((p) => `- ${p}`).join('\n')}

Inspector's maven package names (\`org.apache.logging.log4j:log4j-core\`) are GitHub's too; the
log4j Inspector finding also lists \`log4j-api\`.

### CVEs in the CISA KEV catalog used here

| CVE | Security Hub | Dependabot | open | assets |
|---|---:|---:|---:|---|
${kevWhere.join('\n')}

\`CVE-2023-44487\` also appears as a secondary identifier of \`golang.org/x/net\`
GHSA-4374-p667-p6c8 (whose \`cve_id\` is CVE-2023-39325).

### Records with a job to do

${roleLines.join('\n')}

Exceptions in \`assets.yaml\`: RA-2026-004 (payments-api, CVE-2022-1471, **expired** 2026-10-31),
RA-2026-011 (ledger-service, control RDS.3, expires 2026-12-15 — **expiring soon**),
RA-2026-014 (checkout-web, GHSA-952p-6rrq-rcjv in \`acme/checkout-web\`, expires 2027-03-31).

Hostile strings (report escaping must neutralise them): the custom Security Hub finding's
Title \`=HYPERLINK("http://evil","x")\` and its Description; the Dependabot package name
\`lodash|<script>alert(1)</script>\` and summary \`@SUM(1+1)*cmd|' /C calc'!A0\` (with a newline)
in \`acme/sandbox-playground\`; a \`dismissed_comment\` starting with \`+1\` containing \`|\`,
\`<img src=x onerror=alert(1)>\` and a newline; and the EC2 tag \`Owner: <img src=x onerror=alert(1)>\`
on \`sandbox-dev-2\`.
`;
}

// --------------------------------------------------------------------------- main

function main(): void {
  const rootDir = findRoot();
  const kevFile = join(rootDir, 'data/kev/known_exploited_vulnerabilities.json');
  const kevJson = JSON.parse(readFileSync(kevFile, 'utf8')) as { catalogVersion: string; vulnerabilities: { cveID: string }[] };
  const kev = new Set(kevJson.vulnerabilities.map((v) => v.cveID));
  KEV = kev;

  const rng = new Rng(SEED);
  const rInspector = rng.fork('inspector');
  const rControls = rng.fork('controls');
  const rGuardDuty = rng.fork('guardduty');
  const rCustom = rng.fork('custom');
  const rDependabot = rng.fork('dependabot');

  genInspector(rInspector);
  genControls(rControls);
  genGuardDuty(rGuardDuty);
  genCustom(rCustom);

  // Newest first, as a console export would list them; ties broken by Id so the order is total.
  // The stale duplicate (older UpdatedAt) therefore lands after the copy that should win.
  const order = findings.map((f, i) => ({ f, i }));
  order.sort((a, b) => String(b.f.UpdatedAt).localeCompare(String(a.f.UpdatedAt)) || String(a.f.Id).localeCompare(String(b.f.Id)) || a.i - b.i);
  writeAtomic(join(rootDir, 'examples/securityhub-findings.json'), pretty({ Findings: order.map((x) => x.f) }));

  const alerts = genDependabot(rDependabot);
  writeAtomic(join(rootDir, 'examples/dependabot-alerts.json'), pretty(alerts.map((a) => dependabotAlert(a, true))));

  const pagedRepo = 'identity-service';
  const repoAlerts = alerts.filter((a) => a.repo.name === pagedRepo);
  const perPage = 2;
  const pages: Json[][] = [];
  for (let i = 0; i < repoAlerts.length; i += perPage) pages.push(repoAlerts.slice(i, i + perPage).map((a) => dependabotAlert(a, false)));
  // gh api --paginate (without --slurp) prints each page's array as it arrives, back to back.
  writeAtomic(join(rootDir, 'examples/dependabot-alerts-paginated.json'), pages.map((p) => JSON.stringify(p, null, 2)).join('') + '\n');

  writeAtomic(
    join(rootDir, 'examples/README.md'),
    readme(
      kev,
      kevJson.catalogVersion,
      pages.map((p) => p.length),
      pagedRepo,
    ),
  );

  const sh = meta.filter((m) => m.source === 'securityhub');
  const db = meta.filter((m) => m.source === 'dependabot');
  const kevUsed = [...new Set(meta.flatMap((m) => m.cves).filter((c) => kev.has(c)))].sort();
  process.stdout.write(
    [
      `reference date ${REFERENCE_DATE} (${REFERENCE_MS})`,
      `securityhub: ${sh.length} records (${sh.filter((m) => m.open).length} open, ${sh.filter((m) => m.asset === null).length} unmapped)`,
      ...countBy(sh, (m) => m.product).map(([k, n]) => `  ${k}: ${n}`),
      `dependabot: ${db.length} alerts (${db.filter((m) => m.open).length} open, ${db.filter((m) => m.asset === null).length} unmapped)`,
      ...countBy(db, (m) => m.state).map(([k, n]) => `  ${k}: ${n}`),
      `paginated: ${pages.map((p) => p.length).join(' + ')} alerts of acme/${pagedRepo}`,
      `KEV CVEs used (${kevUsed.length}): ${kevUsed.join(', ')}`,
      '',
    ].join('\n'),
  );
}

main();

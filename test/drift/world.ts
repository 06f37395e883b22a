import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGithubEmulator, type GhRepo, type GithubEmulator, type GithubEmulatorOptions } from '../fakes/github-emulator.js';
import { startOrganizationsEmulator, type OrgFault, type OrganizationsEmulator, type OrgAccount } from '../fakes/organizations-emulator.js';
import { startSecurityHubEmulator, type SecurityHubEmulator, type SecurityHubEmulatorOptions } from '../fakes/securityhub-emulator.js';
import { makeAlert, makeAsff } from '../fakes/seed.js';
import { FAKE } from '../live/world.js';
import type * as Discovery from '../../src/discovery/index.js';

/**
 * The inventory-truth world: org `acme` with 30 repositories (svc-01…svc-20 claimed by a glob,
 * app-a…app-d plus app-e — claimed under its former name app-old — and five unclaimed tool-N, tool-3
 * with Dependabot alerts off), an AWS organization of four accounts (one unclaimed, one suspended),
 * custom properties and account tags that disagree with assets.yaml in one place each, and a
 * public-bucket finding (S3.2) on the `isolated` data-lake.
 */

export const REGION = 'ap-northeast-1';
const PAY = '111122223333';
export const LAKE = '444455556666';
export const STRAY = '777788889999';
export const LEGACY = '222233334444';

type Obj = Record<string, any>;

const ASSETS_YAML = `version: 1
sources:
  securityhub: { regions: [${REGION}] }
  dependabot: { orgs: [acme] }
discovery:
  criticality: { property: business-criticality, tag: Criticality, values: { tier-1: critical } }
  owner: { property: owner-team }
owners:
  team-svc: {}
  team-apps: {}
  team-payments: {}
  team-data: {}
assets:
  - id: services
    owner: team-svc
    criticality: high
    exposure: internet
    github: { repos: ["acme/svc-*"] }
  - id: apps
    owner: team-apps
    criticality: medium
    exposure: internal
    github: { repos: [acme/app-a, acme/app-b, acme/app-c, acme/app-d, acme/app-old] }
  - id: payments-api
    owner: team-payments
    criticality: critical
    exposure: internet
    aws: { accounts: ["${PAY}"] }
  - id: data-lake
    owner: team-data
    criticality: medium
    exposure: isolated
    aws: { accounts: ["${LAKE}"] }
  - id: legacy
    owner: team-data
    criticality: low
    exposure: internal
    aws: { accounts: ["${LEGACY}"] }
`;

const pad = (n: number) => String(n).padStart(2, '0');

function acmeRepos(): GhRepo[] {
  const svc = Array.from(
    { length: 20 },
    (_, i): GhRepo => ({
      owner: 'acme',
      name: `svc-${pad(i + 1)}`,
      topics: ['service-payments', 'team-svc'],
      properties: { 'business-criticality': i === 6 ? 'tier-1' : 'high', 'owner-team': 'team-svc', service: 'payments' },
    }),
  );
  const apps = ['a', 'b', 'c', 'd', 'e'].map(
    (x): GhRepo => ({
      owner: 'acme',
      name: `app-${x}`,
      topics: ['service-storefront'],
      properties: { 'owner-team': 'team-apps', service: 'storefront' },
      ...(x === 'e' ? { formerNames: ['acme/app-old'] } : {}),
    }),
  );
  const tools = Array.from({ length: 5 }, (_, i): GhRepo => ({ owner: 'acme', name: `tool-${i + 1}`, visibility: 'public', ...(i === 2 ? { alertsDisabled: true } : {}) }));
  return [...svc, ...apps, ...tools];
}

export function orgAccounts(): OrgAccount[] {
  return [
    { id: PAY, name: 'payments-prod', ou: 'ou-prod', tags: { Criticality: 'critical', Owner: 'team-payments' } },
    { id: LAKE, name: 'data-lake', ou: 'ou-prod', tags: { Criticality: 'high', Owner: 'team-data' } },
    { id: STRAY, name: 'sandbox', ou: 'ou-sandbox', tags: { Owner: 'team-research' } },
    { id: LEGACY, name: 'legacy', state: 'SUSPENDED' },
  ];
}

function control(i: number, account: string, controlId: string): Obj {
  const f = makeAsff(i, { account, region: REGION });
  f.Compliance = { ...f.Compliance, Status: 'FAILED', SecurityControlId: controlId };
  f.ProductFields = { ...f.ProductFields, ControlId: controlId };
  f.GeneratorId = `security-control/${controlId}`;
  f.Title = `${controlId} check failed`;
  f.CreatedAt = f.FirstObservedAt = '2026-11-20T00:00:00.000Z';
  f.UpdatedAt = '2026-11-21T00:00:00.000Z';
  return f;
}

function alert(repo: string, n: number): Obj {
  const a = makeAlert('acme', repo, n, 'open');
  a.created_at = '2026-11-20T00:00:00Z';
  a.updated_at = '2026-11-21T00:00:00Z';
  return a;
}

export interface WorldOptions {
  orgFault?: OrgFault;
  propertiesForbidden?: boolean;
  membersDenied?: boolean;
  /** DescribeHub refused (AccessDeniedException) in every Region. */
  hubDenied?: boolean;
  repos?: GhRepo[];
  accounts?: OrgAccount[];
  alerts?: Record<string, Obj[]>;
  findings?: Obj[];
  secondaryLimitAt?: number[];
}

export interface TruthWorld {
  gh: GithubEmulator;
  sh: SecurityHubEmulator;
  org: OrganizationsEmulator;
  env: NodeJS.ProcessEnv;
  dir: string;
  config: string;
  close(): Promise<void>;
}

export async function truthWorld(o: WorldOptions = {}, yaml = ASSETS_YAML): Promise<TruthWorld> {
  const ghOpts: GithubEmulatorOptions = {
    token: FAKE.githubToken,
    repos: o.repos ?? acmeRepos(),
    alerts: o.alerts ?? { 'acme/svc-01': [alert('svc-01', 1)], 'acme/app-e': [alert('app-old', 1)], 'acme/tool-1': [alert('tool-1', 1), alert('tool-1', 2)] },
    orgs: { acme: { ...(o.propertiesForbidden ? { propertiesAccess: 'forbidden' as const } : {}) } },
    ...(o.secondaryLimitAt ? { secondaryLimitAt: o.secondaryLimitAt } : {}),
  };
  const shOpts: SecurityHubEmulatorOptions = {
    findings: o.findings ?? [control(1, PAY, 'CloudTrail.2'), control(2, LAKE, 'S3.2'), control(3, STRAY, 'IAM.6')],
    ...(o.hubDenied ? { hub: () => 'denied' as const } : {}),
    ...(o.membersDenied
      ? {}
      : { members: [PAY, LAKE, STRAY].map((AccountId) => ({ AccountId, MemberStatus: 'Enabled' })).concat([{ AccountId: LEGACY, MemberStatus: 'AccountSuspended' }]) }),
  };
  const gh = await startGithubEmulator(ghOpts);
  const sh = await startSecurityHubEmulator(shOpts);
  const org = await startOrganizationsEmulator({
    accounts: o.accounts ?? orgAccounts(),
    ous: { 'ou-prod': { name: 'Workloads' }, 'ou-sandbox': { name: 'Sandbox', parent: 'ou-prod' } },
    pageSize: 2,
    emptyPages: true,
    ...(o.orgFault ? { fault: (op: string) => (op === 'ListAccounts' ? o.orgFault : undefined) } : {}),
  });
  const dir = await mkdtemp(join(tmpdir(), 'secsli-truth-'));
  const config = join(dir, 'assets.yaml');
  await writeFile(config, yaml);
  const env: NodeJS.ProcessEnv = {
    AWS_ENDPOINT_URL_SECURITYHUB: sh.url,
    AWS_ENDPOINT_URL_ORGANIZATIONS: org.url,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: FAKE.awsKeyId,
    AWS_SECRET_ACCESS_KEY: FAKE.awsSecret,
    GITHUB_API_URL: gh.url,
    GITHUB_TOKEN: FAKE.githubToken,
  };
  return { gh, sh, org, env, dir, config, close: async () => void (await Promise.all([gh.close(), sh.close(), org.close()])) };
}

/**
 * src/discovery/index.ts paces Organizations at 4 requests/s after a burst of 8: one discovery of
 * this world makes 18 calls, 2.5 s of real waiting per run. The CLI tests on this world replace the
 * module's `discover` with one that passes its `aws.organizationsLimit` option (the pace is then
 * effectively off) unless `production()` says otherwise; one test keeps the production pace and
 * checks it. In a test file:
 *   const pace = vi.hoisted(() => ({ production: false }));
 *   vi.mock('../../src/discovery/index.js', async (original) => (await import('./world.js')).organizationsPace(await original(), () => pace.production));
 */
export function organizationsPace(original: typeof Discovery, production: () => boolean): typeof Discovery {
  return {
    ...original,
    discover: (o) => original.discover(production() ? o : { ...o, aws: { organizationsLimit: { ratePerSecond: 1e6, burst: 1e6 }, ...o.aws } }),
  };
}

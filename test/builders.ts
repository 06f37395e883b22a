import type { SourceStatus } from '../src/collectors/types.js';
import type { Asset, RiskException } from '../src/config/schema.js';
import type { Inventory, Matcher } from '../src/config/inventory.js';
import type { Finding } from '../src/model/finding.js';
import type { KevCatalog } from '../src/model/kev.js';
import { DEFAULT_POLICY, resolvePolicy, type PolicyInput } from '../src/config/policy.js';
import { score, type ScoreInput } from '../src/scoring/score.js';

/** Test builders: one per domain type, defaults that make a plain open finding. */

let seq = 0;
export function makeFinding(over: Partial<Finding> = {}): Finding {
  const n = ++seq;
  const source = over.source ?? 'securityhub';
  const nativeId = over.nativeId ?? `native-${n}`;
  return {
    id: `${source}:${nativeId}`,
    source,
    nativeId,
    kind: 'vulnerability',
    title: `Finding ${n}`,
    severity: 'high',
    knownExploited: false,
    exploitAvailable: false,
    cves: [],
    packages: [],
    status: 'open',
    firstSeen: '2026-11-20T00:00:00Z',
    updatedAt: '2026-11-20T00:00:00Z',
    product: source === 'dependabot' ? 'Dependabot' : 'Inspector',
    ...(source === 'dependabot'
      ? { github: { repo: 'acme/app', scope: 'runtime' as const } }
      : {
          aws: { accountId: '111122223333', region: 'ap-northeast-1', resources: [{ id: 'arn:aws:ecs:ap-northeast-1:111122223333:service/app', type: 'AwsEcsService', tags: {} }] },
        }),
    ...over,
  };
}

export function makeAsset(over: Partial<Asset> = {}): Asset {
  return {
    id: 'app',
    owner: 'team-a',
    criticality: 'high',
    exposure: 'internal',
    aws: { accounts: ['111122223333'] },
    github: { repos: ['acme/app'] },
    ...over,
  };
}

export function makeInventory(assets: Asset[], exceptions: RiskException[] = []): Inventory {
  return {
    file: 'assets.yaml',
    assets: [...assets].sort((a, b) => (a.id < b.id ? -1 : 1)),
    owners: {},
    exceptions,
    sources: {},
    warnings: [],
  };
}

/** Maps a finding to every asset whose account list or repo list names it exactly. */
function simpleMatcher(inv: Inventory): Matcher {
  const forRepo = (repo: string) => inv.assets.filter((a) => a.github?.repos.includes(repo)).map((a) => a.id);
  return {
    match(f) {
      const ids = f.github ? forRepo(f.github.repo) : inv.assets.filter((a) => f.aws && a.aws?.accounts?.includes(f.aws.accountId)).map((a) => a.id);
      return { assetIds: ids.sort(), ambiguous: ids.length > 1, matchedBy: 'test' };
    },
    assetsForRepo: forRepo,
  };
}

export const emptyKev: KevCatalog = { version: 'test', origin: 'test', cves: new Set() };
export const kevWith = (...cves: string[]): KevCatalog => ({ version: 'test', origin: 'test', cves: new Set(cves) });

export function covered(...sources: ('securityhub' | 'dependabot')[]): ScoreInput['sources'] {
  return sources.map((source) => ({
    describe: `test ${source}`,
    status: { source, origins: ['test'], complete: true, problems: [], coverage: [{ source, scope: {}, status: 'covered' }], records: 0 } satisfies SourceStatus,
  }));
}

const NOW = new Date('2026-11-27T00:00:00Z');

/** score() with sensible defaults: default policy, empty KEV, both sources covered. */
export function scoreWith(findings: Finding[], assets: Asset[], over: Partial<ScoreInput> = {}) {
  const inventory = over.inventory ?? makeInventory(assets);
  return score({
    findings,
    inventory,
    matcher: simpleMatcher(inventory),
    policy: DEFAULT_POLICY,
    kev: emptyKev,
    now: NOW,
    sources: covered('securityhub', 'dependabot'),
    rejected: [],
    ...over,
  });
}

/**
 * The linear model from before issue 10 (plain sum, budgets 10/25/50/100, targets 99/95/90/80 %,
 * no separate KEV deadline, an SLI from a single event). The history tests check their arithmetic
 * (attribution, SLO attainment, trends) in it: what they test is history, not the weights.
 */
const LINEAR: PolicyInput = {
  aggregation: 'sum',
  riskBudget: { critical: 10, high: 25, medium: 50, low: 100 },
  remediationTarget: { critical: 0.99, high: 0.95, medium: 0.9, low: 0.8 },
  kevSlaDays: 10_000,
  remediationMinEvents: 1,
};
export const linearPolicy = (over: PolicyInput = {}) => resolvePolicy({ ...LINEAR, ...over });

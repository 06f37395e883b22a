import type { AwsResource, Finding } from '../../src/model/finding.js';
import type { Asset } from '../../src/config/schema.js';
import type { Inventory } from '../../src/config/inventory.js';

let seq = 0;

/** A plausible open Security Hub finding; override any field. */
export function makeFinding(over: Partial<Finding> = {}): Finding {
  const nativeId = over.nativeId ?? `finding-${++seq}`;
  return {
    id: `${over.source ?? 'securityhub'}:${nativeId}`,
    source: 'securityhub',
    nativeId,
    kind: 'vulnerability',
    title: 'CVE-2023-1234 in openssl',
    severity: 'high',
    knownExploited: false,
    exploitAvailable: false,
    cves: ['CVE-2023-1234'],
    packages: ['openssl'],
    status: 'open',
    firstSeen: '2026-11-01T00:00:00Z',
    updatedAt: '2026-11-20T00:00:00Z',
    product: 'Inspector',
    ...over,
  };
}

export function makeResource(id: string, over: Partial<AwsResource> = {}): AwsResource {
  return { id, type: 'AwsEcsService', tags: {}, ...over };
}

/** An AWS finding in `accountId` on the given resources (ARN strings or full resources). */
export function makeAwsFinding(accountId: string, resources: Array<string | AwsResource> = [], over: Partial<Finding> = {}): Finding {
  return makeFinding({
    aws: { accountId, resources: resources.map((r) => (typeof r === 'string' ? makeResource(r) : r)) },
    ...over,
  });
}

/** A Dependabot alert on `repo` ("owner/name"). */
export function makeRepoFinding(repo: string, over: Partial<Finding> = {}): Finding {
  return makeFinding({ source: 'dependabot', product: 'Dependabot', github: { repo: repo.toLowerCase() }, ...over });
}

export function makeAsset(id: string, selectors: Pick<Asset, 'aws' | 'github'> = {}, over: Partial<Asset> = {}): Asset {
  return { id, owner: 'team-a', criticality: 'high', exposure: 'internal', ...selectors, ...over };
}

/** An already-validated inventory (assets sorted by id, as loadInventory returns them). */
export function makeInventory(assets: Asset[]): Inventory {
  return {
    file: 'assets.yaml',
    assets: [...assets].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    owners: {},
    exceptions: [],
    sources: {},
    warnings: [],
  };
}

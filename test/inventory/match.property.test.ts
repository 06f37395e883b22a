import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGlob } from '../../src/config/glob.js';
import { compileInventory } from '../../src/inventory/match.js';
import type { Asset } from '../../src/config/schema.js';
import type { Finding } from '../../src/model/finding.js';
import { makeAsset, makeAwsFinding, makeInventory, makeRepoFinding, makeResource } from './builders.js';

/**
 * Two disjoint worlds: "base" assets and findings use accounts 1…, services ecs/s3, tag keys
 * Service/Env, type Aws*, owner acme; "unrelated" assets use accounts 9…, tag keys x-*, types Zz*,
 * owner other. Adding unrelated assets must never change where a base finding goes.
 */
const BASE_ACCOUNTS = ['111111111111', '122222222222'];
const OTHER_ACCOUNTS = ['911111111111', '922222222222'];
const names = fc.constantFrom('api', 'web', 'db', 'worker');
const services = fc.constantFrom('ecs', 's3');

const arn = (service: string, account: string, name: string) => (service === 's3' ? `arn:aws:s3:::${name}-bucket` : `arn:aws:ecs:us-east-1:${account}:service/main/${name}`);

const baseAsset = fc
  .record({
    accounts: fc.option(fc.subarray(BASE_ACCOUNTS, { minLength: 1 }), { nil: undefined }),
    resources: fc.option(
      fc.array(
        fc.tuple(services, fc.constantFrom(...BASE_ACCOUNTS), names, fc.boolean()).map(([s, a, n, glob]) => {
          const exact = arn(s, a, n);
          return glob ? exact.replace(/[^/:]+$/, (last) => `${last.slice(0, 1)}*`) : exact;
        }),
        { minLength: 1, maxLength: 2 },
      ),
      { nil: undefined },
    ),
    tags: fc.option(fc.dictionary(fc.constantFrom('Service', 'Env'), fc.constantFrom('payments', 'prod', 'p*'), { minKeys: 1 }), { nil: undefined }),
    resourceTypes: fc.option(fc.subarray(['AwsEcsService', 'AwsS3Bucket', 'Aws*'], { minLength: 1 }), { nil: undefined }),
    repos: fc.option(fc.subarray(['acme/api', 'acme/web', 'acme/*', 'acme/w*', '*/api'], { minLength: 1 }), { nil: undefined }),
  })
  .map(({ repos, ...aws }) => {
    const clean = Object.fromEntries(Object.entries(aws).filter(([, v]) => v !== undefined));
    return makeAsset('base', { aws: clean, ...(repos ? { github: { repos } } : {}) });
  });

const unrelatedAsset = fc
  .record({
    kind: fc.constantFrom('account', 'resource', 'tag', 'type', 'repo'),
    account: fc.constantFrom(...OTHER_ACCOUNTS),
    name: names,
  })
  .map(({ kind, account, name }): Asset => {
    const id = 'extra';
    switch (kind) {
      case 'account':
        return makeAsset(id, { aws: { accounts: [account] } });
      case 'resource':
        return makeAsset(id, { aws: { resources: [`arn:aws:ecs:*:${account}:service/main/${name.slice(0, 1)}*`] } });
      case 'tag':
        return makeAsset(id, { aws: { tags: { [`x-${name}`]: '*' } } });
      case 'type':
        return makeAsset(id, { aws: { resourceTypes: [`Zz${name}*`] } });
      default:
        return makeAsset(id, { github: { repos: [`other/${name}*`] } });
    }
  });

/** Up to `max` assets named `${prefix}-0`, `${prefix}-1`, … */
const assets = (asset: fc.Arbitrary<Asset>, max: number, prefix: string): fc.Arbitrary<Asset[]> =>
  fc.array(asset, { maxLength: max }).map((list) => list.map((a, i) => ({ ...a, id: `${prefix}-${i}` })));

const baseFinding: fc.Arbitrary<Finding> = fc.oneof(
  fc
    .tuple(fc.constantFrom(...BASE_ACCOUNTS), services, names, fc.constantFrom('payments', 'prod'), fc.constantFrom('Service', 'Env'))
    .map(([account, s, n, value, key]) =>
      makeAwsFinding(account, [makeResource(arn(s, account, n), { type: s === 's3' ? 'AwsS3Bucket' : 'AwsEcsService', tags: { [key]: value } })]),
    ),
  fc.tuple(fc.constantFrom('acme', 'ACME'), names).map(([owner, n]) => makeRepoFinding(`${owner}/${n}`)),
);

describe('matcher properties', () => {
  it('adding unrelated assets never changes where a finding maps', () => {
    fc.assert(
      fc.property(assets(baseAsset, 6, 'base'), assets(unrelatedAsset, 6, 'zz-extra'), fc.array(baseFinding, { minLength: 1, maxLength: 10 }), (base, extra, findings) => {
        const before = compileInventory(makeInventory(base));
        const after = compileInventory(makeInventory([...extra, ...base]));
        for (const f of findings) expect(after.match(f)).toEqual(before.match(f));
      }),
      { numRuns: 300 },
    );
  });

  it('ambiguous exactly when several assets tie; ids sorted and unique', () => {
    fc.assert(
      fc.property(assets(baseAsset, 6, 'base'), baseFinding, (base, f) => {
        const r = compileInventory(makeInventory(base)).match(f);
        expect(r.ambiguous).toBe(r.assetIds.length > 1);
        expect(r.assetIds).toEqual([...new Set(r.assetIds)].sort());
        expect(r.matchedBy === undefined).toBe(r.assetIds.length === 0);
      }),
      { numRuns: 300 },
    );
  });

  it('a winning asset still wins when it is the only asset', () => {
    fc.assert(
      fc.property(assets(baseAsset, 6, 'base'), baseFinding, (base, f) => {
        const r = compileInventory(makeInventory(base)).match(f);
        for (const id of r.assetIds) {
          const alone = compileInventory(makeInventory(base.filter((a) => a.id === id))).match(f);
          expect(alone.assetIds).toEqual([id]);
        }
      }),
      { numRuns: 200 },
    );
  });
});

/** The semantics of match.ts written the slow, obvious way: every selector of every asset. */
function naiveMatch(all: Asset[], f: Finding): string[] {
  const cmp = (x: number[], y: number[]) => x[0]! - y[0]! || x[1]! - y[1]!;
  const score = (a: Asset): number[] | undefined => {
    const found: number[][] = [];
    if (f.github)
      for (const p of a.github?.repos ?? []) {
        const g = compileGlob(p, 'repo');
        if (g.test(f.github.repo)) found.push(g.literal ? [5, 0] : [4, g.literalChars]);
      }
    const aws = a.aws;
    if (f.aws && aws && !(aws.accounts && !aws.accounts.includes(f.aws.accountId))) {
      const tags = Object.entries(aws.tags ?? {});
      if (!aws.resources && !aws.resourceTypes && tags.length === 0) {
        if (aws.accounts) found.push([1, 0]);
      } else
        for (const r of f.aws.resources) {
          for (const p of aws.resources ?? []) {
            const g = compileGlob(p, 'arn');
            if (g.test(r.id)) found.push(g.literal ? [5, 0] : [4, g.literalChars]);
          }
          if (tags.length > 0 && tags.every(([k, v]) => r.tags[k] !== undefined && compileGlob(v, 'tag').test(r.tags[k])))
            found.push([3, tags.length * 1000 + tags.reduce((n, [, v]) => n + compileGlob(v, 'tag').literalChars, 0)]);
          for (const p of aws.resourceTypes ?? []) {
            const g = compileGlob(p, 'type');
            if (g.test(r.type)) found.push([2, g.literal ? 999_999 : g.literalChars]);
          }
        }
    }
    return found.sort(cmp).pop();
  };
  const scored = all.flatMap((a) => {
    const s = score(a);
    return s ? [{ id: a.id, s }] : [];
  });
  const best = scored
    .map((x) => x.s)
    .sort(cmp)
    .pop();
  return best
    ? scored
        .filter((x) => cmp(x.s, best) === 0)
        .map((x) => x.id)
        .sort()
    : [];
}

describe('matcher agrees with the obvious implementation', () => {
  it('for random inventories and findings', () => {
    fc.assert(
      fc.property(assets(baseAsset, 8, 'base'), assets(unrelatedAsset, 4, 'zz-extra'), baseFinding, (base, extra, f) => {
        const all = [...base, ...extra];
        expect(compileInventory(makeInventory(all)).match(f).assetIds).toEqual(naiveMatch(all, f));
      }),
      { numRuns: 500 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { compileInventory } from '../../src/inventory/match.js';
import type { Asset } from '../../src/config/schema.js';
import type { MatchResult } from '../../src/config/inventory.js';
import type { Finding } from '../../src/model/finding.js';
import { makeAsset, makeAwsFinding, makeFinding, makeInventory, makeRepoFinding, makeResource } from './builders.js';

const A = '111122223333';
const B = '444455556666';
const ECS = `arn:aws:ecs:ap-northeast-1:${A}:service/payments/api`;
const BUCKET = 'arn:aws:s3:::payments-logs';

const match = (assets: Asset[], finding: Finding): MatchResult => compileInventory(makeInventory(assets)).match(finding);
const only = (id: string, matchedBy: string): MatchResult => ({ assetIds: [id], ambiguous: false, matchedBy });
const UNMAPPED: MatchResult = { assetIds: [], ambiguous: false };

describe('each selector kind', () => {
  it.each<[string, Asset[], Finding, MatchResult]>([
    ['account alone claims every finding in it', [makeAsset('acct', { aws: { accounts: [A] } })], makeAwsFinding(A, [ECS]), only('acct', `aws.accounts ${A}`)],
    ['account alone claims a finding with no resources', [makeAsset('acct', { aws: { accounts: [A] } })], makeAwsFinding(A), only('acct', `aws.accounts ${A}`)],
    ['account alone does not claim another account', [makeAsset('acct', { aws: { accounts: [A] } })], makeAwsFinding(B, [ECS]), UNMAPPED],
    ['exact ARN', [makeAsset('svc', { aws: { resources: [ECS] } })], makeAwsFinding(A, [ECS]), only('svc', `aws.resources ${ECS}`)],
    [
      'ARN glob, any account when accounts is not given',
      [makeAsset('svc', { aws: { resources: ['arn:aws:ecs:*:*:service/payments/*'] } })],
      makeAwsFinding(B, [ECS]),
      only('svc', 'aws.resources arn:aws:ecs:*:*:service/payments/*'),
    ],
    [
      'accounts AND resources: a matching ARN in another account is not claimed',
      [makeAsset('svc', { aws: { accounts: [B], resources: ['arn:aws:ecs:*:*:service/payments/*'] } })],
      makeAwsFinding(A, [ECS]),
      UNMAPPED,
    ],
    [
      'accounts AND resources: the right account but no matching resource is not claimed',
      [makeAsset('svc', { aws: { accounts: [A], resources: [BUCKET] } })],
      makeAwsFinding(A, [ECS]),
      UNMAPPED,
    ],
    [
      'tags: every key with an equal value',
      [makeAsset('tagged', { aws: { tags: { Service: 'payments', Env: 'prod' } } })],
      makeAwsFinding(A, [makeResource(ECS, { tags: { Service: 'payments', Env: 'prod', Team: 'x' } })]),
      only('tagged', 'aws.tags Env=prod,Service=payments'),
    ],
    [
      'tags: a missing key does not match',
      [makeAsset('tagged', { aws: { tags: { Service: 'payments', Env: 'prod' } } })],
      makeAwsFinding(A, [makeResource(ECS, { tags: { Service: 'payments' } })]),
      UNMAPPED,
    ],
    [
      'tags: a value glob',
      [makeAsset('tagged', { aws: { tags: { Service: 'pay*' } } })],
      makeAwsFinding(A, [makeResource(ECS, { tags: { Service: 'payments' } })]),
      only('tagged', 'aws.tags Service=pay*'),
    ],
    [
      'tags: values are case-sensitive',
      [makeAsset('tagged', { aws: { tags: { Service: 'Payments' } } })],
      makeAwsFinding(A, [makeResource(ECS, { tags: { Service: 'payments' } })]),
      UNMAPPED,
    ],
    [
      'resourceTypes, case-insensitive',
      [makeAsset('typed', { aws: { resourceTypes: ['awss3bucket'] } })],
      makeAwsFinding(A, [makeResource(BUCKET, { type: 'AwsS3Bucket' })]),
      only('typed', 'aws.resourceTypes awss3bucket'),
    ],
    [
      'resourceTypes glob',
      [makeAsset('typed', { aws: { resourceTypes: ['AwsS3*'] } })],
      makeAwsFinding(A, [makeResource(BUCKET, { type: 'AwsS3Bucket' })]),
      only('typed', 'aws.resourceTypes AwsS3*'),
    ],
    [
      'any of the finding resources may match',
      [makeAsset('bucket', { aws: { resources: [BUCKET] } })],
      makeAwsFinding(A, [ECS, makeResource(BUCKET, { type: 'AwsS3Bucket' })]),
      only('bucket', `aws.resources ${BUCKET}`),
    ],
    [
      'non-ARN resource ids match exactly or by glob',
      [makeAsset('acct-res', { aws: { resources: [`AWS::::Account:*`] } })],
      makeAwsFinding(A, [makeResource(`AWS::::Account:${A}`, { type: 'AwsAccount' })]),
      only('acct-res', 'aws.resources AWS::::Account:*'),
    ],
    ['github exact repo', [makeAsset('pay', { github: { repos: ['acme/payments-api'] } })], makeRepoFinding('acme/payments-api'), only('pay', 'github.repos acme/payments-api')],
    ['github repo glob', [makeAsset('pay', { github: { repos: ['acme/payments-*'] } })], makeRepoFinding('acme/payments-web'), only('pay', 'github.repos acme/payments-*')],
    [
      'github repos are case-insensitive',
      [makeAsset('pay', { github: { repos: ['Acme/Payments-*'] } })],
      makeRepoFinding('ACME/payments-WEB'),
      only('pay', 'github.repos Acme/Payments-*'),
    ],
    ['github repo glob stays inside the name', [makeAsset('pay', { github: { repos: ['acme/*'] } })], makeRepoFinding('other/acme'), UNMAPPED],
    ['aws selectors do not claim a repository finding', [makeAsset('acct', { aws: { accounts: [A] } })], makeRepoFinding('acme/payments-api'), UNMAPPED],
    ['repo selectors do not claim an AWS finding', [makeAsset('pay', { github: { repos: ['*/*'] } })], makeAwsFinding(A, [ECS]), UNMAPPED],
    ['a finding with no location is unmapped', [makeAsset('acct', { aws: { accounts: [A] } })], makeFinding(), UNMAPPED],
    ['an asset without selectors claims nothing', [makeAsset('empty')], makeAwsFinding(A, [ECS]), UNMAPPED],
  ])('%s', (_name, assets, finding, expected) => {
    expect(match(assets, finding)).toEqual(expected);
  });
});

describe('specificity: the most specific asset wins', () => {
  const finding = makeAwsFinding(A, [makeResource(ECS, { type: 'AwsEcsService', tags: { Service: 'payments', Env: 'prod' } })]);
  const assets = {
    exact: makeAsset('exact', { aws: { resources: [ECS] } }),
    longGlob: makeAsset('long-glob', { aws: { resources: [`arn:aws:ecs:*:${A}:service/payments/a*`] } }),
    shortGlob: makeAsset('short-glob', { aws: { resources: ['arn:aws:ecs:*:*:service/payments/*'] } }),
    twoTags: makeAsset('two-tags', { aws: { tags: { Service: 'payments', Env: 'prod' } } }),
    oneTag: makeAsset('one-tag', { aws: { tags: { Service: 'payments' } } }),
    exactType: makeAsset('exact-type', { aws: { resourceTypes: ['AwsEcsService'] } }),
    typeGlob: makeAsset('type-glob', { aws: { resourceTypes: ['AwsEcs*'] } }),
    account: makeAsset('account', { aws: { accounts: [A] } }),
  };
  const order = Object.values(assets);

  it.each(order.map((winner, i) => [winner.id, order.slice(i)] as const))('%s beats everything less specific', (winner, contenders) => {
    // Same contenders in reverse file order: the result must not depend on order.
    expect(match([...contenders].reverse(), finding).assetIds).toEqual([winner]);
  });

  it('an asset is ranked by its most specific matching selector', () => {
    const both = makeAsset('both', { aws: { accounts: [A], resources: [BUCKET, ECS] } });
    expect(match([both, assets.longGlob], finding)).toEqual(only('both', `aws.resources ${ECS}`));
  });

  it.each([
    ['exact repo beats glob', ['acme/payments-api'], ['acme/*'], 'exact'],
    ['longer glob beats shorter', ['acme/payments-*'], ['acme/pay*'], 'exact'],
  ])('%s', (_n, first, second) => {
    const r = match([makeAsset('a', { github: { repos: first } }), makeAsset('b', { github: { repos: second } })], makeRepoFinding('acme/payments-api'));
    expect(r.assetIds).toEqual(['a']);
  });
});

describe('ties and ambiguity', () => {
  it.each<[string, Asset[], Finding, string[]]>([
    [
      'same glob',
      [makeAsset('zeta', { aws: { resources: ['arn:aws:ecs:*:*:service/payments/*'] } }), makeAsset('alpha', { aws: { resources: ['arn:aws:ecs:*:*:service/payments/*'] } })],
      makeAwsFinding(A, [ECS]),
      ['alpha', 'zeta'],
    ],
    ['same account', [makeAsset('b', { aws: { accounts: [A] } }), makeAsset('a', { aws: { accounts: [A, B] } })], makeAwsFinding(A, [ECS]), ['a', 'b']],
    [
      'same repo, different case',
      [makeAsset('b', { github: { repos: ['acme/API'] } }), makeAsset('a', { github: { repos: ['acme/api'] } })],
      makeRepoFinding('acme/api'),
      ['a', 'b'],
    ],
    [
      'globs with as many literal characters',
      [makeAsset('x', { github: { repos: ['acme/pay-*'] } }), makeAsset('y', { github: { repos: ['acme/*-api'] } })],
      makeRepoFinding('acme/pay-api'),
      ['x', 'y'],
    ],
  ])('%s → ambiguous, ids sorted', (_n, assets, finding, ids) => {
    const r = match(assets, finding);
    expect(r.assetIds).toEqual(ids);
    expect(r.ambiguous).toBe(true);
    expect(r.matchedBy).toBeDefined();
  });

  it("each tied asset keeps its own selector: findings.csv's matched_by is not another asset's glob", () => {
    const r = match([makeAsset('x', { github: { repos: ['acme/pay-*'] } }), makeAsset('y', { github: { repos: ['acme/*-api'] } })], makeRepoFinding('acme/pay-api'));
    expect(r.assetIds).toEqual(['x', 'y']);
    expect(r.matchedByAsset).toEqual(['github.repos acme/pay-*', 'github.repos acme/*-api']);
    expect(r.matchedBy).toBe('github.repos acme/pay-*');
  });
});

describe('assetsForRepo', () => {
  const inv = makeInventory([
    makeAsset('pay', { github: { repos: ['acme/payments-*'] } }),
    makeAsset('api', { github: { repos: ['ACME/payments-api'] } }),
    makeAsset('all', { github: { repos: ['*/payments-api'] } }),
    makeAsset('aws-only', { aws: { accounts: [A] } }),
  ]);
  const matcher = compileInventory(inv);
  it.each([
    ['acme/payments-api', ['all', 'api', 'pay']],
    ['Acme/Payments-Web', ['pay']],
    ['other/payments-api', ['all']],
    ['other/thing', []],
  ])('%s → %j', (repo, ids) => {
    expect(matcher.assetsForRepo(repo)).toEqual(ids);
  });
});

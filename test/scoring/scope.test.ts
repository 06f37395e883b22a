import { describe, expect, it } from 'vitest';
import type { RiskException } from '../../src/config/schema.js';
import { makeAsset, makeFinding, makeInventory, scoreWith } from '../builders.js';

/** `--asset` is an input of score(): the result is the whole run's, narrowed to that asset. */

const api = makeAsset({ id: 'api', aws: { accounts: ['111122223333'] }, github: { repos: ['acme/api'] } });
const web = makeAsset({ id: 'web', exposure: 'internet', aws: { accounts: ['111122223333', '444455556666'] }, github: { repos: ['acme/web'] } });
const ex = (id: string, asset: string, cve: string): RiskException => ({ id, asset, match: { cve }, reason: 'test', approvedBy: 'lead', expires: '2027-12-31' });
const exceptions = [ex('RA-1', 'api', 'CVE-2026-0001'), ex('RA-2', 'web', 'CVE-2026-0002')];
const findings = [
  makeFinding({ cves: ['CVE-2026-0001'] }), // both assets (account 1111…): ambiguous
  makeFinding({ cves: ['CVE-2026-0002'], aws: { accountId: '444455556666', resources: [] } }), // web only
  makeFinding({ source: 'dependabot', severity: 'critical', github: { repo: 'acme/api' } }), // api only
  makeFinding({ source: 'dependabot', github: { repo: 'acme/other' } }), // unmapped
];

describe('score with scope', () => {
  const inventory = makeInventory([api, web], exceptions);
  const full = scoreWith(findings, [api, web], { inventory });

  it.each(['api', 'web'])('for %s equals the whole result narrowed to it', (id) => {
    const one = scoreWith(findings, [api, web], { inventory, scope: { asset: id } });
    expect(one.assets).toEqual(full.assets.filter((a) => a.asset.id === id));
    expect(one.ambiguous).toEqual(full.ambiguous.filter((a) => a.assetIds.includes(id)));
    expect(one.exceptions).toEqual(full.exceptions.filter((e) => e.exception.asset === id));
    expect(one.unmapped).toEqual([]);
    expect(one.totalFindings).toBe(full.totalFindings);
    expect(one.sources).toEqual(full.sources);
    expect(one.policyHash).toBe(full.policyHash);
  });

  it('the unscoped result still holds every asset and the unmapped finding', () => {
    expect(full.assets.map((a) => a.asset.id).sort()).toEqual(['api', 'web']);
    expect(full.unmapped).toHaveLength(1);
    expect(full.ambiguous).toHaveLength(1);
  });
});

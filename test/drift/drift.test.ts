import { describe, expect, it } from 'vitest';
import type { DiscoveredRepo, Discovery } from '../../src/discovery/types.js';
import { computeDrift } from '../../src/drift/drift.js';
import { makeAsset, makeFinding, makeInventory, scoreWith } from '../builders.js';

/** computeDrift on its own: pure tables for the rules the emulator tests do not reach. */

const repo = (fullName: string, over: Partial<DiscoveredRepo> = {}): DiscoveredRepo => ({ fullName, aliases: [], archived: false, topics: [], properties: {}, ...over });
const gh = (repos: DiscoveredRepo[], over: Partial<NonNullable<Discovery['github']>> = {}): Discovery => ({
  github: { orgs: ['acme'], repos, lookups: [], complete: true, propertiesReadable: true, notes: [], ...over },
});

function drift(assets: Parameters<typeof makeInventory>[0], discovery: Discovery, findings = [makeFinding({ source: 'dependabot', github: { repo: 'acme/x' } })]) {
  const inventory = makeInventory(assets);
  return computeDrift({ inventory, discovery, result: scoreWith(findings, assets, { inventory }), evidence: new Map() });
}

describe('computeDrift', () => {
  it('archived repositories a claim matches are dangling, and count neither as discovered nor as claimed', () => {
    const d = drift([makeAsset({ id: 'a', aws: {}, github: { repos: ['acme/app-*'] } })], gh([repo('acme/app-1'), repo('acme/app-2', { archived: true })]));
    expect(d.coverage.repos).toEqual({ claimed: 1, discovered: 1 });
    expect(d.dangling.map((x) => [x.claim, x.state])).toEqual([['acme/app-2', 'archived']]);
  });

  it('a glob that matches nothing is dangling only when the listing was complete', () => {
    const assets = [makeAsset({ id: 'a', aws: {}, github: { repos: ['acme/gone-*'] } })];
    expect(drift(assets, gh([repo('acme/x')])).dangling.map((x) => x.state)).toEqual(['unmatched']);
    expect(drift(assets, gh([repo('acme/x')], { complete: false })).dangling).toEqual([]);
  });

  it('claims outside the discovered orgs are not judged', () => {
    const d = drift([makeAsset({ id: 'a', aws: {}, github: { repos: ['other/thing'] } })], gh([repo('acme/x')]));
    expect(d.dangling).toEqual([]);
    expect(d.unclaimed.map((u) => [u.key, u.findingIds.length])).toEqual([['acme/x', 1]]);
  });

  it('an exact claim that is not listed and was not looked up is missing; a 404 look-up says why', () => {
    const assets = [makeAsset({ id: 'a', aws: {}, github: { repos: ['acme/old', 'acme/lost'] } })];
    const d = drift(assets, gh([repo('acme/x')], { lookups: [{ name: 'acme/lost', state: 'missing', reason: 'not found, or not visible to this token (404)' }] }));
    expect(d.dangling.map((x) => [x.claim, x.state, x.detail])).toEqual([
      ['acme/lost', 'missing', 'not found, or not visible to this token (404)'],
      ['acme/old', 'missing', 'not in the organization’s repository list'],
    ]);
  });

  it('attribute drift goes through the values map and is skipped when properties were not readable', () => {
    const assets = [makeAsset({ id: 'a', criticality: 'critical', aws: {}, github: { repos: ['acme/x'] } })];
    const inventory = { ...makeInventory(assets), discovery: { criticality: { property: 'tier', values: { 'tier-1': 'critical', 'tier-2': 'high' } } } };
    const run = (tier: string, readable = true) =>
      computeDrift({
        inventory,
        discovery: gh([repo('acme/x', { properties: { tier } })], { propertiesReadable: readable }),
        result: scoreWith([], assets, { inventory }),
        evidence: new Map(),
      }).attributes;
    expect(run('tier-1')).toEqual([]);
    expect(run('tier-2').map((x) => [x.declared, x.discovered])).toEqual([['critical', 'high']]);
    expect(run('tier-2', false)).toEqual([]);
  });

  it('exposure evidence on an internet-facing asset is not a contradiction', () => {
    const f = makeFinding({ source: 'securityhub', controlId: 'S3.2', compliance: 'failed', aws: { accountId: '111122223333', resources: [] } });
    for (const exposure of ['internet', 'internal'] as const) {
      const { github: _repos, ...asset } = makeAsset({ id: 'a', exposure });
      const assets = [asset];
      const inventory = makeInventory(assets);
      const d = computeDrift({ inventory, discovery: {}, result: scoreWith([f], assets, { inventory }), evidence: new Map([[f.id, { id: 'S3.2', what: 'public' }]]) });
      expect(d.exposure.map((e) => e.declared)).toEqual(exposure === 'internet' ? [] : ['internal']);
    }
  });
});

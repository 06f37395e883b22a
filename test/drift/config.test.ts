import { afterEach, describe, expect, it } from 'vitest';
import { parseInventory } from '../../src/inventory/load.js';
import { githubWorld } from '../live/world.js';
import { memoryLogger, memorySink } from '../fakes/sink.js';
import { makeAlert } from '../fakes/seed.js';

/** The assets.yaml additions of issue 12: `sources.dependabot.orgs` and the `discovery:` block. */

const NOW = { now: new Date('2026-11-27T00:00:00Z') };
const base = (extra: string) => `version: 1\n${extra}owners: { t: {} }\nassets:\n  - { id: a, owner: t, criticality: low, exposure: internal, github: { repos: ["acme/x"] } }\n`;

describe('assets.yaml: orgs and discovery', () => {
  it('accepts several orgs and a full discovery mapping', () => {
    const r = parseInventory(
      base(
        'sources: { dependabot: { orgs: [acme, beta] } }\ndiscovery:\n  criticality: { property: business-criticality, tag: Criticality, values: { tier-1: critical } }\n  owner: { property: owner-team }\n  groupBy: { topicPrefix: "service-" }\n',
      ),
      'assets.yaml',
      NOW,
    );
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(r.inventory?.sources.dependabot?.orgs).toEqual(['acme', 'beta']);
    expect(r.inventory?.discovery?.groupBy).toEqual({ topicPrefix: 'service-' });
  });

  it.each([
    ['a mapping with neither property nor tag', 'discovery:\n  owner: { values: { a: b } }\n', /discovery\.owner.*give a property, a tag, or both/],
    ['an unknown key, with a did-you-mean', 'discovery:\n  critcality: { property: x }\n', /critcality.*criticality/],
    ['an empty orgs list', 'sources: { dependabot: { orgs: [] } }\n', /orgs.*at least one organization/],
  ])('rejects %s, naming file, line and path', (_name, extra, message) => {
    const r = parseInventory(base(extra), 'assets.yaml', NOW);
    const errors = r.problems.filter((p) => p.severity === 'error').map((p) => `${p.file}:${p.line}:${p.col} ${p.path}: ${p.message}`);
    expect(errors.join('\n')).toMatch(message);
    expect(errors[0]).toMatch(/^assets\.yaml:\d+:\d+ /);
  });
});

describe('Dependabot collector with several orgs', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => close?.());

  it('pages each org’s alert list and covers claimed repositories in both', async () => {
    const w = await githubWorld(
      { orgs: ['acme', 'beta'] },
      {
        repos: [
          { owner: 'acme', name: 'x' },
          { owner: 'beta', name: 'y' },
          { owner: 'gamma', name: 'z' },
        ],
        alerts: { 'acme/x': [makeAlert('acme', 'x', 1)], 'beta/y': [makeAlert('beta', 'y', 1), makeAlert('beta', 'y', 2)] },
      },
      ['acme/x', 'beta/y', 'gamma/z'],
    );
    close = w.close;
    const sink = memorySink();
    const status = await w.collector.collect(sink, memoryLogger());
    expect(sink.records).toHaveLength(3);
    expect(status.origins).toEqual(['org acme', 'org beta']);
    expect(status.coverage.map((c) => [c.scope.repo, c.status])).toEqual([
      ['acme/x', 'covered'],
      ['beta/y', 'covered'],
      ['gamma/z', 'gap'],
    ]);
    expect(status.coverage.find((c) => c.scope.repo === 'gamma/z')?.reason).toMatch(/outside organization acme, beta \(sources\.dependabot\.orgs\)/);
  });
});

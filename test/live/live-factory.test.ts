import { describe, expect, it } from 'vitest';
import { createLiveCollectors, securityHubEndpoint } from '../../src/collectors/live.js';
import { liveSecrets } from '../../src/collectors/secrets.js';
import { UsageError } from '../../src/errors.js';
import { memoryLogger } from '../fakes/sink.js';
import { FAKE } from './world.js';

const base = { claimedRepos: [], accountsFromInventory: [], log: memoryLogger() };

describe('createLiveCollectors', () => {
  it('builds nothing for file-only sources', () => {
    expect(createLiveCollectors({ securityhub: { file: 'sh.json' }, dependabot: { file: 'db.json' } }, { ...base, env: {} })).toEqual([]);
  });

  it('builds one collector per live source', () => {
    const cs = createLiveCollectors({ securityhub: { regions: ['eu-west-1'] }, dependabot: { org: 'acme' } }, { ...base, env: { GH_TOKEN: FAKE.githubToken } });
    expect(cs.map((c) => [c.source, c.describe])).toEqual([
      ['securityhub', 'Security Hub API ASFF (eu-west-1)'],
      ['dependabot', 'Dependabot API (org acme)'],
    ]);
  });

  it('needs a GitHub token for Dependabot (a usage error, exit 2), and never echoes one', () => {
    expect(() => createLiveCollectors({ dependabot: { org: 'acme' } }, { ...base, env: {} })).toThrow(UsageError);
  });

  it('needs accounts when assumeRole names {account}', () => {
    expect(() => createLiveCollectors({ securityhub: { regions: ['eu-west-1'], assumeRole: 'arn:aws:iam::{account}:role/secsli-read' } }, { ...base, env: {} })).toThrow(
      /no accounts are known/,
    );
  });

  it('prefers aggregationRegion over regions, and says so', () => {
    const log = memoryLogger();
    const [c] = createLiveCollectors({ securityhub: { regions: ['us-east-1'], aggregationRegion: 'eu-west-1', api: 'ocsf' } }, { ...base, log, env: {} });
    expect(c!.describe).toBe('Security Hub API OCSF (aggregation eu-west-1)');
    expect(log.lines.join()).toMatch(/ignoring regions/);
  });

  it('reads endpoint overrides: service-specific first, then the global one, unless ignored', () => {
    expect(securityHubEndpoint({ AWS_ENDPOINT_URL: 'http://a', AWS_ENDPOINT_URL_SECURITYHUB: 'http://b' })).toBe('http://b');
    expect(securityHubEndpoint({ AWS_ENDPOINT_URL: 'http://a' })).toBe('http://a');
    expect(securityHubEndpoint({ AWS_ENDPOINT_URL: 'http://a', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' })).toBeUndefined();
  });

  it('lists the secrets a logger must scrub', () => {
    expect(liveSecrets({ GITHUB_TOKEN: FAKE.githubToken, AWS_SECRET_ACCESS_KEY: FAKE.awsSecret, HOME: '/root' }).sort()).toEqual([FAKE.awsSecret, FAKE.githubToken].sort());
  });
});

import { createLiveCollectors, type LiveCollectorOptions } from '../../src/collectors/live.js';
import type { SourcesConfig } from '../../src/config/schema.js';
import type { Collector } from '../../src/collectors/types.js';
import { silentLogger } from '../../src/log.js';
import { startGithubEmulator, type GithubEmulatorOptions } from '../fakes/github-emulator.js';
import { startSecurityHubEmulator, type SecurityHubEmulatorOptions } from '../fakes/securityhub-emulator.js';

/** Recognisable fake secrets: tests assert they appear nowhere in what collectors log or return. */
export const FAKE = {
  githubToken: 'ghp_FAKEtoken0123456789SECRET',
  awsKeyId: 'AKIAFAKEKEY0123456789',
  awsSecret: 'fakeSecretKey/0123456789abcdefSECRET',
  awsSession: 'FAKEsessionTOKEN0123456789SECRET',
};

export const SECRETS = Object.values(FAKE);

/** Fast but real: no SDK-internal retries (the collector's own retries use a tiny backoff), a generous client limiter. */
export async function securityHubWorld(
  sources: NonNullable<SourcesConfig['securityhub']>,
  emu: SecurityHubEmulatorOptions,
  extra: Partial<NonNullable<LiveCollectorOptions['securityhub']>> = {},
  accountsFromInventory: string[] = [],
) {
  const emulator = await startSecurityHubEmulator(emu);
  const env = {
    AWS_ENDPOINT_URL_SECURITYHUB: emulator.url,
    AWS_ACCESS_KEY_ID: FAKE.awsKeyId,
    AWS_SECRET_ACCESS_KEY: FAKE.awsSecret,
    AWS_SESSION_TOKEN: FAKE.awsSession,
  };
  const [collector] = createLiveCollectors(
    { securityhub: sources },
    {
      env,
      claimedRepos: [],
      accountsFromInventory,
      log: silentLogger,
      securityhub: {
        credentials: { accessKeyId: FAKE.awsKeyId, secretAccessKey: FAKE.awsSecret, sessionToken: FAKE.awsSession },
        sdk: { maxAttempts: 1 },
        limit: { ratePerSecond: 10_000, burst: 10_000 },
        backoffMs: 5,
        ...extra,
      },
    },
  );
  return { emulator, collector: collector as Collector, close: () => emulator.close() };
}

export async function githubWorld(
  sources: NonNullable<SourcesConfig['dependabot']>,
  emu: Omit<GithubEmulatorOptions, 'token'> & { token?: string },
  claimedRepos: string[],
  dependabot: LiveCollectorOptions['dependabot'] = {},
) {
  const emulator = await startGithubEmulator({ token: FAKE.githubToken, ...emu });
  const env = { GITHUB_TOKEN: FAKE.githubToken, GITHUB_API_URL: emulator.url };
  const [collector] = createLiveCollectors(
    { dependabot: sources },
    {
      env,
      claimedRepos,
      accountsFromInventory: [],
      log: silentLogger,
      dependabot: { retryAfterBaseValue: 10, ...dependabot },
    },
  );
  return { emulator, collector: collector as Collector, close: () => emulator.close() };
}

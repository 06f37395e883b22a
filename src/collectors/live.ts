import type { SecurityHubClientConfig } from '@aws-sdk/client-securityhub';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { UsageError } from '../errors.js';
import type { Logger } from '../log.js';
import type { SourcesConfig } from '../inventory/schema.js';
import { createGithubClient, type GithubRequester } from './dependabot/client.js';
import { createDependabotLiveCollector } from './dependabot/live.js';
import { createSecurityHubClient } from './securityhub/client.js';
import type { Clock } from './securityhub/limiter.js';
import { createSecurityHubLiveCollector, type FindingsClient } from './securityhub/live.js';
import type { Collector } from './types.js';

/**
 * Live collectors from the `sources:` block of assets.yaml plus the environment.
 *
 * Secrets: AWS credentials come from the SDK's default provider chain (env, SSO, web identity /
 * OIDC, instance role…) and are never read or stored here; the GitHub token is read from
 * GITHUB_TOKEN or GH_TOKEN and handed only to Octokit's auth. Every message a collector returns
 * or logs is passed through `redact` with `liveSecrets(env)`; give the same list to
 * `createLogger({ secrets })` so nothing printed can carry them either.
 */

export interface LiveCollectorOptions {
  env: NodeJS.ProcessEnv;
  /** Every `github.repos` pattern of every asset: coverage is reported for each. */
  claimedRepos: string[];
  /** Every `aws.accounts` entry of every asset: used when `sources.securityhub.accounts` is absent. */
  accountsFromInventory: string[];
  log: Logger;
  securityhub?: {
    /** Replaces the client factory entirely (tests). */
    clientFor?: (region: string, account?: string) => FindingsClient;
    /** Extra SDK config for every client (tests: `maxAttempts`, `retryStrategy`; never needed in production). */
    sdk?: Partial<SecurityHubClientConfig>;
    /** Base credentials instead of the default provider chain (also used to call STS when assuming roles). */
    credentials?: SecurityHubClientConfig['credentials'];
    clock?: Clock;
    limit?: { ratePerSecond: number; burst: number };
    retries?: number;
    backoffMs?: number;
  };
  dependabot?: {
    /** Replaces the Octokit client (tests). */
    client?: GithubRequester;
    /** ms per second of retry-after (tests: ~10). Default 1000. */
    retryAfterBaseValue?: number;
    concurrency?: number;
  };
}

/** Values from the environment that must never be printed. */
export function liveSecrets(env: NodeJS.ProcessEnv): string[] {
  const names = ['GITHUB_TOKEN', 'GH_TOKEN', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_WEB_IDENTITY_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
  return names.map((n) => env[n]).filter((v): v is string => typeof v === 'string' && v.length >= 4);
}

/** AWS_ENDPOINT_URL_SECURITYHUB, else AWS_ENDPOINT_URL (the SDK reads these from process.env too; passing them makes an injected env work). */
export function securityHubEndpoint(env: NodeJS.ProcessEnv): string | undefined {
  if (/^true$/i.test(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '')) return undefined;
  return env.AWS_ENDPOINT_URL_SECURITYHUB || env.AWS_ENDPOINT_URL || undefined;
}

export function createLiveCollectors(sources: SourcesConfig, opts: LiveCollectorOptions): Collector[] {
  const out: Collector[] = [];
  const secrets = liveSecrets(opts.env);
  const sh = sources.securityhub;
  if (sh && (sh.regions?.length || sh.aggregationRegion)) {
    const o = opts.securityhub ?? {};
    if (sh.aggregationRegion && sh.regions?.length) {
      opts.log.info(`Security Hub: aggregationRegion ${sh.aggregationRegion} already includes linked Regions; ignoring regions [${sh.regions.join(', ')}]`);
    }
    const regions = sh.aggregationRegion ? [sh.aggregationRegion] : [...new Set(sh.regions)];
    const accounts = [...new Set((sh.accounts?.length ? sh.accounts : opts.accountsFromInventory).map(String))].sort();
    const perAccountRole = !!sh.assumeRole?.includes('{account}');
    if (perAccountRole && accounts.length === 0) {
      throw new UsageError('sources.securityhub.assumeRole names {account}, but no accounts are known', 'List them in sources.securityhub.accounts, or give assets aws.accounts.');
    }
    const endpoint = securityHubEndpoint(opts.env);
    const clients = new Map<string, FindingsClient>();
    const clientFor =
      o.clientFor ??
      ((region: string, account?: string) => {
        const key = `${account ?? ''}|${region}`;
        let c = clients.get(key);
        if (!c) {
          const roleArn = sh.assumeRole?.replaceAll('{account}', account ?? '');
          const credentials = roleArn
            ? fromTemporaryCredentials({
                params: { RoleArn: roleArn, RoleSessionName: 'secsli', DurationSeconds: 900 },
                clientConfig: { region },
                ...(o.credentials ? { masterCredentials: o.credentials as never } : {}),
              })
            : o.credentials;
          c = createSecurityHubClient({
            region,
            ...(endpoint ? { endpoint } : {}),
            ...(credentials ? { credentials } : {}),
            ...(o.limit ? { limit: o.limit } : {}),
            ...(o.clock ? { clock: o.clock } : {}),
            ...(o.sdk ? { sdk: o.sdk } : {}),
          }).client;
          clients.set(key, c);
        }
        return c;
      });
    out.push(
      createSecurityHubLiveCollector({
        regions,
        aggregation: !!sh.aggregationRegion,
        api: sh.api ?? 'asff',
        accounts,
        assumeRole: perAccountRole,
        clientFor,
        secrets,
        ...(o.clock ? { clock: o.clock } : {}),
        ...(o.retries !== undefined ? { retries: o.retries } : {}),
        ...(o.backoffMs !== undefined ? { backoffMs: o.backoffMs } : {}),
      }),
    );
  }

  const db = sources.dependabot;
  if (db && (db.org || db.enterprise || db.repos?.length)) {
    const o = opts.dependabot ?? {};
    const chosen = db.enterprise ? 'enterprise' : db.org ? 'org' : 'repos';
    const given = (['enterprise', 'org', 'repos'] as const).filter((k) => (k === 'repos' ? db.repos?.length : db[k]));
    if (given.length > 1) opts.log.warn(`Dependabot: ${given.join(' and ')} given; collecting by ${chosen}`);
    let gh = o.client;
    if (!gh) {
      const token = opts.env.GITHUB_TOKEN || opts.env.GH_TOKEN;
      if (!token) {
        throw new UsageError('Dependabot alerts need a GitHub token: none in GITHUB_TOKEN or GH_TOKEN', 'Export a token with "Dependabot alerts: read" (classic PAT: security_events), or use --from dependabot=<file>.');
      }
      gh = createGithubClient({
        token,
        baseUrl: db.apiUrl ?? opts.env.GITHUB_API_URL ?? 'https://api.github.com',
        log: opts.log,
        secrets,
        ...(o.retryAfterBaseValue !== undefined ? { retryAfterBaseValue: o.retryAfterBaseValue } : {}),
      });
    }
    out.push(
      createDependabotLiveCollector({
        gh,
        ...(chosen === 'enterprise' ? { enterprise: db.enterprise! } : chosen === 'org' ? { org: db.org! } : { repos: db.repos! }),
        claimedRepos: opts.claimedRepos,
        secrets,
        ...(o.concurrency !== undefined ? { concurrency: o.concurrency } : {}),
      }),
    );
  }
  return out;
}

import type { SecurityHubClientConfig } from '@aws-sdk/client-securityhub';
import { UsageError } from '../errors.js';
import type { Logger } from '../log.js';
import type { SourcesConfig } from '../config/schema.js';
import { createGithubClient, type GithubRequester, githubBaseUrl } from './dependabot/client.js';
import { createDependabotLiveCollector } from './dependabot/live.js';
import type { ServerErrorStreaks } from './dependabot/server-errors.js';
import type { Clock } from './securityhub/limiter.js';
import { createSecurityHubLiveCollector, type FindingsClient } from './securityhub/live.js';
import type { Source } from '../model/finding.js';
import { liveSecrets } from './secrets.js';
import type { Collector } from './types.js';

/**
 * Live collectors from the `sources:` block of assets.yaml plus the environment.
 *
 * Secrets: AWS credentials come from the SDK's default provider chain (env, SSO, web identity /
 * OIDC, instance role…) and are never read or stored here; the GitHub token is read from
 * GITHUB_TOKEN or GH_TOKEN and handed only to Octokit's auth. Every message a collector returns
 * or logs is passed through `redact` with `liveSecrets(env)`; give the same list to
 * `createLogger({ secrets })` so nothing printed can carry them either.
 *
 * The AWS SDK is imported when the first Security Hub client is built, and Octokit on the first
 * GitHub request (dependabot/client.ts): commands that never collect live do not load them.
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
    /** The run's count of GitHub 5xx in a row, shared with discovery (GithubClientOptions.serverErrors). */
    serverErrors?: ServerErrorStreaks;
  };
}

/**
 * Static credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN) of the
 * given environment, else undefined (the SDK's default chain). The SDK's chain tries the same
 * variables first, but only in process.env: reading them from the injected env makes a run driven
 * by another environment (tests, an embedding program) use exactly that environment, and never
 * fall through to ~/.aws or the instance metadata service. Handed to the SDK only; never printed
 * (they are in liveSecrets).
 */
export function envCredentials(env: NodeJS.ProcessEnv): { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return undefined;
  return { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
}

/** AWS_ENDPOINT_URL_SECURITYHUB, else AWS_ENDPOINT_URL (the SDK reads these from process.env too; passing them makes an injected env work). */
export function securityHubEndpoint(env: NodeJS.ProcessEnv): string | undefined {
  if (/^true$/i.test(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '')) return undefined;
  return env.AWS_ENDPOINT_URL_SECURITYHUB || env.AWS_ENDPOINT_URL || undefined;
}

/** What an incremental run (src/sync) asks of a live collector; nothing: a full pull. */
export interface IncrementalQuery {
  /** Only records updated at or after this ISO time — in every state, so that closures and archivals are learned too. */
  since?: string;
  /** Security Hub: does the merged set hold findings for this account / Region (undefined: any)? See SecurityHubLiveOptions.known. */
  known?: (account: string | undefined, region: string | undefined) => boolean;
}

/** One live source, ready to build its collector for a full pull or for the changes since a time. */
export interface LiveCollectorFactory {
  source: Source;
  /**
   * Everything that decides which records a full pull returns (Regions, accounts, API, org,
   * claimed repositories, endpoint), as a stable string: stored sync state made under another
   * scope is not reused.
   */
  scope: string;
  create(query?: IncrementalQuery): Collector;
}

export function createLiveCollectors(sources: SourcesConfig, opts: LiveCollectorOptions): Collector[] {
  return liveCollectorFactories(sources, opts).map((f) => f.create());
}

export function liveCollectorFactories(sources: SourcesConfig, opts: LiveCollectorOptions): LiveCollectorFactory[] {
  const out: LiveCollectorFactory[] = [];
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
    const baseCredentials = o.credentials ?? envCredentials(opts.env);
    const clients = new Map<string, Promise<FindingsClient>>();
    const build = async (region: string, account?: string): Promise<FindingsClient> => {
      const [{ fromTemporaryCredentials }, { createSecurityHubClient }] = await Promise.all([import('@aws-sdk/credential-providers'), import('./securityhub/client.js')]);
      const roleArn = sh.assumeRole?.replaceAll('{account}', account ?? '');
      const credentials = roleArn
        ? fromTemporaryCredentials({
            params: { RoleArn: roleArn, RoleSessionName: 'secsli', DurationSeconds: 900 },
            clientConfig: { region },
            ...(baseCredentials ? { masterCredentials: baseCredentials as never } : {}),
          })
        : baseCredentials;
      return createSecurityHubClient({
        region,
        ...(endpoint ? { endpoint } : {}),
        ...(credentials ? { credentials } : {}),
        ...(o.limit ? { limit: o.limit } : {}),
        ...(o.clock ? { clock: o.clock } : {}),
        ...(o.sdk ? { sdk: o.sdk } : {}),
      }).client;
    };
    const clientFor =
      o.clientFor ??
      ((region: string, account?: string) => {
        const key = `${account ?? ''}|${region}`;
        const c = clients.get(key) ?? build(region, account);
        clients.set(key, c);
        return c;
      });
    const api = sh.api ?? 'asff';
    out.push({
      source: 'securityhub',
      scope: JSON.stringify({ api, regions, aggregation: !!sh.aggregationRegion, accounts, assumeRole: sh.assumeRole ?? null, endpoint: endpoint ?? null }),
      create: (q = {}) =>
        createSecurityHubLiveCollector({
          regions,
          aggregation: !!sh.aggregationRegion,
          api,
          accounts,
          assumeRole: perAccountRole,
          clientFor,
          secrets,
          ...(o.clock ? { clock: o.clock } : {}),
          ...(o.retries !== undefined ? { retries: o.retries } : {}),
          ...(o.backoffMs !== undefined ? { backoffMs: o.backoffMs } : {}),
          ...(q.since !== undefined ? { since: q.since } : {}),
          ...(q.known ? { known: q.known } : {}),
        }),
    });
  }

  const db = sources.dependabot;
  const orgs = [...new Set([...(db?.org ? [db.org] : []), ...(db?.orgs ?? [])])];
  if (db && (orgs.length || db.enterprise || db.repos?.length)) {
    const o = opts.dependabot ?? {};
    const chosen = db.enterprise ? 'enterprise' : orgs.length ? 'org' : 'repos';
    const given = (['enterprise', 'org', 'repos'] as const).filter((k) => (k === 'repos' ? db.repos?.length : k === 'org' ? orgs.length : db[k]));
    if (given.length > 1) opts.log.warn(`Dependabot: ${given.join(' and ')} given; collecting by ${chosen}`);
    const baseUrl = githubBaseUrl(db.apiUrl, opts.env);
    let gh = o.client;
    if (!gh) {
      const token = opts.env.GITHUB_TOKEN || opts.env.GH_TOKEN;
      if (!token) {
        throw new UsageError(
          'Dependabot alerts need a GitHub token: none in GITHUB_TOKEN or GH_TOKEN',
          'Export a token with "Dependabot alerts: read" (classic PAT: security_events), or use --from dependabot=<file>.',
        );
      }
      gh = createGithubClient({
        token,
        baseUrl,
        log: opts.log,
        secrets,
        ...(o.retryAfterBaseValue !== undefined ? { retryAfterBaseValue: o.retryAfterBaseValue } : {}),
        ...(o.serverErrors ? { serverErrors: o.serverErrors } : {}),
      });
    }
    const client = gh;
    // One org keeps the `{ org }` spelling, so stored sync state of single-org setups stays valid.
    const target = chosen === 'enterprise' ? { enterprise: db.enterprise! } : chosen === 'org' ? (orgs.length === 1 ? { org: orgs[0]! } : { orgs }) : { repos: db.repos! };
    out.push({
      source: 'dependabot',
      scope: JSON.stringify({ ...target, claimedRepos: [...new Set(opts.claimedRepos)].sort(), baseUrl }),
      create: (q = {}) =>
        createDependabotLiveCollector({
          gh: client,
          ...target,
          claimedRepos: opts.claimedRepos,
          secrets,
          ...(o.concurrency !== undefined ? { concurrency: o.concurrency } : {}),
          ...(q.since !== undefined ? { since: q.since } : {}),
        }),
    });
  }
  return out;
}

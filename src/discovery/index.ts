import { SDK_TIMEOUTS } from '../io/sdk-timeouts.js';
import { OrganizationsClient, type OrganizationsClientConfig } from '@aws-sdk/client-organizations';
import type { SecurityHubClientConfig } from '@aws-sdk/client-securityhub';
import { createGithubClient, type GithubRequester, githubBaseUrl } from '../collectors/dependabot/client.js';
import type { ServerErrorStreaks } from '../collectors/dependabot/server-errors.js';
import { envCredentials, securityHubEndpoint } from '../collectors/live.js';
import { liveSecrets } from '../collectors/secrets.js';
import { createSecurityHubClient } from '../collectors/securityhub/client.js';
import { createTokenBucket } from '../collectors/securityhub/limiter.js';
import { compileClaims } from '../drift/claims.js';
import type { Inventory } from '../config/inventory.js';
import type { Logger } from '../log.js';
import { discoverAws, type SendClient } from './aws.js';
import { discoverGithub } from './github.js';
import type { Discovery } from './types.js';

/**
 * Discovery from the live sources assets.yaml configures: the GitHub orgs of `sources.dependabot`
 * (`org` / `orgs`; an enterprise alone cannot be listed without its orgs) and the AWS organization
 * plus the Security Hub Regions of `sources.securityhub`. Clients are built here the way the
 * collectors build theirs (same token, endpoints, credentials, throttling), or passed in (tests).
 */

export interface DiscoverOptions {
  inventory: Inventory;
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** Repositories and accounts the findings name (lower-cased "owner/name"; 12-digit ids). */
  seen?: { repos: string[]; accounts: string[] };
  /** Probe every repository / account for coverage, claimed or not (init). Default: only unclaimed ones. */
  probeAll?: boolean;
  /** serverErrors: the run's count of GitHub 5xx in a row, shared with the collector that ran before (GithubClientOptions.serverErrors). */
  github?: { client?: GithubRequester; retryAfterBaseValue?: number; serverErrors?: ServerErrorStreaks };
  aws?: {
    organizations?: SendClient;
    securityHubFor?: (region: string) => SendClient;
    credentials?: SecurityHubClientConfig['credentials'];
    /** Extra SDK config for every client (tests: `maxAttempts`). */
    sdk?: Partial<SecurityHubClientConfig & OrganizationsClientConfig>;
    /** Token bucket for Organizations calls. Default ORGANIZATIONS_LIMIT. */
    organizationsLimit?: { ratePerSecond: number; burst: number };
  };
}

/** AWS_ENDPOINT_URL_ORGANIZATIONS, else AWS_ENDPOINT_URL (as the SDK reads them, from the injected env). */
function organizationsEndpoint(env: NodeJS.ProcessEnv): string | undefined {
  if (/^true$/i.test(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '')) return undefined;
  return env.AWS_ENDPOINT_URL_ORGANIZATIONS || env.AWS_ENDPOINT_URL || undefined;
}

/**
 * A modest pace for Organizations (a global, low-volume API that throttles with
 * TooManyRequestsException, which the SDK's standard retry waits out): 4 requests/s, burst 8.
 */
const ORGANIZATIONS_LIMIT = { ratePerSecond: 4, burst: 8 };

function organizationsClient(o: DiscoverOptions): SendClient {
  const endpoint = organizationsEndpoint(o.env);
  const credentials = o.aws?.credentials ?? envCredentials(o.env);
  // Organizations is a global service whose endpoint lives in us-east-1.
  const client = new OrganizationsClient({
    ...SDK_TIMEOUTS,
    region: 'us-east-1',
    ...(endpoint ? { endpoint } : {}),
    ...(credentials ? { credentials: credentials as never } : {}),
    ...(o.aws?.sdk as object),
  });
  const bucket = createTokenBucket(o.aws?.organizationsLimit ?? ORGANIZATIONS_LIMIT);
  client.middlewareStack.add(
    (next) => async (args) => {
      await bucket.take();
      return next(args);
    },
    { step: 'deserialize', priority: 'low', name: 'secsliOrganizationsRateLimit' },
  );
  return client;
}

export async function discover(o: DiscoverOptions): Promise<Discovery> {
  const out: Discovery = {};
  const secrets = liveSecrets(o.env);
  const claims = compileClaims(o.inventory.assets);
  const sources = o.inventory.sources;
  const db = sources.dependabot;
  const orgs = [...new Set([...(db?.org ? [db.org] : []), ...(db?.orgs ?? [])])];
  if (db && !db.file && orgs.length) {
    const token = o.env.GITHUB_TOKEN || o.env.GH_TOKEN;
    const gh =
      o.github?.client ??
      (token
        ? createGithubClient({
            token,
            baseUrl: githubBaseUrl(db.apiUrl, o.env),
            log: o.log,
            secrets,
            ...(o.github?.retryAfterBaseValue !== undefined ? { retryAfterBaseValue: o.github.retryAfterBaseValue } : {}),
            ...(o.github?.serverErrors ? { serverErrors: o.github.serverErrors } : {}),
          })
        : undefined);
    // No token: nothing of GitHub can be listed, and that must not read as an empty organization.
    if (!gh) o.log.warn(`discovery: GitHub: no GITHUB_TOKEN (or GH_TOKEN) in the environment: the repositories of ${orgs.join(', ')} are not listed`);
    if (gh) {
      const lookup = [...claims.repoPatterns.filter((p) => !p.glob).map((p) => p.pattern.toLowerCase()), ...(o.seen?.repos ?? [])];
      out.github = await discoverGithub({ gh, orgs, secrets, log: o.log, lookup, probe: (repo) => o.probeAll === true || claims.repo(repo).length === 0 });
    }
  } else if (db?.enterprise) {
    o.log.warn('discovery: sources.dependabot.enterprise alone cannot be listed; name the organizations in sources.dependabot.orgs to discover their repositories');
  }
  const sh = sources.securityhub;
  if (sh && !sh.file && (sh.regions?.length || sh.aggregationRegion)) {
    const regions = sh.aggregationRegion ? [sh.aggregationRegion] : [...new Set(sh.regions)];
    const endpoint = securityHubEndpoint(o.env);
    const credentials = o.aws?.credentials ?? envCredentials(o.env);
    const hubs = new Map<string, SendClient>();
    const securityHubFor =
      o.aws?.securityHubFor ??
      ((region: string) => {
        let c = hubs.get(region);
        if (!c) {
          c = createSecurityHubClient({ region, ...(endpoint ? { endpoint } : {}), ...(credentials ? { credentials } : {}), ...(o.aws?.sdk ? { sdk: o.aws.sdk } : {}) }).client;
          hubs.set(region, c);
        }
        return c;
      });
    const named = [...new Set([...claims.accounts.map((a) => a.id), ...(o.seen?.accounts ?? [])])].sort();
    out.aws = await discoverAws({
      organizations: o.aws?.organizations ?? organizationsClient(o),
      securityHubFor,
      regions,
      named,
      probe: (id) => o.probeAll === true || claims.account(id).length === 0,
      secrets,
      log: o.log,
    });
  }
  for (const n of [...(out.github?.notes ?? []), ...(out.aws?.notes ?? [])]) o.log.warn(`discovery: ${n}`);
  return out;
}

import { UsageError } from '../../errors.js';
import { redact, type Logger } from '../../log.js';
import { hostOfUrl } from '../net-errors.js';
import { networkFaults } from './network.js';
import { ServerErrorCutoff, ServerErrorStreaks } from './server-errors.js';

/**
 * The GitHub client: @octokit/rest with plugin-throttling (primary and secondary rate limits:
 * waits for `retry-after` / `x-ratelimit-reset`) and plugin-retry (5xx), and two cut-offs that
 * stop asking a host for the rest of the run: one found unreachable (network.ts), one that answered
 * 5xx to several requests in a row (server-errors.ts). Built here, passed to the
 * collector: nothing deeper creates clients. Octokit is imported on the first request, so a
 * command that never talks to GitHub does not pay for loading it.
 */

export interface GithubResponse {
  status: number;
  /** The URL that answered (after redirects), for messages. */
  url?: string;
  headers: Record<string, string | number | undefined>;
  data: unknown;
}

/**
 * The one call the collector makes: a GET of a route ("GET /orgs/{org}/…", with params), or of a
 * next-page URL as given in `Link` — followed only while it stays on the configured API
 * (linkOutsideApi: anything else fails without a request).
 */
export interface GithubRequester {
  request(routeOrUrl: string, params?: Record<string, unknown>): Promise<GithubResponse>;
  /** Send rate-limit waits and Octokit's own messages to this logger from now on (the collector passes the one it was given). */
  logTo?(log: Logger): void;
}

export interface GithubClientOptions {
  token: string;
  /** https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server. */
  baseUrl?: string;
  log: Logger;
  /** Strings to scrub from anything Octokit logs (the token is added automatically). */
  secrets?: string[];
  /** Milliseconds per second of `retry-after` / backoff. Default 1000; tests use ~10. */
  retryAfterBaseValue?: number;
  /** Tries after a rate limit before giving up. Default 3. */
  rateLimitRetries?: number;
  /** A rate-limit wait longer than this (seconds) is not worth it in a scheduled run: fail the request. Default 900. */
  maxRateLimitWaitSeconds?: number;
  userAgent?: string;
  /**
   * The run's count of 5xx in a row (server-errors.ts), for a run with more than one client —
   * collection and then discovery — to cut off GitHub once. Default: one of this client's own.
   */
  serverErrors?: ServerErrorStreaks;
}

/** A next link that would take the token off the API: refused before any request (status-less: the scope is incomplete). */
class LinkRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LinkRefused';
  }
}

/**
 * Why `link` (a `Link: rel="next"` target) is not followed, or undefined when it stays on the
 * configured API: same scheme, host and port, and under the API's base path. Octokit puts the
 * token on every request, to whatever URL it is given: a next link naming another host or port,
 * or http:// for an https:// API, would hand the token over in a header — and on GitHub Enterprise
 * Server the API is only /api/v3 of a host that serves everything else too. (Redirects need no
 * check: fetch drops Authorization when a redirect leaves the origin.)
 */
export function linkOutsideApi(link: string, baseUrl: string): string | undefined {
  let base: URL;
  let u: URL;
  try {
    base = new URL(baseUrl);
    // Relative targets resolve against the API, as against the request that returned them.
    u = new URL(link, base);
  } catch {
    return `next page link is not a URL: ${link}`;
  }
  if (u.protocol !== base.protocol || u.host !== base.host || u.username || u.password) return `next page link leaves the API origin: ${link} (the API is ${base.origin})`;
  const path = base.pathname.replace(/\/+$/, '');
  if (path && u.pathname !== path && !u.pathname.startsWith(`${path}/`)) return `next page link leaves the API base path ${path}: ${link}`;
  return undefined;
}

/**
 * The GitHub API base URL a run uses: assets.yaml's `sources.dependabot.apiUrl`, else
 * GITHUB_API_URL, else api.github.com. One with credentials in it (`https://user:pass@host`) is a
 * configuration error, said at once: fetch refuses such a URL on every request (which Octokit
 * reported as a 500 and retried for minutes), and the token belongs in GITHUB_TOKEN. The message
 * never repeats the credentials.
 */
export function githubBaseUrl(apiUrl: string | undefined, env: NodeJS.ProcessEnv): string {
  const url = apiUrl ?? env.GITHUB_API_URL ?? 'https://api.github.com';
  const where = apiUrl !== undefined ? 'sources.dependabot.apiUrl in assets.yaml' : 'GITHUB_API_URL';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`${where} is not a URL`, 'Give the API base URL, e.g. https://api.github.com or https://github.example.com/api/v3.');
  }
  if (parsed.username || parsed.password) {
    throw new UsageError(
      `${where} holds credentials (${parsed.protocol}//***@${parsed.host}): fetch refuses such a URL`,
      'Remove the user and password from the URL and give the token in GITHUB_TOKEN (or GH_TOKEN).',
    );
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new UsageError(`${where} is not an http(s) URL (${parsed.protocol})`, 'Give the API base URL, e.g. https://api.github.com.');
  return url;
}

export function createGithubClient(o: GithubClientOptions): GithubRequester {
  const secrets = [o.token, ...(o.secrets ?? [])];
  let log = o.log;
  const quiet = (msg: unknown) => log.debug(`octokit: ${redact(typeof msg === 'string' ? msg : JSON.stringify(msg), secrets)}`);
  const retries = o.rateLimitRetries ?? 3;
  const maxWait = o.maxRateLimitWaitSeconds ?? 900;
  const onLimit = (kind: string) => (retryAfter: number, options: { method?: string; url?: string }, _octokit: unknown, retryCount: number) => {
    const what = `${options.method ?? 'GET'} ${options.url ?? ''}`;
    if (retryCount >= retries || retryAfter > maxWait) {
      log.warn(`GitHub ${kind} rate limit on ${what}: not waiting ${retryAfter}s more (tried ${retryCount + 1}x)`);
      return false;
    }
    log.warn(`GitHub ${kind} rate limit on ${what}: waiting ${retryAfter}s before retry ${retryCount + 1}/${retries}`);
    return true;
  };
  const options = {
    auth: o.token,
    baseUrl: (o.baseUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
    userAgent: o.userAgent ?? 'secsli',
    log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    throttle: {
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
      retryAfterBaseValue: o.retryAfterBaseValue ?? 1000,
    },
    retry: { retryAfterBaseValue: o.retryAfterBaseValue ?? 1000 },
  };
  const streaks = o.serverErrors ?? new ServerErrorStreaks();
  const load = async () => {
    const [{ retry }, { throttling }, { Octokit }] = await Promise.all([import('@octokit/plugin-retry'), import('@octokit/plugin-throttling'), import('@octokit/rest')]);
    // The first plugin's wrap is the innermost (before-after-hook): networkFaults, so network faults
    // never reach plugin-retry's long backoff; then the 5xx cut-off's refusal, inside plugin-retry,
    // so that no retry is sent to a host cut off. Each request's outcome after its retries — what
    // the cut-off counts — is what octokit.request gives back below, outside every plugin.
    return new (Octokit.plugin(networkFaults, streaks.plugin, throttling, retry))(options);
  };
  let client: ReturnType<typeof load> | undefined;
  return {
    logTo(next) {
      log = next;
    },
    async request(route, params) {
      // Routes are the code's own ("GET /…"); anything else is a next link an answer gave.
      const link = route.startsWith('GET /') ? undefined : route;
      const refused = link === undefined ? undefined : linkOutsideApi(link, options.baseUrl);
      if (refused) throw new LinkRefused(refused);
      const url = link === undefined ? undefined : new URL(link, options.baseUrl).href;
      const host = hostOfUrl(url ?? options.baseUrl);
      const cut = streaks.refusal(host);
      if (cut) throw new ServerErrorCutoff(cut, { method: 'GET', url: url ?? route.slice(4), request: {} });
      client ??= load();
      const octokit = await client;
      // A `request` bag of its own for each call: without one, Octokit hands every request the same
      // object (its defaults'), where plugin-retry keeps `retryCount` — and reads it for the next
      // request's backoff. After one request had used its 3 retries, the next one's first retry
      // waited (4 + 1)² = 25 s instead of 1 s, and concurrent requests stepped on each other's count.
      const own = { request: {} };
      // Next-page URLs are requested as given, the way octokit.paginate does it.
      let res: Awaited<ReturnType<typeof octokit.request>>;
      try {
        res = url === undefined ? await octokit.request(route, { ...params, ...own }) : await octokit.request({ method: 'GET', url, ...own } as unknown as 'GET /');
      } catch (err) {
        streaks.settled(host, err);
        throw err;
      }
      streaks.settled(host);
      return { status: res.status, url: res.url, headers: res.headers as GithubResponse['headers'], data: res.data };
    },
  };
}

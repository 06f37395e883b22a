import { redactAll } from '../../log.js';
import { describeNetworkFault, droppedConnection, hostOfUrl, networkFault } from '../net-errors.js';
import { NetworkUnreachable } from './network.js';
import { ServerErrorCutoff } from './server-errors.js';

/**
 * What a GitHub error means for coverage (PROTOCOLS.md §2.5):
 * - `gap`: GitHub answered definitively that this repository cannot be read (alerts disabled,
 *   token without access, not found): the repository is not covered, the run is not broken;
 * - `auth`: the token itself is rejected (401): nothing can be read;
 * - `failed`: rate limit still exhausted after waiting, 5xx after retries, network unreachable
 *   (DNS, refused, TLS: src/collectors/net-errors.ts), a connection lost mid-answer, not asked
 *   because the API answered 5xx to the last requests (server-errors.ts): incomplete.
 */
export type GithubErrorKind = { kind: 'gap' | 'auth' | 'failed'; reason: string };

interface OctokitLikeError {
  status?: number;
  message?: string;
  response?: { data?: unknown; headers?: Record<string, unknown> };
  request?: { url?: unknown };
}

export function classifyGithubError(err: unknown, secrets: readonly string[]): GithubErrorKind {
  const e = (err ?? {}) as OctokitLikeError;
  const status = e.status;
  const data = e.response?.data as { message?: unknown } | undefined;
  const message = redactAll(
    String(typeof data?.message === 'string' ? data.message : (e.message ?? err))
      .split('\n')[0]!
      .slice(0, 300),
    secrets,
  );
  const headers = e.response?.headers ?? {};
  if (e instanceof ServerErrorCutoff) return { kind: 'failed', reason: e.message };
  const fault = networkFault(err);
  if (fault || e instanceof NetworkUnreachable) return { kind: 'failed', reason: e instanceof NetworkUnreachable ? e.message : describeNetworkFault(fault!) };
  // Octokit wraps a lost connection as status 500 ("500 other side closed"): name what happened instead.
  const dropped = droppedConnection(err);
  if (dropped) return { kind: 'failed', reason: redactAll(describeNetworkFault(dropped, hostOfUrl(typeof e.request?.url === 'string' ? e.request.url : undefined)), secrets) };
  if (status === 401) return { kind: 'auth', reason: `GitHub rejected the token (401 ${message})` };
  if ((status === 403 || status === 429) && (headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(message))) {
    const reset = Number(headers['x-ratelimit-reset']);
    const when = Number.isFinite(reset) && reset > 0 ? `; quota resets at ${new Date(reset * 1000).toISOString()}` : '';
    return { kind: 'failed', reason: `GitHub rate limit still exceeded after waiting (${status} ${message})${when}` };
  }
  if (status === 403 && /dependabot alerts are disabled/i.test(message)) return { kind: 'gap', reason: 'Dependabot alerts are disabled for this repository.' };
  if (status === 403 && /not accessible/i.test(message)) {
    return { kind: 'gap', reason: `the token cannot read Dependabot alerts here (403 ${message}); it needs "Dependabot alerts: read" (classic PAT: security_events)` };
  }
  if (status === 403) return { kind: 'gap', reason: `403 ${message}` };
  if (status === 404) return { kind: 'gap', reason: 'repository not found, or not visible to this token (404)' };
  return { kind: 'failed', reason: `${status ? `${status} ` : ''}${message}` };
}

/**
 * Faults below HTTP — the name does not resolve, the connection is refused or cannot be routed,
 * TLS fails — classified once for every live collector. A cron job meets these when the network
 * is down or a proxy/endpoint is misconfigured: they are worth a brief retry (a blip), never
 * minutes of backoff meant for a throttled API, and they are reported as what they are:
 * "network unreachable (api.github.com): the name does not resolve (ENOTFOUND)", not "500".
 * A connection lost after it was made (reset, closed mid-answer) is named too, as a "network
 * failure" (droppedConnection), and left to the callers' usual retries.
 */

export interface NetworkFault {
  /** `unreachable`: no connection could be made. `dropped`: one was made, then lost (droppedConnection). */
  kind: 'unreachable' | 'dropped';
  code: string;
  /** "api.github.com", "127.0.0.1:4567", or "" when the error does not say. */
  host: string;
  what: string;
}

const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network is unreachable',
  EHOSTDOWN: 'host is down',
  UND_ERR_CONNECT_TIMEOUT: 'connect timeout',
};
const TLS = new Set([
  'EPROTO',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
]);

/**
 * A connection made and then lost before the answer was complete: reset, or closed by the other
 * side (a proxy or load balancer that gave up, a server restarting). Kept apart from networkFault:
 * the host did answer and may again, so nothing gives up on it, and each caller keeps the retries
 * it has for a failed request. Only the name changes — Octokit calls it "500 other side closed",
 * a status the server never sent.
 */
const DROPPED: Record<string, string> = {
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was closed while the request was being sent',
  ECONNABORTED: 'the connection was aborted',
  UND_ERR_SOCKET: 'the other side closed the connection before the answer was complete',
};

/** Extra tries after a network fault, and the pause before each: about a second in all. */
export const NETWORK_RETRY_DELAYS_MS: readonly number[] = [250, 750];

interface ErrLike {
  code?: unknown;
  hostname?: unknown;
  host?: unknown;
  address?: unknown;
  port?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
}

function what(code: string): string | undefined {
  if (DNS.has(code)) return `the name does not resolve (${code})`;
  if (UNREACHABLE[code]) return `${UNREACHABLE[code]} (${code})`;
  if (TLS.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_')) return `TLS failed (${code})`;
  return undefined;
}

function hostOf(e: ErrLike): string {
  if (typeof e.hostname === 'string' && e.hostname) return e.hostname;
  if (typeof e.host === 'string' && e.host) return e.host;
  if (typeof e.address === 'string' && e.address) return typeof e.port === 'number' ? `${e.address}:${e.port}` : e.address;
  // "getaddrinfo ENOTFOUND api.github.com", "connect ECONNREFUSED 127.0.0.1:4567"
  const m = /\b(?:getaddrinfo|connect) E[A-Z_]+ ([\w.-]+(?::\d+)?)/.exec(typeof e.message === 'string' ? e.message : '');
  return m?.[1] ?? '';
}

/** The network fault somewhere in `err`'s cause chain (SDK errors, fetch's TypeError, Octokit's RequestError), or undefined. */
export function networkFault(err: unknown, depth = 0): NetworkFault | undefined {
  if (!err || typeof err !== 'object' || depth > 6) return undefined;
  const e = err as ErrLike;
  const code = typeof e.code === 'string' ? e.code : '';
  const w = code ? what(code) : undefined;
  if (w) {
    // Happy eyeballs: an AggregateError of one attempt per address; the first names the host.
    const first = Array.isArray(e.errors) ? (e.errors[0] as ErrLike | undefined) : undefined;
    return { kind: 'unreachable', code, host: hostOf(e) || (first ? hostOf(first) : ''), what: w };
  }
  // fetch (undici) refuses the Fetch standard's "bad ports" (1, 22, 25, 6000, …) before connecting:
  // TypeError('fetch failed', { cause: Error('bad port') }), no code. Nothing will ever answer there.
  if (e.message === 'bad port' && depth > 0) return { kind: 'unreachable', code: 'BAD_PORT', host: '', what: 'fetch refuses this port (a "bad port" of the Fetch standard)' };
  const inner = networkFault(e.cause, depth + 1);
  if (inner) return inner;
  if (Array.isArray(e.errors)) for (const x of e.errors) if (networkFault(x, depth + 1)) return networkFault(x, depth + 1);
  return undefined;
}

/** The dropped connection somewhere in `err`'s cause chain (fetch's TypeError → undici's SocketError, Node's ECONNRESET), or undefined. */
export function droppedConnection(err: unknown, depth = 0): NetworkFault | undefined {
  if (!err || typeof err !== 'object' || depth > 6) return undefined;
  const e = err as ErrLike;
  const code = typeof e.code === 'string' ? e.code : '';
  // The host comes from the request (callers pass it): undici's socket names an address, not the API.
  if (DROPPED[code]) return { kind: 'dropped', code, host: '', what: `${DROPPED[code]} (${code})` };
  return droppedConnection(e.cause, depth + 1);
}

/** "network unreachable (api.github.com): …" for no connection, "network failure (api.github.com): …" for one lost. */
export function describeNetworkFault(f: NetworkFault, fallbackHost = ''): string {
  const host = f.host || fallbackHost;
  return `${f.kind === 'dropped' ? 'network failure' : 'network unreachable'}${host ? ` (${host})` : ''}: ${f.what}`;
}

/** The host part of a URL ("https://api.github.com/x" → "api.github.com"), for messages. */
export function hostOfUrl(url: string | undefined): string {
  try {
    return url ? new URL(url).host : '';
  } catch {
    return '';
  }
}

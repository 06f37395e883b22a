import type { Octokit } from '@octokit/rest';
import { describeNetworkFault, hostOfUrl, NETWORK_RETRY_DELAYS_MS, networkFault } from '../net-errors.js';

/**
 * An Octokit plugin for faults below HTTP (src/collectors/net-errors.ts). Octokit turns a failed
 * fetch into a "500" that plugin-retry then retries for 1 + 4 + 9 s, on every request, which made
 * a run without network take minutes to say "500 getaddrinfo ENOTFOUND". Registered first, this
 * wrap sits innermost: it retries a network fault briefly (NETWORK_RETRY_DELAYS_MS), then throws
 * an error with status 0, which neither plugin-retry (status < 400) nor plugin-throttling (not
 * 403/429) retries. A host found unreachable stays so for the rest of the run: later requests to
 * it fail at once instead of each waiting again.
 */

/** What the collectors' classifier sees: `status` 0 and a message that says what happened. */
export class NetworkUnreachable extends Error {
  readonly status = 0;
  constructor(
    message: string,
    /** Octokit's request options: plugin-retry reads `request.request.retries` (absent: none). */
    readonly request: unknown,
    options: { cause: unknown },
  ) {
    super(message, options);
    this.name = 'NetworkUnreachable';
  }
}

export function networkFaults(octokit: Pick<Octokit, 'hook'>): void {
  const delays = NETWORK_RETRY_DELAYS_MS;
  const down = new Map<string, NetworkUnreachable>();
  octokit.hook.wrap('request', async (request, opts) => {
    const host = hostOfUrl(opts.url && /^https?:/.test(opts.url) ? opts.url : opts.baseUrl);
    const known = down.get(host);
    if (known) throw known;
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(opts);
      } catch (err) {
        const fault = networkFault(err);
        if (!fault) throw err;
        if (attempt < delays.length) {
          await new Promise((r) => setTimeout(r, delays[attempt]));
          continue;
        }
        const e = new NetworkUnreachable(describeNetworkFault(fault, host), opts, { cause: err });
        down.set(host, e);
        throw e;
      }
    }
  });
}

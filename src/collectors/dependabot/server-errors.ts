import type { Octokit } from '@octokit/rest';
import { hostOfUrl } from '../net-errors.js';

/**
 * A per-run cut-off for a GitHub API that answers 5xx to everything, the counterpart for server
 * errors of the cut-off for network faults (network.ts). Each request that fails with 5xx has
 * already been retried by plugin-retry (1 + 4 + 9 s); every repository and page was then tried in
 * turn, so a run against an API in an outage stayed busy for minutes before it ended, exit 3.
 *
 * After CUTOFF requests in a row to one host ended in 5xx after their retries, that host is cut
 * off for the rest of the run: nothing more is sent to it — not the next request, not the next
 * retry of one in flight — and each scope still to be read fails at once with "GitHub (host)
 * answered 503 to the last 3 requests: not asked", and the run ends (exit 3) without trying every
 * scope in turn.
 *
 * While a row runs, a try answered 5xx is retried once, not 3 times (see `plugin`), so an API that
 * answers 5xx to everything is found in about 16 s: one request's 14 s of retries, then two more
 * requests of 1 s each.
 *
 * What counts, request by request, once its retries are over (client.ts settles each one):
 * - an HTTP answer of 500–599: one more in the row;
 * - any other HTTP answer — a success, a 404, a 403, a rate limit that was not waited out (403 or
 *   429: plugin-throttling's, never a 5xx) — ends the row: the API is up;
 * - no answer (network unreachable, a connection lost mid-answer: Octokit calls that a "500", but
 *   no server sent it; see net-errors.ts), or this cut-off's own refusal: neither.
 *
 * Why 3: a cut-off does not change a collection's exit code — one 5xx after retries already makes
 * it incomplete (exit 3) — it only gives up on scopes GitHub would likely have refused too. One or
 * two repositories whose own endpoint keeps failing must not cost the rest of the run (a success
 * between them starts the count again); three distinct requests in a row, each failing through
 * 14 s of retries with nothing answered in between, is the API down. 3 is also below the
 * collector's 4 requests at once, so one round of probes is enough to tell.
 */
const CUTOFF = 3;

/** What a cut-off host's requests fail with: `status` 0, the reason in the message (classify.ts). */
export class ServerErrorCutoff extends Error {
  readonly status = 0;
  constructor(
    message: string,
    /** What plugin-retry reads (`request.request.retries`): absent, so the refusal is not retried. */
    readonly request: { method?: string; url?: string; request: Record<string, never> },
  ) {
    super(message);
    this.name = 'ServerErrorCutoff';
  }
}

interface OctokitLikeError {
  status?: unknown;
  response?: unknown;
}

/** The 5xx status of an HTTP answer, 0 for any other answer, undefined when the server answered nothing. */
function answered(err: unknown): number | undefined {
  if (err instanceof ServerErrorCutoff) return undefined;
  const e = (err ?? {}) as OctokitLikeError;
  // Octokit's errors for an answer carry it; a failed fetch (no answer) has no response.
  if (!e.response || typeof e.status !== 'number' || e.status < 100) return undefined;
  return e.status >= 500 && e.status <= 599 ? e.status : 0;
}

/** One run's count of 5xx in a row, per API host. */
export class ServerErrorStreaks {
  private readonly rows = new Map<string, number[]>();
  private readonly cut = new Map<string, string>();

  constructor(readonly cutoff = CUTOFF) {}

  /** Why `host` is not asked any more, or undefined while it is. */
  refusal(host: string): string | undefined {
    return this.cut.get(host);
  }

  /** A request to `host` ended, after its retries: `err` is what it failed with (none: it succeeded). */
  settled(host: string, err?: unknown): void {
    const status = err === undefined ? 0 : answered(err);
    if (status === undefined || this.cut.has(host)) return;
    if (status === 0) {
      this.rows.delete(host);
      return;
    }
    const row = [...(this.rows.get(host) ?? []), status];
    this.rows.set(host, row);
    if (row.length < this.cutoff) return;
    const codes = [...new Set(row)].sort();
    const said = codes.length === 1 ? String(codes[0]) : `5xx (${codes.join(', ')})`;
    this.cut.set(host, `GitHub${host ? ` (${host})` : ''} answered ${said} to the last ${row.length} requests: not asked`);
  }

  /**
   * An Octokit plugin, registered before plugin-throttling and plugin-retry so that it sits inside
   * both, that sees every try of a request:
   * - a try to a host cut off is refused: a request that was waiting for its next retry when the
   *   cut-off came fails then, not after its remaining backoff; the refusal (status 0, no retries in
   *   its request options) is retried by neither plugin;
   * - a try answered 5xx while a row of 5xx runs on its host is retried once at most, after 1 s,
   *   not 3 times over 14 s: the first request of the row has shown that the API does not recover
   *   within 14 s; the next ones still get over a blip, and a success ends the row and brings the
   *   3 retries back. Without this the cut-off waited for 3 requests' full retries one after another.
   *   It is set where plugin-retry reads it (`request.retries` of the options, right after this
   *   throws), only when a 5xx came: set before sending, plugin-retry would retry whatever the try
   *   failed with — a 404, a secondary rate limit — as the error carries the options it was sent with.
   */
  readonly plugin = (octokit: Pick<Octokit, 'hook'>): void => {
    octokit.hook.wrap('request', async (request, opts) => {
      const host = hostOfUrl(opts.url && /^https?:/.test(opts.url) ? opts.url : opts.baseUrl);
      const why = this.refusal(host);
      if (why) throw new ServerErrorCutoff(why, { method: opts.method, url: opts.url, request: {} });
      try {
        return await request(opts);
      } catch (err) {
        // A bag of its own: the one given may be shared with other requests (client.ts).
        if (this.rows.has(host) && answered(err)) opts.request = { ...opts.request, retries: 1 } as typeof opts.request;
        throw err;
      }
    });
  };
}

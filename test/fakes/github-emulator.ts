import { randomUUID } from 'node:crypto';
import { handleDiscoveryRoute } from './github-discovery.js';
import { json, listen } from './http.js';

/**
 * GitHub REST emulator for what the Dependabot collector calls (PROTOCOLS.md §2): the repo, org
 * and enterprise alert lists with cursor pagination (absolute `Link` URLs back at the emulator,
 * `after`, `per_page` ≤ 100; `page` answers 400), `GET /orgs/{org}/repos` (page-based, with
 * archived repos), x-github-request-id and x-ratelimit-* on every response, the 401/403/404
 * bodies GitHub sends, and primary/secondary rate limits on chosen requests. Faults of what lies
 * between secsli and GitHub are opt-in: answers that are not GitHub's JSON, damaged bodies, dropped
 * connections, next links to somewhere else (see GhFault, `damage`, `linkBase`).
 */

type Obj = Record<string, any>;

export interface GhRepo {
  owner: string;
  name: string;
  id?: number;
  archived?: boolean;
  private?: boolean;
  /** Dependabot alerts switched off: 403 "Dependabot alerts are disabled for this repository." */
  alertsDisabled?: boolean;
  /** How the token sees the repo. Default 'ok'. */
  access?: 'ok' | 'integration-403' | 'pat-403' | 'hidden-404';
  topics?: string[];
  visibility?: 'public' | 'private' | 'internal';
  /** Custom property values (GET /orgs/{org}/properties/values). */
  properties?: Record<string, string | string[]>;
  /** Names it had before a rename: GET /repos/{old} answers 301 to /repositories/{id}. */
  formerNames?: string[];
}

interface GhRequest {
  seq: number;
  path: string;
  query: URLSearchParams;
  authorization: string;
}

export interface GithubEmulatorOptions {
  token: string;
  repos: GhRepo[];
  /** Repo-shaped alerts (no `repository` key) by "owner/name". */
  alerts?: Record<string, Obj[]>;
  /** Orgs that exist but may have no repos; and whether the token may use the org endpoint. */
  orgs?: Record<string, { alertsAccess?: 'ok' | 'forbidden'; propertiesAccess?: 'ok' | 'forbidden' }>;
  /** Enterprise slug → its orgs. */
  enterprises?: Record<string, string[]>;
  /** Request numbers (1-based) answered with a primary rate limit (403, remaining 0, reset in 1 s). */
  primaryLimitAt?: number[];
  /** Request numbers answered with a secondary rate limit (retry-after 1). */
  secondaryLimitAt?: number[];
  secondaryStatus?: 403 | 429;
  /** Next links use /repositories/{id}/… as api.github.com sometimes does. */
  numericNextLinks?: boolean;
  /** From this page on, the next link repeats the cursor the client sent. */
  repeatCursorFromPage?: number;
  fault?: (req: GhRequest) => GhFault | undefined;
  /**
   * A 200 answer damaged on its way, after the emulator built the real page:
   * - `cut`: only the first N bytes arrive, as a complete response (content-length N) — a proxy or
   *   cache that stored part of the body and serves it as whole;
   * - `dropAfter`: the headers (content-length of the whole page) and the first N bytes, then the
   *   connection is destroyed — a connection lost mid-transfer. fetch fails reading the body, and
   *   Octokit (getResponseData) swallows that error and hands back the body as "".
   */
  damage?: (req: GhRequest) => { cut: number } | { dropAfter: number } | undefined;
  /**
   * Next links point here (scheme://host:port[/path]) instead of back at the emulator: a server or
   * proxy that rewrites Link to another host, port or scheme. Requests there are not the emulator's.
   * A function is given the emulator's origin (http://127.0.0.1:PORT), for links beside it.
   */
  linkBase?: string | ((origin: string) => string);
  /** Served under this path, as GitHub Enterprise Server serves /api/v3: `url` includes it; other paths 404. */
  basePath?: string;
}

/**
 * What a fault answers instead of the emulated API:
 * - `{ status, body }`: a JSON answer as GitHub sends it (body as given);
 * - `{ status, raw, contentType }`: a body that is not GitHub's JSON — a proxy's or captive portal's
 *   HTML page with 200, an error page of a load balancer;
 * - `{ drop: true }`: the connection is closed without an answer (a proxy or load balancer that
 *   resets it): fetch fails with "other side closed" (UND_ERR_SOCKET), which Octokit wraps as a 500.
 */
export type GhFault = { status: number; body: Obj } | { status: number; raw: string; contentType: string } | { drop: true };

export interface GithubEmulator {
  url: string;
  requests: GhRequest[];
  close(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest/dependabot/alerts';

export async function startGithubEmulator(opts: GithubEmulatorOptions): Promise<GithubEmulator> {
  const requests: GhRequest[] = [];
  const repos = opts.repos.map((r, i) => ({ ...r, id: r.id ?? 1000 + i, access: r.access ?? 'ok' }));
  const fullName = (r: GhRepo) => `${r.owner}/${r.name}`;
  const orgNames = new Set([...repos.map((r) => r.owner), ...Object.keys(opts.orgs ?? {})]);
  let used = 0;
  let url = '';
  // Read on every request: tests flip options between runs.
  const linkBase = () => {
    const l = opts.linkBase;
    return l === undefined ? url : (typeof l === 'string' ? l : l(new URL(url).origin)).replace(/\/+$/, '');
  };

  const basePath = (opts.basePath ?? '').replace(/\/+$/, '');
  const started = await listen((req, res) => {
    const full = new URL(req.url ?? '/', 'http://x');
    const inside = !basePath || full.pathname === basePath || full.pathname.startsWith(`${basePath}/`);
    // Routes below see the path under basePath; the request log keeps the path as sent.
    const u = inside ? new URL(full.pathname.slice(basePath.length) + full.search, 'http://x') : full;
    const request: GhRequest = { seq: requests.length + 1, path: full.pathname, query: u.searchParams, authorization: String(req.headers.authorization ?? '') };
    requests.push(request);
    used++;
    const reset = Math.ceil(Date.now() / 1000) + 3600;
    const headers = (extra: Record<string, string> = {}) => ({
      'content-type': 'application/json; charset=utf-8',
      'x-github-request-id': randomUUID().toUpperCase(),
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(Math.max(0, 5000 - used)),
      'x-ratelimit-used': String(used),
      'x-ratelimit-reset': String(reset),
      'x-ratelimit-resource': 'core',
      ...extra,
    });
    const send = (status: number, body: unknown, extra: Record<string, string> = {}) => {
      const damage = status === 200 ? opts.damage?.(request) : undefined;
      if (!damage) return json(res, status, body, headers(extra));
      const bytes = Buffer.from(JSON.stringify(body));
      if ('cut' in damage) {
        const part = bytes.subarray(0, damage.cut);
        res.writeHead(200, { ...headers(extra), 'content-length': String(part.length) });
        res.end(part);
        return;
      }
      res.writeHead(200, { ...headers(extra), 'content-length': String(bytes.length) });
      res.write(bytes.subarray(0, damage.dropAfter), () => res.socket?.destroy());
    };
    const notFound = () => send(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });

    if (req.method !== 'GET' || !inside) return notFound();
    const auth = /^(?:token|bearer) (.+)$/i.exec(request.authorization)?.[1];
    if (auth !== opts.token) return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    if (opts.primaryLimitAt?.includes(request.seq)) {
      return send(
        403,
        { message: `API rate limit exceeded for user ID 1.`, documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api' },
        {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 1),
        },
      );
    }
    if (opts.secondaryLimitAt?.includes(request.seq)) {
      return send(
        opts.secondaryStatus ?? 403,
        {
          message:
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.',
          documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
        },
        { 'retry-after': '1' },
      );
    }
    const fault = opts.fault?.(request);
    if (fault && 'drop' in fault) return void req.socket.destroy();
    if (fault && 'raw' in fault) {
      res.writeHead(fault.status, { ...headers(), 'content-type': fault.contentType, 'content-length': String(Buffer.byteLength(fault.raw)) });
      return void res.end(fault.raw);
    }
    if (fault) return send(fault.status, fault.body);

    const parts = u.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (handleDiscoveryRoute({ parts, u, base: linkBase(), repos, ...(opts.orgs ? { orgs: opts.orgs } : {}), send, notFound, repoJson })) return;
    // GET /orgs/{org}/repos and /users/{user}/repos: classic page-based listing.
    if ((parts[0] === 'orgs' || parts[0] === 'users') && parts[2] === 'repos' && parts.length === 3) {
      if (!orgNames.has(parts[1]!)) return notFound();
      const visible = repos.filter((r) => r.owner.toLowerCase() === parts[1]!.toLowerCase() && r.access !== 'hidden-404');
      const perPage = Math.min(100, Number(u.searchParams.get('per_page') ?? 30));
      const page = Number(u.searchParams.get('page') ?? 1);
      const slice = visible.slice((page - 1) * perPage, page * perPage).map((r) => repoJson(r));
      const links: string[] = [];
      if (page * perPage < visible.length) {
        const next = new URL(linkBase() + u.pathname);
        next.searchParams.set('per_page', String(perPage));
        next.searchParams.set('page', String(page + 1));
        links.push(`<${next.href}>; rel="next"`);
      }
      return send(200, slice, links.length ? { link: links.join(', ') } : {});
    }

    let list: Obj[] | undefined;
    if (parts[0] === 'repos' && parts[3] === 'dependabot' && parts[4] === 'alerts' && parts.length === 5) {
      const repo = repos.find((r) => fullName(r).toLowerCase() === `${parts[1]}/${parts[2]}`.toLowerCase());
      const denied = repoDenied(repo, send, notFound);
      if (denied) return;
      list = opts.alerts?.[fullName(repo!)] ?? [];
    } else if (parts[0] === 'repositories' && parts[2] === 'dependabot' && parts[3] === 'alerts') {
      const repo = repos.find((r) => String(r.id) === parts[1]);
      if (repoDenied(repo, send, notFound)) return;
      list = opts.alerts?.[fullName(repo!)] ?? [];
    } else if ((parts[0] === 'orgs' || parts[0] === 'enterprises') && parts[2] === 'dependabot' && parts[3] === 'alerts') {
      const orgs = parts[0] === 'orgs' ? (orgNames.has(parts[1]!) ? [parts[1]!] : undefined) : opts.enterprises?.[parts[1]!];
      if (!orgs) return notFound();
      const allowed = orgs.filter((o) => (opts.orgs?.[o]?.alertsAccess ?? 'ok') === 'ok');
      if (parts[0] === 'orgs' && allowed.length === 0) {
        return send(
          403,
          { message: 'Resource not accessible by personal access token', documentation_url: DOCS, status: '403' },
          { 'x-accepted-github-permissions': 'vulnerability_alerts=read' },
        );
      }
      list = repos.filter((r) => allowed.includes(r.owner) && !r.alertsDisabled).flatMap((r) => (opts.alerts?.[fullName(r)] ?? []).map((a) => ({ ...a, repository: repoJson(r) })));
    }
    if (!list) return notFound();
    return listAlerts(list, u, send);
  });
  url = started.url + basePath;

  function repoDenied(repo: (typeof repos)[number] | undefined, send: (s: number, b: unknown, h?: Record<string, string>) => void, notFound: () => void): boolean {
    if (!repo || repo.access === 'hidden-404') {
      notFound();
      return true;
    }
    if (repo.access === 'integration-403') {
      send(403, { message: 'Resource not accessible by integration', documentation_url: DOCS, status: '403' });
      return true;
    }
    if (repo.access === 'pat-403') {
      send(
        403,
        { message: 'Resource not accessible by personal access token', documentation_url: DOCS, status: '403' },
        { 'x-accepted-github-permissions': 'vulnerability_alerts=read' },
      );
      return true;
    }
    if (repo.alertsDisabled) {
      send(403, { message: 'Dependabot alerts are disabled for this repository.', documentation_url: `${DOCS}#list-dependabot-alerts-for-a-repository`, status: '403' });
      return true;
    }
    return false;
  }

  function listAlerts(all: Obj[], u: URL, send: (s: number, b: unknown, h?: Record<string, string>) => void) {
    const q = u.searchParams;
    for (const p of ['page', 'first', 'last']) {
      if (q.has(p)) return send(400, { message: `Pagination using the \`${p}\` parameter is not supported.`, documentation_url: DOCS, status: '400' });
    }
    const perPage = Number(q.get('per_page') ?? 30);
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) {
      return send(422, { message: 'Validation Failed', errors: [{ field: 'per_page', code: 'invalid' }], documentation_url: DOCS, status: '422' });
    }
    const states = q.get('state')?.split(',');
    // sort=created (default) | updated, direction=desc (default) | asc, as documented.
    const key = q.get('sort') === 'updated' ? 'updated_at' : 'created_at';
    const dir = q.get('direction') === 'asc' ? 1 : -1;
    const filtered = all
      .filter((a) => !states || states.includes(a.state))
      .sort((a, b) => dir * String(a[key]).localeCompare(String(b[key])) || String(a.html_url).localeCompare(String(b.html_url)));
    let offset = 0;
    const after = q.get('after');
    if (after) {
      const decoded = Buffer.from(after, 'base64').toString('utf8');
      if (!decoded.startsWith('cursor:v2:')) return send(400, { message: 'Invalid cursor', documentation_url: DOCS, status: '400' });
      offset = Number(decoded.slice('cursor:v2:'.length));
    }
    const page = Math.floor(offset / perPage) + 1;
    const slice = filtered.slice(offset, offset + perPage);
    const extra: Record<string, string> = {};
    if (offset + perPage < filtered.length) {
      let path = u.pathname;
      const repoMatch = /^\/repos\/([^/]+)\/([^/]+)\//.exec(path);
      if (opts.numericNextLinks && repoMatch) {
        const repo = repos.find((r) => `${r.owner}/${r.name}`.toLowerCase() === `${repoMatch[1]}/${repoMatch[2]}`.toLowerCase());
        if (repo) path = `/repositories/${repo.id}/dependabot/alerts`;
      }
      const next = new URL(linkBase() + path);
      for (const [k, v] of q) if (k !== 'after') next.searchParams.set(k, v);
      const cursor = opts.repeatCursorFromPage && page >= opts.repeatCursorFromPage && after ? after : Buffer.from(`cursor:v2:${offset + perPage}`).toString('base64');
      next.searchParams.set('after', cursor);
      extra.link = `<${next.href}>; rel="next"`;
    }
    return send(200, slice, extra);
  }

  return { url, requests, close: started.close };
}

function repoJson(r: GhRepo & { id: number }): Obj {
  return {
    id: r.id,
    node_id: `R_${r.id}`,
    name: r.name,
    full_name: `${r.owner}/${r.name}`,
    owner: { login: r.owner, id: 1, type: 'Organization' },
    private: r.private ?? r.visibility !== 'public',
    visibility: r.visibility ?? (r.private === false ? 'public' : 'private'),
    topics: r.topics ?? [],
    archived: r.archived ?? false,
    disabled: false,
    html_url: `https://github.com/${r.owner}/${r.name}`,
    url: `https://api.github.com/repos/${r.owner}/${r.name}`,
  };
}

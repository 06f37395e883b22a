import { classifyGithubError } from '../collectors/dependabot/classify.js';
import type { GithubRequester, GithubResponse } from '../collectors/dependabot/client.js';
import { listItems, objectItem } from '../collectors/dependabot/items.js';
import { runLimited } from '../collectors/limit.js';
import { nextLink } from '../collectors/dependabot/repos.js';
import type { Logger } from '../log.js';
import { textRecord, type DiscoveredRepo, type GithubDiscovery, type RepoLookup } from './types.js';

/**
 * GitHub discovery, read-only, through the collectors' Octokit (throttling: primary and secondary
 * limits are waited out; retry: 5xx). Per org: `GET /orgs/{org}/repos` (100 a page, `Link` next
 * URLs verbatim: archived, visibility, topics), `GET /orgs/{org}/properties/values` by route
 * (custom properties; Octokit renamed these methods in v17), and the collector's one-alert probe
 * `GET /repos/{o}/{r}/dependabot/alerts?per_page=1` for the repositories asked. Names that claims
 * or findings use but no listing holds are looked up with `GET /repos/{o}/{r}`: GitHub redirects a
 * renamed repository to its new name, so one repository stays one repository.
 */

export interface GithubDiscoveryOptions {
  gh: GithubRequester;
  orgs: string[];
  secrets: string[];
  log: Logger;
  /** Which repositories (lower-cased "owner/name") get the Dependabot probe. Default: every one not archived. */
  probe?: (repo: string) => boolean;
  /** Lower-cased "owner/name" names claims or findings use; each absent from the listings is looked up. */
  lookup?: string[];
  /** Requests at once for probes and look-ups. Default 4 (GitHub asks for modest concurrency). */
  concurrency?: number;
}

type Obj = Record<string, unknown>;

/** Every item of a paged list; the error (if any) that stopped it. */
async function pageAll(gh: GithubRequester, route: string, params: Obj): Promise<{ items: Obj[]; error?: unknown }> {
  const items: Obj[] = [];
  const seen = new Set<string>();
  try {
    let res: GithubResponse = await gh.request(route, { ...params, per_page: 100 });
    for (let page = 1; ; page++) {
      // A body that is not a list stops the listing as an error (items.ts), never as its end.
      for (const item of listItems(res, `page ${page}`) as Obj[]) items.push(item);
      const next = nextLink(res.headers.link);
      if (!next) return { items };
      if (seen.has(next)) return { items, error: new Error('the next-page link repeated: stopped paging to avoid a loop') };
      seen.add(next);
      res = await gh.request(next);
    }
  } catch (error) {
    return { items, error };
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function propertyValue(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.filter((x) => typeof x === 'string').join(',');
  return undefined;
}

export async function discoverGithub(o: GithubDiscoveryOptions): Promise<GithubDiscovery> {
  o.gh.logTo?.(o.log);
  const out: GithubDiscovery = { orgs: [...new Set(o.orgs)].sort(), repos: [], lookups: [], complete: true, propertiesReadable: true, notes: [] };
  const byKey = new Map<string, DiscoveredRepo>();
  const reason = (e: unknown) => classifyGithubError(e, o.secrets).reason;
  for (const org of out.orgs) {
    const listed = await pageAll(o.gh, 'GET /orgs/{org}/repos', { org, type: 'all' });
    for (const r of listed.items) {
      const fullName = str(r.full_name);
      if (!fullName) continue;
      const topics = Array.isArray(r.topics) ? r.topics.filter((t): t is string => typeof t === 'string').sort() : [];
      byKey.set(fullName.toLowerCase(), {
        ...(typeof r.id === 'number' ? { id: r.id } : {}),
        fullName,
        aliases: [],
        archived: r.archived === true,
        ...(str(r.visibility) ? { visibility: str(r.visibility)! } : typeof r.private === 'boolean' ? { visibility: r.private ? 'private' : 'public' } : {}),
        topics,
        properties: textRecord(),
      });
    }
    if (listed.error) {
      out.complete = false;
      out.notes.push(`GitHub: the repository list of ${org} is incomplete (${reason(listed.error)}); unclaimed repositories there may be missing`);
    }
    o.log.progress(`discovery: ${org}: ${listed.items.length} repositories`);
    const props = await pageAll(o.gh, 'GET /orgs/{org}/properties/values', { org });
    if (props.error) {
      out.propertiesReadable = false;
      out.notes.push(
        `GitHub: custom properties of ${org} are not readable (${reason(props.error)}); attribute drift from properties is skipped there (the token needs "Custom properties: read" on the organization)`,
      );
      continue;
    }
    for (const p of props.items) {
      const repo = byKey.get(String(p.repository_full_name ?? '').toLowerCase());
      if (!repo) continue;
      for (const v of Array.isArray(p.properties) ? (p.properties as Obj[]) : []) {
        const name = str(v.property_name);
        const value = propertyValue(v.value);
        if (name && value !== undefined) repo.properties[name] = value;
      }
    }
  }

  const concurrency = o.concurrency ?? 4;
  const toProbe = [...byKey.entries()].filter(([k, r]) => !r.archived && (o.probe ? o.probe(k) : true)).map(([, r]) => r);
  await runLimited(toProbe, concurrency, async (r) => {
    const [owner, repo] = r.fullName.split('/');
    try {
      // A 200 that is not a list of alerts does not show that alerts are on.
      listItems(await o.gh.request('GET /repos/{owner}/{repo}/dependabot/alerts', { owner, repo, per_page: 1 }), 'probe');
      r.dependabot = { on: true };
    } catch (e) {
      r.dependabot = { on: false, reason: reason(e) };
    }
  });

  const ids = new Map([...byKey.values()].filter((r) => r.id !== undefined).map((r) => [r.id!, r]));
  const wanted = [...new Set(o.lookup ?? [])].filter((n) => n.includes('/') && !byKey.has(n)).sort();
  const lookups = new Map<string, RepoLookup>();
  await runLimited(wanted, concurrency, async (name) => {
    const [owner, repo] = name.split('/');
    try {
      const res = await o.gh.request('GET /repos/{owner}/{repo}', { owner, repo });
      const data = objectItem(res, 'lookup');
      const to = str(data.full_name);
      if (!to) {
        lookups.set(name, { name, state: 'unknown', reason: `lookup of /repos/${name}: ${res.status} with an object that is not a repository (no full_name)` });
        return;
      }
      const id = typeof data.id === 'number' ? data.id : undefined;
      lookups.set(name, { name, state: to.toLowerCase() === name ? 'found' : 'renamed', to, ...(id !== undefined ? { id } : {}) });
    } catch (e) {
      const status = (e as { status?: number }).status;
      lookups.set(name, status === 404 ? { name, state: 'missing', reason: 'not found, or not visible to this token (404)' } : { name, state: 'unknown', reason: reason(e) });
    }
  });
  for (const l of [...lookups.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    out.lookups.push(l);
    const same = (l.id !== undefined ? ids.get(l.id) : undefined) ?? (l.to ? byKey.get(l.to.toLowerCase()) : undefined);
    if (l.state === 'renamed' && same && !same.aliases.includes(l.name)) same.aliases.push(l.name);
  }
  out.repos = [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, r]) => ({ ...r, aliases: [...r.aliases].sort() }));
  out.notes.sort();
  return out;
}

import { compileGlob, hasGlobSyntax } from '../../config/glob.js';
import type { GithubRequester } from './client.js';
import { listItems } from './items.js';

/**
 * Which repositories a list of "owner/name" patterns names (in the glob dialect of assets.yaml,
 * src/inventory/glob.ts). Globs expand through the owner's
 * repository list (`GET /orgs/{owner}/repos`, falling back to `/users/{owner}/repos`), which also
 * says which repositories are archived and which do not exist (or are invisible to the token).
 */

export interface RepoInfo {
  /** "owner/name" as GitHub spells it. */
  fullName: string;
  archived: boolean;
}

export type OwnerListing = { ok: true; repos: RepoInfo[]; requests: number } | { ok: false; error: unknown; requests: number };

const ownerOf = (p: string) => p.split('/')[0]!.toLowerCase();

export async function listOwnerRepos(gh: GithubRequester, owner: string): Promise<OwnerListing> {
  let requests = 0;
  const repos: RepoInfo[] = [];
  for (const kind of ['orgs', 'users'] as const) {
    try {
      requests++;
      let res = await gh.request(`GET /${kind}/{owner}/repos`, { owner, per_page: 100, type: 'all' });
      for (let page = 1; ; page++) {
        // A body that is not a list is no list of repositories (items.ts): the listing is not readable.
        for (const r of listItems(res, `page ${page}`) as Array<{ full_name?: unknown; archived?: unknown } | null>) {
          if (typeof r?.full_name === 'string' && r.full_name) repos.push({ fullName: r.full_name, archived: r.archived === true });
        }
        const next = nextLink(res.headers.link);
        if (!next) break;
        requests++;
        res = await gh.request(next);
      }
      return { ok: true, repos, requests };
    } catch (error) {
      if ((error as { status?: number }).status === 404 && kind === 'orgs') continue;
      return { ok: false, error, requests };
    }
  }
  /* c8 ignore next */
  return { ok: false, error: new Error(`no repository list for ${owner}`), requests };
}

export interface Resolved {
  /** Lower-cased "owner/name" → what the owner listing knows of it (undefined: listing unavailable or repo absent). */
  repos: Map<string, RepoInfo | undefined>;
  /** Globs that matched nothing, with the reason. */
  unmatched: Array<{ pattern: string; reason: string }>;
}

/** Owners whose listing is needed to resolve these patterns (every owner: the listing also tells archived and missing repos). */
export function ownersOf(patterns: readonly string[]): string[] {
  return [...new Set(patterns.filter((p) => p.includes('/')).map(ownerOf))].sort();
}

export function resolvePatterns(patterns: readonly string[], listings: ReadonlyMap<string, OwnerListing>): Resolved {
  const repos = new Map<string, RepoInfo | undefined>();
  const unmatched: Resolved['unmatched'] = [];
  for (const pattern of [...new Set(patterns)].sort()) {
    const listing = listings.get(ownerOf(pattern));
    const known = listing?.ok ? listing.repos : undefined;
    if (!pattern.includes('/')) {
      unmatched.push({ pattern, reason: 'not an "owner/name" repository' });
    } else if (hasGlobSyntax(pattern)) {
      if (!known) {
        unmatched.push({ pattern, reason: `cannot expand: the repository list of ${ownerOf(pattern)} is not readable` });
        continue;
      }
      // The inventory's own glob engine: a repository is collected exactly when the same pattern claims its findings.
      const glob = compileGlob(pattern, 'repo');
      const hits = known.filter((r) => glob.test(r.fullName));
      if (!hits.length) unmatched.push({ pattern, reason: `no repository of ${ownerOf(pattern)} matches` });
      for (const r of hits) repos.set(r.fullName.toLowerCase(), r);
    } else {
      const key = pattern.toLowerCase();
      repos.set(key, known?.find((r) => r.fullName.toLowerCase() === key) ?? repos.get(key));
    }
  }
  return { repos, unmatched };
}

/** The rel="next" URL of a Link header, as given (the client follows it only on the API: linkOutsideApi). */
export function nextLink(link: unknown): string | undefined {
  return typeof link === 'string' ? /<([^<>]+)>;\s*rel="next"/.exec(link)?.[1] : undefined;
}

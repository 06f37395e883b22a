import { parseUtc } from '../../model/time.js';
import type { Logger } from '../../log.js';
import type { Collector, CoverageEntry, RecordSink, SourceStatus } from '../types.js';
import { runLimited } from '../limit.js';
import { classifyGithubError } from './classify.js';
import type { GithubRequester, GithubResponse } from './client.js';
import { listItems } from './items.js';
import { repoOf } from '../../sources/dependabot.js';
import { listOwnerRepos, nextLink, ownersOf, resolvePatterns, type OwnerListing, type RepoInfo } from './repos.js';

/**
 * Dependabot alerts through the REST API, cursor-paged (`per_page=100`, then the `Link` next URL
 * verbatim, if it stays on the configured API — client.ts; never `page`, which api.github.com
 * answers with 400).
 *
 * Coverage is per repository the inventory claims. The org and enterprise endpoints cannot say
 * which repositories have alerts disabled, so each claimed repository gets a one-alert probe of
 * `GET /repos/{o}/{r}/dependabot/alerts?per_page=1`: it exercises exactly what we need (alerts on,
 * and this token may read them), with the permission we already need. (`GET .../vulnerability-alerts`
 * needs admin rights and answers 404 for both "disabled" and "no access".)
 */

export interface DependabotLiveOptions {
  gh: GithubRequester;
  /** Exactly one of org(s) / enterprise / repos (patterns, globs allowed). */
  org?: string;
  /** Several organizations: each org's alert list is paged in turn. */
  orgs?: string[];
  enterprise?: string;
  repos?: string[];
  /** "owner/name" patterns the inventory's assets claim: coverage is reported for each. */
  claimedRepos: string[];
  secrets?: string[];
  /** Repositories probed or listed at once. Default 4 (GitHub asks for modest concurrency). */
  concurrency?: number;
  /**
   * Incremental sync (src/sync): only alerts updated at or after this ISO time, in every state.
   * Lists are asked `sort=updated&direction=desc` and paging stops at the first page that reaches
   * an older alert; probes ask for the most recently updated alert, so that a repository the
   * org/enterprise list cannot see is listed again only when something in it changed.
   */
  since?: string;
}

class AuthFailure extends Error {}

export function createDependabotLiveCollector(o: DependabotLiveOptions): Collector {
  const secrets = o.secrets ?? [];
  const orgs = [...new Set([...(o.org ? [o.org] : []), ...(o.orgs ?? [])])];
  const mode = o.enterprise
    ? { kind: 'enterprise' as const, name: o.enterprise }
    : orgs.length
      ? { kind: 'org' as const, name: orgs.join(', ') }
      : { kind: 'repos' as const, name: '' };
  const describe = mode.kind === 'repos' ? `Dependabot API (${o.repos?.length ?? 0} repository pattern(s))` : `Dependabot API (${mode.kind} ${mode.name})`;

  return {
    source: 'dependabot',
    describe,
    async collect(sink: RecordSink, log: Logger): Promise<SourceStatus> {
      o.gh.logTo?.(log);
      const status: SourceStatus = { source: 'dependabot', origins: [], complete: true, problems: [], coverage: [], records: 0 };
      const seen = new Set<string>();
      const perRepo = new Map<string, number>();
      const coverage = new Map<string, CoverageEntry>();
      let requests = 0;
      let quota = '';
      const fail = (problem: string) => {
        status.complete = false;
        status.problems.push(problem);
      };
      const cover = (repo: string, reason?: string) => {
        const key = repo.toLowerCase();
        if (coverage.get(key)?.status === 'gap') return; // the first gap found says why
        coverage.set(
          key,
          reason === undefined ? { source: 'dependabot', scope: { repo: key }, status: 'covered' } : { source: 'dependabot', scope: { repo: key }, status: 'gap', reason },
        );
      };

      const get = async (route: string, params?: Record<string, unknown>): Promise<GithubResponse> => {
        requests++;
        try {
          const res = await o.gh.request(route, params);
          const h = res.headers;
          if (h['x-ratelimit-remaining'] !== undefined)
            quota = `${h['x-ratelimit-remaining']}/${h['x-ratelimit-limit'] ?? '?'} left, resets ${new Date(Number(h['x-ratelimit-reset']) * 1000).toISOString()}`;
          return res;
        } catch (err) {
          const c = classifyGithubError(err, secrets);
          if (c.kind === 'auth') throw new AuthFailure(c.reason);
          throw err;
        }
      };

      const since = o.since;
      /** Newest first by update time: in incremental mode every list and probe is asked this way. */
      const byUpdate = since ? { sort: 'updated', direction: 'desc' } : {};
      const sinceMs = since === undefined ? undefined : parseUtc(since);
      const olderThanSince = (raw: unknown) => sinceMs !== undefined && parseUtc(String((raw as { updated_at?: unknown } | null)?.updated_at)) < sinceMs;

      /** Pages through a list; pushes every alert once. Returns an error reason, or undefined when complete. */
      const pageThrough = async (label: string, route: string, params: Record<string, unknown>): Promise<{ error?: unknown; loop?: string }> => {
        status.origins.push(since ? `${label} (updated since ${since})` : label);
        const urls = new Set<string>();
        let n = 0;
        let res: GithubResponse;
        try {
          res = await get(route, { ...params, ...byUpdate, per_page: 100 });
          for (let page = 1; ; page++) {
            let reachedOld = false;
            // A body that is not a list throws: the scope is incomplete, not empty (items.ts).
            for (const raw of listItems(res, `page ${page}`)) {
              if (olderThanSince(raw)) reachedOld = true;
              // The normalizer's reading (sources/dependabot.ts): a name it would refuse counts for no repository.
              const repo = raw && typeof raw === 'object' ? repoOf(raw as Parameters<typeof repoOf>[0]) : undefined;
              if (repo) perRepo.set(repo, (perRepo.get(repo) ?? 0) + 1);
              const key = (raw as { html_url?: string; url?: string } | null)?.html_url ?? (raw as { url?: string } | null)?.url;
              if (key && seen.has(key)) continue;
              if (key) seen.add(key);
              status.records++;
              sink.record(raw, { origin: `api:${label}`, record: ++n });
            }
            log.progress(`Dependabot ${label}: page ${page}, ${status.records} alerts`, { quota });
            const next = nextLink(res.headers.link);
            // Sorted newest update first: once a page reaches the last sync, the rest is older still.
            if (!next || reachedOld) return {};
            if (urls.has(next)) return { loop: `the next-page cursor repeated after page ${page}: stopped paging to avoid a loop` };
            urls.add(next);
            res = await get(next);
          }
        } catch (error) {
          if (error instanceof AuthFailure) throw error;
          return { error };
        }
      };

      const run = async () => {
        // 1. Repository lists of every owner involved: expands globs, tells archived and missing repos.
        const patterns = [...o.claimedRepos, ...(o.repos ?? [])];
        const listings = new Map<string, OwnerListing>();
        for (const owner of ownersOf(patterns)) {
          const l = await listOwnerRepos(o.gh, owner);
          requests += l.requests;
          if (!l.ok) {
            const c = classifyGithubError(l.error, secrets);
            if (c.kind === 'auth') throw new AuthFailure(c.reason);
            log.warn(`Dependabot: cannot list the repositories of ${owner}: ${c.reason}`);
          }
          listings.set(owner, l);
        }
        const claimed = resolvePatterns(o.claimedRepos, listings);
        for (const u of claimed.unmatched) coverage.set(u.pattern.toLowerCase(), { source: 'dependabot', scope: { repo: u.pattern }, status: 'gap', reason: u.reason });
        const listed = (repo: string): RepoInfo | undefined => claimed.repos.get(repo) ?? undefined;
        const ownerListed = (repo: string) => listings.get(repo.split('/')[0]!)?.ok === true;

        // 2. The alerts themselves.
        let targets: string[] = [];
        if (mode.kind === 'repos') {
          const wanted = resolvePatterns(o.repos ?? [], listings);
          for (const u of wanted.unmatched) log.warn(`Dependabot: sources.dependabot.repos ${u.pattern}: ${u.reason}`);
          targets = [...wanted.repos.keys()].sort();
        } else {
          for (const name of mode.kind === 'org' ? orgs : [mode.name]) {
            const route = mode.kind === 'org' ? 'GET /orgs/{org}/dependabot/alerts' : 'GET /enterprises/{enterprise}/dependabot/alerts';
            const r = await pageThrough(`${mode.kind} ${name}`, route, mode.kind === 'org' ? { org: name } : { enterprise: name });
            if (r.loop) {
              fail(`${mode.kind} ${name}: ${r.loop}`);
              status.coverage.push({ source: 'dependabot', scope: {}, status: 'gap', reason: r.loop });
            } else if (r.error) {
              const c = classifyGithubError(r.error, secrets);
              if (c.kind === 'gap') {
                // Not an org owner / security manager: per-repository listing still covers every claimed repo.
                log.warn(`Dependabot: the ${mode.kind} endpoint for ${name} is not readable (${c.reason}); listing claimed repositories one by one`);
                const own = (repo: string) => mode.kind !== 'org' || repo.split('/')[0] === name.toLowerCase();
                targets = [...new Set([...targets, ...[...claimed.repos.keys()].filter(own)])].sort();
              } else {
                fail(`${mode.kind} ${name}: ${c.reason}`);
                status.coverage.push({ source: 'dependabot', scope: {}, status: 'gap', reason: c.reason });
              }
            }
          }
        }
        const targetSet = new Set(targets);
        await runLimited(targets, o.concurrency ?? 4, async (repo) => {
          const [owner, name] = repo.split('/');
          const r = await pageThrough(`repo ${repo}`, 'GET /repos/{owner}/{repo}/dependabot/alerts', { owner, repo: name });
          if (r.loop) {
            fail(`repo ${repo}: ${r.loop}`);
            cover(repo, r.loop);
          } else if (r.error) {
            const c = classifyGithubError(r.error, secrets);
            if (c.kind === 'failed') fail(`repo ${repo}: ${c.reason}`);
            cover(repo, c.reason);
          } else cover(repo);
        });

        // 3. Coverage of every claimed repository not settled above.
        const toProbe: string[] = [];
        for (const repo of [...claimed.repos.keys()].sort()) {
          const info = listed(repo);
          if (mode.kind === 'repos' && !targetSet.has(repo)) cover(repo, 'not collected: not listed in sources.dependabot.repos');
          else if (mode.kind === 'org' && !orgs.some((g) => g.toLowerCase() === repo.split('/')[0]))
            cover(repo, `not collected: outside organization ${mode.name} (sources.dependabot.org${orgs.length > 1 ? 's' : ''})`);
          else if (info?.archived) cover(repo, 'repository is archived: Dependabot no longer updates its alerts');
          else if (!info && ownerListed(repo)) cover(repo, `repository not found in ${repo.split('/')[0]}'s repository list (missing, renamed, or not visible to this token)`);
          else if (!targetSet.has(repo)) toProbe.push(repo);
        }
        await runLimited(toProbe, o.concurrency ?? 4, async (repo) => {
          const [owner, name] = repo.split('/');
          try {
            const res = await get('GET /repos/{owner}/{repo}/dependabot/alerts', { owner, repo: name, ...byUpdate, per_page: 1 });
            const newest = listItems(res, 'probe')[0];
            // Incremental: only a change since the last sync is news; older alerts are in the stored state already.
            if (newest !== undefined && !olderThanSince(newest) && !perRepo.get(repo)) {
              // The probe sees alerts the org/enterprise listing did not return (e.g. an org where the token is not security manager): fetch them.
              const r = await pageThrough(`repo ${repo}`, 'GET /repos/{owner}/{repo}/dependabot/alerts', { owner, repo: name });
              if (r.error || r.loop) {
                const reason = r.loop ?? classifyGithubError(r.error, secrets).reason;
                fail(`repo ${repo}: ${reason}`);
                return cover(repo, reason);
              }
            }
            cover(repo);
          } catch (err) {
            if (err instanceof AuthFailure) throw err;
            const c = classifyGithubError(err, secrets);
            if (c.kind === 'failed') fail(`repo ${repo}: ${c.reason}`);
            cover(repo, c.reason);
          }
        });
      };

      try {
        await run();
      } catch (err) {
        if (!(err instanceof AuthFailure)) throw err;
        fail(err.message);
        status.coverage.push({ source: 'dependabot', scope: {}, status: 'gap', reason: err.message });
      }
      for (const c of coverage.values()) status.coverage.push(c);
      status.coverage.sort((a, b) => `${a.scope.repo ?? ''}|${a.status}`.localeCompare(`${b.scope.repo ?? ''}|${b.status}`));
      status.origins.sort();
      status.problems.sort();
      log.info(`Dependabot: ${status.records} alerts in ${requests} requests${quota ? `; rate limit ${quota}` : ''}`);
      return status;
    },
  };
}

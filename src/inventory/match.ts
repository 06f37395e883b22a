/**
 * Mapping findings to assets (assets.yaml selectors).
 *
 * AWS findings (`finding.aws`):
 * - `aws.accounts` restricts the asset to findings whose account (`finding.aws.accountId`, not the
 *   account inside a resource ARN) is listed; it is ANDed with the asset's other aws selectors.
 *   An asset with only `accounts` claims every finding in them.
 * - When the asset lists any of `resources`, `tags` or `resourceTypes`, a finding is claimed only if at
 *   least one of them matches at least one of the finding's resources (`finding.aws.resources`).
 *   - `resources`: an exact resource id (ARN), or an ARN glob (see glob.ts). In an ARN glob `*` stays
 *     inside one field of the `arn:partition:service:region:account:` header, and inside one
 *     `/`-separated segment of the resource part; `**` crosses `/`. So
 *     `arn:aws:ecs:*:111122223333:service/payments/*` matches `…:service/payments/api` but not
 *     `…:service/payments/api/extra`; write `service/payments/**` for that. ARNs are case-sensitive.
 *   - `tags`: every listed key is present on the resource with an equal value; a value may be a glob
 *     (in tag values `*` also matches `/`). Keys and values are case-sensitive, as in AWS.
 *   - `resourceTypes`: ASFF types such as `AwsEcsService`, globs allowed, case-insensitive.
 * - Specificity, highest first: an exact ARN > an ARN glob (more literal characters first) > tags
 *   (more tags first, then more literal characters in their values) > resourceTypes (exact before
 *   glob) > account only.
 *
 * GitHub findings (`finding.github.repo`, "owner/name"): `github.repos` globs, case-insensitive;
 * an exact name beats any glob; between globs, more literal characters win. `*` does not cross `/`.
 *
 * Each asset is scored by its most specific matching selector. The best score wins; if several
 * assets tie at it the finding is ambiguous and `assetIds` lists all of them (sorted by id), with
 * `matchedBy` naming the selector of the first. No match: `assetIds: []` (unmapped).
 * `matchedBy` reads `<selector> <pattern>`, e.g. `aws.resources arn:aws:ecs:*:111122223333:service/payments/*`,
 * `aws.tags Env=prod,Service=payments`, `github.repos acme/payments-*`.
 *
 * Cost: the inventory is compiled once into indexes: account → assets; exact ARNs, repos and
 * types in maps; ARN globs bucketed by their service and account fields, then filed in a trie by
 * the literal start of their resource part; tag selectors by one literal key=value pair (or by key
 * and value prefix); repo and type globs in a trie by their literal prefix. Matching a finding
 * only tries the globs whose literal parts fit it, so its cost does not grow with the number of
 * assets; only globs that start with a wildcard (a repo glob whose owner is `*`,
 * `arn:aws:*:*:*:…`) are tried against every finding.
 */
import type { AwsLocation, AwsResource, Finding } from '../model/finding.js';
import { compileGlob, type Glob } from '../config/glob.js';
import { arnGlobTrie, arnParts, type ArnGlobIndex } from './arn-index.js';
import { PrefixTrie, push, trieFor } from './prefix-trie.js';
import type { Inventory, MatchResult, Matcher } from '../config/inventory.js';

const rank = (cls: number, sub: number) => cls * 1_000_000 + Math.min(Math.max(sub, 0), 999_999);
const CLASS = { exact: 5, glob: 4, tags: 3, resourceType: 2, account: 1 } as const;

interface Entry {
  asset: number;
  rank: number;
  by: string;
}
interface GlobEntry extends Entry {
  glob: Glob;
}
interface TagEntry extends Entry {
  tags: Array<[string, Glob]>;
}

/** Every tag of the selector present on the resource with a matching value. */
function tagsMatch(t: TagEntry, tags: Record<string, string>): boolean {
  for (const [k, glob] of t.tags) {
    const v = tags[k];
    if (v === undefined || !glob.test(v)) return false;
  }
  return true;
}

/** One reused list for trie candidates: each is read in full before the next walk starts. */
const candidateList: Entry[] = [];
function scratch<T extends Entry>(): T[] {
  candidateList.length = 0;
  return candidateList as T[];
}

export function compileInventory(inv: Inventory): Matcher {
  const ids = inv.assets.map((a) => a.id);
  const accounts = inv.assets.map((a) => (a.aws?.accounts?.length ? new Set(a.aws.accounts) : undefined));
  const accountOnly = new Map<string, Entry[]>();
  const exactArn = new Map<string, Entry[]>();
  const arnGlobs: ArnGlobIndex<GlobEntry> = new Map();
  const otherGlobs = new PrefixTrie<GlobEntry>();
  const tagPairs = new Map<string, Map<string, TagEntry[]>>(); // key → value of one literal tag
  const tagGlobs = new Map<string, PrefixTrie<TagEntry>>(); // key → by value prefix, when no value is literal
  const typeExact = new Map<string, Entry[]>();
  const typeGlobs = new PrefixTrie<GlobEntry>();
  const repoExact = new Map<string, Entry[]>();
  const repoGlobs = new PrefixTrie<GlobEntry>();

  inv.assets.forEach((a, asset) => {
    const aws = a.aws ?? {};
    const resources = aws.resources ?? [];
    const types = aws.resourceTypes ?? [];
    const tags = Object.entries(aws.tags ?? {}).sort(([x], [y]) => (x < y ? -1 : 1));
    if (accounts[asset] && resources.length === 0 && types.length === 0 && tags.length === 0)
      for (const acct of accounts[asset]) push(accountOnly, acct, { asset, rank: rank(CLASS.account, 0), by: `aws.accounts ${acct}` });
    for (const pattern of resources) {
      const glob = compileGlob(pattern, 'arn');
      const by = `aws.resources ${pattern}`;
      if (glob.literal) {
        push(exactArn, glob.literalPrefix, { asset, rank: rank(CLASS.exact, pattern.length), by });
        continue;
      }
      const entry = { asset, rank: rank(CLASS.glob, glob.literalChars), by, glob };
      const parts = arnParts(pattern, true);
      if (parts) arnGlobTrie(arnGlobs, parts.service, parts.account).add(compileGlob(parts.resource, 'arn').literalPrefix, entry);
      else otherGlobs.add(glob.literalPrefix, entry);
    }
    if (tags.length > 0) {
      const compiled = tags.map(([k, v]): [string, Glob] => [k, compileGlob(v, 'tag')]);
      const literalChars = compiled.reduce((n, [, g]) => n + g.literalChars, 0);
      const by = `aws.tags ${tags.map(([k, v]) => `${k}=${v}`).join(',')}`;
      const entry: TagEntry = { asset, rank: rank(CLASS.tags, tags.length * 1000 + Math.min(literalChars, 999)), by, tags: compiled };
      const [key, value] = compiled.find(([, g]) => g.literal) ?? compiled[0]!;
      if (value.literal) {
        let byValue = tagPairs.get(key);
        if (!byValue) tagPairs.set(key, (byValue = new Map()));
        push(byValue, value.literalPrefix, entry);
      } else trieFor(tagGlobs, key).add(value.literalPrefix, entry);
    }
    for (const pattern of types) {
      const glob = compileGlob(pattern, 'type');
      const by = `aws.resourceTypes ${pattern}`;
      if (glob.literal) push(typeExact, glob.literalPrefix.toLowerCase(), { asset, rank: rank(CLASS.resourceType, 999_999), by });
      else typeGlobs.add(glob.literalPrefix.toLowerCase(), { asset, rank: rank(CLASS.resourceType, glob.literalChars), by, glob });
    }
    for (const pattern of a.github?.repos ?? []) {
      const glob = compileGlob(pattern, 'repo');
      const by = `github.repos ${pattern}`;
      if (glob.literal) push(repoExact, glob.literalPrefix.toLowerCase(), { asset, rank: rank(CLASS.exact, pattern.length), by });
      else repoGlobs.add(glob.literalPrefix.toLowerCase(), { asset, rank: rank(CLASS.glob, glob.literalChars), by, glob });
    }
  });

  // Claims are appended to `out` (no generators, no intermediate lists: this runs for every
  // location not seen before).
  function repoClaims(repo: string, out: Entry[]): void {
    const lower = repo.toLowerCase();
    const exact = repoExact.get(lower);
    if (exact) for (const e of exact) out.push(e);
    for (const g of repoGlobs.candidates(lower, scratch())) if (g.glob.test(lower)) out.push(g);
  }

  /** The globs of one service/account bucket that match `id`. */
  function arnGlobClaims(byAccount: Map<string, PrefixTrie<GlobEntry>> | undefined, account: string, resource: string, id: string, out: Entry[]): void {
    const trie = byAccount?.get(account);
    if (trie) for (const g of trie.candidates(resource, scratch())) if (g.glob.test(id)) out.push(g);
  }

  function resourceClaims(r: AwsResource, out: Entry[]): void {
    const exact = exactArn.get(r.id);
    if (exact) for (const e of exact) out.push(e);
    const parts = arnParts(r.id, false);
    if (parts) {
      const { service, account, resource } = parts;
      // The buckets a glob of this ARN can sit in; the same bucket only once.
      const byService = arnGlobs.get(service);
      const anyService = service === '*' ? undefined : arnGlobs.get('*');
      arnGlobClaims(byService, account, resource, r.id, out);
      if (account !== '*') arnGlobClaims(byService, '*', resource, r.id, out);
      arnGlobClaims(anyService, account, resource, r.id, out);
      if (account !== '*') arnGlobClaims(anyService, '*', resource, r.id, out);
    }
    for (const g of otherGlobs.candidates(r.id, scratch())) if (g.glob.test(r.id)) out.push(g);
    for (const k of Object.keys(r.tags)) {
      const v = r.tags[k]!;
      const pairs = tagPairs.get(k)?.get(v);
      if (pairs) for (const t of pairs) if (tagsMatch(t, r.tags)) out.push(t);
      const globs = tagGlobs.get(k);
      if (globs) for (const t of globs.candidates(v, scratch())) if (tagsMatch(t, r.tags)) out.push(t);
    }
    const type = r.type.toLowerCase();
    const types = typeExact.get(type);
    if (types) for (const e of types) out.push(e);
    for (const g of typeGlobs.candidates(type, scratch())) if (g.glob.test(type)) out.push(g);
  }

  function awsClaims(aws: AwsLocation, out: Entry[]): void {
    const accountOnlyHere = accountOnly.get(aws.accountId);
    if (accountOnlyHere) for (const e of accountOnlyHere) out.push(e);
    const from = out.length;
    for (const r of aws.resources) resourceClaims(r, out);
    // An asset restricted to accounts claims only findings in them.
    let kept = from;
    for (let i = from; i < out.length; i++) {
      const c = out[i]!;
      if (accounts[c.asset]?.has(aws.accountId) ?? true) out[kept++] = c;
    }
    out.length = kept;
  }

  // Findings on the same location get the same answer. Locations are shared between findings
  // (the pipeline interns them), so the answer is cached by object identity (results are never mutated).
  const byAws = new WeakMap<object, MatchResult>();
  const byRepo = new Map<string, MatchResult>();

  function match(finding: Finding): MatchResult {
    const { aws, github } = finding;
    if (aws && !github) {
      let m = byAws.get(aws);
      if (!m) byAws.set(aws, (m = matchUncached(finding)));
      return m;
    }
    if (github && !aws) {
      let m = byRepo.get(github.repo);
      if (!m) {
        m = matchUncached(finding);
        if (byRepo.size < 100_000) byRepo.set(github.repo, m);
      }
      return m;
    }
    return matchUncached(finding);
  }

  function matchUncached(finding: Finding): MatchResult {
    const best = new Map<number, Entry>();
    const claims: Entry[] = [];
    if (finding.aws) awsClaims(finding.aws, claims);
    if (finding.github) repoClaims(finding.github.repo, claims);
    for (const c of claims) {
      const cur = best.get(c.asset);
      if (!cur || c.rank > cur.rank || (c.rank === cur.rank && c.by < cur.by)) best.set(c.asset, c);
    }
    let top = -1;
    for (const e of best.values()) top = Math.max(top, e.rank);
    const winners = [...best.values()].filter((e) => e.rank === top).sort((x, y) => (ids[x.asset]! < ids[y.asset]! ? -1 : 1));
    if (winners.length === 0) return { assetIds: [], ambiguous: false };
    const assetIds = winners.map((e) => ids[e.asset]!);
    if (winners.length === 1) return { assetIds, ambiguous: false, matchedBy: winners[0]!.by };
    // Tied assets each matched through a selector of their own: findings.csv names each one's.
    return { assetIds, ambiguous: true, matchedBy: winners[0]!.by, matchedByAsset: winners.map((e) => e.by) };
  }

  function assetsForRepo(repo: string): string[] {
    const found = new Set<number>();
    const claims: Entry[] = [];
    repoClaims(repo, claims);
    for (const c of claims) found.add(c.asset);
    return [...found].map((i) => ids[i]!).sort();
  }

  return { match, assetsForRepo };
}

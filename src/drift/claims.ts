import { hasGlobSyntax, repoMatcher } from '../config/glob.js';
import type { Asset } from '../config/schema.js';
import { isAwsAccountId } from '../model/finding.js';

/**
 * Which asset claims a repository or an account, the way the collectors read assets.yaml:
 * `github.repos` globs (case-insensitive), `aws.accounts`, and the account field of literal
 * `aws.resources` ARNs. Pure.
 */

export interface Claims {
  /** Asset ids (sorted) whose github.repos match any of the names ("owner/name", any case). */
  repo(...names: string[]): string[];
  account(id: string): string[];
  /** Every github.repos pattern with its asset, sorted by pattern then asset. */
  repoPatterns: Array<{ pattern: string; asset: string; glob: boolean }>;
  /** Every claimed account id with its assets, sorted by id. */
  accounts: Array<{ id: string; assets: string[] }>;
}

export function compileClaims(assets: readonly Asset[]): Claims {
  const repoPatterns = assets
    .flatMap((a) => (a.github?.repos ?? []).map((pattern) => ({ pattern, asset: a.id, glob: hasGlobSyntax(pattern), match: repoMatcher(pattern) })))
    .sort((x, y) => (x.pattern < y.pattern ? -1 : x.pattern > y.pattern ? 1 : x.asset < y.asset ? -1 : 1));
  const byAccount = new Map<string, Set<string>>();
  const claim = (id: string, asset: string) => {
    if (!isAwsAccountId(id)) return;
    const s = byAccount.get(id) ?? new Set<string>();
    byAccount.set(id, s);
    s.add(asset);
  };
  for (const a of assets) {
    for (const id of a.aws?.accounts ?? []) claim(String(id), a.id);
    for (const arn of a.aws?.resources ?? []) claim(arn.split(':')[4] ?? '', a.id);
  }
  return {
    repo: (...names) => [...new Set(repoPatterns.filter((p) => names.some((n) => p.match(n))).map((p) => p.asset))].sort(),
    account: (id) => [...(byAccount.get(id) ?? [])].sort(),
    repoPatterns: repoPatterns.map(({ pattern, asset, glob }) => ({ pattern, asset, glob })),
    accounts: [...byAccount.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, s]) => ({ id, assets: [...s].sort() })),
  };
}

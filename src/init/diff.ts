import { repoMatcher } from '../config/glob.js';
import type { Asset } from '../config/schema.js';
import { sanitizeLine } from '../text/sanitize.js';
import type { Proposal, ProposedAsset } from './propose.js';

/**
 * `secsli init --diff`: what the proposal adds, drops or changes against the current assets.yaml,
 * by what is claimed (repositories and accounts) and by attribute. Pure; lines sorted.
 * - `+` a repository or account the proposal claims and no current asset does;
 * - `-` a current claim the proposal does not make (nothing that exists matches it);
 * - `~` an asset of the same id whose owner, criticality or exposure differs.
 */

export interface InitDiff {
  added: string[];
  dropped: string[];
  changed: string[];
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function diffProposal(p: Proposal, current: readonly Asset[]): InitDiff {
  const repoClaims = current.flatMap((a) => (a.github?.repos ?? []).map((r) => ({ asset: a.id, pattern: r, match: repoMatcher(r) })));
  const accountClaims = new Map<string, string[]>();
  for (const a of current) for (const id of a.aws?.accounts ?? []) accountClaims.set(String(id), [...(accountClaims.get(String(id)) ?? []), a.id]);
  const proposedRepos = p.assets.flatMap((a) => a.repos.map((r) => ({ asset: a.id, pattern: r, match: repoMatcher(r) })));
  const proposedAccounts = new Set(p.assets.flatMap((a) => a.accounts.map((x) => x.id)));

  const added: string[] = [];
  for (const a of p.assets) {
    for (const r of a.repos) {
      // A proposed glob counts as claimed when a current pattern is the same or matches its prefix.
      const probe = r.replace(/\*$/, 'x');
      if (!repoClaims.some((c) => c.pattern.toLowerCase() === r.toLowerCase() || c.match(probe))) added.push(`+ ${a.id}: github.repos ${r}`);
    }
    for (const x of a.accounts) if (!accountClaims.has(x.id)) added.push(`+ ${a.id}: aws.accounts ${x.id}${x.name ? ` (${x.name})` : ''}`);
  }
  const dropped: string[] = [];
  for (const c of repoClaims) {
    const probe = c.pattern.replace(/\*$/, 'x');
    if (!proposedRepos.some((r) => r.pattern.toLowerCase() === c.pattern.toLowerCase() || r.match(probe) || c.match(r.pattern.replace(/\*$/, 'x'))))
      dropped.push(`- ${c.asset}: github.repos ${c.pattern} (matches nothing discovered)`);
  }
  for (const [id, assets] of accountClaims) if (!proposedAccounts.has(id)) for (const a of assets) dropped.push(`- ${a}: aws.accounts ${id} (not an active account discovered)`);
  const changed: string[] = [];
  const byId = new Map<string, ProposedAsset>(p.assets.map((a) => [a.id, a]));
  for (const a of current) {
    const n = byId.get(a.id);
    if (!n) continue;
    for (const attr of ['owner', 'criticality', 'exposure'] as const) {
      if (a[attr] !== n[attr])
        changed.push(`~ ${a.id}: ${attr} ${a[attr]} → ${n[attr]}${n.todo.some((t) => t.includes(`confirm ${attr}`)) ? ' (a guess: TODO in the proposal)' : ''}`);
    }
  }
  return { added: added.sort(cmp), dropped: dropped.sort(cmp), changed: changed.sort(cmp) };
}

/** For a terminal: the lines quote account names and owner values from outside, each sanitised. */
export function renderDiff(d: InitDiff, files: { current: string; proposal: string }): string {
  const n = d.added.length + d.dropped.length + d.changed.length;
  const lines = [`--- ${files.current}`, `+++ ${files.proposal}`];
  if (!n) lines.push('no differences in what is claimed or how');
  else lines.push(...d.added, ...d.dropped, ...d.changed, `${d.added.length} added, ${d.dropped.length} dropped, ${d.changed.length} changed`);
  return lines.map((l) => sanitizeLine(l)).join('\n') + '\n';
}

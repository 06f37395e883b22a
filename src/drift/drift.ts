import { repoMatcher } from '../config/glob.js';
import { MAPPED_ATTRIBUTES, type AttributeMapping } from '../config/discovery-schema.js';
import type { Inventory } from '../config/inventory.js';
import type { Finding } from '../model/finding.js';
import type { ScoreResult } from '../scoring/types.js';
import { ACTIVE_ACCOUNT, type DiscoveredAccount, type DiscoveredRepo, type Discovery } from '../discovery/types.js';
import { compileClaims } from './claims.js';
import type { ExposurePattern } from './exposure.js';

/**
 * Inventory truth (DESIGN.md): discovered inventory + assets.yaml + scored findings → drift. Pure:
 * same input, same output, every list sorted by a total order.
 */

interface Unclaimed {
  kind: 'repo' | 'account';
  /** "owner/name" or the account id. */
  key: string;
  name?: string;
  /** Is any source looking at it at all (Dependabot alerts on; Security Hub member / findings seen)? */
  covered: boolean | null;
  coverage: string;
  /** Open findings on it (all unmapped: nothing claims it), by id. */
  findingIds: string[];
}

interface Dangling {
  kind: 'repo' | 'account';
  asset: string;
  claim: string;
  state: 'archived' | 'renamed' | 'missing' | 'suspended' | 'not-in-organization' | 'unmatched';
  detail: string;
}

interface AttributeDrift {
  asset: string;
  attribute: (typeof MAPPED_ATTRIBUTES)[number];
  /** Where the value comes from: "acme/web property business-criticality". */
  where: string;
  declared: string;
  discovered: string;
}

interface ExposureContradiction {
  asset: string;
  declared: 'internal' | 'isolated';
  findings: Array<{ id: string; title: string; pattern: string; what: string; url?: string }>;
}

export interface Ratio {
  claimed: number;
  discovered: number;
  /**
   * Why `discovered` counts only what was known, not what exists (the organization's account list
   * not read, a repository list cut short): the share is then an upper bound.
   */
  partial?: string;
}

export interface Drift {
  /** The inventory coverage SLI: claimed ÷ discovered. null when that kind was not discovered. */
  coverage: { repos: Ratio | null; accounts: Ratio | null };
  unclaimed: Unclaimed[];
  dangling: Dangling[];
  attributes: AttributeDrift[];
  exposure: ExposureContradiction[];
  notes: string[];
}

export interface DriftInput {
  inventory: Inventory;
  discovery: Discovery;
  result: ScoreResult;
  /** Finding id → the exposure pattern it matched (filled while collecting, see exposureEvidence). */
  evidence: ReadonlyMap<string, ExposurePattern>;
}

const CLOSED_ACCOUNT = new Set(['SUSPENDED', 'PENDING_CLOSURE', 'CLOSED']);
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function mapped(m: AttributeMapping | undefined, raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  // Own keys only: a property value `constructor` is a value, not Object's constructor.
  return m?.values && Object.hasOwn(m.values, raw) ? m.values[raw]! : raw;
}

function repoCoverage(r: DiscoveredRepo, claimedCoverage: boolean): Pick<Unclaimed, 'covered' | 'coverage'> {
  if (r.archived) return { covered: false, coverage: 'archived' };
  if (!r.dependabot) return { covered: claimedCoverage ? true : null, coverage: 'not probed' };
  return r.dependabot.on ? { covered: true, coverage: 'Dependabot alerts on' } : { covered: false, coverage: `Dependabot: ${r.dependabot.reason ?? 'off'}` };
}

function accountCoverage(a: DiscoveredAccount, open: number, membersRead: boolean): Pick<Unclaimed, 'covered' | 'coverage'> {
  if (a.memberStatus === 'Enabled') return { covered: true, coverage: 'Security Hub member (Enabled)' };
  if (a.memberStatus) return { covered: false, coverage: `Security Hub member status ${a.memberStatus}` };
  if (a.evidence || open > 0) return { covered: true, coverage: 'Security Hub findings seen (evidence probe)' };
  if (a.evidence === false) return { covered: false, coverage: `no Security Hub findings${membersRead ? '; not a member' : ''} (is it a member with a standard enabled?)` };
  return { covered: null, coverage: 'unknown' };
}

export function computeDrift(input: DriftInput): Drift {
  const { inventory, discovery, result } = input;
  const claims = compileClaims(inventory.assets);
  const notes: string[] = [...(discovery.github?.notes ?? []), ...(discovery.aws?.notes ?? [])];
  const unclaimed: Unclaimed[] = [];
  const dangling: Dangling[] = [];
  const attributes: AttributeDrift[] = [];
  const byRepo = new Map<string, Finding[]>();
  const byAccount = new Map<string, Finding[]>();
  for (const f of result.unmapped) {
    const key = f.github?.repo ?? f.aws?.accountId;
    const m = f.github ? byRepo : byAccount;
    if (key) m.set(key, [...(m.get(key) ?? []), f]);
  }
  const ids = (fs: Finding[] | undefined) => (fs ?? []).map((f) => f.id).sort(cmp);
  const cfg = inventory.discovery ?? {};
  const assets = new Map(inventory.assets.map((a) => [a.id, a]));
  const compare = (assetIds: string[], where: string, value: (m: AttributeMapping) => string | undefined) => {
    for (const attribute of MAPPED_ATTRIBUTES) {
      const m = cfg[attribute];
      const found = m ? mapped(m, value(m)) : undefined;
      if (found === undefined) continue;
      for (const id of assetIds) {
        const declared = String(assets.get(id)?.[attribute] ?? '');
        if (declared !== found) attributes.push({ asset: id, attribute, where, declared, discovered: found });
      }
    }
  };

  let repos: Ratio | null = null;
  const gh = discovery.github;
  if (gh) {
    repos = { claimed: 0, discovered: 0, ...(gh.complete ? {} : { partial: 'the organization’s repository list was not read in full' }) };
    const orgs = new Set(gh.orgs.map((o) => o.toLowerCase()));
    for (const r of gh.repos) {
      const key = r.fullName.toLowerCase();
      const owners = claims.repo(r.fullName, ...r.aliases);
      if (!r.archived) repos.discovered++;
      if (owners.length && !r.archived) repos.claimed++;
      if (!owners.length && !r.archived) {
        const findings = [key, ...r.aliases].flatMap((k) => byRepo.get(k) ?? []);
        unclaimed.push({ kind: 'repo', key: r.fullName, ...repoCoverage(r, false), findingIds: ids(findings) });
      }
      for (const alias of r.aliases) {
        for (const p of claims.repoPatterns) {
          if (!p.glob && p.pattern.toLowerCase() === alias) dangling.push({ kind: 'repo', asset: p.asset, claim: p.pattern, state: 'renamed', detail: `renamed to ${r.fullName}` });
        }
      }
      if (r.archived) for (const a of owners) dangling.push({ kind: 'repo', asset: a, claim: r.fullName, state: 'archived', detail: 'archived: Dependabot no longer updates it' });
      if (gh.propertiesReadable && owners.length) compare(owners, `${r.fullName} property`, (m) => (m.property ? r.properties[m.property] : undefined));
    }
    const listedKeys = new Set(gh.repos.flatMap((r) => [r.fullName.toLowerCase(), ...r.aliases]));
    const lookups = new Map(gh.lookups.map((l) => [l.name, l]));
    for (const p of claims.repoPatterns) {
      if (!orgs.has(p.pattern.split('/')[0]!.toLowerCase())) continue;
      if (p.glob) {
        const match = repoMatcher(p.pattern);
        if (!gh.repos.some((r) => match(r.fullName)) && gh.complete)
          dangling.push({ kind: 'repo', asset: p.asset, claim: p.pattern, state: 'unmatched', detail: 'matches no repository' });
        continue;
      }
      const key = p.pattern.toLowerCase();
      if (listedKeys.has(key)) continue;
      const l = lookups.get(key);
      if (l?.state === 'renamed') dangling.push({ kind: 'repo', asset: p.asset, claim: p.pattern, state: 'renamed', detail: `renamed to ${l.to}` });
      else if (l?.state === 'missing' || (!l && gh.complete))
        dangling.push({ kind: 'repo', asset: p.asset, claim: p.pattern, state: 'missing', detail: l?.reason ?? 'not in the organization’s repository list' });
    }
  }

  let accounts: Ratio | null = null;
  const aws = discovery.aws;
  if (aws) {
    accounts = {
      claimed: 0,
      discovered: 0,
      ...(aws.from === 'fallback' ? { partial: 'only the accounts assets.yaml and the findings name: the organization’s account list was not read' } : {}),
    };
    const known = new Map(aws.accounts.map((a) => [a.id, a]));
    for (const a of aws.accounts) {
      const owners = claims.account(a.id);
      if (CLOSED_ACCOUNT.has(a.state) || a.memberStatus === 'AccountSuspended') {
        for (const id of owners)
          dangling.push({
            kind: 'account',
            asset: id,
            claim: a.id,
            state: 'suspended',
            detail: `${CLOSED_ACCOUNT.has(a.state) ? `account ${a.state.toLowerCase().replace('_', ' ')}` : 'Security Hub member status AccountSuspended'}: not covered`,
          });
        continue;
      }
      if (!ACTIVE_ACCOUNT(a)) continue;
      accounts.discovered++;
      if (owners.length) {
        accounts.claimed++;
        compare(owners, `account ${a.id} tag`, (m) => (m.tag ? a.tags[m.tag] : undefined));
      } else {
        const findings = byAccount.get(a.id);
        unclaimed.push({
          kind: 'account',
          key: a.id,
          ...(a.name ? { name: a.name } : {}),
          ...accountCoverage(a, findings?.length ?? 0, aws.membersRead),
          findingIds: ids(findings),
        });
      }
    }
    if (aws.from === 'organizations') {
      for (const c of claims.accounts) {
        if (!known.has(c.id))
          for (const id of c.assets)
            dangling.push({ kind: 'account', asset: id, claim: c.id, state: 'not-in-organization', detail: 'not an account of the organization (ListAccounts)' });
      }
    }
  }

  const exposure: ExposureContradiction[] = [];
  for (const a of result.assets) {
    const declared = a.asset.exposure;
    if (declared === 'internet') continue;
    const findings = a.findings
      .filter((s) => s.finding.status === 'open' && s.excluded?.kind !== 'passed-control' && s.excluded?.kind !== 'duplicate' && input.evidence.has(s.finding.id))
      .map((s) => {
        const p = input.evidence.get(s.finding.id)!;
        return { id: s.finding.id, title: s.finding.title, pattern: p.id, what: p.what, ...(s.finding.url ? { url: s.finding.url } : {}) };
      })
      .sort((x, y) => cmp(x.pattern, y.pattern) || cmp(x.id, y.id));
    if (findings.length) exposure.push({ asset: a.asset.id, declared, findings });
  }

  return {
    coverage: { repos, accounts },
    unclaimed: unclaimed.sort((x, y) => cmp(x.kind, y.kind) || cmp(x.key.toLowerCase(), y.key.toLowerCase())),
    dangling: dedupe(dangling).sort((x, y) => cmp(x.kind, y.kind) || cmp(x.claim.toLowerCase(), y.claim.toLowerCase()) || cmp(x.asset, y.asset) || cmp(x.state, y.state)),
    attributes: attributes.sort((x, y) => cmp(x.asset, y.asset) || cmp(x.attribute, y.attribute) || cmp(x.where, y.where)),
    exposure: exposure.sort((x, y) => cmp(x.asset, y.asset)),
    notes: [...new Set(notes)].sort(cmp),
  };
}

function dedupe(list: Dangling[]): Dangling[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const k = `${d.kind}|${d.asset}|${d.claim.toLowerCase()}|${d.state}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

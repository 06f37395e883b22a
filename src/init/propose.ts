import { createHash } from 'node:crypto';
import type { DiscoveryConfig, GroupBy } from '../config/discovery-schema.js';
import { CRITICALITIES, EXPOSURES, type Criticality, type Exposure } from '../config/schema.js';
import type { Finding } from '../model/finding.js';
import { textRecord, type DiscoveredAccount, type DiscoveredRepo, type Discovery } from '../discovery/types.js';
import type { ExposurePattern } from '../drift/exposure.js';
import { accountIdProblem } from '../inventory/validate.js';
import { repoProblem } from './declarable.js';

/**
 * `secsli init`'s proposal, pure: discovered repositories and accounts (plus the findings, when
 * given) → one asset per group. Heuristics, in order (documented in README "secsli init"):
 * - repositories: grouped by `discovery.groupBy` (a custom property, a topic prefix, or the name
 *   prefix); without one, by the name prefix before the first "-" when two or more repositories
 *   share it (a prefix group is claimed by the glob `owner/prefix-*`), else one asset per repository;
 * - accounts: grouped by `discovery.groupBy.tag` when given, else one asset per account, named after it;
 * - repositories and accounts that only findings name are proposed too, so the findings map;
 * - archived repositories and suspended or closed accounts are left out (listed in the header);
 * - a repository or account assets.yaml cannot declare (discovery or a finding named it) is left
 *   out with a note saying why, so the proposal always validates;
 * - criticality, exposure and owner come from the mapped properties and tags (the value most
 *   members agree on); otherwise a default with a `TODO: confirm` naming the evidence.
 */

export interface ProposedAsset {
  id: string;
  owner: string;
  criticality: Criticality;
  exposure: Exposure;
  repos: string[];
  accounts: Array<{ id: string; name?: string }>;
  /** Comments to render above the asset: why each value was chosen, and what to confirm. */
  todo: string[];
  why: string;
}

export interface Proposal {
  assets: ProposedAsset[];
  owners: string[];
  orgs: string[];
  regions: string[];
  leftOut: string[];
  /** Discovery's notes, then `refused`. */
  notes: string[];
  /** What discovery or the findings named that cannot be declared, and why: not proposed. */
  refused: string[];
}

export interface ProposeInput {
  discovery: Discovery;
  findings: readonly Finding[];
  evidence: ReadonlyMap<string, ExposurePattern>;
  config?: DiscoveryConfig;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/**
 * An asset id from a group name. A name with no ASCII letter or digit ("ñ日本", "---") gets a
 * stable id of its own from its text (as the review's owner files: a SHA-256 prefix): every such
 * name had become "asset", one asset.
 */
const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|-+$/g, '') || `group-${createHash('sha256').update(s).digest('hex').slice(0, 8)}`;

/** How many of a group's different reasons its comment names; the rest are counted. */
const WHYS_SHOWN = 3;

interface Member {
  repo?: DiscoveredRepo;
  account?: DiscoveredAccount;
}

function repoGroup(r: DiscoveredRepo, g: GroupBy | undefined, prefixCount: Map<string, number>): { key: string; glob?: string } {
  const [owner, name] = r.fullName.split('/') as [string, string];
  if (g?.property && r.properties[g.property]) return { key: r.properties[g.property]! };
  if (g?.topicPrefix) {
    const t = r.topics.find((x) => x.startsWith(g.topicPrefix!));
    if (t) return { key: t.slice(g.topicPrefix.length) || t };
  }
  const prefix = name.split('-')[0]!;
  if ((g === undefined || g.namePrefix) && name.includes('-') && (prefixCount.get(`${owner}/${prefix}`.toLowerCase()) ?? 0) >= 2)
    return { key: prefix, glob: `${owner}/${prefix}-*` };
  return { key: name };
}

/** The value most members agree on (ties: alphabetical), with how many agree. */
function consensus(values: Array<string | undefined>): { value: string; agree: number; of: number } | undefined {
  const counts = new Map<string, number>();
  for (const v of values) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  const best = [...counts.entries()].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0]))[0];
  return best ? { value: best[0], agree: best[1], of: values.length } : undefined;
}

export function propose(input: ProposeInput): Proposal {
  const cfg = input.config ?? {};
  const gh = input.discovery.github;
  const aws = input.discovery.aws;
  const leftOut: string[] = [];
  // One entry per name however many findings name it: the problem, and who named it.
  const refused = new Map<string, { problem: string; by: string[] }>();
  const refuse = (key: string, problem: string, by: string) => {
    const r = refused.get(key);
    if (r) r.by.push(by);
    else refused.set(key, { problem, by: [by] });
  };
  const repos = new Map<string, DiscoveredRepo>();
  for (const r of gh?.repos ?? []) {
    const problem = repoProblem(r.fullName);
    if (r.archived) leftOut.push(`${r.fullName} (archived)`);
    else if (problem) refuse(`repo ${r.fullName.toLowerCase()}`, problem, 'a discovered repository');
    else repos.set(r.fullName.toLowerCase(), r);
  }
  const accounts = new Map<string, DiscoveredAccount>();
  for (const a of aws?.accounts ?? []) {
    const problem = accountIdProblem(a.id);
    if (['SUSPENDED', 'PENDING_CLOSURE', 'CLOSED'].includes(a.state)) leftOut.push(`${a.id} (${a.state.toLowerCase()})`);
    else if (problem) refuse(`account ${a.id}`, problem, 'a discovered account');
    else accounts.set(a.id, a);
  }
  const aliases = new Set([...repos.values()].flatMap((r) => r.aliases));
  for (const f of input.findings) {
    if (f.status !== 'open') continue;
    const repo = f.github?.repo;
    if (repo && !repos.has(repo) && !aliases.has(repo)) {
      const problem = repoProblem(repo);
      if (problem) refuse(`repo ${repo}`, problem, `the repository of finding ${f.id}`);
      else repos.set(repo, { fullName: repo, aliases: [], archived: false, topics: [], properties: textRecord() });
    }
    const account = f.aws?.accountId;
    if (account && !accounts.has(account)) {
      const problem = accountIdProblem(account);
      if (problem) refuse(`account ${account}`, problem, `the account of finding ${f.id}`);
      else accounts.set(account, { id: account, state: 'UNKNOWN', tags: textRecord() });
    }
  }
  const refusals = [...refused.values()].map((r) => `${r.by[0]}${r.by.length > 1 ? ` (and ${r.by.length - 1} more)` : ''} is not proposed: ${r.problem}`).sort(cmp);

  const groups = new Map<string, { members: Member[]; glob?: string; whys: string[] }>();
  // Names that differ only in case or punctuation ("Svc A", "svc-a") are one asset, and its comment names each.
  const add = (key: string, m: Member, why: string, glob?: string) => {
    const k = slug(key);
    const g = groups.get(k);
    if (!g) groups.set(k, { members: [m], whys: [why], ...(glob ? { glob } : {}) });
    else {
      if (g.glob !== glob) delete g.glob;
      g.members.push(m);
      if (!g.whys.includes(why)) g.whys.push(why);
    }
  };
  const whyOf = (whys: string[]) => whys.slice(0, WHYS_SHOWN).join('; ') + (whys.length > WHYS_SHOWN ? `; and ${whys.length - WHYS_SHOWN} more` : '');
  const prefixCount = new Map<string, number>();
  for (const r of repos.values()) {
    const [owner, name] = r.fullName.split('/') as [string, string];
    if (name.includes('-')) prefixCount.set(`${owner}/${name.split('-')[0]}`.toLowerCase(), (prefixCount.get(`${owner}/${name.split('-')[0]}`.toLowerCase()) ?? 0) + 1);
  }
  for (const r of [...repos.values()].sort((a, b) => cmp(a.fullName.toLowerCase(), b.fullName.toLowerCase()))) {
    const g = repoGroup(r, cfg.groupBy, prefixCount);
    add(
      g.key,
      { repo: r },
      g.glob
        ? `repositories named ${g.glob}`
        : cfg.groupBy?.property && r.properties[cfg.groupBy.property]
          ? `repositories with ${cfg.groupBy.property}=${g.key}`
          : cfg.groupBy?.topicPrefix
            ? `repositories with topic ${cfg.groupBy.topicPrefix}${g.key}`
            : `repository ${r.fullName}`,
      g.glob,
    );
  }
  for (const a of [...accounts.values()].sort((x, y) => cmp(x.id, y.id))) {
    const tag = cfg.groupBy?.tag ? a.tags[cfg.groupBy.tag] : undefined;
    add(tag ?? a.name ?? `account-${a.id}`, { account: a }, tag ? `accounts tagged ${cfg.groupBy!.tag}=${tag}` : `account ${a.id}${a.name ? ` (${a.name})` : ''}`);
  }

  const evidenceByAccount = new Map<string, string[]>();
  const openByKey = new Map<string, Finding[]>();
  for (const f of input.findings) {
    if (f.status !== 'open') continue;
    const key = f.github?.repo ?? f.aws?.accountId;
    if (key) openByKey.set(key, [...(openByKey.get(key) ?? []), f]);
    const p = input.evidence.get(f.id);
    if (p && f.aws) evidenceByAccount.set(f.aws.accountId, [...(evidenceByAccount.get(f.aws.accountId) ?? []), `${p.id} (${p.what})`]);
  }

  const assets: ProposedAsset[] = [];
  for (const [id, g] of [...groups.entries()].sort(([a], [b]) => cmp(a, b))) {
    const todo: string[] = [];
    const mappedValue = (attr: 'criticality' | 'exposure' | 'owner', m: Member) => {
      const map = cfg[attr];
      const raw = m.repo && map?.property ? m.repo.properties[map.property] : m.account && map?.tag ? m.account.tags[map.tag] : undefined;
      // `__proto__` cannot be declared (assets.yaml refuses the key: an owner of that name could not be listed under owners).
      if (raw === undefined || raw === '' || raw === '__proto__') return undefined;
      // Own keys only: a value `constructor` is a value, not Object's constructor.
      return map?.values && Object.hasOwn(map.values, raw) ? map.values[raw]! : raw;
    };
    const pick = <T extends string>(attr: 'criticality' | 'exposure' | 'owner', allowed: readonly T[] | undefined, fallback: T, evidence: string): T => {
      const c = consensus(g.members.map((m) => mappedValue(attr, m)).filter((v) => v === undefined || !allowed || allowed.includes(v as T)));
      if (c && c.agree === g.members.length) return c.value as T;
      if (c) {
        todo.push(`TODO: confirm ${attr}: ${c.agree} of ${c.of} members say ${c.value}`);
        return c.value as T;
      }
      todo.push(`TODO: confirm ${attr}: ${evidence}`);
      return fallback;
    };
    const open = g.members.flatMap((m) => openByKey.get(m.repo?.fullName.toLowerCase() ?? m.account?.id ?? '') ?? []);
    const worst = CRITICALITIES.find((c) => open.some((f) => f.severity === c));
    const owner = pick('owner', undefined, 'unassigned', cfg.owner ? 'no mapped owner value on any member' : 'no owner mapping under discovery: (CODEOWNERS is not read)');
    const criticality = pick('criticality', CRITICALITIES, 'medium', `no mapped criticality; ${open.length} open finding(s)${worst ? `, worst ${worst}` : ''}`);
    const exposureEvidence = g.members.flatMap((m) => (m.account ? (evidenceByAccount.get(m.account.id) ?? []) : []));
    const publicRepos = g.members.filter((m) => m.repo?.visibility === 'public').length;
    if (exposureEvidence.length) todo.push(`TODO: confirm exposure: evidence says internet — ${[...new Set(exposureEvidence)].sort().slice(0, 3).join(', ')}`);
    const exposure = exposureEvidence.length
      ? ('internet' as const)
      : pick(
          'exposure',
          EXPOSURES,
          'internal',
          `no evidence either way${publicRepos ? ` (${publicRepos} public repositor${publicRepos > 1 ? 'ies' : 'y'}: the code is public, the service may not be)` : ''}`,
        );
    const members = g.members;
    assets.push({
      id,
      owner,
      criticality,
      exposure,
      repos: g.glob
        ? [g.glob]
        : members
            .filter((m) => m.repo)
            .map((m) => m.repo!.fullName)
            .sort(cmp),
      accounts: members.filter((m) => m.account).map((m) => ({ id: m.account!.id, ...(m.account!.name ? { name: m.account!.name } : {}) })),
      todo,
      why: whyOf(g.whys),
    });
  }
  const regions = [...new Set([...(aws?.hubs ?? []).map((h) => h.region), ...input.findings.map((f) => f.aws?.region).filter((r): r is string => !!r)])].sort(cmp);
  const orgs = [...new Set([...(gh?.orgs ?? []), ...[...repos.values()].map((r) => r.fullName.split('/')[0]!)])].sort(cmp);
  return {
    assets,
    owners: [...new Set(assets.map((a) => a.owner))].sort(cmp),
    orgs,
    regions,
    leftOut: leftOut.sort(cmp),
    notes: [...(gh?.notes ?? []), ...(aws?.notes ?? []), ...refusals],
    refused: refusals,
  };
}

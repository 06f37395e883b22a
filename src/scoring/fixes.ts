import { SEVERITY_RANK, type Finding } from '../model/finding.js';
import { GroupRemoval } from './aggregate.js';
import { cmpId, CompactFix, F_INTERNET, F_KEV, F_OVERDUE } from './fix.js';
import { incidentOf } from './incidents.js';
import type { Policy } from '../config/policy.js';
import type { AssetResult, Fix, FixKind, Incident, ScoredFinding } from './types.js';

/**
 * "Fix this first" (DESIGN.md "Scoring", Fixes): the findings one change removes are one fix —
 * a package upgrade in one repository manifest (Dependabot), a package upgrade on one resource or
 * image (Inspector), one control across its resources (CSPM), one incident to respond to. Risk
 * removed is exact: each asset re-scored without the fix's findings. Most urgent first: incidents
 * past their response time, known-exploited past due, other open incidents (unanswered, or high and
 * critical), overdue, the rest; then risk removed, severity, age, id.
 */

/**
 * A fix being planned: what its members so far add up to. Members come asset by asset (planFixes
 * visits each asset's counted rows in rank order, then its incidents), so a group only needs
 * the ranks of its members on the asset being visited; each asset's share of the risk removed is
 * added when the visit of that asset ends.
 */
interface Group {
  readonly id: string;
  readonly kind: FixKind;
  /** The member with the lowest id (it names the fix: action, url). */
  first: Finding;
  flags: number;
  severityRank: number;
  riskRemoved: number;
  /** The asset being visited when the group last got a member. */
  asset: AssetResult;
  /** Ranks of the members on `asset` (ascending); emptied when the visit of `asset` ends. */
  ranks: number[] | undefined;
  /** One id until a second asset or finding joins. */
  assetIds: string | string[];
  findingIds: string | string[];
  fixedIn: string | undefined;
  /** The resources a control group spans (only control groups count them). */
  resources: Set<string> | undefined;
  incident: Incident | undefined;
  /** Where other sources report the same vulnerabilities (its duplicates' manifests or resources). */
  also: Set<string> | undefined;
}

/** The places other than the fix's own (`own`: its first finding's), sorted. */
const alsoOf = (places: ReadonlySet<string>, own: string | undefined): string[] => [...places].filter((w) => w !== own).sort(cmpId);

/** Where a change lands: a repository's manifest, or the resource (image, instance, function). */
function locationOf(f: Finding): string | undefined {
  if (f.github) return f.github.manifestPath ? `${f.github.repo}/${f.github.manifestPath}` : f.github.repo;
  return f.aws?.resources[0]?.id;
}

function kindOf(f: Finding): FixKind {
  if (f.kind === 'threat') return 'incident';
  if (f.github && f.packages.length > 0) return 'dependency upgrade';
  if (f.packages.length > 0 && f.aws?.resources[0]?.id) return 'package upgrade';
  if (f.controlId) return 'control';
  return 'finding';
}

function keyOf(f: Finding, kind: FixKind): string {
  switch (kind) {
    case 'incident':
      return `incident:${f.id}`;
    case 'dependency upgrade':
      return `dependency:${f.github!.repo}:${f.github!.manifestPath ?? ''}:${f.packages.join(',')}`;
    case 'package upgrade':
      return `package:${f.packages.join(',')}:${f.aws!.resources[0]!.id}`;
    case 'control':
      return `control:${f.controlId}`;
    case 'finding':
      return `finding:${f.id}`;
  }
}

/** Dotted numeric parts compared as numbers ("2.17.1" > "2.9.0"), the rest as text: enough to pick the version that fixes every finding of a group. */
function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.\-+]/);
  const pb = b.split(/[.\-+]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    const nx = /^\d+$/.test(x) ? Number(x) : Number.NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : Number.NaN;
    const d = !Number.isNaN(nx) && !Number.isNaN(ny) ? nx - ny : cmpId(x, y);
    if (d !== 0) return d;
  }
  return 0;
}

/** Sorted, each once. */
function uniqueSorted(values: string | string[]): readonly string[] {
  if (typeof values === 'string') return [values];
  return [...new Set(values)].sort(cmpId);
}

/** The group of each counted row of one asset, by finding id (built only for an asset with duplicates). */
function membersOf(counted: readonly ScoredFinding[], groups: ReadonlyMap<string, Group>): Map<string, Group> {
  const out = new Map<string, Group>();
  for (const row of counted) {
    const f = row.finding;
    const g = groups.get(keyOf(f, kindOf(f)));
    if (g) out.set(f.id, g);
  }
  return out;
}

/**
 * `ranked`: each asset's counted rows in rank order (risk descending, then id), as finishAsset
 * ranked them for its aggregate.
 */
export function planFixes(assets: readonly AssetResult[], ranked: ReadonlyMap<AssetResult, readonly ScoredFinding[]>, policy: Policy, nowMs: number): Fix[] {
  const groups = new Map<string, Group>();
  /** The groups with members on the asset being visited. */
  const visited: Group[] = [];
  const add = (asset: AssetResult, row: ScoredFinding, rank: number): void => {
    const f = row.finding;
    const kind = kindOf(f);
    const id = keyOf(f, kind);
    let g = groups.get(id);
    if (!g) {
      g = {
        id,
        kind,
        first: f,
        flags: 0,
        severityRank: 0,
        riskRemoved: 0,
        asset,
        ranks: undefined,
        assetIds: asset.asset.id,
        findingIds: f.id,
        fixedIn: undefined,
        resources: undefined,
        incident: kind === 'incident' ? incidentOf(row, policy, nowMs) : undefined,
        also: undefined,
      };
      groups.set(id, g);
      visited.push(g);
    } else {
      if (typeof g.findingIds === 'string') g.findingIds = [g.findingIds];
      g.findingIds.push(f.id);
      if (cmpId(f.id, g.first.id) < 0) g.first = f;
      if (g.asset !== asset) {
        g.asset = asset;
        if (typeof g.assetIds === 'string') g.assetIds = [g.assetIds];
        g.assetIds.push(asset.asset.id);
        visited.push(g);
      }
    }
    if (rank >= 0) (g.ranks ??= []).push(rank);
    if (row.knownExploited) g.flags |= F_KEV;
    // An incident's urgency is its response time (g.incident), not a weakness's deadline.
    if (row.overdue && g.kind !== 'incident') g.flags |= F_OVERDUE;
    if (asset.asset.exposure === 'internet') g.flags |= F_INTERNET;
    const sev = SEVERITY_RANK[f.severity];
    if (sev > g.severityRank) g.severityRank = sev;
    if (g.kind === 'dependency upgrade' || g.kind === 'package upgrade') {
      const v = f.fixedIn;
      if (v && (g.fixedIn === undefined || compareVersions(v, g.fixedIn) > 0)) g.fixedIn = v;
    } else if (g.kind === 'control') {
      const resources = (g.resources ??= new Set());
      for (const r of f.aws?.resources ?? []) resources.add(r.id);
    }
  };
  for (const a of assets) {
    const counted = ranked.get(a)!;
    const risks = new Float64Array(counted.length);
    for (let i = 0; i < counted.length; i++) risks[i] = counted[i]!.factors.risk;
    for (let i = 0; i < counted.length; i++) add(a, counted[i]!, i);
    for (const s of a.findings) if (s.excluded?.kind === 'incident') add(a, s, -1);
    // Another source's report of the same vulnerability goes with the report it duplicates: the
    // change that fixes one fixes both, and without it the duplicate would count in its place.
    let byMember: Map<string, Group> | undefined;
    for (const s of a.findings) {
      if (s.excluded?.kind !== 'duplicate') continue;
      byMember ??= membersOf(counted, groups);
      const g = byMember.get(s.excluded.of);
      if (!g) continue;
      if (typeof g.findingIds === 'string') g.findingIds = [g.findingIds];
      g.findingIds.push(s.finding.id);
      // The fix closes it only if the change is made there too: the action names the place.
      const where = locationOf(s.finding);
      if (where) (g.also ??= new Set()).add(where);
    }
    // Risk removed is exact: the asset re-scored without the group's counted findings there.
    const removal = new GroupRemoval(risks, a.exposure, policy.aggregation, a.risk);
    for (const g of visited) {
      if (!g.ranks?.length) continue;
      g.riskRemoved += removal.removed(g.ranks);
      g.ranks.length = 0;
    }
    visited.length = 0;
  }
  const fixes: CompactFix[] = [];
  for (const g of groups.values()) {
    fixes.push(
      CompactFix.of({
        ...g,
        assetIds: uniqueSorted(g.assetIds),
        findingIds: uniqueSorted(g.findingIds),
        resources: g.resources?.size ?? 0,
        also: g.also ? alsoOf(g.also, locationOf(g.first)) : [],
      }),
    );
  }
  return fixes.sort(CompactFix.compare);
}

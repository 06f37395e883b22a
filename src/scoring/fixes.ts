import { SEVERITY_RANK, type Finding, type Severity } from '../model/finding.js';
import { GroupRemoval } from './aggregate.js';
import { incidentOf } from './incidents.js';
import type { Policy } from '../config/policy.js';
import type { AssetResult, Fix, FixKind, Incident, ScoredFinding, Urgency } from './types.js';

/**
 * "Fix this first" (DESIGN.md "Scoring", Fixes): the findings one change removes are one fix —
 * a package upgrade in one repository manifest (Dependabot), a package upgrade on one resource or
 * image (Inspector), one control across its resources (CSPM), one incident to respond to. Risk
 * removed is exact: each asset re-scored without the fix's findings. Most urgent first: incidents
 * past their response time, known-exploited past due, other open incidents (unanswered, or high and
 * critical), overdue, the rest; then risk removed, severity, age, id.
 */

const URGENCY: readonly Urgency[] = ['incident past response time', 'known exploited past due', 'open incident', 'overdue', 'when due'];
const URGENCY_RANK = Object.fromEntries(URGENCY.map((u, i) => [u, i])) as Record<Urgency, number>;

/** One finding of a group on one asset; `rank` is its position among the asset's counted rows, -1 for an incident. */
interface Member {
  asset: AssetResult;
  row: ScoredFinding;
  rank: number;
}

interface Group {
  id: string;
  kind: FixKind;
  first: Finding;
  /** Per asset in the order the assets were visited, each asset's members in ascending rank. */
  rows: Member[];
  incident?: Incident;
  /** The resources a control group spans (only control groups count them). */
  resources?: Set<string>;
}

const cmpId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

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

/** " to 2.17.1": the highest fixed-in version among the group's findings, when the sources give one. */
function toVersion(g: Group): string {
  let best: string | undefined;
  for (const r of g.rows) {
    const v = r.row.finding.fixedIn;
    if (v && (best === undefined || compareVersions(v, best) > 0)) best = v;
  }
  return best ? ` to ${best}` : '';
}

/** Security Hub's remediation page for a control (the Url its findings' Remediation.Recommendation carries). */
const controlRemediationUrl = (controlId: string) => `https://docs.aws.amazon.com/console/securityhub/${encodeURIComponent(controlId)}/remediation`;

function actionOf(g: Group): string {
  const f = g.first;
  switch (g.kind) {
    case 'incident':
      return `respond to incident: ${f.title}`;
    case 'dependency upgrade':
      return `upgrade ${f.packages.join(', ')}${toVersion(g)} in ${f.github!.repo}${f.github!.manifestPath ? `/${f.github!.manifestPath}` : ''}`;
    case 'package upgrade':
      return `upgrade ${f.packages.join(', ')}${toVersion(g)} on ${f.aws!.resources[0]!.id}`;
    case 'control':
      return `fix control ${f.controlId} on ${g.resources?.size ?? 0} resource(s): ${f.title}`;
    case 'finding':
      return `remediate: ${f.title}`;
  }
}

/**
 * `ranked`: each asset's counted rows in rank order (risk descending, then id), as finishAsset
 * ranked them for its aggregate.
 */
export function planFixes(assets: readonly AssetResult[], ranked: ReadonlyMap<AssetResult, readonly ScoredFinding[]>, policy: Policy, nowMs: number): Fix[] {
  const groups = new Map<string, Group>();
  const add = (asset: AssetResult, row: ScoredFinding, rank: number): void => {
    const f = row.finding;
    const kind = kindOf(f);
    const id = keyOf(f, kind);
    let g = groups.get(id);
    if (!g) {
      g = { id, kind, first: f, rows: [] };
      groups.set(id, g);
    } else if (cmpId(f.id, g.first.id) < 0) g.first = f;
    g.rows.push({ asset, row, rank });
    if (kind === 'control') {
      const resources = (g.resources ??= new Set());
      for (const r of f.aws?.resources ?? []) resources.add(r.id);
    }
    if (kind === 'incident') g.incident ??= incidentOf(row, policy, nowMs);
  };
  const removal = new Map<AssetResult, GroupRemoval>();
  for (const a of assets) {
    const counted = ranked.get(a)!;
    const risks = new Float64Array(counted.length);
    for (let i = 0; i < counted.length; i++) risks[i] = counted[i]!.factors.risk;
    removal.set(a, new GroupRemoval(risks, a.exposure, policy.aggregation, a.risk));
    for (let i = 0; i < counted.length; i++) add(a, counted[i]!, i);
    for (const s of a.findings) if (s.excluded?.kind === 'incident') add(a, s, -1);
  }
  const fixes: Fix[] = [];
  for (const g of groups.values()) fixes.push(finish(g, removal));
  return fixes.sort(
    (a, b) =>
      URGENCY_RANK[a.urgency] - URGENCY_RANK[b.urgency] ||
      b.riskRemoved - a.riskRemoved ||
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      (b.ageHours ?? 0) - (a.ageHours ?? 0) ||
      cmpId(a.id, b.id),
  );
}

/** Risk the group removes: each asset re-scored without the group's counted findings there. */
function riskRemovedBy(g: Group, removal: Map<AssetResult, GroupRemoval>): number {
  let riskRemoved = 0;
  const members = g.rows;
  // An asset's members are contiguous and in ascending rank (planFixes visits asset by asset).
  for (let i = 0; i < members.length; ) {
    const asset = members[i]!.asset;
    const ranks: number[] = [];
    for (; i < members.length && members[i]!.asset === asset; i++) if (members[i]!.rank >= 0) ranks.push(members[i]!.rank);
    if (ranks.length > 0) riskRemoved += removal.get(asset)!.removed(ranks);
  }
  return riskRemoved;
}

/** Sorted, each once. */
function uniqueSorted(values: string[]): string[] {
  if (values.length === 1) return values;
  return [...new Set(values)].sort(cmpId);
}

function finish(g: Group, removal: Map<AssetResult, GroupRemoval>): Fix {
  const riskRemoved = riskRemovedBy(g, removal);
  let kev = false;
  let overdue = false;
  let internet = false;
  let severity: Severity = 'info';
  const assetIds: string[] = [];
  const findingIds: string[] = [];
  for (const { asset, row } of g.rows) {
    if (row.knownExploited) kev = true;
    if (row.overdue) overdue = true;
    if (asset.asset.exposure === 'internet') internet = true;
    const sev = row.finding.severity;
    if (SEVERITY_RANK[sev] > SEVERITY_RANK[severity]) severity = sev;
    assetIds.push(asset.asset.id);
    findingIds.push(row.finding.id);
  }
  const why: string[] = [];
  let urgency: Urgency = overdue ? 'overdue' : 'when due';
  const i = g.incident;
  if (i) {
    // A low/medium detection someone already answered is being handled: it waits behind the weaknesses.
    const pressing = i.responseHours === null || SEVERITY_RANK[i.row.finding.severity] >= SEVERITY_RANK.high;
    urgency = i.pastTarget ? 'incident past response time' : pressing ? 'open incident' : 'when due';
    why.push(
      i.responseHours === null
        ? `incident open ${Math.floor(i.ageHours)} h ${i.pastTarget ? '>' : '/'} ${i.targetHours} h to respond`
        : `incident open ${Math.floor(i.ageHours)} h, answered in ${Math.floor(i.responseHours)} h`,
    );
  }
  if (kev) why.push(overdue ? 'known exploited, past due' : 'known exploited');
  if (kev && overdue) urgency = 'known exploited past due';
  else if (overdue) why.push('overdue');
  if (internet) why.push('internet-facing');
  const url = g.kind === 'control' ? controlRemediationUrl(g.first.controlId!) : g.first.url;
  // Optional fields assigned in place (not spread from throwaway objects); the key order is the
  // one the snapshot has always written.
  const fix: Fix = {
    id: g.id,
    kind: g.kind,
    action: actionOf(g),
    assetIds: uniqueSorted(assetIds),
    findingIds: uniqueSorted(findingIds),
    riskRemoved,
    urgency,
    severity,
  } as Fix;
  if (i) fix.ageHours = i.ageHours;
  fix.why = why;
  if (url) fix.url = url;
  return fix;
}

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

interface Group {
  id: string;
  kind: FixKind;
  first: Finding;
  rows: { asset: AssetResult; row: ScoredFinding; rank: number }[];
  incident?: Incident;
  resources: Set<string>;
}

const cmpId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const rankOrder = (a: ScoredFinding, b: ScoredFinding) => b.factors.risk - a.factors.risk || cmpId(a.finding.id, b.finding.id);

function keyOf(f: Finding): { id: string; kind: FixKind } {
  if (f.kind === 'threat') return { id: `incident:${f.id}`, kind: 'incident' };
  if (f.github && f.packages.length > 0) return { id: `dependency:${f.github.repo}:${f.github.manifestPath ?? ''}:${f.packages.join(',')}`, kind: 'dependency upgrade' };
  const resource = f.aws?.resources[0]?.id;
  if (f.packages.length > 0 && resource) return { id: `package:${f.packages.join(',')}:${resource}`, kind: 'package upgrade' };
  if (f.controlId) return { id: `control:${f.controlId}`, kind: 'control' };
  return { id: `finding:${f.id}`, kind: 'finding' };
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
      return `fix control ${f.controlId} on ${g.resources.size} resource(s): ${f.title}`;
    case 'finding':
      return `remediate: ${f.title}`;
  }
}

export function planFixes(assets: readonly AssetResult[], policy: Policy, nowMs: number): Fix[] {
  const groups = new Map<string, Group>();
  const add = (asset: AssetResult, row: ScoredFinding, rank: number) => {
    const k = keyOf(row.finding);
    let g = groups.get(k.id);
    if (!g) {
      g = { ...k, first: row.finding, rows: [], resources: new Set() };
      groups.set(k.id, g);
    }
    if (cmpId(row.finding.id, g.first.id) < 0) g.first = row.finding;
    g.rows.push({ asset, row, rank });
    for (const r of row.finding.aws?.resources ?? []) g.resources.add(r.id);
    if (k.kind === 'incident') g.incident ??= incidentOf(row, policy, nowMs);
  };
  const removal = new Map<AssetResult, GroupRemoval>();
  for (const a of assets) {
    const counted = a.findings.filter((s) => s.excluded === undefined).sort(rankOrder);
    removal.set(
      a,
      new GroupRemoval(
        counted.map((s) => s.factors.risk),
        a.exposure,
        policy.aggregation,
        a.risk,
      ),
    );
    for (let i = 0; i < counted.length; i++) add(a, counted[i]!, i);
    for (const s of a.findings) if (s.excluded?.kind === 'incident') add(a, s, -1);
  }
  const fixes: Fix[] = [];
  for (const g of groups.values()) fixes.push(finish(g, removal));
  return fixes.sort(
    (a, b) =>
      URGENCY.indexOf(a.urgency) - URGENCY.indexOf(b.urgency) ||
      b.riskRemoved - a.riskRemoved ||
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      (b.ageHours ?? 0) - (a.ageHours ?? 0) ||
      cmpId(a.id, b.id),
  );
}

function finish(g: Group, removal: Map<AssetResult, GroupRemoval>): Fix {
  const byAsset = new Map<AssetResult, number[]>();
  for (const r of g.rows) if (r.rank >= 0) byAsset.set(r.asset, [...(byAsset.get(r.asset) ?? []), r.rank]);
  let riskRemoved = 0;
  for (const [a, ranks] of byAsset) riskRemoved += removal.get(a)!.removed(ranks.sort((x, y) => x - y));
  const rows = g.rows.map((r) => r.row);
  const kev = rows.some((r) => r.knownExploited);
  const overdue = rows.some((r) => r.overdue);
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
  if (g.rows.some((r) => r.asset.asset.exposure === 'internet')) why.push('internet-facing');
  const url = g.kind === 'control' ? controlRemediationUrl(g.first.controlId!) : g.first.url;
  const severity = rows.reduce<Severity>((m, r) => (SEVERITY_RANK[r.finding.severity] > SEVERITY_RANK[m] ? r.finding.severity : m), 'info');
  return {
    id: g.id,
    kind: g.kind,
    action: actionOf(g),
    assetIds: [...new Set(g.rows.map((r) => r.asset.asset.id))].sort(cmpId),
    findingIds: [...new Set(rows.map((r) => r.finding.id))].sort(cmpId),
    riskRemoved,
    urgency,
    severity,
    ...(i ? { ageHours: i.ageHours } : {}),
    why,
    ...(url ? { url } : {}),
  };
}

import type { Finding } from '../model/finding.js';
import type { AssetResult, ExclusionReason, ScoredFinding, ScoreResult } from '../scoring/types.js';
import { csvRow, type Cell } from './csv-encode.js';
import { day, round } from './format.js';
import { compareJoined } from '../text/order.js';

/**
 * The CSV reports. Column order is part of the contract (README "Report columns"); add columns
 * only at the end. Strings are neutralised against formula injection; numbers are emitted as numbers.
 * findings.csv can have millions of rows: it is produced as chunks (`findingsCsvChunks`).
 */

function toCsv(headers: readonly string[], rows: Cell[][]): string {
  let out = csvRow(headers);
  for (const row of rows) out += csvRow(row);
  return out;
}

const ASSET_COLUMNS = [
  'asset_id',
  'owner',
  'criticality',
  'exposure',
  'status',
  'risk',
  'budget',
  'budget_used_pct',
  'remediation_sli_pct',
  'remediation_target_pct',
  'coverage',
  'open_critical',
  'open_high',
  'open_medium',
  'open_low',
  'open_info',
  'overdue',
  'open_threats',
  'risk_change',
  'status_reasons',
  'status_reason',
  'budget_multiple',
  'remediation_events',
  'backlog',
  'incidents_past_response',
] as const;

function coverageText(a: AssetResult): string {
  if (a.coverage.length === 0) return 'none expected';
  return a.coverage.map((c) => `${c.source}:${c.status}${c.reasons.length ? ` (${c.reasons.join('; ')})` : ''}`).join(' ');
}

export function renderAssetsCsv(r: ScoreResult): string {
  return toCsv(
    ASSET_COLUMNS,
    r.assets.map((a) => [
      a.asset.id,
      a.asset.owner,
      a.asset.criticality,
      a.asset.exposure,
      a.status,
      round(a.risk),
      a.budget,
      round(a.budgetUsed * 100, 1),
      a.remediation.sli === null ? '' : round(a.remediation.sli * 100, 1),
      round(a.remediation.target * 100, 1),
      coverageText(a),
      a.openBySeverity.critical,
      a.openBySeverity.high,
      a.openBySeverity.medium,
      a.openBySeverity.low,
      a.openBySeverity.info,
      a.overdue,
      a.openThreats,
      a.previousRisk === undefined ? '' : round(a.risk - a.previousRisk),
      a.statusReasons.join('; '),
      a.statusReason,
      round(a.budgetUsed, 2),
      a.remediation.events,
      a.remediation.backlog,
      a.incidents.pastTarget,
    ]),
  );
}

export const FINDING_COLUMNS = [
  'asset_id',
  'finding_id',
  'source',
  'product',
  'kind',
  'severity',
  'title',
  'status',
  'counted',
  'excluded_reason',
  'cvss',
  'epss_percentile',
  'known_exploited',
  'exploit_available',
  'fix_available',
  'severity_points',
  'severity_basis',
  'likelihood',
  'likelihood_basis',
  'context',
  'context_basis',
  'finding_risk',
  'exposure',
  'contribution',
  'first_seen',
  'closed_at',
  'age_days',
  'sla_days',
  'due',
  'overdue',
  'cves',
  'ghsa',
  'control_id',
  'packages',
  'account',
  'region',
  'resource',
  'repo',
  'manifest',
  'scope',
  'matched_by',
  'ambiguous',
  'url',
  'due_rule',
  'if_fixed',
  'age_from',
] as const;

export function exclusionText(e: ExclusionReason | undefined): string {
  if (!e) return '';
  switch (e.kind) {
    case 'closed':
      return `closed (${e.status})`;
    case 'incident':
      return 'incident (response time, not risk)';
    case 'passed-control':
      return 'control passed';
    case 'excepted':
      return `exception ${e.exceptionId}`;
    case 'duplicate':
      return `duplicate of ${e.of}`;
  }
}

export function findingRow(a: AssetResult, s: ScoredFinding): string {
  const f = s.finding;
  const x = s.factors;
  const line: FindingRecord = {
    asset: a.asset.id,
    id: f.id,
    source: f.source,
    kind: f.kind,
    severity: f.severity,
    title: f.title,
    status: f.status,
    counted: s.excluded === undefined,
    excludedText: exclusionText(s.excluded),
    risk: x.risk,
    contribution: s.contribution,
    knownExploited: s.knownExploited,
    firstSeen: f.firstSeen,
    closedAt: f.closedAt ?? null,
    slaDays: s.slaDays,
    dueAt: s.dueAt,
    dueRule: s.dueRule,
    ifFixed: s.ifFixed,
    overdue: s.overdue,
    cves: f.cves,
    url: f.url ?? null,
    factors: x,
    ageDays: s.ageDays,
    ageFrom: s.ageFrom,
  };
  return findingRowOf(line, extraCells(s));
}

/**
 * findings.csv rendered in another thread (report/finding-files.ts): that thread has the
 * finding's snapshot line (snapshot.ts `findingLine`, the whole scored finding as JSON) and
 * these cells, the ones the line does not hold, in column order. A finding with a number JSON
 * cannot spell (NaN, ±Infinity: JSON writes null) is sent as its row, rendered here. Both threads
 * assemble rows with `findingRowOf`; test/report/finding-files.test.ts renders findings.csv both
 * ways and compares the bytes.
 */
export function findingExtras(a: AssetResult, s: ScoredFinding): Cell[] | string {
  const x = s.factors;
  const e = extraCells(s);
  const spelt =
    Number.isFinite(x.risk) &&
    Number.isFinite(x.severityPoints) &&
    Number.isFinite(x.likelihood) &&
    Number.isFinite(x.context) &&
    Number.isFinite(s.contribution) &&
    Number.isFinite(s.slaDays) &&
    Number.isFinite(s.ageDays) &&
    Number.isFinite(s.ifFixed) &&
    e.every(finite);
  return spelt ? e : findingRow(a, s);
}

const finite = (v: Cell) => typeof v !== 'number' || Number.isFinite(v);

/** The cells of a finding's row its snapshot line does not hold, in column order. */
function extraCells(s: ScoredFinding): Cell[] {
  const f = s.finding;
  return [
    f.product,
    f.cvss?.score,
    f.epss ? round(f.epss.percentile, 5) : '',
    f.exploitAvailable,
    f.fixAvailable === undefined ? '' : f.fixAvailable,
    s.exposure,
    f.ghsa,
    f.controlId,
    f.packages.join(' '),
    f.aws?.accountId,
    f.aws?.region,
    f.aws ? resourceIds(f.aws.resources) : undefined,
    f.github?.repo,
    f.github?.manifestPath,
    f.github?.scope,
    s.matchedBy,
    s.ambiguous,
  ];
}

/** A finding's snapshot line, parsed: what `findingRowOf` reads of it. */
export interface FindingRecord {
  asset: string;
  id: string;
  source: string;
  kind: string;
  severity: string;
  title: string;
  status: string;
  counted: boolean;
  excludedText: string;
  risk: number;
  contribution: number;
  knownExploited: boolean;
  firstSeen: string;
  closedAt: string | null;
  slaDays: number;
  dueAt: string;
  dueRule: string;
  ifFixed: number;
  overdue: boolean;
  cves: string[];
  url: string | null;
  factors: { severityPoints: number; severityBasis: string; likelihood: number; likelihoodBasis: string; context: number; contextBasis: string };
  ageDays: number;
  /** Another source's report whose earlier sighting set age_days and due (absent: this row's own first_seen). */
  ageFrom?: string;
}

/** A finding's row from its snapshot line and its other cells: `findingRow` here, the worker's rows there. */
export function findingRowOf(r: FindingRecord, e: readonly Cell[]): string {
  const x = r.factors;
  return csvRow([
    r.asset,
    r.id,
    r.source,
    e[0],
    r.kind,
    r.severity,
    r.title,
    r.status,
    r.counted,
    r.excludedText,
    e[1],
    e[2],
    r.knownExploited,
    e[3],
    e[4],
    round(x.severityPoints, 4),
    x.severityBasis,
    round(x.likelihood, 4),
    x.likelihoodBasis,
    x.context,
    x.contextBasis,
    round(r.risk, 4),
    e[5],
    round(r.contribution, 4),
    day(r.firstSeen),
    day(r.closedAt ?? undefined),
    round(r.ageDays, 1),
    // An incident's is its response time in days (critical 4 h: 0.1667).
    round(r.slaDays, 4),
    day(r.dueAt),
    r.overdue,
    r.cves.join(' '),
    e[6],
    e[7],
    e[8],
    e[9],
    e[10],
    e[11],
    e[12],
    e[13],
    e[14],
    e[15],
    e[16],
    r.url,
    r.dueRule,
    round(r.ifFixed, 4),
    r.ageFrom,
  ]);
}

const resourceIds = (rs: readonly { id: string }[]) => (rs.length === 1 ? rs[0]!.id : rs.map((x) => x.id).join(' '));

/** findings.csv as chunks of about `chunkChars` characters: one row per (finding, asset), assets by id. */
export function* findingsCsvChunks(r: ScoreResult, chunkChars = 1 << 16): Generator<string> {
  let buf = csvRow(FINDING_COLUMNS);
  const assets = [...r.assets].sort((a, b) => (a.asset.id < b.asset.id ? -1 : 1));
  for (const a of assets) {
    for (const s of a.findings) {
      buf += findingRow(a, s);
      if (buf.length >= chunkChars) {
        yield buf;
        buf = '';
      }
    }
  }
  if (buf) yield buf;
}

export function renderFindingsCsv(r: ScoreResult): string {
  return [...findingsCsvChunks(r)].join('');
}

const UNMAPPED_COLUMNS = [
  'source',
  'account_or_repo',
  'open_findings',
  'critical',
  'high',
  'medium',
  'low',
  'info',
  'resource_types',
  'example_resource',
  'example_finding_id',
] as const;

export interface UnmappedGroup {
  source: string;
  key: string;
  findings: Finding[];
}

/** Inventory gaps: open findings nobody claims, grouped by AWS account or repository. */
export function groupUnmapped(unmapped: readonly Finding[]): UnmappedGroup[] {
  const groups = new Map<string, UnmappedGroup>();
  for (const f of unmapped) {
    const key = f.aws?.accountId ?? f.github?.repo ?? '(unknown)';
    const id = `${f.source}\u0000${key}`;
    const g = groups.get(id) ?? { source: f.source, key, findings: [] };
    groups.set(id, g);
    g.findings.push(f);
  }
  return [...groups.values()].sort((a, b) => b.findings.length - a.findings.length || (compareJoined(a.source, a.key, b.source, b.key) < 0 ? -1 : 1));
}

export function renderUnmappedCsv(r: ScoreResult): string {
  return toCsv(
    UNMAPPED_COLUMNS,
    groupUnmapped(r.unmapped).map((g) => {
      const count = (s: string) => g.findings.filter((f) => f.severity === s).length;
      const types = [...new Set(g.findings.flatMap((f) => f.aws?.resources.map((x) => x.type) ?? []))].sort();
      const first = g.findings[0]!;
      return [
        g.source,
        g.key,
        g.findings.length,
        count('critical'),
        count('high'),
        count('medium'),
        count('low'),
        count('info'),
        types.join(' '),
        first.aws?.resources[0]?.id ?? first.github?.manifestPath ?? '',
        first.id,
      ];
    }),
  );
}

import { createHash } from 'node:crypto';
import type { Asset } from '../config/schema.js';
import { canonicalJson } from '../config/policy.js';
import type { ScoreResult } from '../scoring/types.js';
import type { AssetResult, ScoredFinding } from '../scoring/types.js';
import { exclusionText, groupUnmapped } from './csv.js';
import { jsonChunks, LazyArray } from './json-chunks.js';

/**
 * snapshot.json: the run in machine form, and the record history/trends read. Readers must
 * accept every earlier schemaVersion; bump it only with a reader for the old shape.
 */
export const SNAPSHOT_SCHEMA_VERSION = 1;

/** Hash of what decides which findings an asset claims and how it is weighed (for attribution). */
function assetDefinitionHash(a: Asset): string {
  const { id, owner, criticality, exposure, aws, github } = a;
  return createHash('sha256').update(canonicalJson({ id, owner, criticality, exposure, aws, github })).digest('hex').slice(0, 12);
}

/** `scope.asset`: the run was narrowed with --asset; history and deltas skip such runs. */
type Meta = { toolVersion: string; inventoryFile: string; previousRun?: string; scope?: { asset: string }; inventoryTruth?: object };

/** One finding of one asset as the snapshot lists it. */
function findingEntry(s: ScoredFinding) {
  return {
    id: s.finding.id,
    source: s.finding.source,
    kind: s.finding.kind,
    severity: s.finding.severity,
    title: s.finding.title,
    status: s.finding.status,
    closeReason: s.finding.closeReason ?? null,
    counted: s.excluded === undefined,
    excluded: s.excluded ?? null,
    excludedText: exclusionText(s.excluded),
    risk: s.factors.risk,
    contribution: s.contribution,
    knownExploited: s.knownExploited,
    firstSeen: s.finding.firstSeen,
    closedAt: s.finding.closedAt ?? null,
    slaDays: s.slaDays,
    dueAt: s.dueAt,
    dueRule: s.dueRule,
    ifFixed: s.ifFixed,
    overdue: s.overdue,
    cves: s.finding.cves,
    url: s.finding.url ?? null,
  };
}

const byFindingId = (a: AssetResult) => [...a.findings].sort((x, y) => (x.finding.id < y.finding.id ? -1 : 1));

export function buildSnapshot(r: ScoreResult, meta: Meta) {
  return snapshotShape(r, meta, (a) => byFindingId(a).map(findingEntry));
}

/** The snapshot with each asset's findings as `F` (an array, or a LazyArray for streaming). */
function snapshotShape<F>(r: ScoreResult, meta: Meta, findingsOf: (a: AssetResult) => F) {
  const byId = [...r.assets].sort((a, b) => (a.asset.id < b.asset.id ? -1 : 1));
  const count = (s: string) => r.assets.filter((a) => a.status === s).length;
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION as typeof SNAPSHOT_SCHEMA_VERSION,
    tool: { name: 'secsli', version: meta.toolVersion },
    asOf: r.asOf,
    partial: r.partial,
    previousRun: meta.previousRun ?? null,
    scope: meta.scope ?? null,
    policyHash: r.policyHash,
    policy: r.policy,
    kev: r.kev,
    // Live runs add the inventory-truth fields (src/drift/render.ts driftSnapshot; src/history/schema.ts).
    inventory: { file: meta.inventoryFile, ...meta.inventoryTruth },
    sources: r.sources,
    summary: {
      assets: r.assets.length,
      byStatus: { BREACHED: count('BREACHED'), UNKNOWN: count('UNKNOWN'), 'AT RISK': count('AT RISK'), OK: count('OK') },
      findings: r.totalFindings,
      unmapped: r.unmapped.length,
      ambiguous: r.ambiguous.length,
      rejected: r.rejected.length,
    },
    assets: byId.map((a) => ({
      id: a.asset.id,
      owner: a.asset.owner,
      criticality: a.asset.criticality,
      exposure: a.asset.exposure,
      definitionHash: assetDefinitionHash(a.asset),
      status: a.status,
      statusReasons: a.statusReasons,
      statusReason: a.statusReason,
      risk: a.risk,
      budget: a.budget,
      budgetUsed: a.budgetUsed,
      previousRisk: a.previousRisk ?? null,
      remediation: a.remediation,
      coverage: a.coverage,
      openBySeverity: a.openBySeverity,
      overdue: a.overdue,
      openThreats: a.openThreats,
      incidents: {
        pastTarget: a.incidents.pastTarget, openHighCritical: a.incidents.openHighCritical, events: a.incidents.events, withinTarget: a.incidents.withinTarget,
        open: a.incidents.open.map((i) => ({ findingId: i.row.finding.id, severity: i.row.finding.severity, ageHours: i.ageHours, targetHours: i.targetHours, responseHours: i.responseHours, pastTarget: i.pastTarget })),
      },
      findings: findingsOf(a),
    })),
    unmapped: groupUnmapped(r.unmapped).map((g) => ({ source: g.source, key: g.key, open: g.findings.length, findingIds: g.findings.map((f) => f.id) })),
    ambiguous: r.ambiguous.map((a) => ({ findingId: a.finding.id, assetIds: a.assetIds })),
    exceptions: r.exceptions.map((e) => ({ id: e.exception.id, asset: e.exception.asset, match: e.exception.match, state: e.state, expires: e.exception.expires ?? null, matched: e.matched, reason: e.exception.reason })),
    rejected: r.rejected,
    fixes: r.fixes,
  };
}
export type Snapshot = ReturnType<typeof buildSnapshot>;

/** The snapshot with each asset's findings produced while it is written (never all held at once). */
export function streamedSnapshot(r: ScoreResult, meta: Meta) {
  return snapshotShape(r, meta, (a) => new LazyArray(() => byFindingIdEntries(a)));
}

/** snapshot.json's text, as chunks, of a snapshot built by buildSnapshot or streamedSnapshot. */
export function* snapshotFileChunks(snapshot: Snapshot | ReturnType<typeof streamedSnapshot>): Generator<string> {
  yield* jsonChunks(snapshot);
  yield '\n';
}

function* byFindingIdEntries(a: AssetResult) {
  for (const s of byFindingId(a)) yield findingEntry(s);
}

export function renderSnapshot(r: ScoreResult, meta: Meta): string {
  return [...snapshotFileChunks(streamedSnapshot(r, meta))].join('');
}

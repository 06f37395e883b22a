import { createHash } from 'node:crypto';
import type { Asset } from '../config/schema.js';
import { canonicalJson } from '../config/policy.js';
import type { ScoreResult } from '../scoring/types.js';
import type { AssetResult, ScoredFinding } from '../scoring/types.js';
import { exclusionText, groupUnmapped } from './csv.js';
import { INCIDENTS_CLOSED_LISTED } from '../scoring/incidents.js';
import { jsonChunks, LazyArray } from './json-chunks.js';

/**
 * The run in machine form, and the record history/trends read. Readers must accept every earlier
 * schemaVersion; bump it only with a reader for the old shape.
 *
 * Version 3 (the files a run writes): `snapshot.json` holds everything except the assets'
 * findings and the fixes. It names `snapshot-findings.ndjson` (`findingsFile`), one line per
 * (asset, finding): `{"asset": id, …the finding}`, by asset id then finding id; and
 * `snapshot-fixes.ndjson` (`fixesFile`), one fix per line, most urgent first (as fixes.csv). So
 * snapshot.json stays small and no reader or writer ever needs the run as one string.
 * Version 2 had the fixes inline (`fixes`, the last key); version 1 was one file with each
 * asset's findings inline too. `renderSnapshot` still writes the version 1 form (test fixtures,
 * old-history generators) and every reader reads all three.
 */
export const SNAPSHOT_SCHEMA_VERSION = 3;
export const SNAPSHOT_FINDINGS_FILE = 'snapshot-findings.ndjson';
export const SNAPSHOT_FIXES_FILE = 'snapshot-fixes.ndjson';

/** Hash of what decides which findings an asset claims and how it is weighed (for attribution). */
function assetDefinitionHash(a: Asset): string {
  const { id, owner, criticality, exposure, aws, github } = a;
  return createHash('sha256').update(canonicalJson({ id, owner, criticality, exposure, aws, github })).digest('hex').slice(0, 12);
}

/** `scope.asset`: the run was narrowed with --asset; history and deltas skip such runs. */
type Meta = { toolVersion: string; inventoryFile: string; previousRun?: string; scope?: { asset: string }; inventoryTruth?: object };

/**
 * One finding of one asset as its line in snapshot-findings.ndjson holds it: the asset's id first
 * (readers find an asset's lines by how they start, history/asset-lines.ts), then the finding.
 * Built as one literal, so that it is one object of one shape for JSON.stringify's fast path.
 */
function lineEntry(asset: string, s: ScoredFinding) {
  return {
    asset,
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
    // Optional, for `explain --run` (absent in snapshots written before them): the factors behind
    // `risk`, the age explain prints (ageFrom only when another source's sighting set it), and the
    // finding's remediation event in the window (only when it has one; ageDays says the line
    // records these fields, so a line with ageDays and no remediation had no event).
    factors: factorsEntry(s.factors),
    ageDays: s.ageDays,
    ageFrom: s.ageFrom,
    remediation: s.remediation,
  };
}

/** One finding of one asset as the snapshot lists it (its line without the asset). */
function findingEntry(s: ScoredFinding) {
  const { asset: _, ...entry } = lineEntry('', s);
  return entry;
}

const factorsEntry = (f: ScoredFinding['factors']) => ({
  severityPoints: f.severityPoints,
  severityBasis: f.severityBasis,
  likelihood: f.likelihood,
  likelihoodBasis: f.likelihoodBasis,
  context: f.context,
  contextBasis: f.contextBasis,
});

/** The positions of `a.findings` in the snapshot's order: by finding id. */
export function byFindingIdOrder(a: AssetResult): number[] {
  // The ids read once, not twice per comparison: 40 % less time sorting (the 200k set: 156 → 90 ms).
  const ids = a.findings.map((s) => s.finding.id);
  const order = Array.from({ length: ids.length }, (_, i) => i);
  return order.sort((x, y) => (ids[x]! < ids[y]! ? -1 : 1));
}
const byFindingId = (a: AssetResult) => byFindingIdOrder(a).map((i) => a.findings[i]!);

/** The whole snapshot in memory, findings inline (what history readers return), for attribution. */
export function buildSnapshot(r: ScoreResult, meta: Meta) {
  return snapshotShape(r, meta, (a) => byFindingId(a).map(findingEntry), SNAPSHOT_SCHEMA_VERSION);
}

type Version = 1 | typeof SNAPSHOT_SCHEMA_VERSION;
type FileRef = { name: string; lines: number };

/**
 * The snapshot with each asset's findings as `F` (an array, a LazyArray for streaming, or left
 * out). With `files` (the run's snapshot files) the findings and fixes are named, not held.
 */
function snapshotShape<F>(r: ScoreResult, meta: Meta, findingsOf: (a: AssetResult) => F, version: Version, files?: { findings: FileRef; fixes: FileRef }) {
  const byId = [...r.assets].sort((a, b) => (a.asset.id < b.asset.id ? -1 : 1));
  const count = (s: string) => r.assets.filter((a) => a.status === s).length;
  return {
    schemaVersion: version,
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
      ...(r.afterAsOf ? { afterAsOf: r.afterAsOf } : {}),
    },
    findingsFile: files?.findings,
    fixesFile: files?.fixes,
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
        pastTarget: a.incidents.pastTarget,
        openHighCritical: a.incidents.openHighCritical,
        events: a.incidents.events,
        withinTarget: a.incidents.withinTarget,
        open: a.incidents.open.map((i) => ({
          findingId: i.row.finding.id,
          severity: i.row.finding.severity,
          ageHours: i.ageHours,
          targetHours: i.targetHours,
          responseHours: i.responseHours,
          pastTarget: i.pastTarget,
        })),
        // The closed detections among the events (explain lists them beside the open ones), the most recent first.
        closed: a.incidents.closed.slice(0, INCIDENTS_CLOSED_LISTED).map((i) => ({
          findingId: i.row.finding.id,
          severity: i.row.finding.severity,
          targetHours: i.targetHours,
          responseHours: i.responseHours,
        })),
      },
      findings: findingsOf(a),
    })),
    unmapped: groupUnmapped(r.unmapped).map((g) => ({ source: g.source, key: g.key, open: g.findings.length, findingIds: g.findings.map((f) => f.id) })),
    ambiguous: r.ambiguous.map((a) => ({ findingId: a.finding.id, assetIds: a.assetIds })),
    exceptions: r.exceptions.map((e) => ({
      id: e.exception.id,
      asset: e.exception.asset,
      match: e.exception.match,
      state: e.state,
      expires: e.exception.expires ?? null,
      matched: e.matched,
      reason: e.exception.reason,
    })),
    rejected: r.rejected,
    fixes: files ? undefined : r.fixes,
  };
}
export type Snapshot = ReturnType<typeof buildSnapshot>;

/** The run's snapshot files: snapshot.json, the findings and the fixes as NDJSON, all as chunks. */
export function snapshotFiles(r: ScoreResult, meta: Meta): Record<string, Iterable<string>> {
  const lines = r.assets.reduce((n, a) => n + a.findings.length, 0);
  const files = { findings: { name: SNAPSHOT_FINDINGS_FILE, lines }, fixes: { name: SNAPSHOT_FIXES_FILE, lines: r.fixes.length } };
  const summary = snapshotShape(r, meta, () => undefined, SNAPSHOT_SCHEMA_VERSION, files);
  return {
    'snapshot.json': [`${JSON.stringify(summary, null, 2)}\n`],
    [SNAPSHOT_FINDINGS_FILE]: findingLines(r),
    [SNAPSHOT_FIXES_FILE]: ndjsonChunks(r.fixes),
  };
}

/** The assets in the findings file's order: by id (readers binary-search it and walk it asset by asset). */
export const byAssetId = (r: ScoreResult): AssetResult[] => [...r.assets].sort((x, y) => (x.asset.id < y.asset.id ? -1 : 1));

function* findingLines(r: ScoreResult): Generator<string> {
  let buf = '';
  for (const a of byAssetId(r)) {
    const id = a.asset.id;
    for (const s of byFindingId(a)) {
      buf += findingLine(id, s);
      if (buf.length >= CHUNK) {
        yield buf;
        buf = '';
      }
    }
  }
  if (buf) yield buf;
}

const CHUNK = 1 << 16;

/** One JSON line per item, in chunks. */
function* ndjsonChunks(items: readonly unknown[]): Generator<string> {
  let buf = '';
  for (const item of items) {
    buf += `${JSON.stringify(item)}\n`;
    if (buf.length >= CHUNK) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}

/**
 * A finding's line in snapshot-findings.ndjson, with its newline. V8's JSON.stringify of the entry:
 * at a million findings it was 15 % (Node 20) to 29 % (Node 24) faster than spelling the line out
 * piece by piece in JavaScript, which this replaced (docs/benchmarks.md, twelfth pass).
 */
export const findingLine = (assetId: string, s: ScoredFinding): string => `${JSON.stringify(lineEntry(assetId, s))}\n`;

/**
 * The single-file (schemaVersion 1) snapshot.json as chunks: each asset's findings produced while
 * it is written. For fixtures and tests of the version 1 reader; runs write `snapshotFiles`.
 */
function* legacySnapshotChunks(r: ScoreResult, meta: Meta): Generator<string> {
  yield* jsonChunks(snapshotShape(r, meta, (a) => new LazyArray(() => byFindingIdEntries(a)), 1));
  yield '\n';
}

function* byFindingIdEntries(a: AssetResult) {
  for (const s of byFindingId(a)) yield findingEntry(s);
}

/** The single-file (schemaVersion 1) snapshot.json text. */
export function renderSnapshot(r: ScoreResult, meta: Meta): string {
  return [...legacySnapshotChunks(r, meta)].join('');
}

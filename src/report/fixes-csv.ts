import type { Fix, ScoreResult } from '../scoring/types.js';
import { csvRow } from './csv-encode.js';
import { round } from './format.js';

/**
 * fixes.csv: every fix, most urgent first (README "Report columns"; add columns only at the end).
 * rank, urgency, kind, action (what to do), assets (space-separated ids), findings (how many it
 * closes), risk_removed (exact: the assets re-scored without them), why (why now, "; "-separated),
 * finding_ids (space-separated), url, fix_id (stable key), severity (highest of what it closes),
 * age_hours (incidents: since first seen).
 */
const FIX_COLUMNS = ['rank', 'urgency', 'kind', 'action', 'assets', 'findings', 'risk_removed', 'why', 'finding_ids', 'url', 'fix_id', 'severity', 'age_hours'] as const;

/** fixes.csv's header line. */
export const fixesCsvHeader = (): string => csvRow(FIX_COLUMNS);

/** The fix's fixes.csv line: a fix as scoring made it, or as its snapshot line reads back (report/csv-worker.ts). */
export function fixRow(rank: number, f: Fix): string {
  return csvRow([
    rank,
    f.urgency,
    f.kind,
    f.action,
    f.assetIds.join(' '),
    f.findingIds.length,
    round(f.riskRemoved, 4),
    f.why.join('; '),
    f.findingIds.join(' '),
    f.url,
    f.id,
    f.severity,
    f.ageHours === undefined ? '' : round(f.ageHours, 1),
  ]);
}

/**
 * Whether the fix's snapshot line holds everything its fixes.csv line says: JSON writes a number
 * that is not finite as null, which reads back as nothing where the row says NaN.
 */
export const fixRowFromLine = (f: Fix): boolean => Number.isFinite(f.riskRemoved) && (f.ageHours === undefined || Number.isFinite(f.ageHours));

/** fixes.csv as chunks of about 64 KiB (a million findings make hundreds of thousands of fixes). */
export function* fixesCsvChunks(r: ScoreResult): Generator<string> {
  let out = fixesCsvHeader();
  for (let i = 0; i < r.fixes.length; i++) {
    out += fixRow(i + 1, r.fixes[i]!);
    if (out.length >= 1 << 16) {
      yield out;
      out = '';
    }
  }
  if (out) yield out;
}

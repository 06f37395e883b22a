import type { Finding } from '../model/finding.js';
import { byId, type Scored } from './rows.js';
import type { ExclusionReason } from './types.js';

/** One key per (vulnerability id, package): CVE or GHSA, so GHSA-only advisories pair up too. */
function vulnKeys(f: Finding): string[] {
  const ids = f.ghsa ? [...f.cves, f.ghsa.toUpperCase()] : f.cves;
  if (ids.length === 0 || f.packages.length === 0) return [];
  return ids.flatMap((c) => f.packages.map((p) => `${c}\u0000${p}`));
}

/**
 * The same vulnerability (CVE or GHSA + package) reported by two sources for one asset is one
 * vulnerability:
 * - an exception that accepts one report accepts the other source's report too;
 * - it counts once: the heavier report is kept, the other is marked as its duplicate;
 * - the kept report's SLA clock starts at the earliest sighting by either source, so a months-old
 *   Dependabot alert does not look new because Inspector found it last week.
 * Closed reports are paired the same way among themselves, so one fix is not counted twice.
 */
export function dedupeAcrossSources(scored: readonly Scored[]): void {
  const open: Scored[] = [];
  const closed: Scored[] = [];
  const acceptedBy = new Map<string, { source: string; reason: ExclusionReason }>();
  for (const s of scored) {
    const kind = s.excluded?.kind;
    if (kind === undefined) open.push(s);
    else if (kind === 'closed') closed.push(s);
    else if (kind === 'excepted') for (const k of vulnKeys(s.finding)) acceptedBy.set(k, { source: s.finding.source, reason: s.excluded! });
  }
  const stillOpen =
    acceptedBy.size === 0
      ? open
      : open.filter((s) => {
          const hit = vulnKeys(s.finding)
            .map((k) => acceptedBy.get(k))
            .find((h) => h && h.source !== s.finding.source);
          if (hit) s.excluded = hit.reason;
          return !hit;
        });
  pairUp(stillOpen, true);
  pairUp(closed, false);
}

function pairUp(rows: Scored[], inherit: boolean): void {
  const candidates = rows.filter((s) => vulnKeys(s.finding).length > 0).sort((a, b) => b.factors.risk - a.factors.risk || byId(a.finding, b.finding));
  const holder = new Map<string, Scored>();
  for (const s of candidates) {
    const keys = vulnKeys(s.finding);
    const other = keys.map((k) => holder.get(k)).find((h) => h && h.finding.source !== s.finding.source);
    if (other) {
      s.excluded = { kind: 'duplicate', of: other.finding.id };
      if (inherit) other.inheritAge(s);
      continue;
    }
    for (const k of keys) if (!holder.has(k)) holder.set(k, s);
  }
}

import type { Finding } from '../model/finding.js';
import { rankOrder, type Scored } from './rows.js';
import type { ExclusionReason } from './types.js';

/** Whether vulnKeys(f) is not empty (without building the keys). */
const hasVulnKeys = (f: Finding): boolean => f.packages.length > 0 && (f.cves.length > 0 || !!f.ghsa);

/** One key per (vulnerability id, package): CVE or GHSA, so GHSA-only advisories pair up too. */
function vulnKeys(f: Finding): string[] {
  const ids = vulnIds(f);
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
  let acceptedBy: Map<string, { source: string; reason: ExclusionReason }> | undefined;
  for (const s of scored) {
    const kind = s.excluded?.kind;
    if (kind === undefined) open.push(s);
    else if (kind === 'closed') closed.push(s);
    else if (kind === 'excepted' && hasVulnKeys(s.finding)) {
      acceptedBy ??= new Map();
      for (const k of vulnKeys(s.finding)) acceptedBy.set(k, { source: s.finding.source, reason: s.excluded! });
    }
  }
  const stillOpen =
    acceptedBy === undefined
      ? open
      : open.filter((s) => {
          if (!hasVulnKeys(s.finding)) return true;
          for (const k of vulnKeys(s.finding)) {
            const h = acceptedBy.get(k);
            if (h && h.source !== s.finding.source) {
              s.excluded = h.reason;
              return false;
            }
          }
          return true;
        });
  pairUp(stillOpen, true);
  pairUp(closed, false);
}

const sourceBit = (f: Finding): number => (f.source === 'securityhub' ? 1 : 2);

/** The vulnerability ids vulnKeys pairs with packages: the CVEs, then the GHSA upper-cased. */
function vulnIds(f: Finding): readonly string[] {
  return f.ghsa ? [...f.cves, f.ghsa.toUpperCase()] : f.cves;
}

function pairUp(rows: readonly Scored[], inherit: boolean): void {
  // Only reports that share a vulnerability id with another source's report can pair up: the rest
  // neither find a holder of another source nor hold a key another source asks for.
  const seenBy = new Map<string, number>();
  for (const s of rows) {
    if (!hasVulnKeys(s.finding)) continue;
    const bit = sourceBit(s.finding);
    for (const id of vulnIds(s.finding)) seenBy.set(id, (seenBy.get(id) ?? 0) | bit);
  }
  const candidates: Scored[] = [];
  for (const s of rows) {
    if (!hasVulnKeys(s.finding)) continue;
    for (const id of vulnIds(s.finding)) {
      if (seenBy.get(id) !== 3) continue;
      candidates.push(s);
      break;
    }
  }
  if (candidates.length === 0) return;
  candidates.sort(rankOrder);
  const holder = new Map<string, Scored>();
  for (const s of candidates) {
    const keys = vulnKeys(s.finding);
    let other: Scored | undefined;
    for (const k of keys) {
      const h = holder.get(k);
      if (h && h.finding.source !== s.finding.source) {
        other = h;
        break;
      }
    }
    if (other) {
      s.excluded = { kind: 'duplicate', of: other.finding.id };
      if (inherit) other.inheritAge(s);
      continue;
    }
    for (const k of keys) if (!holder.has(k)) holder.set(k, s);
  }
}

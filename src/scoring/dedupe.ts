import { endMs, firstSeenMs, type Finding } from '../model/finding.js';
import { rankOrder, type Scored } from './rows.js';
import type { ExclusionReason } from './types.js';

/** Whether vulnKeys(f) is not empty (without building the keys). */
const hasVulnKeys = (f: Finding): boolean => f.packages.length > 0 && (f.cves.length > 0 || !!f.ghsa);

/**
 * One key per (vulnerability id, package): CVE or GHSA, so GHSA-only advisories pair up too. The
 * package as PyPI compares names (PEP 503: runs of `-`, `_` and `.` are one separator), so that
 * Dependabot's `typing_extensions` is Inspector's `typing-extensions` (names are lower-cased when
 * read); with the same vulnerability id, names that differ only so are the same package.
 */
function vulnKeys(f: Finding): string[] {
  const ids = vulnIds(f);
  if (ids.length === 0 || f.packages.length === 0) return [];
  const packages = f.packages.map(foldSeparators);
  return ids.flatMap((c) => packages.map((p) => `${c}\u0000${p}`));
}

const foldSeparators = (p: string): string => (/[_.]|--/.test(p) ? p.replace(/[-_.]+/g, '-') : p);

/**
 * The same vulnerability (CVE or GHSA + package) reported by two sources for one asset is one
 * vulnerability — one report of each source, paired heaviest first:
 * - an exception that accepts one report accepts the other source's report too;
 * - it counts once: the heavier report is kept, the other is marked as its duplicate;
 * - the kept report's SLA clock starts at the earliest sighting by either source, so a months-old
 *   Dependabot alert does not look new because Inspector found it last week.
 * Closed reports are paired the same way among themselves, so one fix is not counted twice; the
 * kept one's clock starts at the earlier sighting when the two were open at the same time (the
 * remediation event is then judged as it was while both were open: a deadline missed while open
 * stayed missed once closed), and stays its own when they were not (the vulnerability came back).
 */
export function dedupeAcrossSources(scored: readonly Scored[]): void {
  const open: Scored[] = [];
  const closed: Scored[] = [];
  let acceptedBy: Map<string, { source: string; reason: ExclusionReason }> | undefined;
  for (const s of scored) {
    // A detection is an incident (totals.ts marks it after this): never a weakness another source reports.
    if (s.finding.kind === 'threat') continue;
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

/** Were two closed reports open at some same instant? */
const openTogether = (a: Finding, b: Finding): boolean => firstSeenMs(a) <= endMs(b) && firstSeenMs(b) <= endMs(a);

/** One source's reports of one key in rank order; those before `at` are paired. */
interface Queue {
  items: Scored[];
  at: number;
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
  // The reports not paired yet, by key, heaviest first. One report of each source pairs: two
  // Dependabot alerts in two manifests are two vulnerabilities (two upgrades) even when one
  // Inspector report of the image names the same CVE and package — it is the same vulnerability as
  // one of them, not both (pairing it with both made adding it lower the asset's risk).
  const unpaired = new Map<string, Queue>();
  const paired = new Set<Scored>();
  for (const s of candidates) {
    const keys = vulnKeys(s.finding);
    const own = sourceBit(s.finding);
    let other: Scored | undefined;
    for (const k of keys) {
      const q = unpaired.get(`${3 - own}${k}`);
      if (!q) continue;
      while (q.at < q.items.length && paired.has(q.items[q.at]!)) q.at++;
      other = q.items[q.at];
      if (other) break;
    }
    if (other) {
      s.excluded = { kind: 'duplicate', of: other.finding.id };
      if (inherit || openTogether(other.finding, s.finding)) other.inheritAge(s);
      paired.add(other);
      continue;
    }
    for (const k of keys) {
      const key = `${own}${k}`;
      const q = unpaired.get(key);
      if (q) q.items.push(s);
      else unpaired.set(key, { items: [s], at: 0 });
    }
  }
}

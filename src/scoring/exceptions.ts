import picomatch from 'picomatch';
import type { RiskException } from '../inventory/schema.js';
import type { Finding } from '../model/finding.js';

/**
 * Risk acceptance. An exception applies to findings on its asset that match every field it
 * gives, until the end of its `expires` day (UTC). Expired exceptions apply to nothing.
 */

const DAY = 86_400_000;

/** The instant an exception stops applying: the end of its expiry day, UTC. */
export function expiryInstant(ex: RiskException): number | undefined {
  if (!ex.expires) return undefined;
  const t = Date.parse(ex.expires);
  return /^\d{4}-\d{2}-\d{2}$/.test(ex.expires) ? t + DAY : t;
}

export function exceptionState(ex: RiskException, now: Date, warnDays: number): 'active' | 'expiring' | 'expired' {
  const end = expiryInstant(ex);
  // An exception without an expiry is a configuration error (validate rejects it); never let it hide risk.
  if (end === undefined || end <= now.getTime()) return 'expired';
  return end - now.getTime() <= warnDays * DAY ? 'expiring' : 'active';
}

const globCache = new Map<string, (s: string) => boolean>();
function glob(pattern: string): (s: string) => boolean {
  let m = globCache.get(pattern);
  if (!m) {
    m = picomatch(pattern, { nocase: true, dot: true, bash: true });
    globCache.set(pattern, m);
  }
  return m;
}

export function exceptionMatches(ex: RiskException, f: Finding): boolean {
  const m = ex.match;
  if (m.cve && !f.cves.includes(m.cve.toUpperCase())) return false;
  if (m.ghsa && f.ghsa?.toUpperCase() !== m.ghsa.toUpperCase()) return false;
  if (m.controlId && f.controlId?.toUpperCase() !== m.controlId.toUpperCase()) return false;
  if (m.findingId && f.id !== m.findingId) return false;
  if (m.package && !f.packages.includes(m.package.toLowerCase())) return false;
  if (m.resource) {
    const g = glob(m.resource);
    if (!f.aws?.resources.some((r) => g(r.id))) return false;
  }
  if (m.repo) {
    const g = glob(m.repo);
    if (!f.github || !g(f.github.repo)) return false;
  }
  return true;
}

import { compileGlob, type Glob, type GlobKind } from '../config/glob.js';
import type { RiskException } from '../config/schema.js';
import { exceptionExpiresAt } from '../config/expiry.js';
import type { Finding } from '../model/finding.js';

/**
 * Risk acceptance. An exception applies to findings on its asset that match every field it
 * gives, until the end of its `expires` day (UTC). Expired exceptions apply to nothing.
 */

const DAY = 86_400_000;

/** The instant an exception stops applying (shared with validate, so both agree on what expired). */
export function expiryInstant(ex: RiskException): number | undefined {
  return ex.expires ? exceptionExpiresAt(ex.expires).getTime() : undefined;
}

export function exceptionState(ex: RiskException, now: Date, warnDays: number): 'active' | 'expiring' | 'expired' {
  const end = expiryInstant(ex);
  // An exception without an expiry is a configuration error (validate rejects it); never let it hide risk.
  if (end === undefined || end <= now.getTime()) return 'expired';
  return end - now.getTime() <= warnDays * DAY ? 'expiring' : 'active';
}

const globCache = new Map<string, Glob>();
function glob(pattern: string, kind: GlobKind): Glob {
  const key = `${kind}\u0000${pattern}`;
  let g = globCache.get(key);
  if (!g) globCache.set(key, (g = compileGlob(pattern, kind)));
  return g;
}

export function exceptionMatches(ex: RiskException, f: Finding): boolean {
  const m = ex.match;
  if (m.cve && !f.cves.includes(m.cve.toUpperCase())) return false;
  if (m.ghsa && f.ghsa?.toUpperCase() !== m.ghsa.toUpperCase()) return false;
  if (m.controlId && f.controlId?.toUpperCase() !== m.controlId.toUpperCase()) return false;
  if (m.findingId && f.id !== m.findingId) return false;
  if (m.package && !f.packages.includes(m.package.toLowerCase())) return false;
  if (m.resource) {
    const g = glob(m.resource, 'arn');
    if (!f.aws?.resources.some((r) => g.test(r.id))) return false;
  }
  if (m.repo) {
    const g = glob(m.repo, 'repo');
    if (!f.github || !g.test(f.github.repo)) return false;
  }
  return true;
}

import type { Exposure } from '../config/schema.js';
import type { Finding } from '../model/finding.js';
import type { KevCatalog } from '../model/kev.js';
import type { Policy } from '../config/policy.js';
import type { Factors } from './types.js';

/**
 * The weighting rules of DESIGN.md "Scoring", one function per factor. Pure; full precision
 * (rounding happens only when rendering).
 */

const fmt = (n: number) => String(Math.round(n * 1000) / 1000);

export function severityPoints(f: Finding, policy: Policy): { points: number; basis: string } {
  if (f.cvss && f.cvss.score > 0) {
    const { scale, exponent } = policy.cvss;
    return {
      points: scale * Math.pow(f.cvss.score / 10, exponent),
      basis: `CVSS ${fmt(f.cvss.score)} (v${f.cvss.version})`,
    };
  }
  return { points: policy.severityPoints[f.severity], basis: `label ${f.severity}` };
}

export function isKnownExploited(f: Finding, kev: KevCatalog): { yes: boolean; basis?: string } {
  const inKev = f.cves.find((c) => kev.cves.has(c));
  if (inKev) return { yes: true, basis: `CISA KEV (${inKev})` };
  if (f.knownExploited) return { yes: true, basis: `known exploited (${f.product})` };
  return { yes: false };
}

export function likelihood(f: Finding, policy: Policy, kev: KevCatalog): { value: number; basis: string } {
  const l = policy.likelihood;
  const exploited = isKnownExploited(f, kev);
  if (exploited.yes) return { value: l.knownExploited, basis: exploited.basis! };
  if (f.kind === 'threat') return { value: l.threat, basis: 'threat detection' };
  if (f.epss) return { value: l.epssBase + f.epss.percentile, basis: `EPSS percentile ${fmt(f.epss.percentile)}` };
  if (f.exploitAvailable) return { value: l.publicExploit, basis: 'public exploit available' };
  return { value: l.default, basis: 'nothing known' };
}

export function context(f: Finding, policy: Policy): { value: number; basis: string } {
  if (f.github?.scope === 'development') return { value: policy.context.development, basis: 'development dependency' };
  return { value: policy.context.runtime, basis: f.github ? 'runtime dependency' : 'runtime' };
}

export function factors(f: Finding, policy: Policy, kev: KevCatalog): Factors {
  const s = severityPoints(f, policy);
  const l = likelihood(f, policy, kev);
  const c = context(f, policy);
  return {
    severityPoints: s.points,
    severityBasis: s.basis,
    likelihood: l.value,
    likelihoodBasis: l.basis,
    context: c.value,
    contextBasis: c.basis,
    risk: s.points * l.value * c.value,
  };
}

export function exposureWeight(exposure: Exposure, policy: Policy): number {
  return policy.exposure[exposure];
}

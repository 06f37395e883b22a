import type { Exposure } from '../config/schema.js';
import type { Finding } from '../model/finding.js';
import type { KevCatalog } from '../model/kev.js';
import type { Policy } from '../config/policy.js';
import type { Factors } from './types.js';

/**
 * The weighting rules of DESIGN.md "Scoring", one function per factor. Pure; full precision
 * (rounding happens only when rendering).
 *
 * The rules read a finding only through FactorInputs, and the cache (FactorCache) is keyed by
 * every field of that same object: a new input has to be added to factorInputs() to be read at all,
 * and is then part of the key, so it can never hit a stale cache entry.
 */

function firstListed(cves: readonly string[], kev: KevCatalog): string | undefined {
  for (const c of cves) if (kev.cves.has(c)) return c;
  return undefined;
}

/** Everything the factors of one finding depend on (with a given policy), and nothing else. */
export function factorInputs(f: Finding, kev: KevCatalog) {
  return {
    cvssScore: f.cvss?.score,
    cvssVersion: f.cvss?.version,
    severity: f.severity,
    /** The first of its CVEs listed in the KEV catalog. */
    kevCve: firstListed(f.cves, kev),
    knownExploited: f.knownExploited,
    /** Named in the basis only when the source says it was exploited. */
    product: f.knownExploited ? f.product : undefined,
    kind: f.kind,
    epssPercentile: f.epss?.percentile,
    exploitAvailable: f.exploitAvailable,
    dependency: f.github ? (f.github.scope === 'development' ? 'development' : 'runtime') : undefined,
  } as const;
}
export type FactorInputs = ReturnType<typeof factorInputs>;

const LEAF = Symbol('value');
type Level = Map<unknown, unknown>;

/**
 * Values per distinct FactorInputs: one Map level per field, in declaration order, then the value.
 * Map keys compare the field values themselves (SameValueZero), so no two different inputs can
 * share an entry, and a look-up builds no key text (it runs once per finding).
 */
export class FactorCache<V> {
  private readonly root: Level = new Map();
  size = 0;

  get(inputs: FactorInputs): V | undefined {
    let level: Level | undefined = this.root;
    for (const field in inputs) {
      level = level.get(inputs[field as keyof FactorInputs]) as Level | undefined;
      if (level === undefined) return undefined;
    }
    return level.get(LEAF) as V | undefined;
  }

  set(inputs: FactorInputs, value: V): void {
    let level = this.root;
    for (const field in inputs) {
      const v = inputs[field as keyof FactorInputs];
      let next = level.get(v) as Level | undefined;
      if (next === undefined) level.set(v, (next = new Map()));
      level = next;
    }
    if (!level.has(LEAF)) this.size++;
    level.set(LEAF, value);
  }
}

const fmt = (n: number) => String(Math.round(n * 1000) / 1000);
const NO_KEV: KevCatalog = { version: '', origin: '', cves: new Set() };

function severityOf(i: FactorInputs, policy: Policy): { points: number; basis: string } {
  if (i.cvssScore !== undefined && i.cvssScore > 0) {
    const { scale, exponent } = policy.cvss;
    return {
      points: scale * (i.cvssScore / 10) ** exponent,
      basis: `CVSS ${fmt(i.cvssScore)} (v${i.cvssVersion})`,
    };
  }
  return { points: policy.severityPoints[i.severity], basis: `label ${i.severity}` };
}

function exploitedOf(i: FactorInputs): { yes: boolean; basis?: string } {
  if (i.kevCve) return { yes: true, basis: `CISA KEV (${i.kevCve})` };
  if (i.knownExploited) return { yes: true, basis: `known exploited (${i.product})` };
  return { yes: false };
}

function likelihoodOf(i: FactorInputs, policy: Policy): { value: number; basis: string } {
  const l = policy.likelihood;
  const exploited = exploitedOf(i);
  if (exploited.yes) return { value: l.knownExploited, basis: exploited.basis! };
  if (i.kind === 'threat') return { value: l.threat, basis: 'threat detection' };
  if (i.epssPercentile !== undefined) return { value: l.epssBase + i.epssPercentile, basis: `EPSS percentile ${fmt(i.epssPercentile)}` };
  if (i.exploitAvailable) return { value: l.publicExploit, basis: 'public exploit available' };
  return { value: l.default, basis: 'nothing known' };
}

function contextOf(i: FactorInputs, policy: Policy): { value: number; basis: string } {
  if (i.dependency === 'development') return { value: policy.context.development, basis: 'development dependency' };
  return { value: policy.context.runtime, basis: i.dependency ? 'runtime dependency' : 'runtime' };
}

export const severityPoints = (f: Finding, policy: Policy) => severityOf(factorInputs(f, NO_KEV), policy);
export const likelihood = (f: Finding, policy: Policy, kev: KevCatalog) => likelihoodOf(factorInputs(f, kev), policy);
export const context = (f: Finding, policy: Policy) => contextOf(factorInputs(f, NO_KEV), policy);

/** The factors of a finding and whether it is known exploited, from its inputs alone. */
export function factorsFrom(i: FactorInputs, policy: Policy): { fx: Factors; exploited: boolean } {
  const s = severityOf(i, policy);
  const l = likelihoodOf(i, policy);
  const c = contextOf(i, policy);
  const fx: Factors = {
    severityPoints: s.points,
    severityBasis: s.basis,
    likelihood: l.value,
    likelihoodBasis: l.basis,
    context: c.value,
    contextBasis: c.basis,
    risk: s.points * l.value * c.value,
  };
  return { fx, exploited: exploitedOf(i).yes };
}

export function exposureWeight(exposure: Exposure, policy: Policy): number {
  return policy.exposure[exposure];
}

import { describe, expect, it } from 'vitest';
import { context, likelihood, severityPoints } from '../../src/scoring/factors.js';
import { DEFAULT_POLICY } from '../../src/config/policy.js';
import { emptyKev, kevWith, makeFinding } from '../builders.js';

describe('severity points', () => {
  it.each([
    [9.8, 9.604],
    [7.5, 5.625],
    [5.0, 2.5],
    [10, 10],
    [0.1, 0.001],
  ])('CVSS %s → 10 × (cvss/10)² = %s', (cvss, points) => {
    const f = makeFinding({ cvss: { score: cvss, version: '3.1' } });
    expect(severityPoints(f, DEFAULT_POLICY).points).toBeCloseTo(points, 10);
  });

  it.each([
    ['critical', 10],
    ['high', 5],
    ['medium', 2],
    ['low', 0.5],
    ['info', 0],
  ] as const)('label %s without CVSS → %s points', (severity, points) => {
    expect(severityPoints(makeFinding({ severity }), DEFAULT_POLICY).points).toBe(points);
  });

  it('a CVSS of 0 ("not scored") falls back to the label', () => {
    const f = makeFinding({ severity: 'critical', cvss: { score: 0, version: '3.1' } });
    expect(severityPoints(f, DEFAULT_POLICY)).toEqual({ points: 10, basis: 'label critical' });
  });
});

describe('likelihood', () => {
  it.each([
    ['in the CISA KEV catalog', { cves: ['CVE-2021-44228'] }, kevWith('CVE-2021-44228'), 3],
    ['known exploited by the source (LastKnownExploitAt)', { knownExploited: true }, emptyKev, 3],
    ['KEV beats EPSS', { cves: ['CVE-2021-44228'], epss: { probability: 0.01, percentile: 0.1 } }, kevWith('CVE-2021-44228'), 3],
    ['a threat detection', { kind: 'threat' as const }, emptyKev, 3],
    ['EPSS percentile 0 → 0.5', { epss: { probability: 0, percentile: 0 } }, emptyKev, 0.5],
    ['EPSS percentile 0.87 → 1.37', { epss: { probability: 0.2, percentile: 0.87 }, exploitAvailable: true }, emptyKev, 1.37],
    ['EPSS percentile 1 → 1.5', { epss: { probability: 0.9, percentile: 1 } }, emptyKev, 1.5],
    ['public exploit, no EPSS', { exploitAvailable: true }, emptyKev, 1.5],
    ['nothing known', {}, emptyKev, 1],
  ])('%s', (_name, over, kev, value) => {
    expect(likelihood(makeFinding(over), DEFAULT_POLICY, kev).value).toBeCloseTo(value, 10);
  });
});

describe('context', () => {
  it.each([
    ['development dependency', { source: 'dependabot' as const, github: { repo: 'acme/x', scope: 'development' as const } }, 0.2],
    ['runtime dependency', { source: 'dependabot' as const, github: { repo: 'acme/x', scope: 'runtime' as const } }, 1],
    ['cloud resource', {}, 1],
  ])('%s → %s', (_n, over, value) => {
    expect(context(makeFinding(over), DEFAULT_POLICY).value).toBe(value);
  });
});

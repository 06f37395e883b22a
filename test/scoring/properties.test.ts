import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, resolvePolicy, type Policy } from '../../src/config/policy.js';
import type { Finding } from '../../src/model/finding.js';
import { kevWith, makeAsset, makeFinding, makeInventory, scoreWith } from '../builders.js';

/** The properties DESIGN.md requires, checked over generated findings and policies. */

const arbSeverity = fc.constantFrom('critical', 'high', 'medium', 'low', 'info') as fc.Arbitrary<Finding['severity']>;
const arbFinding = fc
  .record({
    severity: arbSeverity,
    cvss: fc.option(fc.double({ min: 0.1, max: 10, noNaN: true }), { nil: undefined }),
    percentile: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
    exploit: fc.boolean(),
    dev: fc.boolean(),
    dependabot: fc.boolean(),
    // Few vulnerabilities, packages and manifests, so that reports of two sources pair up (dedupe.ts).
    cve: fc.option(fc.constantFrom('CVE-2026-0001', 'CVE-2026-0002'), { nil: undefined }),
    pkg: fc.constantFrom('log4j-core', 'typing_extensions', 'typing-extensions'),
    manifest: fc.constantFrom('pom.xml', 'sdk/pom.xml', undefined),
  })
  .map((r) =>
    makeFinding({
      severity: r.severity,
      ...(r.cve !== undefined ? { cves: [r.cve], packages: [r.pkg] } : {}),
      ...(r.cvss !== undefined ? { cvss: { score: r.cvss, version: '3.1' } } : {}),
      ...(r.percentile !== undefined ? { epss: { probability: 0.1, percentile: r.percentile } } : {}),
      exploitAvailable: r.exploit,
      ...(r.dependabot
        ? {
            source: 'dependabot' as const,
            github: { repo: 'acme/app', ...(r.manifest ? { manifestPath: r.manifest } : {}), scope: r.dev ? ('development' as const) : ('runtime' as const) },
          }
        : {}),
    }),
  );

/** Policies the schema allows, keeping the orderings the model relies on (internet ≥ internal ≥ isolated). */
const arbPolicy: fc.Arbitrary<Policy> = fc
  .record({
    internal: fc.double({ min: 0.1, max: 5, noNaN: true }),
    step1: fc.double({ min: 0.01, max: 5, noNaN: true }),
    step2: fc.double({ min: 0.01, max: 5, noNaN: true }),
    budget: fc.double({ min: 1, max: 200, noNaN: true }),
    kev: fc.double({ min: 0.1, max: 10, noNaN: true }),
    aggregation: fc.constantFrom('damped' as const, 'sum' as const),
    kevSlaDays: fc.integer({ min: 1, max: 60 }),
    internetCritical: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
  })
  .map((p) =>
    resolvePolicy({
      exposure: { isolated: p.internal, internal: p.internal + p.step1, internet: p.internal + p.step1 + p.step2 },
      riskBudget: { critical: p.budget, high: p.budget * 2, medium: p.budget * 4, low: p.budget * 8 },
      likelihood: { knownExploited: p.kev },
      aggregation: p.aggregation,
      kevSlaDays: p.kevSlaDays,
      ...(p.internetCritical !== undefined ? { slaDays: { internet: { critical: p.internetCritical } } } : {}),
    }),
  );

const riskOf = (r: ReturnType<typeof scoreWith>, id = 'app') => r.assets.find((a) => a.asset.id === id)!;

describe('scoring properties', () => {
  it('one known-exploited critical on an internet-facing asset outweighs up to 20 unexploited lows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 20 }), (n, pcts) => {
        const asset = makeAsset({ exposure: 'internet' });
        const kev = makeFinding({ severity: 'critical', cvss: { score: 9.8, version: '3.1' }, cves: ['CVE-2021-44228'] });
        const lows = Array.from({ length: n }, (_, i) => makeFinding({ severity: 'low', ...(pcts[i] !== undefined ? { epss: { probability: 0.1, percentile: pcts[i]! } } : {}) }));
        const one = riskOf(scoreWith([kev], [asset], { kev: kevWith('CVE-2021-44228') })).risk;
        const many = riskOf(scoreWith(lows, [asset])).risk;
        expect(one).toBeGreaterThan(many);
      }),
    );
  });

  it('the same finding weighs more on a more exposed asset, and uses more of a smaller budget', () => {
    fc.assert(
      fc.property(arbFinding, arbPolicy, (f, policy) => {
        const at = (exposure: 'internet' | 'internal' | 'isolated', criticality: 'critical' | 'low') => riskOf(scoreWith([f], [makeAsset({ exposure, criticality })], { policy }));
        const internet = at('internet', 'low');
        const internal = at('internal', 'low');
        const isolated = at('isolated', 'low');
        expect(internet.risk).toBeGreaterThanOrEqual(internal.risk);
        expect(internal.risk).toBeGreaterThanOrEqual(isolated.risk);
        if (isolated.risk > 0) expect(internet.risk).toBeGreaterThan(isolated.risk);
        // critical has the smaller budget (policy keeps budgets ordered)
        const small = at('internal', 'critical');
        expect(small.budgetUsed).toBeGreaterThanOrEqual(internal.budgetUsed);
      }),
    );
  });

  it.each([
    ['resolved', { status: 'resolved' as const, closedAt: '2026-11-21T00:00:00Z' }],
    ['suppressed', { status: 'suppressed' as const, closedAt: '2026-11-21T00:00:00Z' }],
    ['dismissed', { status: 'dismissed' as const, closedAt: '2026-11-21T00:00:00Z' }],
    ['fixed', { status: 'fixed' as const, closedAt: '2026-11-21T00:00:00Z' }],
    ['a passed control', { compliance: 'passed' as const, kind: 'misconfiguration' as const }],
  ])('a %s finding adds nothing', (_name, over) => {
    fc.assert(
      fc.property(arbFinding, arbPolicy, (base, policy) => {
        const asset = makeAsset();
        const without = riskOf(scoreWith([base], [asset], { policy })).risk;
        const withIt = riskOf(scoreWith([base, makeFinding({ ...over, severity: 'critical', cvss: { score: 10, version: '3.1' } })], [asset], { policy })).risk;
        expect(withIt).toBe(without);
      }),
      { numRuns: 30 },
    );
  });

  it('an excepted finding adds nothing until its exception expires', () => {
    const asset = makeAsset();
    const f = makeFinding({ severity: 'critical', cves: ['CVE-2023-1234'] });
    const ex = { id: 'RA-1', asset: 'app', match: { cve: 'CVE-2023-1234' }, reason: 'flag off', expires: '2026-12-31' };
    const inventory = makeInventory([asset], [ex]);
    const before = scoreWith([f], [asset], { inventory, now: new Date('2026-12-31T23:59:59Z') });
    expect(riskOf(before).risk).toBe(0);
    expect(riskOf(before).findings[0]!.excluded).toEqual({ kind: 'excepted', exceptionId: 'RA-1' });
    const after = scoreWith([f], [asset], { inventory, now: new Date('2027-01-01T00:00:00Z') });
    expect(riskOf(after).risk).toBeGreaterThan(0);
    expect(after.exceptions[0]!.state).toBe('expired');
  });

  it('an exception applies only to its own asset', () => {
    const a = makeAsset({ id: 'a' });
    const b = makeAsset({ id: 'b', aws: { accounts: ['999999999999'] }, github: { repos: ['acme/b'] } });
    const fa = makeFinding({ cves: ['CVE-2023-1234'] });
    const fb = makeFinding({ cves: ['CVE-2023-1234'], aws: { accountId: '999999999999', resources: [] } });
    const inventory = makeInventory([a, b], [{ id: 'RA-1', asset: 'a', match: { cve: 'CVE-2023-1234' }, reason: 'x', expires: '2027-06-01' }]);
    const r = scoreWith([fa, fb], [a, b], { inventory });
    expect(riskOf(r, 'a').risk).toBe(0);
    expect(riskOf(r, 'b').risk).toBeGreaterThan(0);
  });

  it('the same CVE and package from Inspector and Dependabot counts once on one asset', () => {
    fc.assert(
      fc.property(arbPolicy, fc.boolean(), (policy, inspectorHeavier) => {
        const asset = makeAsset();
        const common = { cves: ['CVE-2021-44228'], packages: ['org.apache.logging.log4j:log4j-core'] };
        const sh = makeFinding({ ...common, severity: inspectorHeavier ? 'critical' : 'medium' });
        const gh = makeFinding({ ...common, source: 'dependabot', severity: inspectorHeavier ? 'medium' : 'critical', github: { repo: 'acme/app', scope: 'runtime' } });
        const both = riskOf(scoreWith([sh, gh], [asset], { policy }));
        const heavier = riskOf(scoreWith([inspectorHeavier ? sh : gh], [asset], { policy }));
        expect(both.risk).toBeCloseTo(heavier.risk, 10);
        expect(both.findings.filter((s) => s.excluded?.kind === 'duplicate')).toHaveLength(1);
      }),
      { numRuns: 30 },
    );
  });

  it('two Inspector findings for the same CVE on different resources both count', () => {
    const asset = makeAsset();
    const common = { cves: ['CVE-2024-0001'], packages: ['openssl'] };
    const r = riskOf(scoreWith([makeFinding(common), makeFinding(common)], [asset]));
    expect(r.findings.filter((s) => s.excluded === undefined)).toHaveLength(2);
  });

  it('contributions always add up to the asset risk (what explain prints)', () => {
    fc.assert(
      fc.property(fc.array(arbFinding, { maxLength: 40 }), arbPolicy, (fs, policy) => {
        const a = riskOf(scoreWith(fs, [makeAsset()], { policy }));
        const sum = a.findings.reduce((t, s) => t + s.contribution, 0);
        expect(sum).toBeCloseTo(a.risk, 8);
      }),
    );
  });

  it('input order does not change the result', () => {
    fc.assert(
      fc.property(fc.array(arbFinding, { minLength: 2, maxLength: 30 }), (fs) => {
        const asset = makeAsset();
        const a = scoreWith(fs, [asset]);
        const b = scoreWith([...fs].reverse(), [asset]);
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      }),
      { numRuns: 30 },
    );
  });

  it('adding an open finding never lowers an asset risk', () => {
    fc.assert(
      fc.property(fc.array(arbFinding, { maxLength: 20 }), arbFinding, arbPolicy, (fs, extra, policy) => {
        const asset = makeAsset();
        expect(riskOf(scoreWith([...fs, extra], [asset], { policy })).risk).toBeGreaterThanOrEqual(riskOf(scoreWith(fs, [asset], { policy })).risk - 1e-9);
      }),
      { numRuns: 200 },
    );
  });

  it('"if fixed" lies between 0 and the contribution, and is exactly R minus R re-scored without it (and the other source\'s report of it: one fix closes both)', () => {
    fc.assert(
      fc.property(fc.array(arbFinding, { minLength: 1, maxLength: 25 }), arbPolicy, fc.nat(), (fs, policy, pick) => {
        const asset = makeAsset();
        const a = riskOf(scoreWith(fs, [asset], { policy }));
        for (const s of a.findings) {
          expect(s.ifFixed).toBeGreaterThanOrEqual(0);
          expect(s.ifFixed).toBeLessThanOrEqual(s.contribution + 1e-12);
        }
        const counted = a.findings.filter((s) => s.excluded === undefined);
        if (counted.length === 0) return;
        const s = counted[pick % counted.length]!;
        const gone = new Set([s.finding.id, ...a.findings.filter((d) => d.excluded?.kind === 'duplicate' && d.excluded.of === s.finding.id).map((d) => d.finding.id)]);
        const without = riskOf(
          scoreWith(
            fs.filter((f) => !gone.has(f.id)),
            [asset],
            { policy },
          ),
        ).risk;
        expect(s.ifFixed).toBeCloseTo(a.risk - without, 9);
      }),
      { numRuns: 60 },
    );
  });

  it('every fix removes exactly what re-scoring without its findings takes off', () => {
    const pkgs = ['lodash', 'openssl', 'log4j-core'];
    // Half of them with the package's CVE, so that a Dependabot alert and an Inspector finding of the
    // same vulnerability pair up: the duplicate goes with the fix, or it would count in its place.
    const arbGrouped = fc
      .record({ f: arbFinding, pkg: fc.integer({ min: 0, max: 2 }), cve: fc.boolean() })
      .map(({ f, pkg, cve }) => ({ ...f, packages: [pkgs[pkg]!], ...(cve ? { cves: [`CVE-2026-000${pkg}`] } : {}) }));
    fc.assert(
      fc.property(fc.array(arbGrouped, { minLength: 1, maxLength: 30 }), arbPolicy, (fs, policy) => {
        const asset = makeAsset();
        const r = scoreWith(fs, [asset], { policy });
        const total = riskOf(r).risk;
        for (const fix of r.fixes) {
          const without = riskOf(
            scoreWith(
              fs.filter((f) => !fix.findingIds.includes(f.id)),
              [asset],
              { policy },
            ),
          ).risk;
          expect(fix.riskRemoved).toBeCloseTo(total - without, 8);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('1,000 extra low findings raise R by less than 9 × one low finding (damped)', () => {
    fc.assert(
      fc.property(fc.array(arbFinding, { maxLength: 15 }), fc.double({ min: 0.1, max: 3.9, noNaN: true }), (fs, cvss) => {
        const asset = makeAsset({ exposure: 'internet' });
        const low = () => makeFinding({ severity: 'low', cvss: { score: cvss, version: '3.1' } });
        const one = riskOf(scoreWith([low()], [asset])).risk;
        const base = riskOf(scoreWith(fs, [asset])).risk;
        const more = riskOf(scoreWith([...fs, ...Array.from({ length: 1000 }, low)], [asset])).risk;
        expect(more - base).toBeLessThan(9 * one);
      }),
      { numRuns: 10 },
    );
  });

  it('a known-exploited finding is never due later than kevSlaDays after it was first seen', () => {
    fc.assert(
      fc.property(arbFinding, arbPolicy, fc.constantFrom('internet' as const, 'internal' as const, 'isolated' as const), (f, policy, exposure) => {
        const kev = { ...f, cves: ['CVE-2021-44228'] };
        const s = riskOf(scoreWith([kev], [makeAsset({ exposure })], { policy, kev: kevWith('CVE-2021-44228') })).findings[0]!;
        expect(Date.parse(s.dueAt) - Date.parse(kev.firstSeen)).toBeLessThanOrEqual(policy.kevSlaDays * 86_400_000);
      }),
    );
  });

  it('threat detections never add to R', () => {
    fc.assert(
      fc.property(fc.array(arbFinding, { maxLength: 15 }), fc.array(arbFinding, { minLength: 1, maxLength: 5 }), arbPolicy, (fs, threats, policy) => {
        const asset = makeAsset();
        const detections = threats.map((t) => ({ ...t, kind: 'threat' as const, product: 'GuardDuty' }));
        const without = riskOf(scoreWith(fs, [asset], { policy })).risk;
        const withThem = riskOf(scoreWith([...fs, ...detections], [asset], { policy }));
        expect(withThem.risk).toBe(without);
        expect(withThem.incidents.open).toHaveLength(detections.length);
      }),
      { numRuns: 50 },
    );
  });

  it('uses the default policy values DESIGN.md documents', () => {
    expect(DEFAULT_POLICY.riskBudget).toEqual({ critical: 40, high: 60, medium: 90, low: 135 });
    expect(DEFAULT_POLICY.exposure).toEqual({ internet: 2, internal: 1, isolated: 0.5 });
    expect(DEFAULT_POLICY.remediationTarget).toEqual({ critical: 0.9, high: 0.85, medium: 0.8, low: 0.7 });
    expect(DEFAULT_POLICY.kevSlaDays).toBe(14);
    expect(DEFAULT_POLICY.aggregation).toBe('damped');
    expect(DEFAULT_POLICY.incidentResponseHours).toMatchObject({ critical: 4, high: 24, medium: 72, low: 168 });
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderAttributionMarkdown, renderAttributionText } from '../../src/history/attribution-render.js';
import { ATTRIBUTION_PARTS, attributeChange, type AssetAttribution } from '../../src/history/attribution.js';
import { parseSnapshot, type SnapshotV1 } from '../../src/history/schema.js';
import type { Asset, RiskException } from '../../src/config/schema.js';
import type { Finding, Severity } from '../../src/model/finding.js';
import { renderSnapshot } from '../../src/report/snapshot.js';
import { DEFAULT_POLICY, type Policy } from '../../src/config/policy.js';
import { linearPolicy, makeAsset, makeFinding, makeInventory, scoreWith } from '../builders.js';
import { RUN_DATES, snapshotText } from './scenario.js';

const A = new Date('2026-11-20T00:00:00Z');
const B = new Date('2026-11-27T00:00:00Z');

function snap(now: Date, findings: Finding[], assets: Asset[], o: { exceptions?: RiskException[]; policy?: Policy } = {}): SnapshotV1 {
  const result = scoreWith(findings, assets, { inventory: makeInventory(assets, o.exceptions ?? []), now, policy: o.policy ?? linearPolicy() });
  const r = parseSnapshot(renderSnapshot(result, { toolVersion: 'test', inventoryFile: 'assets.yaml' }));
  if (!r.ok) throw new Error(r.reason);
  return r.snapshot;
}

const f = (n: string, severity: Severity, over: Partial<Finding> = {}) =>
  makeFinding({ source: 'dependabot', nativeId: `acme/app#${n}`, title: n, severity, github: { repo: 'acme/app', scope: 'runtime' }, firstSeen: '2026-11-01T00:00:00Z', ...over });
const app = (over: Partial<Asset> = {}) => makeAsset({ id: 'app', aws: undefined, ...over });
const parts = (r: AssetAttribution) => Object.fromEntries(ATTRIBUTION_PARTS.map((p) => [p, r.parts[p]]));
const ex = (id: string, findingId: string): RiskException => ({ id, asset: 'app', match: { findingId }, reason: 'accepted', expires: '2027-12-31' });

describe('attributeChange', () => {
  it("splits one asset's change into new, fixed, exceptions, inventory and re-scored", () => {
    // A: internal (×1): F1 high 5, F2 medium 2, F3 low 0.5, F4 critical excepted.
    const a = snap(A, [f('F1', 'high'), f('F2', 'medium'), f('F3', 'low'), f('F4', 'critical')], [app()], { exceptions: [ex('RA-4', 'dependabot:acme/app#F4')] });
    // B: internet (×2): F1 now critical, F2 fixed, F3 accepted, F4's exception gone, F5 new medium.
    const b = snap(
      B,
      [f('F1', 'critical'), f('F2', 'medium', { status: 'fixed', closedAt: '2026-11-25T00:00:00Z' }), f('F3', 'low'), f('F4', 'critical'), f('F5', 'medium')],
      [app({ exposure: 'internet' })],
      { exceptions: [ex('RA-3', 'dependabot:acme/app#F3')] },
    );
    const [r] = attributeChange(a, b);
    expect(r!.riskA).toBe(7.5);
    expect(r!.riskB).toBe(44); // 2 × (10 + 10 + 2)
    expect(parts(r!)).toEqual({
      newFindings: 4, // F5: 2 × 2
      fixed: -2, // F2
      exceptions: 20 - 0.5, // F4 back (2 × 10), F3 accepted (−0.5)
      inventory: 5, // F1's exposure part: (2 − 1) × 5
      policy: 0,
      rescored: 10, // F1: 2 × 10 − 1 × 5 − 5
      unmeasured: 0,
    });
    expect(r!.delta).toBe(36.5);
    expect(r!.notes).toEqual(['exposure internal → internet']);
    expect(r!.drivers[0]).toMatchObject({ findingId: 'dependabot:acme/app#F4', part: 'exceptions', amount: 20, note: 'exception RA-4 no longer applies' });
  });

  it('a finding absent from a run that did not fully measure the asset is neither fixed nor new: "not measured"', () => {
    const gap = (s: SnapshotV1): SnapshotV1 => ({
      ...s,
      assets: s.assets.map((x) => ({ ...x, status: 'UNKNOWN', coverage: [{ source: 'dependabot', status: 'gap', reasons: ['export cut short'] }] })),
    });
    const full = snap(A, [f('F1', 'high'), f('F2', 'medium')], [app()]);
    // B lists only F1, and Dependabot did not fully answer for the asset: F2 may still be there.
    const cut = gap(snap(B, [f('F1', 'high')], [app()]));
    const [down] = attributeChange(full, cut);
    expect(parts(down!)).toEqual({ newFindings: 0, fixed: 0, exceptions: 0, inventory: 0, policy: 0, rescored: 0, unmeasured: -2 });
    expect(down!.drivers).toEqual([
      expect.objectContaining({ findingId: 'dependabot:acme/app#F2', part: 'unmeasured', note: 'not reported: the later run did not fully measure this asset' }),
    ]);
    expect([down!.measuredA, down!.measuredB]).toEqual([true, false]);
    // The other way: F2 was not seen because nobody looked, not because it is new.
    const [up] = attributeChange(gap(snap(A, [f('F1', 'high')], [app()])), snap(B, [f('F1', 'high'), f('F2', 'medium')], [app()]));
    expect(up!.parts).toMatchObject({ newFindings: 0, unmeasured: 2 });
    // Closed at the source in a run with a gap is still fixed: the source said so.
    const [closed] = attributeChange(full, gap(snap(B, [f('F1', 'high'), f('F2', 'medium', { status: 'fixed', closedAt: '2026-11-25T00:00:00Z' })], [app()])));
    expect(closed!.parts).toMatchObject({ fixed: -2, unmeasured: 0 });
  });

  it('a duplicate that counts again because the run did not collect its other report, and findings re-ranked by a gap, are "not measured", not fixed', () => {
    const gap = (s: SnapshotV1): SnapshotV1 => ({
      ...s,
      assets: s.assets.map((x) => ({ ...x, status: 'UNKNOWN', coverage: [{ source: 'dependabot', status: 'gap', reasons: ['not collected'] }] })),
    });
    const log4j = { cves: ['CVE-2021-44228'], packages: ['log4j-core'] };
    const inspector = makeFinding({
      ...log4j,
      nativeId: 'insp-1',
      title: 'image',
      severity: 'medium',
      firstSeen: '2026-11-01T00:00:00Z',
      aws: { accountId: '111122223333', resources: [{ id: 'arn:aws:ecr:eu-west-1:111122223333:repository/app', type: 'AwsEcrContainerImage', tags: {} }] },
    });
    const alert = f('D1', 'critical', log4j);
    const heavy = f('H1', 'critical');
    const both = app({ aws: { accounts: ['111122223333'] } });
    const damped = DEFAULT_POLICY;
    const low = f('S1', 'low', { source: 'securityhub', nativeId: 'low-1', aws: { accountId: '111122223333', resources: [] } });
    const a = snap(A, [inspector, alert, heavy, low], [both], { policy: damped });
    // B: only Security Hub answered: the Dependabot alerts were not collected.
    const b = gap(snap(B, [inspector, low], [both], { policy: damped }));
    const [r] = attributeChange(a, b);
    const again = r!.drivers.find((d) => d.findingId === inspector.id)!;
    expect(again).toMatchObject({ part: 'unmeasured', note: `counts again: ${alert.id} was not reported (the later run did not fully measure this asset)` });
    // S1 moved up a rank because the heavier alerts were not collected, not because they were fixed.
    expect(r!.drivers.find((d) => d.findingId === low.id)).toMatchObject({ part: 'unmeasured', note: expect.stringContaining('ranked higher: heavier findings not reported') });
    expect(r!.parts.fixed).toBe(0);
    // Its risk and budget used in B are lower bounds, as trend prints them.
    expect(renderAttributionText(a, b, [r!])).toMatch(/→ ≥ \d+\.\d+ .*→ ≥ \d+ %/);
    // The same runs with the later one fully measured: the alert is gone, the duplicate counts again as a fix would make it.
    const measured = snap(B, [inspector], [both], { policy: damped });
    const [m] = attributeChange(a, measured);
    expect(m!.drivers.find((d) => d.findingId === inspector.id)).toMatchObject({ part: 'fixed', note: `counts again: ${alert.id} no longer reported` });
    const closed = snap(B, [inspector, { ...alert, status: 'fixed', closedAt: '2026-11-25T00:00:00Z' }], [both], { policy: damped });
    const [c] = attributeChange(a, closed);
    expect(c!.drivers.find((d) => d.findingId === inspector.id)).toMatchObject({ part: 'fixed', note: `counts again: ${alert.id} closed (fixed)` });
  });

  it('damped: a new heavier finding that pushes others down a rank is all "new"; fixing it moves them back under "fixed"', () => {
    const damped = DEFAULT_POLICY;
    const base = [f('F1', 'high'), f('F2', 'medium')];
    const a = snap(A, base, [app()], { policy: damped });
    const b = snap(B, [...base, f('F0', 'critical')], [app()], { policy: damped });
    const [up] = attributeChange(a, b);
    // A: 5/1 + 2/2 = 6. B: 10/1 + 5/2 + 2/3 = 13.1667: the newcomer's net effect is all of it.
    expect(up!.delta).toBeCloseTo(13 + 1 / 6 - 6, 12);
    expect(up!.parts.newFindings).toBeCloseTo(up!.delta, 12);
    expect(up!.parts.rescored).toBe(0);
    const [down] = attributeChange(b, a);
    expect(down!.parts.fixed).toBeCloseTo(down!.delta, 12);
    expect(down!.parts.rescored).toBe(0);
  });

  it('a detection an older snapshot counted as risk leaves under policy: it is an incident now', () => {
    const threat = f('T1', 'high', {
      source: 'securityhub',
      kind: 'threat',
      product: 'GuardDuty',
      nativeId: 'gd-1',
      aws: { accountId: '111122223333', resources: [] },
      github: undefined,
    });
    const b = snap(B, [threat], [app({ aws: { accounts: ['111122223333'] } })]);
    expect(b.assets[0]!.findings[0]!.excluded).toMatchObject({ kind: 'incident' });
    // The same run as a pre-issue-10 snapshot had it: counted, 15 points (5 × threat 3).
    const old = structuredClone(b);
    Object.assign(old.assets[0]!.findings[0]!, { counted: true, excluded: null, contribution: 15, risk: 15 });
    old.assets[0]!.risk = 15;
    const [r] = attributeChange(old, b);
    expect(parts(r!)).toMatchObject({ policy: -15, fixed: 0, newFindings: 0 });
    expect(r!.drivers[0]!.note).toContain('now an incident');
  });

  it('puts re-weighting under policy when the policy weights changed', () => {
    const a = snap(A, [f('F1', 'high')], [app()]);
    const b = snap(B, [f('F1', 'high')], [app()], { policy: linearPolicy({ exposure: { internal: 3 }, severityPoints: { high: 6 } }) });
    const [r] = attributeChange(a, b);
    expect(parts(r!)).toMatchObject({ policy: 18 - 5, rescored: 0, inventory: 0 });
    expect(renderAttributionText(a, b)).toMatch(/^Policy changed: [0-9a-f]{12} → [0-9a-f]{12} \(weights changed\)\.$/m);
  });

  it('assets added or removed are all inventory; findings that move between assets are inventory', () => {
    const other = makeAsset({ id: 'other', aws: undefined, github: { repos: ['acme/other'] } });
    const moved = f('M', 'high', { github: { repo: 'acme/app', scope: 'runtime' } });
    const a = snap(A, [moved, f('O', 'low', { github: { repo: 'acme/other', scope: 'runtime' } })], [app(), other]);
    const b = snap(B, [{ ...moved, github: { repo: 'acme/new', scope: 'runtime' } }], [app(), makeAsset({ id: 'newbie', aws: undefined, github: { repos: ['acme/new'] } })]);
    const byId = Object.fromEntries(attributeChange(a, b).map((r) => [r.assetId, r]));
    expect(byId.other).toMatchObject({ presence: 'removed', delta: -0.5, parts: expect.objectContaining({ inventory: -0.5 }) });
    expect(byId.newbie).toMatchObject({ presence: 'added', delta: 5, parts: expect.objectContaining({ inventory: 5 }) });
    expect(byId.app).toMatchObject({ delta: -5, parts: expect.objectContaining({ inventory: -5, fixed: 0 }) });
    expect(byId.app!.drivers[0]!.note).toBe('no longer mapped to this asset');
  });

  it("attributes the scenario's weekly changes (P2 fixed, P3 new)", () => {
    const at = (i: number) => (parseSnapshot(snapshotText(RUN_DATES[i]!)) as { snapshot: SnapshotV1 }).snapshot;
    const pay = (i: number, j: number) => attributeChange(at(i), at(j)).find((r) => r.assetId === 'pay')!;
    expect(pay(5, 6)).toMatchObject({ delta: -20, parts: expect.objectContaining({ fixed: -20 }) }); // 08-07 → 08-14
    expect(pay(9, 10)).toMatchObject({ delta: 10, parts: expect.objectContaining({ newFindings: 10 }) }); // 09-04 → 09-11
  });
});

describe('attribution parts add up to the change (property)', () => {
  const state = fc.constantFrom('absent', 'open', 'closed', 'excepted');
  const sev = fc.constantFrom<Severity>('critical', 'high', 'medium', 'low');
  const repo = fc.constantFrom('acme/a', 'acme/b', 'acme/c');
  const side = fc.record({ state, sev, repo, cvss: fc.option(fc.double({ min: 0.1, max: 10, noNaN: true }), { nil: undefined }), dev: fc.boolean() });
  const run = fc.record({
    findings: fc.array(side, { minLength: 8, maxLength: 8 }),
    exposureA: fc.constantFrom<Asset['exposure']>('internet', 'internal', 'isolated'),
    critA: fc.constantFrom<Asset['criticality']>('critical', 'high', 'medium', 'low'),
    hasB: fc.boolean(),
    bRepos: fc.constantFrom(['acme/b'], ['acme/b', 'acme/c']),
    internalWeight: fc.double({ min: 0.1, max: 4, noNaN: true }),
  });

  type RunShape = typeof run extends fc.Arbitrary<infer T> ? T : never;
  function build(now: Date, r: RunShape): SnapshotV1 {
    const assets = [makeAsset({ id: 'a', aws: undefined, exposure: r.exposureA, criticality: r.critA, github: { repos: ['acme/a'] } })];
    if (r.hasB) assets.push(makeAsset({ id: 'b', aws: undefined, exposure: 'internal', github: { repos: [...r.bRepos] } }));
    const findings: Finding[] = [];
    const exceptions: RiskException[] = [];
    r.findings.forEach((s, i) => {
      if (s.state === 'absent') return;
      const id = `${s.repo}#${i}`;
      findings.push(
        makeFinding({
          source: 'dependabot',
          nativeId: id,
          severity: s.sev,
          github: { repo: s.repo, scope: s.dev ? 'development' : 'runtime' },
          ...(s.cvss !== undefined ? { cvss: { score: s.cvss, version: '3.1' } } : {}),
          firstSeen: '2026-11-01T00:00:00Z',
          ...(s.state === 'closed' ? { status: 'fixed' as const, closedAt: '2026-11-10T00:00:00Z' } : {}),
        }),
      );
      if (s.state === 'excepted')
        for (const asset of ['a', 'b']) exceptions.push({ id: `RA-${i}-${asset}`, asset, match: { findingId: `dependabot:${id}` }, reason: 'x', expires: '2027-12-31' });
    });
    return snap(now, findings, assets, { exceptions, policy: linearPolicy({ exposure: { internal: r.internalWeight } }) });
  }

  it('for every asset, Σ parts = risk B − risk A (up to float rounding)', () => {
    fc.assert(
      fc.property(run, run, (ra, rb) => {
        const rows = attributeChange(build(A, ra), build(B, rb));
        for (const r of rows) {
          const sum = ATTRIBUTION_PARTS.reduce((s, p) => s + r.parts[p], 0);
          const scale = 1 + Math.abs(r.riskA ?? 0) + Math.abs(r.riskB ?? 0);
          expect(Math.abs(sum - r.delta)).toBeLessThanOrEqual(1e-9 * scale);
          expect(Math.abs(r.drivers.reduce((s, d) => s + d.amount, 0) - sum)).toBeLessThanOrEqual(1e-9 * scale);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('rendering', () => {
  it('Markdown escapes titles and shows only changed assets; text strips control characters', () => {
    const a = snap(A, [f('F1', 'high', { title: 'x | <b>evil</b>\n' })], [app(), makeAsset({ id: 'quiet', aws: undefined, github: { repos: ['acme/q'] } })]);
    const b = snap(
      B,
      [f('F1', 'high', { title: 'x | <b>evil</b>\u001b[31m', status: 'fixed', closedAt: '2026-11-25T00:00:00Z' })],
      [app(), makeAsset({ id: 'quiet', aws: undefined, github: { repos: ['acme/q'] } })],
    );
    const md = renderAttributionMarkdown(a, b);
    expect(md).toContain('## What changed since 2026-11-20T00:00:00.000Z');
    expect(md).toContain('x \\| &lt;b&gt;evil&lt;/b&gt;');
    expect(md).toContain('| **app** | OK | 5.00 → 0.00 | 20 % → 0 % | −5.00 | 0 | −5.00 |');
    expect(md).toContain('1 other asset(s) unchanged.');
    const text = renderAttributionText(a, b);
    expect(text).not.toContain('\u001b');
    expect(text).toContain('fixed/closed: dependabot:acme/app#F1 high — closed (fixed)');
  });

  it('a status that moved with no change in risk (a deadline passed) is a change, first when it got worse, with the rules that set it', () => {
    const assets = [app(), makeAsset({ id: 'busy', aws: undefined, github: { repos: ['acme/busy'] } })];
    const busy = (n: string) => f(n, 'high', { nativeId: `acme/busy#${n}`, github: { repo: 'acme/busy', scope: 'runtime' } });
    const a = snap(A, [f('F1', 'high'), busy('B1')], assets);
    const b = structuredClone(snap(B, [f('F1', 'high'), busy('B1'), busy('B2')], assets));
    const appB = b.assets.find((x) => x.id === 'app')!;
    Object.assign(appB, { status: 'BREACHED', statusReasons: ['1 known-exploited finding(s) past deadline'] });
    const md = renderAttributionMarkdown(a, b);
    expect(md).not.toContain('No asset changed');
    const rows = md.split('\n').filter((l) => l.startsWith('| **'));
    // app's risk did not move, busy's did: app comes first all the same — its status got worse.
    expect(rows.map((l) => l.split(' | ')[0])).toEqual(['| **app**', '| **busy**']);
    expect(rows[0]).toContain('| OK → BREACHED | 5.00 → 5.00 |');
    expect(rows[0]).toContain('| BREACHED: 1 known-exploited finding(s) past deadline |');
    expect(md).toMatch(/\| --- \| --- \| ---: \| ---: \| ---: (\| ---: ){7}\| --- \| --- \|/);
    expect(renderAttributionText(a, b)).toContain('app:\n  status BREACHED: 1 known-exploited finding(s) past deadline');
  });
});

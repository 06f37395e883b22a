import { describe, expect, it } from 'vitest';
import type { SourceStatus } from '../../src/collectors/types.js';
import { covered, makeAsset, makeFinding, scoreWith } from '../builders.js';

const asset = makeAsset({ criticality: 'high', exposure: 'internal' }); // budget 25, target 95 %
const only = (r: ReturnType<typeof scoreWith>) => r.assets[0]!;
const fresh = { firstSeen: '2026-11-26T00:00:00Z' };
const old = { firstSeen: '2026-01-01T00:00:00Z' };

describe('asset status', () => {
  it.each([
    ['no findings, full coverage', [], 'OK'],
    ['critical label, fresh: 10/25 = 40 %', [makeFinding({ severity: 'critical', ...fresh })], 'OK'],
    ['21 points: 84 % of budget > 80 %', [makeFinding({ severity: 'critical', ...fresh }), makeFinding({ severity: 'critical', ...fresh }), makeFinding({ severity: 'low', ...fresh }), makeFinding({ severity: 'low', ...fresh })], 'AT RISK'],
    ['30 points: 120 % of budget', [makeFinding({ severity: 'critical', ...fresh }), makeFinding({ severity: 'critical', ...fresh }), makeFinding({ severity: 'critical', ...fresh })], 'BREACHED'],
    ['one overdue high among fresh: remediation SLI below 95 %', [makeFinding({ severity: 'high', ...old }), makeFinding({ severity: 'medium', ...fresh })], 'BREACHED'],
  ])('%s → %s', (_n, findings, status) => {
    expect(only(scoreWith(findings, [asset])).status).toBe(status);
  });

  it('is UNKNOWN, never OK, when a source the asset expects did not answer', () => {
    const r = only(scoreWith([], [asset], { sources: covered('securityhub') }));
    expect(r.status).toBe('UNKNOWN');
    expect(r.coverage.find((c) => c.source === 'dependabot')).toMatchObject({ status: 'gap' });
  });

  it('a repository gap makes only the asset claiming it UNKNOWN', () => {
    const other = makeAsset({ id: 'other', github: { repos: ['acme/other'] }, aws: { accounts: ['444455556666'] } });
    const dep: SourceStatus = {
      source: 'dependabot', origins: ['api'], complete: true, problems: [], records: 0,
      coverage: [
        { source: 'dependabot', scope: {}, status: 'covered' },
        { source: 'dependabot', scope: { repo: 'acme/app' }, status: 'gap', reason: 'Dependabot alerts are disabled for this repository.' },
      ],
    };
    const r = scoreWith([], [asset, other], { sources: [...covered('securityhub'), { status: dep, describe: 'api' }] });
    expect(r.assets.find((a) => a.asset.id === 'app')!.status).toBe('UNKNOWN');
    expect(r.assets.find((a) => a.asset.id === 'other')!.status).toBe('OK');
    expect(r.assets.find((a) => a.asset.id === 'app')!.statusReasons.join()).toContain('disabled');
  });

  it('a repository-level export vouches only for the repositories in it', () => {
    const other = makeAsset({ id: 'other', github: { repos: ['acme/other-*'] }, aws: { accounts: ['444455556666'] } });
    const dep: SourceStatus = {
      source: 'dependabot', origins: ['repo.json'], complete: true, problems: [], records: 3,
      coverage: [{ source: 'dependabot', scope: { repo: 'acme/app' }, status: 'covered' }],
    };
    const r = scoreWith([], [asset, other], { sources: [...covered('securityhub'), { status: dep, describe: 'file' }] });
    expect(r.assets.find((a) => a.asset.id === 'app')!.status).toBe('OK');
    const o = r.assets.find((a) => a.asset.id === 'other')!;
    expect(o.status).toBe('UNKNOWN');
    expect(o.statusReasons.join()).toContain('no answer covers acme/other-*');
  });

  it('an account denied by Security Hub leaves only assets in that account UNKNOWN', () => {
    const other = makeAsset({ id: 'other', aws: { accounts: ['444455556666'] }, github: { repos: ['acme/other'] } });
    const sh: SourceStatus = {
      source: 'securityhub', origins: ['api'], complete: true, problems: [], records: 0,
      coverage: [
        { source: 'securityhub', scope: { account: '111122223333', region: 'ap-northeast-1' }, status: 'gap', reason: '401 not subscribed' },
        { source: 'securityhub', scope: { account: '444455556666', region: 'ap-northeast-1' }, status: 'covered' },
      ],
    };
    const r = scoreWith([], [asset, other], { sources: [...covered('dependabot'), { status: sh, describe: 'api' }] });
    expect(r.assets.find((a) => a.asset.id === 'app')!.status).toBe('UNKNOWN');
    expect(r.assets.find((a) => a.asset.id === 'other')!.status).toBe('OK');
  });

  it('a failed source without a scope makes every asset that expects it UNKNOWN and the run PARTIAL', () => {
    const sh: SourceStatus = { source: 'securityhub', origins: ['x.json'], complete: false, problems: ['x.json: truncated at line 9'], records: 3, coverage: [{ source: 'securityhub', scope: {}, status: 'gap', reason: 'truncated' }] };
    const r = scoreWith([], [asset], { sources: [...covered('dependabot'), { status: sh, describe: 'x' }] });
    expect(r.partial).toBe(true);
    expect(only(r).status).toBe('UNKNOWN');
  });

  it('a measured risk breach stays BREACHED even with a coverage gap (risk is a lower bound)', () => {
    const fs = [1, 2, 3].map(() => makeFinding({ severity: 'critical', ...fresh }));
    expect(only(scoreWith(fs, [asset], { sources: covered('securityhub') })).status).toBe('BREACHED');
  });
});

describe('remediation SLI', () => {
  it('is the risk-weighted share of findings within SLA', () => {
    // high (5 points) overdue + critical (10 points) fresh → 10 / 15
    const r = only(scoreWith([makeFinding({ severity: 'high', ...old }), makeFinding({ severity: 'critical', ...fresh })], [asset]));
    expect(r.remediation.sli).toBeCloseTo(10 / 15, 10);
    expect(r.overdue).toBe(1);
  });

  it('counts findings closed inside the window, by how long they took', () => {
    const closedLate = makeFinding({ severity: 'high', status: 'fixed', firstSeen: '2026-08-01T00:00:00Z', closedAt: '2026-11-01T00:00:00Z' });
    const closedInTime = makeFinding({ severity: 'high', status: 'fixed', firstSeen: '2026-10-01T00:00:00Z', closedAt: '2026-10-05T00:00:00Z' });
    const closedLongAgo = makeFinding({ severity: 'high', status: 'fixed', firstSeen: '2025-01-01T00:00:00Z', closedAt: '2025-06-01T00:00:00Z' });
    const r = only(scoreWith([closedLate, closedInTime, closedLongAgo], [asset]));
    expect(r.risk).toBe(0);
    expect(r.remediation).toMatchObject({ good: 5, valid: 10, sli: 0.5 });
  });

  it('leaves false positives (dismissed as inaccurate) out', () => {
    const fp = makeFinding({ source: 'dependabot', severity: 'high', status: 'dismissed', closeReason: 'inaccurate', firstSeen: '2026-01-01T00:00:00Z', closedAt: '2026-11-01T00:00:00Z', github: { repo: 'acme/app' } });
    expect(only(scoreWith([fp], [asset])).remediation.sli).toBeNull();
  });

  it('is n/a (not 0 %) with nothing to measure', () => {
    expect(only(scoreWith([], [asset])).remediation.sli).toBeNull();
  });
});

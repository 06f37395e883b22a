import { describe, expect, it } from 'vitest';
import type { SourceStatus } from '../../src/collectors/types.js';
import type { Finding } from '../../src/model/finding.js';
import { DEFAULT_POLICY } from '../../src/config/policy.js';
import { covered, kevWith, makeAsset, makeFinding, scoreWith } from '../builders.js';

const asset = makeAsset({ criticality: 'high', exposure: 'internal' }); // budget 60, target 85 %
const internet = makeAsset({ criticality: 'high', exposure: 'internet' });
const only = (r: ReturnType<typeof scoreWith>) => r.assets[0]!;
const fresh = { firstSeen: '2026-11-26T00:00:00Z' };
const old = { firstSeen: '2026-01-01T00:00:00Z' };
const kevCrit = (over: Partial<Finding> = {}) => makeFinding({ severity: 'critical', cvss: { score: 10, version: '3.1' }, cves: ['CVE-2021-44228'], ...fresh, ...over });
const threat = (over: Partial<Finding>) => makeFinding({ kind: 'threat', product: 'GuardDuty', ...over });
const times = (n: number, f: () => Finding) => Array.from({ length: n }, f);
const goodHigh = () => makeFinding({ severity: 'high', status: 'fixed', firstSeen: '2026-10-01T00:00:00Z', closedAt: '2026-10-05T00:00:00Z' });
const lateLow = () => makeFinding({ severity: 'low', status: 'fixed', firstSeen: '2026-05-01T00:00:00Z', closedAt: '2026-11-01T00:00:00Z' });

describe('asset status: every rule and the reason it names', () => {
  it.each([
    ['no findings, full coverage', asset, [], 'OK', 'within targets'],
    ['one fresh critical (10 of 60)', asset, [makeFinding({ severity: 'critical', ...fresh })], 'OK', 'within targets'],
    ['3 fresh KEV criticals: 30 + 15 + 10 = 55 of 60 > 80 %', asset, times(3, () => kevCrit()), 'AT RISK', 'risk budget nearly used'],
    ['4 fresh KEV criticals: 62.5 of 60', asset, times(4, () => kevCrit()), 'BREACHED', 'risk budget'],
    ['a KEV critical 20 days old (due after 14)', asset, [kevCrit({ firstSeen: '2026-11-07T00:00:00Z' })], 'BREACHED', 'known exploited past due'],
    ['a fresh KEV medium on an internet-facing asset (12 of 60)', internet, [kevCrit({ severity: 'medium', cvss: undefined })], 'AT RISK', 'known exploited on internet-facing'],
    ['a high detection still NEW after 48 h (target 24 h)', asset, [threat({ severity: 'high', firstSeen: '2026-11-25T00:00:00Z' })], 'BREACHED', 'incident response'],
    ['a high detection NOTIFIED (responded) but open', asset, [threat({ severity: 'high', firstSeen: '2026-11-25T00:00:00Z', acknowledged: true })], 'AT RISK', 'open incident'],
    ['a low detection 1 h old', asset, [threat({ severity: 'low', firstSeen: '2026-11-26T23:00:00Z' })], 'OK', 'within targets'],
    ['5 overdue highs: remediation SLI 0 % < 85 %', asset, times(5, () => makeFinding({ severity: 'high', ...old })), 'BREACHED', 'remediation SLO'],
    ['4 overdue lows: not enough events for an SLI', asset, times(4, () => makeFinding({ severity: 'low', ...old })), 'OK', 'within targets'],
    ['SLI 30 / 35 = 85.7 %: within a point of 85 %', asset, [...times(6, goodHigh), ...times(10, lateLow)], 'AT RISK', 'remediation SLO at risk'],
  ])('%s → %s (%s)', (_n, a, findings, status, rule) => {
    const r = only(scoreWith(findings, [a], { kev: kevWith('CVE-2021-44228') }));
    expect(r.status).toBe(status);
    expect(r.statusReason).toBe(rule);
    expect(r.statusReasons.length > 0).toBe(status !== 'OK');
  });

  it('names the worst rule first when several hold', () => {
    const r = only(scoreWith([threat({ severity: 'critical', firstSeen: '2026-11-20T00:00:00Z' }), ...times(4, () => kevCrit())], [asset], { kev: kevWith('CVE-2021-44228') }));
    expect(r.statusReason).toBe('incident response');
    expect(r.statusReasons[0]).toContain('past response time');
    expect(r.statusReasons.join('; ')).toContain('budget');
  });

  it('is UNKNOWN, never OK, when a source the asset expects did not answer', () => {
    const r = only(scoreWith([], [asset], { sources: covered('securityhub') }));
    expect(r.status).toBe('UNKNOWN');
    expect(r.coverage.find((c) => c.source === 'dependabot')).toMatchObject({ status: 'gap' });
  });

  it('a repository gap makes only the asset claiming it UNKNOWN', () => {
    const other = makeAsset({ id: 'other', github: { repos: ['acme/other'] }, aws: { accounts: ['444455556666'] } });
    const dep: SourceStatus = {
      source: 'dependabot',
      origins: ['api'],
      complete: true,
      problems: [],
      records: 0,
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
      source: 'dependabot',
      origins: ['repo.json'],
      complete: true,
      problems: [],
      records: 3,
      coverage: [{ source: 'dependabot', scope: { repo: 'acme/app' }, status: 'covered' }],
    };
    const r = scoreWith([], [asset, other], { sources: [...covered('securityhub'), { status: dep, describe: 'file' }] });
    expect(r.assets.find((a) => a.asset.id === 'app')!.status).toBe('OK');
    const o = r.assets.find((a) => a.asset.id === 'other')!;
    expect(o.status).toBe('UNKNOWN');
    expect(o.statusReasons.join()).toContain('no answer covers acme/other-*');
    // An asset of two repositories, one in the export: the other was not looked at.
    const two = makeAsset({ id: 'two', github: { repos: ['acme/app', 'acme/sdk-*'] }, aws: { accounts: ['444455556666'] } });
    const t = scoreWith([], [two], { sources: [...covered('securityhub'), { status: dep, describe: 'file' }] }).assets[0]!;
    expect(t.status).toBe('UNKNOWN');
    expect(t.statusReasons.join()).toContain('no answer covers acme/sdk-*');
    // …and the glob is vouched for by a repository it matches that a live collector listed (GitHub names are case-insensitive)…
    const both = { ...dep, coverage: [...dep.coverage, { source: 'dependabot' as const, scope: { repo: 'ACME/sdk-js' }, status: 'covered' as const }] };
    expect(scoreWith([], [two], { sources: [...covered('securityhub'), { status: both, describe: 'live' }] }).assets[0]!.status).toBe('OK');
    // …but not by an export of single repositories: acme/sdk-java, say, may exist and not be in it.
    const alone = { ...dep, coverage: [...dep.coverage, { source: 'dependabot' as const, scope: { repo: 'ACME/sdk-js' }, status: 'covered' as const, alone: true as const }] };
    const a = scoreWith([], [two], { sources: [...covered('securityhub'), { status: alone, describe: 'file' }] }).assets[0]!;
    expect(a.status).toBe('UNKNOWN');
    expect(a.statusReasons.join()).toContain(
      'no answer covers acme/sdk-* (an export of single repositories vouches for those alone — ACME/sdk-js — not for every repository the glob claims',
    );
    // An exact name is vouched for by such an export.
    const exact = makeAsset({ id: 'exact', github: { repos: ['acme/sdk-js'] }, aws: { accounts: ['444455556666'] } });
    expect(scoreWith([], [exact], { sources: [...covered('securityhub'), { status: alone, describe: 'file' }] }).assets[0]!.status).toBe('OK');
  });

  it("an organization's listing vouches for its organization's repositories, not another's", () => {
    const dep: SourceStatus = {
      source: 'dependabot',
      origins: ['org.json'],
      complete: true,
      problems: [],
      records: 3,
      coverage: [{ source: 'dependabot', scope: { org: 'acme' }, status: 'covered' }],
    };
    const sources = [...covered('securityhub'), { status: dep, describe: 'file' }];
    const ours = makeAsset({ id: 'ours', github: { repos: ['ACME/app', 'acme/quiet-*'] }, aws: { accounts: ['444455556666'] } });
    const theirs = makeAsset({ id: 'theirs', github: { repos: ['acme/app', 'othercorp/sdk'] }, aws: { accounts: ['444455556666'] } });
    const anyOrg = makeAsset({ id: 'any', github: { repos: ['*/app'] }, aws: { accounts: ['444455556666'] } });
    const r = scoreWith([], [ours, theirs, anyOrg], { sources });
    const at = (id: string) => r.assets.find((a) => a.asset.id === id)!;
    expect(at('ours').status).toBe('OK');
    expect(at('theirs').status).toBe('UNKNOWN');
    expect(at('theirs').statusReasons.join()).toContain('no answer covers othercorp/sdk');
    expect(at('any').status).toBe('OK');
  });

  it('an account denied by Security Hub leaves only assets in that account UNKNOWN', () => {
    const other = makeAsset({ id: 'other', aws: { accounts: ['444455556666'] }, github: { repos: ['acme/other'] } });
    const sh: SourceStatus = {
      source: 'securityhub',
      origins: ['api'],
      complete: true,
      problems: [],
      records: 0,
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
    const sh: SourceStatus = {
      source: 'securityhub',
      origins: ['x.json'],
      complete: false,
      problems: ['x.json: truncated at line 9'],
      records: 3,
      coverage: [{ source: 'securityhub', scope: {}, status: 'gap', reason: 'truncated' }],
    };
    const r = scoreWith([], [asset], { sources: [...covered('dependabot'), { status: sh, describe: 'x' }] });
    expect(r.partial).toBe(true);
    expect(only(r).status).toBe('UNKNOWN');
  });

  it('a measured risk breach stays BREACHED even with a coverage gap (risk is a lower bound)', () => {
    const r = only(
      scoreWith(
        times(4, () => kevCrit()),
        [asset],
        { sources: covered('securityhub'), kev: kevWith('CVE-2021-44228') },
      ),
    );
    expect([r.status, r.statusReason]).toEqual(['BREACHED', 'risk budget']);
  });

  it('a missed remediation SLO with a coverage gap is UNKNOWN (the missing data could move it either way)', () => {
    const r = only(
      scoreWith(
        times(5, () => makeFinding({ severity: 'high', ...old })),
        [asset],
        { sources: covered('securityhub') },
      ),
    );
    expect([r.status, r.statusReason]).toEqual(['UNKNOWN', 'coverage']);
  });
});

const oneEvent = { ...DEFAULT_POLICY, remediationMinEvents: 1 };

describe("an incident row's deadline is its response time, not a weakness's SLA", () => {
  it('due first seen + incidentResponseHours, overdue only while nobody responded past it; never counted as an overdue weakness', () => {
    const silent = threat({ id: 'silent', severity: 'high', firstSeen: '2026-11-25T00:00:00Z' });
    const answered = threat({ id: 'answered', severity: 'high', firstSeen: '2026-11-25T00:00:00Z', acknowledged: true });
    const young = threat({ id: 'young', severity: 'critical', firstSeen: '2026-11-26T22:00:00Z' });
    const done = threat({ id: 'done', severity: 'high', status: 'resolved', firstSeen: '2026-11-01T00:00:00Z', closedAt: '2026-11-10T00:00:00Z' });
    const r = only(scoreWith([silent, answered, young, done], [asset]));
    const row = (id: string) => r.findings.find((s) => s.finding.id === id)!;
    expect([row('silent').slaDays, row('silent').dueAt, row('silent').dueRule, row('silent').overdue]).toEqual([1, '2026-11-26T00:00:00.000Z', 'incident response', true]);
    expect([row('answered').overdue, row('answered').dueRule]).toEqual([false, 'incident response']);
    // critical: 4 h (2026-11-26T22:00 + 4 h = 11-27T02:00, after now).
    expect([row('young').slaDays, row('young').dueAt, row('young').overdue]).toEqual([4 / 24, '2026-11-27T02:00:00.000Z', false]);
    expect([row('done').dueRule, row('done').overdue]).toEqual(['incident response', false]);
    // The asset's overdue count and remediation SLI are weaknesses only.
    expect([r.overdue, r.remediation.events]).toEqual([0, 0]);
    expect(r.incidents.pastTarget).toBe(1);
  });
});

describe('remediation SLI (events at due date or close)', () => {
  it('counts an overdue weakness as a bad event; one not yet due is backlog, not an event', () => {
    const r = only(scoreWith([makeFinding({ severity: 'high', ...old }), makeFinding({ severity: 'critical', ...fresh })], [asset], { policy: oneEvent }));
    expect(r.remediation).toMatchObject({ good: 0, valid: 5, sli: 0, events: 1, backlog: 1 });
    expect(r.overdue).toBe(1);
  });

  it('open at the very instant of its deadline: neither overdue nor a bad event yet; a millisecond later, both', () => {
    // builders' NOW is 2026-11-27T00:00:00Z; a critical's SLA is 7 days.
    const dueNow = makeFinding({ severity: 'critical', firstSeen: '2026-11-20T00:00:00Z' });
    const dueJustBefore = makeFinding({ severity: 'critical', firstSeen: '2026-11-19T23:59:59.999Z' });
    const at = only(scoreWith([dueNow], [asset], { policy: oneEvent }));
    expect([at.overdue, at.remediation.events, at.remediation.backlog]).toEqual([0, 0, 1]);
    const past = only(scoreWith([dueJustBefore], [asset], { policy: oneEvent }));
    expect([past.overdue, past.remediation.events, past.remediation.backlog]).toEqual([1, 1, 0]);
  });

  it('counts closes inside the window: good by the due date, bad after it; old ones drop out', () => {
    const closedLate = makeFinding({ severity: 'high', status: 'fixed', firstSeen: '2026-08-01T00:00:00Z', closedAt: '2026-11-01T00:00:00Z' });
    const closedInTime = makeFinding({ severity: 'high', status: 'fixed', firstSeen: '2026-10-01T00:00:00Z', closedAt: '2026-10-05T00:00:00Z' });
    const closedLongAgo = makeFinding({ severity: 'high', status: 'fixed', firstSeen: '2025-01-01T00:00:00Z', closedAt: '2025-06-01T00:00:00Z' });
    const r = only(scoreWith([closedLate, closedInTime, closedLongAgo], [asset], { policy: oneEvent }));
    expect(r.risk).toBe(0);
    expect(r.remediation).toMatchObject({ good: 5, valid: 10, sli: 0.5, events: 2 });
  });

  it('a weakness open long past its due date stays a bad event (neglect does not leave the SLI)', () => {
    const r = only(scoreWith([makeFinding({ severity: 'high', firstSeen: '2025-01-01T00:00:00Z' })], [asset], { policy: oneEvent }));
    expect(r.remediation).toMatchObject({ sli: 0, events: 1 });
  });

  it('reads "not enough events" (null) below the minimum, not 0 % or 100 %', () => {
    const r = only(
      scoreWith(
        times(4, () => makeFinding({ severity: 'high', ...old })),
        [asset],
      ),
    );
    expect(r.remediation).toMatchObject({ sli: null, events: 4 });
  });

  it('leaves false positives (dismissed as inaccurate) out', () => {
    const fp = makeFinding({
      source: 'dependabot',
      severity: 'high',
      status: 'dismissed',
      closeReason: 'inaccurate',
      firstSeen: '2026-01-01T00:00:00Z',
      closedAt: '2026-11-01T00:00:00Z',
      github: { repo: 'acme/app' },
    });
    expect(only(scoreWith([fp], [asset], { policy: oneEvent })).remediation.sli).toBeNull();
  });

  it('is n/a (not 0 %) with nothing to measure', () => {
    expect(only(scoreWith([], [asset])).remediation.sli).toBeNull();
  });
});

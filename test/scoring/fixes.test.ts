import { describe, expect, it } from 'vitest';
import { kevWith, makeAsset, makeFinding, scoreWith } from '../builders.js';

const asset = makeAsset({ criticality: 'critical', exposure: 'internet' });
const dep = (over: Parameters<typeof makeFinding>[0]) =>
  makeFinding({ source: 'dependabot', github: { repo: 'acme/app', manifestPath: 'pom.xml', package: 'log4j-core', scope: 'runtime' }, ...over });

describe('fixes', () => {
  it('groups two alerts for one package in one manifest into one action, removing their exact risk', () => {
    const a1 = dep({ severity: 'critical', cves: ['CVE-2021-44228'], packages: ['log4j-core'] });
    const a2 = dep({ severity: 'critical', cves: ['CVE-2021-45046'], packages: ['log4j-core'] });
    const other = dep({ severity: 'high', packages: ['jackson-databind'], github: { repo: 'acme/app', manifestPath: 'pom.xml', scope: 'runtime' } });
    const elsewhere = dep({ severity: 'critical', packages: ['log4j-core'], github: { repo: 'acme/app', manifestPath: 'batch/pom.xml', scope: 'runtime' } });
    const r = scoreWith([a1, a2, other, elsewhere], [asset], { kev: kevWith('CVE-2021-44228') });
    const log4j = r.fixes.find((f) => f.findingIds.includes(a1.id))!;
    expect(log4j.findingIds).toEqual([a1.id, a2.id].sort());
    expect(log4j.kind).toBe('dependency upgrade');
    expect(log4j.action).toBe('upgrade log4j-core in acme/app/pom.xml');
    expect(r.fixes).toHaveLength(3);
    const without = scoreWith([other, elsewhere], [asset], { kev: kevWith('CVE-2021-44228') }).assets[0]!.risk;
    expect(log4j.riskRemoved).toBeCloseTo(r.assets[0]!.risk - without, 10);
    expect(log4j.why).toContain('internet-facing');
  });

  it('names the version that fixes every finding of the group (the highest, compared by number)', () => {
    const a1 = dep({ packages: ['log4j-core'], fixedIn: '2.9.0' });
    const a2 = dep({ packages: ['log4j-core'], fixedIn: '2.10.0' });
    const a3 = dep({ packages: ['log4j-core'] });
    const r = scoreWith([a1, a2, a3], [asset]);
    expect(r.fixes.map((f) => f.action)).toEqual(['upgrade log4j-core to 2.10.0 in acme/app/pom.xml']);
  });

  it('orders an incident past its response time above everything else, then KEV past due, then risk removed', () => {
    const kevLate = makeFinding({
      severity: 'critical',
      cvss: { score: 10, version: '3.1' },
      cves: ['CVE-2021-44228'],
      packages: ['log4j-core'],
      firstSeen: '2026-10-01T00:00:00Z',
    });
    const big = makeFinding({ severity: 'critical', cvss: { score: 10, version: '3.1' }, exploitAvailable: true, firstSeen: '2026-11-26T00:00:00Z' });
    const small = makeFinding({ severity: 'low', firstSeen: '2026-11-26T00:00:00Z' });
    const lateIncident = makeFinding({ kind: 'threat', product: 'GuardDuty', severity: 'medium', title: 'C2 traffic', firstSeen: '2026-11-20T00:00:00Z' });
    const freshIncident = makeFinding({ kind: 'threat', product: 'GuardDuty', severity: 'high', firstSeen: '2026-11-26T23:00:00Z' });
    const r = scoreWith([small, big, freshIncident, kevLate, lateIncident], [asset], { kev: kevWith('CVE-2021-44228') });
    expect(r.fixes.map((f) => f.findingIds[0])).toEqual([lateIncident.id, kevLate.id, freshIncident.id, big.id, small.id]);
    expect(r.fixes.map((f) => f.urgency)).toEqual(['incident past response time', 'known exploited past due', 'open incident', 'when due', 'when due']);
    expect(r.fixes[0]!.riskRemoved).toBe(0);
    expect(r.fixes[0]!.why[0]).toBe('incident open 168.0 h > 72 h to respond');
  });

  it("an incident's hours read the same in `why` as in its age: half an hour past a 24 h target is 24.5 h > 24 h, not 24 h > 24 h", () => {
    const late = makeFinding({ kind: 'threat', product: 'GuardDuty', severity: 'high', firstSeen: '2026-11-25T23:30:00Z' });
    const [fix] = scoreWith([late], [asset]).fixes;
    expect(fix!.ageHours).toBe(24.5);
    expect(fix!.why[0]).toBe('incident open 24.5 h > 24 h to respond');
  });

  it('a known-exploited weakness not yet due comes before every overdue one, however small they are', () => {
    const kevYoung = makeFinding({ severity: 'high', cves: ['CVE-2023-44487'], packages: ['grpc'], firstSeen: '2026-11-20T00:00:00Z' });
    const overdueLow = makeFinding({ severity: 'low', firstSeen: '2025-01-01T00:00:00Z' });
    const r = scoreWith([overdueLow, kevYoung], [asset], { kev: kevWith('CVE-2023-44487') });
    expect(r.fixes.map((f) => [f.findingIds[0], f.urgency])).toEqual([
      [kevYoung.id, 'known exploited'],
      [overdueLow.id, 'overdue'],
    ]);
  });

  it('one control across its resources is one fix, whichever assets they belong to', () => {
    const other = makeAsset({ id: 'other', aws: { accounts: ['444455556666'] }, github: { repos: ['acme/other'] } });
    const s3 = (account: string, bucket: string) =>
      makeFinding({
        kind: 'misconfiguration',
        severity: 'high',
        controlId: 'S3.2',
        product: 'Security Hub',
        aws: { accountId: account, resources: [{ id: `arn:aws:s3:::${bucket}`, type: 'AwsS3Bucket', tags: {} }] },
      });
    const r = scoreWith([s3('111122223333', 'a'), s3('111122223333', 'b'), s3('444455556666', 'c')], [asset, other]);
    expect(r.fixes).toHaveLength(1);
    expect(r.fixes[0]).toMatchObject({
      kind: 'control',
      assetIds: ['app', 'other'],
      action: expect.stringContaining('fix control S3.2 on 3 resource(s)'),
      url: 'https://docs.aws.amazon.com/console/securityhub/S3.2/remediation',
    });
  });
});

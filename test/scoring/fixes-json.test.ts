import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/finding.js';
import type { Fix } from '../../src/scoring/types.js';
import { kevWith, makeAsset, makeFinding, scoreWith } from '../builders.js';

/**
 * A fix derives most of its fields on read (src/scoring/fix.ts): what it reads and what
 * JSON.stringify writes (snapshot-fixes.ndjson) must be what the plain fix objects of before gave,
 * keys in the same order, `ageHours` and `url` only when present.
 */

const internet = makeAsset({ criticality: 'critical', exposure: 'internet' });
const other = makeAsset({ id: 'other', aws: { accounts: ['444455556666'] }, github: { repos: ['acme/other'] } });
const dep = (over: Partial<Finding>) =>
  makeFinding({ source: 'dependabot', github: { repo: 'acme/app', manifestPath: 'pom.xml', package: 'log4j-core', scope: 'runtime' }, packages: ['log4j-core'], ...over });
const ECS = 'arn:aws:ecs:ap-northeast-1:111122223333:service/app';

/** The plain fix as planFixes built it before: these keys in this order. */
function plain(f: Omit<Fix, 'riskRemoved'>, riskRemoved: number): Record<string, unknown> {
  const o: Record<string, unknown> = {
    id: f.id,
    kind: f.kind,
    action: f.action,
    assetIds: f.assetIds,
    findingIds: f.findingIds,
    riskRemoved,
    urgency: f.urgency,
    severity: f.severity,
  };
  if (f.ageHours !== undefined) o.ageHours = f.ageHours;
  o.why = f.why;
  if (f.url) o.url = f.url;
  return o;
}

/** `expected` without riskRemoved: JSON (key order included) and every getter agree with it. */
function expectFix(fix: Fix | undefined, expected: Omit<Fix, 'riskRemoved'>): void {
  expect(fix).toBeDefined();
  expect(JSON.stringify(fix)).toBe(JSON.stringify(plain(expected, fix!.riskRemoved)));
  const read = plain(fix!, fix!.riskRemoved);
  expect(read).toEqual(plain(expected, fix!.riskRemoved));
  expect(Object.keys(JSON.parse(JSON.stringify(fix)))).toEqual(Object.keys(read));
  // Absent, not empty: summary.json writes `url ?? null`.
  expect(fix!.url).toBe(expected.url);
  expect(fix!.ageHours).toBe(expected.ageHours);
}

const byKind = (fixes: readonly Fix[], kind: Fix['kind']) => fixes.filter((f) => f.kind === kind);

describe('fix JSON', () => {
  it('an incident: ageHours, then why, then url only when the finding has one', () => {
    const withUrl = makeFinding({
      kind: 'threat',
      product: 'GuardDuty',
      severity: 'high',
      title: 'C2 traffic',
      firstSeen: '2026-11-26T00:00:00Z',
      url: 'https://console.example/gd/1',
    });
    const noUrl = makeFinding({ kind: 'threat', product: 'GuardDuty', severity: 'medium', title: 'Port probe', firstSeen: '2026-11-20T00:00:00Z' });
    const r = scoreWith([withUrl, noUrl], [internet]);
    expectFix(
      r.fixes.find((f) => f.id === `incident:${withUrl.id}`),
      {
        id: `incident:${withUrl.id}`,
        kind: 'incident',
        action: 'respond to incident: C2 traffic',
        assetIds: ['app'],
        findingIds: [withUrl.id],
        urgency: 'open incident',
        severity: 'high',
        ageHours: 24,
        why: ['incident open 24.0 h / 24 h to respond', 'internet-facing'],
        url: 'https://console.example/gd/1',
      },
    );
    expectFix(
      r.fixes.find((f) => f.id === `incident:${noUrl.id}`),
      {
        id: `incident:${noUrl.id}`,
        kind: 'incident',
        action: 'respond to incident: Port probe',
        assetIds: ['app'],
        findingIds: [noUrl.id],
        urgency: 'incident past response time',
        severity: 'medium',
        ageHours: 168,
        why: ['incident open 168.0 h > 72 h to respond', 'internet-facing'],
      },
    );
    expect(r.fixes.map((f) => f.riskRemoved)).toEqual([0, 0]);
  });

  it('an answered incident says so, and a low one someone answered waits behind the weaknesses', () => {
    const answered = makeFinding({
      kind: 'threat',
      product: 'GuardDuty',
      severity: 'low',
      title: 'Recon',
      firstSeen: '2026-11-26T00:00:00Z',
      updatedAt: '2026-11-26T05:30:00Z',
      acknowledged: true,
    });
    const [fix] = scoreWith([answered], [makeAsset()]).fixes;
    expectFix(fix, {
      id: `incident:${answered.id}`,
      kind: 'incident',
      action: 'respond to incident: Recon',
      assetIds: ['app'],
      findingIds: [answered.id],
      urgency: 'when due',
      severity: 'low',
      ageHours: 24,
      why: ['incident open 24.0 h, answered in 5.5 h'],
    });
  });

  it('a dependency upgrade: the highest fixed-in version, the url of the first finding by id, no ageHours', () => {
    const a = dep({
      nativeId: 'acme/app#2',
      severity: 'critical',
      cves: ['CVE-2021-44228'],
      fixedIn: '2.15.0',
      firstSeen: '2026-01-01T00:00:00Z',
      url: 'https://github.com/acme/app/security/dependabot/2',
    });
    const b = dep({ nativeId: 'acme/app#1', severity: 'high', fixedIn: '2.17.1', url: 'https://github.com/acme/app/security/dependabot/1' });
    const bare = dep({ packages: ['jackson-databind'], github: { repo: 'acme/app', scope: 'runtime' } });
    const r = scoreWith([a, b, bare], [internet], { kev: kevWith('CVE-2021-44228') });
    expectFix(
      r.fixes.find((f) => f.id === 'dependency:acme/app:pom.xml:log4j-core'),
      {
        id: 'dependency:acme/app:pom.xml:log4j-core',
        kind: 'dependency upgrade',
        action: 'upgrade log4j-core to 2.17.1 in acme/app/pom.xml',
        assetIds: ['app'],
        findingIds: [b.id, a.id],
        urgency: 'known exploited past due',
        severity: 'critical',
        why: ['known exploited, past due', 'internet-facing'],
        url: 'https://github.com/acme/app/security/dependabot/1',
      },
    );
    expectFix(
      r.fixes.find((f) => f.id === 'dependency:acme/app::jackson-databind'),
      {
        id: 'dependency:acme/app::jackson-databind',
        kind: 'dependency upgrade',
        action: 'upgrade jackson-databind in acme/app',
        assetIds: ['app'],
        findingIds: [bare.id],
        urgency: 'when due',
        severity: 'high',
        why: ['internet-facing'],
      },
    );
  });

  it('a package upgrade on a resource: overdue, with and without a url', () => {
    const late = makeFinding({ packages: ['openssl'], fixedIn: '3.0.8', firstSeen: '2026-01-01T00:00:00Z', url: 'https://console.example/inspector/1' });
    const fresh = makeFinding({ packages: ['zlib'], severity: 'low' });
    const r = scoreWith([late, fresh], [makeAsset()]);
    expectFix(r.fixes[0], {
      id: `package:openssl:${ECS}`,
      kind: 'package upgrade',
      action: `upgrade openssl to 3.0.8 on ${ECS}`,
      assetIds: ['app'],
      findingIds: [late.id],
      urgency: 'overdue',
      severity: 'high',
      why: ['overdue'],
      url: 'https://console.example/inspector/1',
    });
    expectFix(r.fixes[1], {
      id: `package:zlib:${ECS}`,
      kind: 'package upgrade',
      action: `upgrade zlib on ${ECS}`,
      assetIds: ['app'],
      findingIds: [fresh.id],
      urgency: 'when due',
      severity: 'low',
      why: [],
    });
  });

  it('a control across assets: its remediation page, the resources it spans', () => {
    const s3 = (account: string, bucket: string) =>
      makeFinding({
        kind: 'misconfiguration',
        severity: 'medium',
        controlId: 'S3.2',
        title: 'S3 buckets should prohibit public read access',
        product: 'Security Hub',
        aws: { accountId: account, resources: [{ id: `arn:aws:s3:::${bucket}`, type: 'AwsS3Bucket', tags: {} }] },
      });
    const [x, y, z] = [s3('444455556666', 'c'), s3('111122223333', 'a'), s3('111122223333', 'a')];
    const r = scoreWith([x!, y!, z!], [other, makeAsset()]);
    expectFix(r.fixes[0], {
      id: 'control:S3.2',
      kind: 'control',
      action: 'fix control S3.2 on 2 resource(s): S3 buckets should prohibit public read access',
      assetIds: ['app', 'other'],
      findingIds: [x!.id, y!.id, z!.id].sort(),
      urgency: 'when due',
      severity: 'medium',
      why: [],
      url: 'https://docs.aws.amazon.com/console/securityhub/S3.2/remediation',
    });
  });

  it('any other finding: known exploited (not overdue), with a url and with an empty one', () => {
    const kev = makeFinding({ cves: ['CVE-2024-0001'], title: 'Weak cipher', url: 'https://console.example/sh/1' });
    const plainOne = makeFinding({ title: 'Open port', severity: 'low', url: '' });
    const r = scoreWith([kev, plainOne], [makeAsset()], { kev: kevWith('CVE-2024-0001') });
    expectFix(r.fixes[0], {
      id: `finding:${kev.id}`,
      kind: 'finding',
      action: 'remediate: Weak cipher',
      assetIds: ['app'],
      findingIds: [kev.id],
      urgency: 'known exploited',
      severity: 'high',
      why: ['known exploited'],
      url: 'https://console.example/sh/1',
    });
    expectFix(r.fixes[1], {
      id: `finding:${plainOne.id}`,
      kind: 'finding',
      action: 'remediate: Open port',
      assetIds: ['app'],
      findingIds: [plainOne.id],
      urgency: 'when due',
      severity: 'low',
      why: [],
    });
  });
});

describe('fix members', () => {
  const shared = makeAsset({ id: 'shared', github: { repos: ['acme/app'] }, aws: { accounts: ['111122223333'] } });

  it('one finding on one asset: that finding and that asset', () => {
    const f = makeFinding({ packages: ['curl'] });
    const [fix] = scoreWith([f], [makeAsset()]).fixes;
    expect(fix!.findingIds).toEqual([f.id]);
    expect(fix!.assetIds).toEqual(['app']);
  });

  it('one finding claimed by two assets: each asset once, the finding once', () => {
    const f = makeFinding({ packages: ['curl'] });
    const r = scoreWith([f], [shared, makeAsset()]);
    expect(r.fixes).toHaveLength(1);
    expect(r.fixes[0]!.findingIds).toEqual([f.id]);
    expect(r.fixes[0]!.assetIds).toEqual(['app', 'shared']);
    expect(JSON.parse(JSON.stringify(r.fixes[0]))).toMatchObject({ findingIds: [f.id], assetIds: ['app', 'shared'] });
  });

  it('several findings on several assets: ids sorted, each once, whatever the input order', () => {
    const fs = ['z', 'b', 'm'].map((n) => dep({ nativeId: `acme/app#${n}` }));
    const alone = dep({ nativeId: 'acme/other#1', github: { repo: 'acme/other', manifestPath: 'pom.xml', scope: 'runtime' } });
    const r = scoreWith([...fs, alone], [other, shared, makeAsset()]);
    const log4j = byKind(r.fixes, 'dependency upgrade').find((f) => f.id === 'dependency:acme/app:pom.xml:log4j-core')!;
    expect(log4j.findingIds).toEqual(fs.map((f) => f.id).sort());
    expect(log4j.assetIds).toEqual(['app', 'shared']);
    const single = r.fixes.find((f) => f.id === 'dependency:acme/other:pom.xml:log4j-core')!;
    expect(single.findingIds).toEqual([alone.id]);
    expect(single.assetIds).toEqual(['other']);
    expect(r.fixes).toHaveLength(2);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeWith } from '../../src/sources/index.js';
import { ocsf } from '../../src/sources/ocsf.js';

const normalizeOcsf = (raw: unknown) => normalizeWith(ocsf, raw);

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/ocsf/${name}`, import.meta.url), 'utf8'));
const ok = (raw: unknown) => {
  const r = normalizeOcsf(raw);
  if (!r.ok) throw new Error(r.reason);
  return r.finding;
};

describe('normalizeOcsf', () => {
  it('maps a vulnerability finding to the same Finding model as ASFF', () => {
    expect(ok(fixture('vulnerability-finding.json'))).toEqual({
      id: 'securityhub:arn:aws:inspector2:eu-west-1:111122223333:finding/0a1b2c3d4e5f',
      source: 'securityhub',
      nativeId: 'arn:aws:inspector2:eu-west-1:111122223333:finding/0a1b2c3d4e5f',
      kind: 'vulnerability',
      title: 'CVE-2023-44487 - nghttp2',
      severity: 'critical',
      cvss: { score: 7.5, version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' },
      epss: { probability: 0.94, percentile: 0.99 },
      knownExploited: true,
      exploitAvailable: true,
      fixAvailable: true,
      cves: ['CVE-2023-44487'],
      packages: ['nghttp2'],
      status: 'open',
      firstSeen: '2026-10-01T08:00:00.000Z',
      updatedAt: '2026-11-20T08:00:00.000Z',
      product: 'Inspector',
      aws: {
        accountId: '111122223333',
        region: 'eu-west-1',
        resources: [
          { id: 'arn:aws:ecr:eu-west-1:111122223333:repository/payments/api/sha256:abc123', type: 'AwsEcrContainerImage', region: 'eu-west-1', tags: { Service: 'payments' } },
        ],
      },
      url: 'https://eu-west-1.console.aws.amazon.com/inspector/v2/home?region=eu-west-1#/findings/all?search=0a1b2c3d4e5f',
    });
  });

  it('maps a failed control to a misconfiguration with its control id (tags as a plain map too)', () => {
    const f = ok(fixture('compliance-finding.json'));
    expect(f).toMatchObject({
      kind: 'misconfiguration',
      severity: 'medium',
      status: 'open',
      compliance: 'failed',
      controlId: 'S3.8',
      cves: [],
      packages: [],
      firstSeen: '2026-09-01T00:00:00.000Z',
    });
    expect(f.aws!.resources[0]!.tags).toEqual({ Service: 'payments' });
    expect(f.fixAvailable).toBeUndefined();
  });

  it('maps a detection to a threat, and a resolved one as closed with its date', () => {
    const f = ok(fixture('detection-finding.json'));
    expect(f).toMatchObject({
      kind: 'threat',
      severity: 'high',
      status: 'resolved',
      closedAt: '2026-11-03T00:00:00.000Z',
      product: 'GuardDuty',
      nativeId: 'arn:aws:guardduty:us-east-1:444455556666:detector/d1/finding/7a8b',
    });
  });

  it('treats a CVSS 0 without a vector as not scored', () => {
    const raw = fixture('vulnerability-finding.json') as any;
    raw.vulnerabilities[0].cve.cvss = [{ version: '3.1', base_score: 0 }];
    expect(ok(raw).cvss).toBeUndefined();
  });

  it.each((fixture('invalid-findings.json') as Array<{ record: unknown; reason: string; nativeId?: string }>).map((c) => [c.reason, c] as const))('rejects: %s', (_r, c) => {
    expect(normalizeOcsf(c.record)).toMatchObject({ ok: false, reason: c.reason, ...(c.nativeId ? { nativeId: c.nativeId } : {}) });
  });
});

describe('normalizeOcsf severity Unknown/Other', () => {
  it.each([0, 99])('keeps severity_id %s as info instead of losing the finding', (id) => {
    const r = normalizeOcsf({ finding_info: { uid: 'x-3', title: 't', modified_time_dt: '2026-01-01T00:00:00Z' }, severity_id: id, cloud: { account: { uid: '111122223333' } } });
    expect(r.ok && r.finding.severity).toBe('info');
  });

  it.each([
    ['missing', {}, 'severity_id (missing) and severity (missing) name no OCSF severity (severity_id 0–6 or 99)'],
    ['garbled caption', { severity: 'CRITICAL!' }, 'severity_id (missing) and severity ("CRITICAL!") name no OCSF severity (severity_id 0–6 or 99)'],
    ['an id out of range', { severity_id: 42 }, 'severity_id (42) and severity (missing) name no OCSF severity (severity_id 0–6 or 99)'],
  ])('rejects a severity that is %s rather than reading it as info (0 points, a 365-day deadline)', (_name, sev, reason) => {
    const r = normalizeOcsf({ finding_info: { uid: 'x-4', title: 't', modified_time_dt: '2026-01-01T00:00:00Z' }, ...sev, cloud: { account: { uid: '111122223333' } } });
    expect(r).toMatchObject({ ok: false, reason, nativeId: 'x-4' });
  });

  it('reads the caption when the id is missing, and an id given as text', () => {
    const base = { finding_info: { uid: 'x-6', title: 't', modified_time_dt: '2026-01-01T00:00:00Z' }, cloud: { account: { uid: '111122223333' } } };
    const of = (sev: object) => {
      const r = normalizeOcsf({ ...base, ...sev });
      return r.ok ? r.finding.severity : r.reason;
    };
    expect([of({ severity: 'High' }), of({ severity_id: '5' }), of({ severity: 'Other' })]).toEqual(['high', 'critical', 'info']);
  });
});

describe('OCSF rules shared with the other formats, and reasons that stay put', () => {
  const base = { finding_info: { uid: 'x-5', title: 't', modified_time_dt: '2026-01-01T00:00:00Z' }, severity_id: 2, cloud: { account: { uid: '111122223333' } } };
  const with_ = (change: (r: any) => void) => {
    const r = structuredClone(base) as any;
    change(r);
    return r;
  };

  const expected = '(expected an ISO 8601 time with its zone, or modified_time in epoch ms)';
  it.each([
    ['an unparseable modified_time_dt', (r: any) => (r.finding_info.modified_time_dt = 'yesterday'), `finding_info.modified_time_dt is "yesterday" ${expected}`],
    ['a blank one', (r: any) => (r.finding_info.modified_time_dt = ' '), `finding_info.modified_time_dt is blank ${expected}`],
    ['a number', (r: any) => (r.finding_info.modified_time_dt = 1700000000), `finding_info.modified_time_dt is a number ${expected}`],
    [
      'epoch milliseconds beyond any date',
      (r: any) => {
        delete r.finding_info.modified_time_dt;
        r.time = 1e20;
      },
      'missing finding_info.modified_time_dt (and time_dt)',
    ],
  ])('names the unreadable update time for %s as what it is (one reason, never a throw)', (_what, change, reason) => {
    expect(normalizeOcsf(with_(change))).toMatchObject({ ok: false, reason, nativeId: 'x-5' });
  });

  it('an account id written as a number is named as one, not as missing', () => {
    expect(normalizeOcsf(with_((r: any) => (r.cloud.account.uid = 111122223333)))).toMatchObject({
      ok: false,
      reason: 'cloud.account.uid is a number (expected the account id as a string)',
    });
  });

  it('reads CVE ids by the one rule (four or more digits, anywhere, upper-cased)', () => {
    const r = with_((r) => (r.vulnerabilities = [{ cve: { uid: 'cve-2023-44487' }, related_vulnerabilities: ['CVE-2020-123', 'see CVE-2019-99999'] }]));
    expect(ok(r).cves).toEqual(['CVE-2019-99999', 'CVE-2023-44487']);
  });

  it('ignores a CVSS score outside 0–10, as the other formats do', () => {
    const r = with_((r) => (r.vulnerabilities = [{ cve: { cvss: [{ version: '3.1', base_score: 40, vector_string: 'CVSS:3.1/AV:N' }] } }]));
    expect(ok(r).cvss).toBeUndefined();
  });
});

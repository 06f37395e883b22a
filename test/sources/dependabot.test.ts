import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/finding.js';
import { dependabot } from '../../src/sources/dependabot.js';
import { normalizeWith } from '../../src/sources/index.js';
import { loadFixture, variant } from '../collectors/helpers.js';

const normalizeDependabotAlert = (raw: unknown) => normalizeWith(dependabot, raw);

type Raw = Record<string, any>;
const [dismissed, open] = loadFixture<Raw[]>('dependabot/example-dependabot-alerts-for-repository.json') as [Raw, Raw];
const orgAlerts = loadFixture<Raw[]>('dependabot/example-dependabot-alerts-for-organization.json');
const single = loadFixture<Raw>('dependabot/example-dependabot-alert-open.json');
const patched = loadFixture<Raw>('dependabot/example-dependabot-alert-dismissed.json');

function ok(raw: unknown): Finding {
  const r = normalizeDependabotAlert(raw);
  if (!r.ok) throw new Error(`rejected: ${r.reason}`);
  return r.finding;
}

/** An alert as recorded in January 2024: no relationship, epss, cvss_severities, classification, assignees. */
const oldAlert = variant(open, (r) => {
  delete r.dependency.relationship;
  delete r.security_advisory.epss;
  delete r.security_advisory.cvss_severities;
  delete r.security_advisory.classification;
  delete r.assignees;
});

describe('normalizeDependabotAlert: the reference samples', () => {
  it('repository listing, dismissed alert (#2): EPSS percentile as a string, CVSS v4 preferred', () => {
    expect(ok(dismissed)).toEqual({
      id: 'dependabot:octocat/hello-world#2',
      source: 'dependabot',
      nativeId: 'octocat/hello-world#2',
      kind: 'vulnerability',
      title: dismissed.security_advisory.summary,
      severity: 'high',
      cvss: { score: 8.7, version: '4.0', vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N' },
      epss: { probability: 0.00045, percentile: 0.16001 },
      knownExploited: false,
      exploitAvailable: false,
      fixAvailable: true,
      fixedIn: '2.0.2',
      cves: ['CVE-2018-6188'],
      ghsa: 'GHSA-rf4j-j272-fj86',
      packages: ['django'],
      status: 'dismissed',
      closeReason: 'tolerable_risk',
      firstSeen: '2022-06-15T07:43:03.000Z',
      updatedAt: '2022-08-23T14:29:47.000Z',
      closedAt: '2022-08-23T14:29:47.000Z',
      product: 'Dependabot',
      github: { repo: 'octocat/hello-world', manifestPath: 'path/to/requirements.txt', package: 'django', ecosystem: 'pip', scope: 'runtime' },
      url: 'https://github.com/octocat/hello-world/security/dependabot/2',
    } satisfies Finding);
  });

  it('repository listing, open alert (#1) without EPSS', () => {
    const f = ok(open);
    expect(f).toMatchObject({
      id: 'dependabot:octocat/hello-world#1',
      status: 'open',
      severity: 'medium',
      cvss: { score: 8.5, version: '4.0' },
      cves: ['CVE-2021-20191'],
      packages: ['ansible'],
    });
    expect(f.epss).toBeUndefined();
    expect(f.closedAt).toBeUndefined();
    expect(f.closeReason).toBeUndefined();
  });

  it('organization listing: repository.full_name', () => {
    const found = orgAlerts.map(ok);
    expect(found.map((f) => [f.id, f.status, f.github?.repo])).toEqual([
      ['dependabot:octo-org/octo-repo#2', 'dismissed', 'octo-org/octo-repo'],
      ['dependabot:octo-org/hello-world#1', 'open', 'octo-org/hello-world'],
    ]);
  });

  it.each([
    ['single open alert', single, 'open', 'dependabot:octocat/hello-world#1'],
    ['PATCH response (dismissed)', patched, 'dismissed', 'dependabot:octocat/hello-world#2'],
  ])('%s', (_name, raw, status, id) => {
    expect(ok(raw)).toMatchObject({ status, id });
  });
});

describe('normalizeDependabotAlert: variations in real data', () => {
  it.each([
    ['a javascript: URL', 'javascript:alert(1)//github.com/acme/app/security/dependabot/5'],
    ['a data: URL', 'data:text/html,<script>alert(1)</script>/acme/app/security/dependabot/5'],
    ['no host', 'https:///acme/app/security/dependabot/5'],
    ['another host than GitHub or the API url', 'https://evil.example/acme/app/security/dependabot/5'],
    ['a look-alike host', 'https://github.com.evil.example/acme/app/security/dependabot/5'],
    ['GitHub as the user name', 'https://github.com:x@evil.example/acme/app/security/dependabot/5'],
    ['GitHub as the user name, no password', 'https://github.com@evil.example/acme/app/security/dependabot/5'],
  ])('an html_url that is no web address (%s) is no link: the finding is kept, without a url', (_name, html) => {
    const f = ok(variant(open, (r) => (r.html_url = html)));
    expect(f.url).toBeUndefined();
    expect(dependabot.link(variant(open, (r) => (r.html_url = html)) as never)).toBeUndefined();
    expect(ok(open).url).toBe(open.html_url);
  });

  it('a GitHub Enterprise page is a link when its host is the API url host (Server) or a GHE.com tenant', () => {
    const ghes = variant(open, (r) => {
      r.url = 'https://ghes.corp.example/api/v3/repos/acme/app/dependabot/alerts/5';
      r.html_url = 'https://ghes.corp.example/acme/app/security/dependabot/5';
    });
    expect(ok(ghes).url).toBe('https://ghes.corp.example/acme/app/security/dependabot/5');
    const tenant = variant(open, (r) => {
      r.url = 'https://api.acme.ghe.com/repos/acme/app/dependabot/alerts/5';
      r.html_url = 'https://acme.ghe.com/acme/app/security/dependabot/5';
    });
    expect(ok(tenant).url).toBe('https://acme.ghe.com/acme/app/security/dependabot/5');
  });

  it('an old alert without epss, cvss_severities or relationship uses the legacy cvss', () => {
    const f = ok(oldAlert);
    expect(f.cvss).toEqual({ score: 5.5, version: '3.1', vector: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N' });
    expect(f.epss).toBeUndefined();
    expect(f.github?.scope).toBe('runtime');
  });

  it.each<[string, unknown, unknown, Finding['epss']]>([
    ['numbers on 0–1', 0.2, 0.95, { probability: 0.2, percentile: 0.95 }],
    ['strings like "0.16001e0"', '0.00045', '0.16001e0', { probability: 0.00045, percentile: 0.16001 }],
    ['percentages on 0–100', 12.5, 97.3, { probability: 0.125, percentile: 0.973 }],
    ['no percentile → no epss', 0.2, null, undefined],
    ['garbage → no epss', 'n/a', 0.5, undefined],
  ])('EPSS: %s', (_name, percentage, percentile, epss) => {
    expect(ok(variant(open, (r) => (r.security_advisory.epss = { percentage, percentile }))).epss).toEqual(epss);
  });

  it('EPSS null (2026 data without a score)', () => {
    expect(ok(variant(open, (r) => (r.security_advisory.epss = null))).epss).toBeUndefined();
  });

  it.each<[string, (a: Raw) => void, Finding['cvss']]>([
    [
      'v4 "not scored" (0, null vector) falls back to v3',
      (a) => (a.cvss_severities.cvss_v4 = { vector_string: null, score: 0 }),
      { score: 5.5, version: '3.1', vector: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N' },
    ],
    [
      'v4 null score',
      (a) => (a.cvss_severities.cvss_v4 = { vector_string: null, score: null }),
      { score: 5.5, version: '3.1', vector: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N' },
    ],
    [
      'nothing scored anywhere → absent',
      (a) => {
        a.cvss_severities = { cvss_v3: { vector_string: null, score: 0 }, cvss_v4: null };
        a.cvss = { vector_string: null, score: 0 };
      },
      undefined,
    ],
    ['cvss_severities null → legacy cvss', (a) => (a.cvss_severities = null), { score: 5.5, version: '3.1', vector: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N' }],
  ])('CVSS: %s', (_name, change, cvss) => {
    expect(ok(variant(open, (r) => change(r.security_advisory))).cvss).toEqual(cvss);
  });

  it.each<[string, (r: Raw) => void, string]>([
    ['html_url on github.com', () => {}, 'octocat/hello-world'],
    ['html_url on a GHES host, upper case', (r) => (r.html_url = 'https://GHE.example.com/Platform/Payments-API/security/dependabot/1'), 'platform/payments-api'],
    [
      'the API url when html_url is missing',
      (r) => {
        delete r.html_url;
        r.url = 'https://ghe.example.com/api/v3/repos/Acme/Web/dependabot/alerts/1';
      },
      'acme/web',
    ],
    ['repository.full_name over html_url', (r) => (r.repository = { full_name: 'Acme/Payments' }), 'acme/payments'],
  ])('repository from %s', (_name, change, repo) => {
    const f = ok(variant(open, change));
    expect(f.github?.repo).toBe(repo);
    expect(f.id).toBe(`dependabot:${repo}#1`);
  });

  it.each<[string, (r: Raw) => void, Partial<Finding>]>([
    [
      'fixed',
      (r) => {
        r.state = 'fixed';
        r.fixed_at = '2022-07-01T00:00:00Z';
      },
      { status: 'fixed', closedAt: '2022-07-01T00:00:00.000Z' },
    ],
    ['fixed without fixed_at → updated_at', (r) => (r.state = 'fixed'), { status: 'fixed', closedAt: '2022-06-14T15:21:52.000Z' }],
    [
      'dismissed',
      (r) => {
        r.state = 'dismissed';
        r.dismissed_at = '2022-08-01T10:00:00Z';
        r.dismissed_reason = 'not_used';
      },
      { status: 'dismissed', closedAt: '2022-08-01T10:00:00.000Z', closeReason: 'not_used' },
    ],
    [
      'auto_dismissed',
      (r) => {
        r.state = 'auto_dismissed';
        r.auto_dismissed_at = '2022-09-01T00:00:00Z';
      },
      { status: 'dismissed', closedAt: '2022-09-01T00:00:00.000Z', closeReason: 'auto_dismissed' },
    ],
  ])('state %s', (_name, change, expected) => {
    expect(ok(variant(open, change))).toMatchObject(expected);
  });

  it.each<[string, (r: Raw) => void, Partial<Finding>]>([
    ['"moderate" severity is medium', (r) => (r.security_advisory.severity = 'moderate'), { severity: 'medium' }],
    [
      'severity from security_vulnerability when the advisory has none',
      (r) => {
        delete r.security_advisory.severity;
        r.security_vulnerability.severity = 'critical';
      },
      { severity: 'critical' },
    ],
    ['development scope', (r) => (r.dependency.scope = 'development'), { github: expect.objectContaining({ scope: 'development' }) }],
    ['null scope counts as runtime', (r) => (r.dependency.scope = null), { github: expect.objectContaining({ scope: 'runtime' }) }],
    ['no patched version', (r) => (r.security_vulnerability.first_patched_version = null), { fixAvailable: false }],
    ['malware is known exploited', (r) => (r.security_advisory.classification = 'malware'), { knownExploited: true, exploitAvailable: true, severity: 'medium' }],
    [
      'package names are lower-cased in packages only',
      (r) => (r.dependency.package.name = 'Newtonsoft.Json'),
      { packages: ['newtonsoft.json'], github: expect.objectContaining({ package: 'Newtonsoft.Json' }) },
    ],
    [
      'CVEs from identifiers too, upper-cased and unique',
      (r) => {
        r.security_advisory.cve_id = null;
        r.security_advisory.identifiers.push({ type: 'CVE', value: 'cve-2020-0001' }, { type: 'CVE', value: 'CVE-2021-20191' });
      },
      { cves: ['CVE-2020-0001', 'CVE-2021-20191'] },
    ],
  ])('%s', (_name, change, expected) => {
    expect(ok(variant(open, change))).toMatchObject(expected);
  });
});

describe('normalizeDependabotAlert: rejects', () => {
  it.each<[string, unknown, string, string | undefined]>([
    ['no number', variant(open, (r) => delete r.number), 'missing number', undefined],
    ['unknown state', variant(open, (r) => (r.state = 'reopened')), 'state must be one of open, fixed, dismissed, auto_dismissed; got "reopened"', 'octocat/hello-world#1'],
    ['no security_advisory', variant(open, (r) => delete r.security_advisory), 'missing security_advisory', 'octocat/hello-world#1'],
    [
      'no repository anywhere',
      variant(open, (r) => {
        delete r.html_url;
        delete r.url;
      }),
      'cannot tell the repository: no repository.full_name and html_url is not …/OWNER/REPO/security/dependabot/N (names without slashes, spaces or control characters)',
      undefined,
    ],
    ...(
      [
        ['a newline', 'acme/pay%0Aments'],
        ['a bidi override', 'acme/pay%E2%80%AEments'],
        ['a space', 'acme/pay%20ments'],
        ['an escaped slash', 'acme/pay%2Fments'],
      ] as const
    ).map(
      ([what, path]) =>
        [
          `a repository name decoded from html_url with ${what}`,
          variant(open, (r) => {
            delete r.url;
            r.html_url = `https://github.com/${path}/security/dependabot/1`;
          }),
          'cannot tell the repository: no repository.full_name and html_url is not …/OWNER/REPO/security/dependabot/N (names without slashes, spaces or control characters)',
          undefined,
        ] as [string, unknown, string, string | undefined],
    ),
    [
      'a repository.full_name with a control character, and no html_url to fall back on',
      variant(open, (r) => {
        delete r.url;
        delete r.html_url;
        r.repository = { full_name: 'acme/pay\u0007ments' };
      }),
      'cannot tell the repository: no repository.full_name and html_url is not …/OWNER/REPO/security/dependabot/N (names without slashes, spaces or control characters)',
      undefined,
    ],
    [
      'no severity anywhere',
      variant(open, (r) => {
        r.security_advisory.severity = 'unknown';
        delete r.security_vulnerability;
      }),
      'security_advisory.severity must be low, medium, high or critical; got "unknown"',
      'octocat/hello-world#1',
    ],
    ['a bad created_at', variant(open, (r) => (r.created_at = 'soon')), 'created_at is not a timestamp: "soon"', 'octocat/hello-world#1'],
    ['an array', [open], 'record is not an object', undefined],
  ])('%s', (_name, raw, reason, nativeId) => {
    const { claims: _claims, ...r } = normalizeDependabotAlert(raw) as { claims?: unknown };
    expect(r).toEqual(nativeId ? { ok: false, reason, nativeId } : { ok: false, reason });
  });

  it('normalizes a mixed batch: good records pass, bad ones get reasons', () => {
    const results = [dismissed, { number: 3 }, open].map(normalizeDependabotAlert);
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]).toMatchObject({ ok: false, reason: 'missing state; missing created_at; missing updated_at (and 1 more)' });
  });
});

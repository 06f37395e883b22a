import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/config/policy.js';
import { FINDING_COLUMNS, renderFindingsCsv } from '../../src/report/csv.js';
import { makeAsset, makeFinding, makeInventory, scoreWith } from '../builders.js';

/** The same vulnerability from Inspector and Dependabot on one asset is one vulnerability. */
const asset = makeAsset({ criticality: 'high', exposure: 'internal' });
const log4j = { cves: ['CVE-2021-44228'], packages: ['org.apache.logging.log4j:log4j-core'] };
const only = (r: ReturnType<typeof scoreWith>) => r.assets[0]!;

describe('cross-source duplicates', () => {
  it('keep the SLA clock of the earliest sighting', () => {
    const inspector = makeFinding({ ...log4j, severity: 'critical', firstSeen: '2026-11-22T00:00:00Z' });
    const dependabot = makeFinding({ ...log4j, source: 'dependabot', severity: 'high', firstSeen: '2026-07-30T00:00:00Z', github: { repo: 'acme/app', scope: 'runtime' } });
    const a = only(scoreWith([inspector, dependabot], [asset], { policy: { ...DEFAULT_POLICY, remediationMinEvents: 1 } }));
    const kept = a.findings.find((s) => s.excluded === undefined)!;
    expect(kept.finding.id).toBe(inspector.id);
    expect(kept.ageDays).toBe(120);
    expect(kept.ageFrom).toBe(dependabot.id);
    expect(kept.overdue).toBe(true);
    expect(a.overdue).toBe(1);
    expect(a.remediation.sli).toBe(0);
    // findings.csv says whose sighting set the age and the due date: its first_seen is its own.
    const r = scoreWith([inspector, dependabot], [asset], { policy: { ...DEFAULT_POLICY, remediationMinEvents: 1 } });
    const rows = renderFindingsCsv(r)
      .trimEnd()
      .split('\n')
      .map((l) => l.split(','));
    const col = (name: string) => FINDING_COLUMNS.indexOf(name as (typeof FINDING_COLUMNS)[number]);
    const row = rows.find((cells) => cells[col('finding_id')] === inspector.id)!;
    expect([row[col('first_seen')], row[col('age_days')], row[col('due')], row[col('age_from')]]).toEqual(['2026-11-22', '120', '2026-08-06', dependabot.id]);
    expect(rows.find((cells) => cells[col('finding_id')] === dependabot.id)![col('age_from')]).toBe('');
  });

  it('closed reports open at the same time keep the earlier clock (a deadline missed while open stays missed); a report that came back later keeps its own', () => {
    const policy = { ...DEFAULT_POLICY, remediationMinEvents: 1 };
    const gh = { repo: 'acme/app', scope: 'runtime' as const };
    // Dependabot saw it on 09-01; Inspector on 10-20; both fixed on 11-10. High: 30 days from 09-01 is 10-01, missed.
    const together = scoreWith(
      [
        makeFinding({ ...log4j, severity: 'high', status: 'fixed', firstSeen: '2026-10-20T00:00:00Z', closedAt: '2026-11-10T00:00:00Z' }),
        makeFinding({ ...log4j, source: 'dependabot', severity: 'high', status: 'fixed', firstSeen: '2026-09-01T00:00:00Z', closedAt: '2026-11-10T00:00:00Z', github: gh }),
      ],
      [asset],
      { policy },
    );
    expect(only(together).remediation).toMatchObject({ events: 1, good: 0 });
    // Fixed on 09-10 by Dependabot's account; seen again by Inspector on 11-01 and fixed on 11-10: on time, by its own clock.
    const apart = scoreWith(
      [
        makeFinding({ ...log4j, severity: 'high', status: 'fixed', firstSeen: '2026-11-01T00:00:00Z', closedAt: '2026-11-10T00:00:00Z' }),
        makeFinding({ ...log4j, source: 'dependabot', severity: 'high', status: 'fixed', firstSeen: '2026-09-01T00:00:00Z', closedAt: '2026-09-10T00:00:00Z', github: gh }),
      ],
      [asset],
      { policy },
    );
    expect(only(apart).remediation).toMatchObject({ events: 1 });
    expect(only(apart).remediation.good).toBeGreaterThan(0);
  });

  it("one fix closes both reports, and its action names the duplicate's manifest too", () => {
    const inspector = makeFinding({ ...log4j, severity: 'critical' });
    const inApp = makeFinding({ ...log4j, source: 'dependabot', github: { repo: 'acme/app', manifestPath: 'pom.xml', scope: 'runtime' } });
    const r = scoreWith([inspector, inApp], [asset]);
    const fix = r.fixes.find((f) => f.findingIds.includes(inspector.id))!;
    expect([...fix.findingIds].sort()).toEqual([inspector.id, inApp.id].sort());
    expect(fix.action).toBe('upgrade org.apache.logging.log4j:log4j-core on arn:aws:ecs:ap-northeast-1:111122223333:service/app; also reported in acme/app/pom.xml');
    expect(r.fixes).toHaveLength(1);
    // A report of the same place by another source adds no place (nor does a fix without duplicates).
    const alone = scoreWith([makeFinding({ ...log4j, severity: 'critical' })], [asset]).fixes[0]!;
    expect(alone.action).not.toContain('also reported');
  });

  it('one report of each source pairs: two manifests are two upgrades, and adding the image report never lowers the risk', () => {
    const inspector = makeFinding({ ...log4j, severity: 'critical' });
    const inApp = makeFinding({ ...log4j, source: 'dependabot', github: { repo: 'acme/app', manifestPath: 'pom.xml', scope: 'runtime' } });
    const inSdk = makeFinding({ ...log4j, source: 'dependabot', github: { repo: 'acme/app-sdk', manifestPath: 'pom.xml', scope: 'runtime' } });
    const both = makeAsset({ criticality: 'high', exposure: 'internal', github: { repos: ['acme/app', 'acme/app-sdk'] } });
    const withImage = only(scoreWith([inspector, inApp, inSdk], [both]));
    const without = only(scoreWith([inApp, inSdk], [both]));
    // The Inspector report (heavier: critical) keeps one alert as its duplicate; the other manifest's alert counts on its own.
    expect(withImage.findings.filter((s) => s.excluded === undefined).map((s) => s.finding.id)).toEqual([inspector.id, inSdk.id]);
    expect(withImage.findings.find((s) => s.finding.id === inApp.id)!.excluded).toEqual({ kind: 'duplicate', of: inspector.id });
    expect(withImage.risk).toBeGreaterThanOrEqual(without.risk);
    const fixes = scoreWith([inspector, inApp, inSdk], [both]).fixes;
    expect(fixes.map((f) => [...f.findingIds].sort())).toEqual(expect.arrayContaining([[inspector.id, inApp.id].sort(), [inSdk.id]]));
    expect(fixes).toHaveLength(2);
  });

  it('two image reports and two manifest alerts pair two by two, whatever the weights', () => {
    const i1 = makeFinding({ ...log4j, severity: 'critical' });
    const i2 = makeFinding({
      ...log4j,
      severity: 'critical',
      aws: { accountId: '111122223333', region: 'ap-northeast-1', resources: [{ id: 'arn:aws:ecs:ap-northeast-1:111122223333:service/app-2', type: 'AwsEcsService', tags: {} }] },
    });
    const d1 = makeFinding({ ...log4j, source: 'dependabot', severity: 'high', github: { repo: 'acme/app', manifestPath: 'pom.xml', scope: 'runtime' } });
    const d2 = makeFinding({ ...log4j, source: 'dependabot', severity: 'high', github: { repo: 'acme/app-sdk', manifestPath: 'pom.xml', scope: 'runtime' } });
    const both = makeAsset({ criticality: 'high', exposure: 'internal', github: { repos: ['acme/app', 'acme/app-sdk'] } });
    const a = only(scoreWith([d1, d2, i1, i2], [both]));
    expect(a.findings.filter((s) => s.excluded === undefined)).toHaveLength(2);
    expect(a.findings.filter((s) => s.excluded?.kind === 'duplicate')).toHaveLength(2);
  });

  it('PyPI names pair as PyPI compares them: typing_extensions is typing-extensions (and Typing.Extensions)', () => {
    const cve = { cves: ['CVE-2026-0001'] };
    const inspector = makeFinding({ ...cve, packages: ['typing-extensions'], severity: 'high' });
    const dependabot = makeFinding({
      ...cve,
      packages: ['typing_extensions'],
      source: 'dependabot',
      github: { repo: 'acme/app', manifestPath: 'requirements.txt', scope: 'runtime', ecosystem: 'pip' },
    });
    const a = only(scoreWith([inspector, dependabot], [asset]));
    expect(a.findings.filter((s) => s.excluded === undefined)).toHaveLength(1);
    const dotted = makeFinding({ ...cve, packages: ['typing.extensions'], source: 'dependabot', github: { repo: 'acme/app', scope: 'runtime' } });
    expect(only(scoreWith([inspector, dotted], [asset])).findings.filter((s) => s.excluded === undefined)).toHaveLength(1);
    // Another vulnerability id: no pair, however alike the names.
    const other = makeFinding({ cves: ['CVE-2026-0002'], packages: ['typing_extensions'], source: 'dependabot', github: { repo: 'acme/app', scope: 'runtime' } });
    expect(only(scoreWith([inspector, other], [asset])).findings.filter((s) => s.excluded === undefined)).toHaveLength(2);
  });

  it('an upgrade names the package as its manifest spells it (Go module paths are case-sensitive)', () => {
    const toml = makeFinding({
      source: 'dependabot',
      packages: ['github.com/burntsushi/toml'],
      fixedIn: '1.2.0',
      github: { repo: 'acme/app', manifestPath: 'go.mod', package: 'github.com/BurntSushi/toml', scope: 'runtime' },
    });
    expect(scoreWith([toml], [asset]).fixes[0]!.action).toBe('upgrade github.com/BurntSushi/toml to 1.2.0 in acme/app/go.mod');
  });

  it('an exception written for one source accepts the other source report too', () => {
    const inspector = makeFinding({ ...log4j, severity: 'critical' });
    const dependabot = makeFinding({ ...log4j, source: 'dependabot', ghsa: 'GHSA-jfh8-c2jp-5v3q', github: { repo: 'acme/app', scope: 'runtime' } });
    const inventory = makeInventory([asset], [{ id: 'RA-1', asset: 'app', match: { ghsa: 'GHSA-jfh8-c2jp-5v3q', repo: 'acme/app' }, reason: 'x', expires: '2027-06-30' }]);
    const a = only(scoreWith([inspector, dependabot], [asset], { inventory }));
    expect(a.risk).toBe(0);
    expect(a.findings.map((s) => s.excluded)).toEqual([
      { kind: 'excepted', exceptionId: 'RA-1' },
      { kind: 'excepted', exceptionId: 'RA-1' },
    ]);
  });

  it('pairs GHSA-only advisories (no CVE) too', () => {
    const ghsa = { ghsa: 'GHSA-xxxx-yyyy-zzzz', packages: ['left-pad'] };
    const inspector = makeFinding({ ...ghsa, cves: [], severity: 'high' });
    const dependabot = makeFinding({ ...ghsa, cves: [], source: 'dependabot', severity: 'high', github: { repo: 'acme/app', scope: 'runtime' } });
    const a = only(scoreWith([inspector, dependabot], [asset]));
    expect(a.findings.filter((s) => s.excluded?.kind === 'duplicate')).toHaveLength(1);
    expect(a.risk).toBe(5);
  });

  it('one fix reported by both sources counts once in the remediation SLI', () => {
    const closed = { status: 'fixed' as const, firstSeen: '2026-10-01T00:00:00Z', closedAt: '2026-11-20T00:00:00Z', severity: 'high' as const };
    const late = [makeFinding({ ...log4j, ...closed }), makeFinding({ ...log4j, ...closed, source: 'dependabot', github: { repo: 'acme/app', scope: 'runtime' } })];
    const onTime = makeFinding({ severity: 'high', status: 'fixed', firstSeen: '2026-11-01T00:00:00Z', closedAt: '2026-11-05T00:00:00Z' });
    expect(only(scoreWith([...late, onTime], [asset], { policy: { ...DEFAULT_POLICY, remediationMinEvents: 1 } })).remediation.sli).toBe(0.5);
  });
});

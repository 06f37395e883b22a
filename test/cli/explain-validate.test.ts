import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AS_OF, cli, fixture, tmp } from './run.js';

const from = ['--from', `securityhub=${fixture('securityhub.json')}`, '--from', `dependabot=${fixture('dependabot.json')}`];

describe('secsli explain', () => {
  it('accounts for every point of the asset risk', async () => {
    const r = await cli(['explain', 'payments-api', '--config', fixture('assets.yaml'), ...from, '--as-of', AS_OF]);
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out).toContain('payments-api — BREACHED');
    expect(out).toContain('CISA KEV (CVE-2021-44228)');
    const contributions = [...out.matchAll(/^\s+(\d+\.\d{4}) {2}(critical|high|medium|low|info) /gm)].map((m) => Number(m[1]));
    const total = Number(/^\s+(\d+\.\d{4}) {2}total = R$/m.exec(out)![1]);
    expect(contributions.length).toBe(4);
    expect(contributions.reduce((a, b) => a + b, 0)).toBeCloseTo(total, 3);
    // Damped: exposure 2 × (30/1 + 2.5/2 + 1.125/3 + 0.5/4) = 63.5 (the linear sum was 68.25).
    expect(total).toBeCloseTo(63.5, 4);
    expect(out).toContain('status rule: known exploited past due');
    expect(out).toMatch(/if fixed −57\.0417/);
    expect(out).toMatch(/duplicate of/);
  });

  it('lists excepted findings first, then duplicates, as many as --limit, and counts the rest', async () => {
    const root = new URL('../../', import.meta.url).pathname;
    const ex = ['--from', `securityhub=${root}examples/securityhub-findings.json`, '--from', `dependabot=${root}examples/dependabot-alerts.json`, '--as-of', AS_OF];
    // The bundled example with its expired exception renewed: accepted risk must stay in view.
    const dir = await tmp();
    const config = join(dir, 'assets.yaml');
    await writeFile(config, (await readFile(`${root}assets.yaml`, 'utf8')).replace('expires: 2026-10-31', 'expires: 2027-10-31'));
    const notCounted = (out: string) => out.slice(out.indexOf('Not counted')).split('\n').slice(1).filter(Boolean);
    const all = await cli(['explain', 'payments-api', '--config', config, ...ex]);
    const lines = notCounted(all.stdout);
    const excepted = lines.filter((l) => /: exception /.test(l));
    expect(excepted.length).toBeGreaterThan(0);
    expect(lines.slice(0, excepted.length)).toEqual(excepted);
    // Every one the header counts (the limit, 50, is above them).
    expect(lines.filter((l) => /: duplicate of /.test(l))).toHaveLength(Number(/Not counted \(\d+\): .*?(\d+) duplicate/.exec(all.stdout)![1]));
    expect(excepted).toHaveLength(Number(/Not counted \(\d+\): .*?(\d+) exception/.exec(all.stdout)?.[1] ?? excepted.length));
    expect(all.stdout).not.toContain('…and');
    const three = notCounted((await cli(['explain', 'payments-api', '--config', config, ...ex, '--limit', '3'])).stdout);
    expect(three.slice(0, 3)).toEqual(lines.slice(0, 3));
    expect(three[3]).toBe(`  …and ${lines.length - 3} more excepted or duplicate (--limit to show them)`);
  });

  it('names the known assets when the asset is unknown', async () => {
    const r = await cli(['explain', 'nope', '--config', fixture('assets.yaml'), ...from, '--as-of', AS_OF]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('payments-api');
  });
});

describe('secsli validate', () => {
  it('exits 0 on a clean file', async () => {
    const r = await cli(['validate', '--config', fixture('assets.yaml'), '--as-of', AS_OF]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ok');
  });

  it.each(['true', 'false', 'True'])('accepts `groupBy: { namePrefix: %s }` as written in YAML (a boolean, not the string)', async (value) => {
    const dir = await tmp();
    const cfg = join(dir, 'assets.yaml');
    await writeFile(
      cfg,
      [
        'version: 1',
        'discovery:',
        `  groupBy: { namePrefix: ${value} }`,
        'owners: { team-a: {} }',
        'assets:',
        '  - { id: a, owner: team-a, criticality: high, exposure: internet, github: { repos: [acme/a] } }',
        '',
      ].join('\n'),
    );
    const r = await cli(['validate', '--config', cfg, '--as-of', AS_OF]);
    expect(r.stdout + r.stderr).not.toMatch(/namePrefix/);
    expect(r.code).toBe(0);
  });

  it('still refuses a namePrefix that is not true or false, naming line and path', async () => {
    const dir = await tmp();
    const cfg = join(dir, 'assets.yaml');
    await writeFile(
      cfg,
      ['version: 1', 'discovery:', '  groupBy: { namePrefix: "true" }', 'assets:', '  - { id: a, owner: t, criticality: high, exposure: internet }', ''].join('\n'),
    );
    const r = await cli(['validate', '--config', cfg, '--as-of', AS_OF]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/assets\.yaml:3:\d+ discovery\.groupBy\.namePrefix: expected true or false/);
  });

  it('prints every problem and exits 2', async () => {
    const dir = await tmp();
    const cfg = join(dir, 'assets.yaml');
    await writeFile(
      cfg,
      [
        'version: 1',
        'owners: { team-a: {} }',
        'assets:',
        '  - { id: a, owner: team-a, criticality: high, exposure: internet, aws: { accounts: ["1234"] } }',
        '  - { id: a, owner: team-b, criticality: high, exposure: internet }',
        'exceptions:',
        '  - { id: RA-1, asset: ghost, match: { cve: CVE-2020-1 }, reason: x }',
        '',
      ].join('\n'),
    );
    const r = await cli(['validate', '--config', cfg, '--as-of', AS_OF]);
    expect(r.code).toBe(2);
    const lines = r.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(5);
    for (const l of lines.slice(0, -1)) expect(l).toMatch(/^.*assets\.yaml:\d+:\d+ \S+: /);
  });
});

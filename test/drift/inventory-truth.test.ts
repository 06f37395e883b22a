import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseSnapshot } from '../../src/history/schema.js';
import { AS_OF, cli, tmp } from '../cli/run.js';
import { LAKE, LEGACY, STRAY, truthWorld, type TruthWorld, type WorldOptions } from './world.js';

// Organizations unpaced except in the first test, which checks the production pace (world.ts).
const pace = vi.hoisted(() => ({ production: false }));
vi.mock('../../src/discovery/index.js', async (original) => (await import('./world.js')).organizationsPace(await original(), () => pace.production));

/**
 * Inventory truth in a live `secsli score`, end to end on the GitHub, Security Hub and Organizations
 * emulators (real Octokit and AWS SDK clients, configured by the environment only).
 */

const worlds: TruthWorld[] = [];
afterEach(async () => {
  pace.production = false;
  await Promise.all(worlds.splice(0).map((w) => w.close()));
});

async function run(o: WorldOptions = {}, ...extra: string[]) {
  const w = await truthWorld(o);
  worlds.push(w);
  const out = await tmp();
  const r = await cli(['score', '--config', w.config, '--as-of', AS_OF, '--out', out, ...extra], w.env);
  const runDir = r.stdout.trim();
  const read = (f: string) => readFile(join(runDir, f), 'utf8');
  const rows = async () => parse(await read('inventory.csv'), { columns: true }) as Record<string, string>[];
  return { w, r, runDir, read, rows };
}

describe('inventory truth in every live run', () => {
  it('lists unclaimed repositories with coverage, the coverage SLI 25/30, dangling claims, attribute drift and contradicted exposure', async () => {
    pace.production = true;
    const { w, r, read, rows } = await run();
    // Organizations at its production pace (src/discovery): a burst of 8, then at most 4 requests/s.
    const org = w.org.requests;
    expect(org.length).toBeGreaterThan(8);
    expect(org.at(-1)!.at - org[0]!.at).toBeGreaterThanOrEqual((org.length - 8) * 250 * 0.9);
    expect([0, 3], r.stderr).toContain(r.code);
    const md = await read('report.md');
    expect(md).toContain('**Inventory coverage**: 25/30 repositories (83.3 %) and 2/3 accounts (66.7 %) claimed');
    const csv = await rows();
    const unclaimed = csv.filter((x) => x.drift === 'unclaimed');
    expect(unclaimed.filter((x) => x.kind === 'repo').map((x) => [x.key, x.covered, x.open_findings])).toEqual([
      ['acme/tool-1', 'true', '2'],
      ['acme/tool-2', 'true', '0'],
      ['acme/tool-3', 'false', '0'],
      ['acme/tool-4', 'true', '0'],
      ['acme/tool-5', 'true', '0'],
    ]);
    expect(unclaimed.find((x) => x.key === 'acme/tool-3')!.detail).toBe('Dependabot: Dependabot alerts are disabled for this repository.');
    // The org account nobody claims, with its open finding and its Security Hub membership.
    expect(unclaimed.filter((x) => x.kind === 'account').map((x) => [x.key, x.discovered, x.covered, x.detail, x.open_findings])).toEqual([
      // Its findings are not collected: sources.securityhub.accounts defaults to the claimed accounts.
      [STRAY, 'sandbox', 'true', 'Security Hub member (Enabled)', '0'],
    ]);
    // Renamed: one repository (app-e, claimed as app-old), listed as dangling, never as unclaimed.
    const dangling = csv.filter((x) => x.drift === 'dangling').map((x) => [x.asset, x.key, x.state]);
    expect(dangling).toEqual([
      ['legacy', LEGACY, 'suspended'],
      ['apps', 'acme/app-old', 'renamed'],
    ]);
    expect(csv.some((x) => x.key === 'acme/app-e')).toBe(false);
    expect(csv.filter((x) => x.drift === 'attribute').map((x) => [x.asset, x.kind, x.declared, x.discovered, x.key])).toEqual([
      ['data-lake', 'criticality', 'medium', 'high', `account ${LAKE} tag`],
      ['services', 'criticality', 'high', 'critical', 'acme/svc-07 property'],
    ]);
    expect(csv.filter((x) => x.drift === 'exposure').map((x) => [x.asset, x.state, x.declared, x.discovered])).toEqual([['data-lake', 'S3.2', 'isolated', 'internet']]);
    expect(md).toContain('**data-lake**: declared isolated — evidence says internet:');
    expect(md).toMatch(/\| acme\/tool-3 \| \*\*no\*\* \| Dependabot: Dependabot alerts are disabled/);

    const snap = parseSnapshot(await read('snapshot.json'));
    expect(snap.ok).toBe(true);
    const inv = snap.ok ? snap.snapshot.inventory : undefined;
    expect(inv?.discovered).toEqual({ repos: 30, accounts: 3 });
    expect(inv?.claimed).toEqual({ repos: 25, accounts: 2 });
    expect(inv?.unclaimed?.map((u) => u.key)).toEqual([STRAY, 'acme/tool-1', 'acme/tool-2', 'acme/tool-3', 'acme/tool-4', 'acme/tool-5']);
    expect(inv?.dangling?.map((d) => d.state)).toEqual(['suspended', 'renamed']);
  });

  it('is deterministic: the same data and --as-of give byte-identical inventory.csv and report.md', async () => {
    const a = await run();
    const b = await run();
    expect(await b.read('inventory.csv')).toBe(await a.read('inventory.csv'));
    expect(await b.read('report.md')).toBe(await a.read('report.md'));
  });

  it.each([
    ['AccessDenied', 'access-denied' as const, 'access denied (organizations:ListAccounts)'],
    ['AWSOrganizationsNotInUseException', 'not-in-use' as const, 'this account is not in an organization'],
  ])('Organizations %s: falls back to the accounts assets.yaml and the findings name, and says so', async (_n, orgFault, why) => {
    const { r, read, rows } = await run({ orgFault });
    expect([0, 3]).toContain(r.code);
    const md = await read('report.md');
    expect(md).toContain(`the organization’s accounts are not readable (${why}); accounts are those assets.yaml, the findings and the Security Hub members name`.replace('’', "'"));
    const csv = await rows();
    // Without Organizations, the administrator's Security Hub members are the accounts known to exist.
    expect(csv.filter((x) => x.drift === 'unclaimed' && x.kind === 'account').map((x) => x.key)).toEqual([STRAY]);
    expect(csv.filter((x) => x.drift === 'dangling').map((x) => [x.key, x.state])).toContainEqual([LEGACY, 'suspended']);
    // Only the accounts known of were counted: the share is an upper bound, and says why.
    expect(md).toContain('2/3 accounts (≤ 66.7 %: only the accounts assets.yaml and the findings name: the organization’s account list was not read)');
  });

  it('custom properties not readable: attribute drift from properties is skipped with a note, the run goes on', async () => {
    const { r, read, rows } = await run({ propertiesForbidden: true });
    expect([0, 3]).toContain(r.code);
    expect(await read('report.md')).toMatch(/custom properties of acme are not readable .*attribute drift from properties is skipped there/);
    expect((await rows()).filter((x) => x.drift === 'attribute').map((x) => x.asset)).toEqual(['data-lake']);
  });

  it('ListMembers denied: coverage of unclaimed accounts comes from the evidence probe, and the report says so', async () => {
    const { read, rows } = await run({ membersDenied: true });
    expect(await read('report.md')).toMatch(/Security Hub members are not readable .*evidence probe instead/);
    const stray = (await rows()).find((x) => x.key === STRAY)!;
    expect([stray.covered, stray.detail]).toEqual(['true', 'Security Hub findings seen (evidence probe)']);
  });

  it('DescribeHub refused: Security Hub could not be reached, not "enabled in none of the Regions"', async () => {
    const { read } = await run({ hubDenied: true });
    const md = await read('report.md');
    expect(md).toMatch(
      /Security Hub could not be reached \(ap-northeast-1: .*not authorized to perform: securityhub:DescribeHub.*\); unclaimed accounts cannot be checked for coverage/,
    );
    expect(md).not.toContain('enabled in none of the configured Regions');
  });

  it('--no-discovery skips it: no inventory.csv, no Inventory truth section', async () => {
    const { read } = await run({}, '--no-discovery');
    await expect(read('inventory.csv')).rejects.toThrow();
    expect(await read('report.md')).not.toContain('Inventory truth');
  });
});

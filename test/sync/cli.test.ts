import { cp, readdir, readFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { STATE_FOLDER } from '../../src/sync/state.js';
import { cli } from '../cli/run.js';
import { startGithubEmulator, type GithubEmulator } from '../fakes/github-emulator.js';
import { startSecurityHubEmulator, type SecurityHubEmulator } from '../fakes/securityhub-emulator.js';
import { alertsFor, makeAsff } from '../fakes/seed.js';
import { FAKE } from '../live/world.js';
import { A, B, dbChange, shChange, tmp } from './world.js';

/**
 * `secsli score` end to end with incremental sync: run in full, change the data on the emulators
 * (created, updated, resolved, passed, archived; alerts created, dismissed, fixed), run again
 * incrementally, run in full on a fresh state — the reports must be the same, byte for byte.
 * Production settings throughout (limiter, retries): the data fits one page per query.
 */

const CONFIG = fileURLToPath(new URL('../fixtures/live/assets.yaml', import.meta.url));
const REGION = 'ap-northeast-1';
const GH_TOKEN = 'ghp_FAKEtoken0123456789SECRET';
const COMPARED = ['assets.csv', 'findings.csv', 'unmapped.csv'];

const servers: Array<SecurityHubEmulator | GithubEmulator> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const read = (dir: string, f: string) => readFile(join(dir, f), 'utf8');
const sortedLines = async (dir: string, f: string) => (await read(dir, f)).split('\n').filter(Boolean).sort();

/** Security Hub and GitHub emulators serving `findings` and `alerts` (a repository per key), and the environment that points the CLI at them. */
async function world(findings: NonNullable<Parameters<typeof startSecurityHubEmulator>[0]>['findings'], alerts: Record<string, ReturnType<typeof alertsFor>>) {
  const sh = await startSecurityHubEmulator({ findings });
  const repos = Object.keys(alerts).map((full) => ({ owner: full.split('/')[0]!, name: full.split('/')[1]! }));
  const gh = await startGithubEmulator({ token: GH_TOKEN, repos, alerts });
  servers.push(sh, gh);
  const env = {
    AWS_ENDPOINT_URL: sh.url,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: FAKE.awsKeyId,
    AWS_SECRET_ACCESS_KEY: FAKE.awsSecret,
    GITHUB_API_URL: gh.url,
    GITHUB_TOKEN: GH_TOKEN,
  };
  return { sh, gh, env };
}

describe('secsli score with incremental sync', () => {
  it('full, changes, incremental, then full on a fresh state: identical reports', async () => {
    // Old records (2026-01, see seed.ts): only what the test changes is newer than the last sync.
    const findings = Array.from({ length: 70 }, (_, i) => makeAsff(i, { account: i % 2 ? A : B, region: REGION, kind: i % 5 === 0 ? 'inspector' : 'control' }));
    const alerts = { 'acme/payments-api': alertsFor('acme', 'payments-api', 30), 'acme/web': alertsFor('acme', 'web', 20), 'acme/unclaimed': alertsFor('acme', 'unclaimed', 5) };
    const { sh, gh, env } = await world(findings, alerts);
    const t0 = Math.floor(Date.now() / 1000) * 1000;
    const asOf1 = new Date(t0).toISOString();
    const asOf2 = new Date(t0 + 3_600_000).toISOString();
    // --no-discovery: the request counts below are the collectors' own (inventory truth is tested in test/drift).
    const score = (out: string, asOf: string, ...extra: string[]) =>
      cli(['score', '--config', CONFIG, '--out', out, '--as-of', asOf, '--save-raw', '--no-discovery', ...extra], env);

    const outA = await tmp();
    const first = await score(outA, asOf1);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/full pull \(no sync state yet\)/);
    expect((await readdir(join(outA, STATE_FOLDER))).sort()).toEqual(['dependabot.ndjson', 'securityhub.ndjson']);

    shChange.create(findings, 500, A);
    shChange.update(findings[3]!);
    shChange.resolve(findings[10]!);
    shChange.pass(findings[12]!);
    shChange.archive(findings[5]!); // an Inspector finding: its risk leaves with it
    dbChange.create(alerts['acme/payments-api']!, 'acme', 'payments-api', 100);
    dbChange.dismiss(alerts['acme/web']![0]!);
    dbChange.fix(alerts['acme/payments-api']![1]!);

    const shBefore = sh.requests.length;
    const ghBefore = gh.requests.length;
    const inc = await score(outA, asOf2);
    expect(inc.code).toBe(0);
    expect(inc.stderr).toMatch(/Security Hub API ASFF \(ap-northeast-1\): incremental sync since/);
    expect(inc.stderr).toMatch(/Dependabot API \(org acme\): incremental sync since/);
    // One changes page for Security Hub (both accounts still have findings: no evidence check);
    // Dependabot: repository list, one page of changes, one probe per claimed repository.
    expect(sh.requests.length - shBefore).toBe(1);
    expect(gh.requests.length - ghBefore).toBe(4);
    expect(sh.requests.at(-1)!.body.Filters).toEqual({
      UpdatedAt: [{ Start: expect.any(String), End: '9999-12-31T23:59:59Z' }],
      AwsAccountId: [
        { Value: A, Comparison: 'EQUALS' },
        { Value: B, Comparison: 'EQUALS' },
      ],
    });

    // The same data, pulled in full with no state; the earlier run copied over so "change since the previous run" matches too.
    const outB = await tmp();
    const firstRun = first.stdout.trim();
    await cp(firstRun, join(outB, basename(firstRun)), { recursive: true });
    const full = await score(outB, asOf2);
    expect(full.stderr).toMatch(/full pull \(no sync state yet\)/);
    expect(full.code).toBe(inc.code);
    const incDir = inc.stdout.trim();
    const fullDir = full.stdout.trim();
    for (const f of COMPARED) expect(await read(incDir, f), f).toBe(await read(fullDir, f));
    for (const f of ['raw/securityhub.ndjson', 'raw/dependabot.ndjson']) expect(await sortedLines(incDir, f), f).toEqual(await sortedLines(fullDir, f));
    // The changes are really in there.
    const findingsCsv = await read(incDir, 'findings.csv');
    expect(findingsCsv).toContain('(updated)');
    expect(findingsCsv).not.toContain(findings[5]!.Id);
    expect(await read(incDir, 'assets.csv')).not.toBe(await read(firstRun, 'assets.csv'));

    // --full on the incremental side: a full pull, the same findings.
    const forced = await score(outA, asOf2, '--full');
    expect(forced.stderr).toMatch(/full pull \(--full\)/);
    expect(await read(forced.stdout.trim(), 'findings.csv')).toBe(await read(fullDir, 'findings.csv'));

    // The state files hold raw records only: no secret.
    for (const out of [outA, outB]) {
      for (const f of await readdir(join(out, STATE_FOLDER))) {
        const text = await read(join(out, STATE_FOLDER), f);
        for (const secret of [GH_TOKEN, FAKE.awsSecret, FAKE.awsKeyId]) expect(text.includes(secret)).toBe(false);
      }
    }
    for (const r of [first, inc, full, forced]) for (const secret of [GH_TOKEN, FAKE.awsSecret, FAKE.awsKeyId]) expect((r.stdout + r.stderr).includes(secret)).toBe(false);
  });

  it("the sync state is redacted of the environment's secrets like raw/ and the reports, and still merges: a secret in a title, and in an id", async () => {
    const findings = Array.from({ length: 20 }, (_, i) => makeAsff(i, { account: i % 2 ? A : B, region: REGION }));
    findings[2]!.Title = `leaked ${FAKE.awsSecret} in a title`;
    // An id with the secret in it is stored redacted: its change must still replace the stored copy (not sit beside it).
    findings[4]!.Id = `arn:aws:securityhub:${REGION}:${A}:finding/${FAKE.awsSecret}`;
    findings[4]!.AwsAccountId = A;
    const alerts = { 'acme/payments-api': alertsFor('acme', 'payments-api', 6), 'acme/web': alertsFor('acme', 'web', 4) };
    alerts['acme/web'][0]!.security_advisory.summary = `leaked ${GH_TOKEN} in a summary`;
    const { env } = await world(findings, alerts);
    const t0 = Math.floor(Date.now() / 1000) * 1000;
    const score = (out: string, asOf: string) => cli(['score', '--config', CONFIG, '--out', out, '--as-of', new Date(asOf).toISOString(), '--save-raw', '--no-discovery'], env);
    /** Every file under `out` that holds a secret, the state included. */
    const leaks = async (out: string) => {
      const hits: string[] = [];
      for (const e of await readdir(out, { withFileTypes: true, recursive: true })) {
        if (!e.isFile()) continue;
        const text = await readFile(join(e.parentPath, e.name), 'utf8');
        for (const secret of [GH_TOKEN, FAKE.awsSecret, FAKE.awsKeyId])
          if (text.includes(secret)) hits.push(`${relative(out, join(e.parentPath, e.name))}: ${secret.slice(0, 6)}…`);
      }
      return hits;
    };

    const outA = await tmp();
    const first = await score(outA, new Date(t0).toISOString());
    expect(first.code, first.stderr).toBe(0);
    expect(await leaks(outA)).toEqual([]);
    const state = await read(join(outA, STATE_FOLDER), 'securityhub.ndjson');
    expect(state).toContain('leaked *** in a title');
    expect(state).toContain(`"id":"arn:aws:securityhub:${REGION}:${A}:finding/***"`);
    expect(await read(join(outA, STATE_FOLDER), 'dependabot.ndjson')).toContain('leaked *** in a summary');

    shChange.update(findings[4]!);
    shChange.update(findings[6]!);
    const inc = await score(outA, new Date(t0 + 3_600_000).toISOString());
    expect(inc.code, inc.stderr).toBe(0);
    expect(inc.stderr).toMatch(/Security Hub API ASFF \(ap-northeast-1\): incremental sync since/);
    expect(inc.stderr).toMatch(/Dependabot API \(org acme\): incremental sync since/);
    expect(await leaks(outA)).toEqual([]);

    // The same data pulled in full on a fresh state: the same reports.
    const outB = await tmp();
    const firstRun = first.stdout.trim();
    await cp(firstRun, join(outB, basename(firstRun)), { recursive: true });
    const full = await score(outB, new Date(t0 + 3_600_000).toISOString());
    expect(full.stderr).toMatch(/full pull \(no sync state yet\)/);
    for (const f of COMPARED) expect(await read(inc.stdout.trim(), f), f).toBe(await read(full.stdout.trim(), f));
    expect((await read(inc.stdout.trim(), 'findings.csv')).match(/finding\/\*\*\*/g)?.length).toBe(1);
    expect(await leaks(outB)).toEqual([]);
    for (const r of [first, inc, full]) for (const secret of [GH_TOKEN, FAKE.awsSecret, FAKE.awsKeyId]) expect((r.stdout + r.stderr).includes(secret)).toBe(false);
  });
});

import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { listen } from '../fakes/http.js';
import { startGithubEmulator, type GithubEmulator, type GithubEmulatorOptions } from '../fakes/github-emulator.js';
import { startOrganizationsEmulator, type OrganizationsEmulator } from '../fakes/organizations-emulator.js';
import { startSecurityHubEmulator, type SecurityHubEmulator, type SecurityHubEmulatorOptions } from '../fakes/securityhub-emulator.js';
import { makeAlert, makeAsff, type AsffSeed } from '../fakes/seed.js';
import { FAKE } from '../live/world.js';
import { AS_OF, cli, tmp } from './run.js';

/**
 * The scheduled job end to end: `secsli score` with live sources (test/fixtures/live/assets.yaml),
 * the real SDK and Octokit clients talking to both emulators on 127.0.0.1, pointed at only through
 * the environment the CLI is given. Production defaults everywhere (retries, limiter): the faults
 * chosen fail fast (401, 403, a repeating NextToken, a repeating cursor), so no backoff is waited.
 */

const CONFIG = fileURLToPath(new URL('../fixtures/live/assets.yaml', import.meta.url));
const A = '111122223333'; // payments-api
const B = '444455556666'; // data-lake
const REGION = 'ap-northeast-1';
const GH_TOKEN = 'ghp_FAKEtoken0123456789SECRET';
const REPORTS = [
  'assets.csv',
  'findings.csv',
  'fixes.csv',
  'inventory.csv',
  'report.md',
  'snapshot-findings.ndjson',
  'snapshot-fixes.ndjson',
  'snapshot.json',
  'summary.json',
  'unmapped.csv',
];

type Obj = Record<string, any>;
/** `days` before AS_OF: every finding is young, so nothing is overdue unless a test wants it. */
const daysBefore = (days: number) => new Date(Date.parse(AS_OF) - days * 86_400_000).toISOString();

function finding(i: number, seed: AsffSeed & { severity?: string }, days = 3): Obj {
  const f = makeAsff(i, { region: REGION, ...seed });
  f.CreatedAt = f.FirstObservedAt = f.LastObservedAt = daysBefore(days);
  f.UpdatedAt = daysBefore(days - 1);
  if (seed.severity) f.Severity = { Label: seed.severity, Original: seed.severity };
  return f;
}

function alert(repo: string, n: number, state: 'open' | 'fixed' | 'dismissed', days = 5): Obj {
  const a = makeAlert('acme', repo, n, state);
  a.created_at = daysBefore(days);
  a.updated_at = daysBefore(days - 1);
  a.fixed_at = state === 'fixed' ? a.updated_at : null;
  a.dismissed_at = state === 'dismissed' ? a.updated_at : null;
  if (state !== 'dismissed') Object.assign(a, { dismissed_by: null, dismissed_reason: null, dismissed_comment: null });
  return a;
}

interface WorldOptions {
  /** Log4Shell (CVSS 10, in CISA KEV) on payments-api's account: payments-api BREACHED. */
  exploited?: boolean;
  /** Dependabot alerts switched off on acme/web. */
  webDisabled?: boolean;
  /** Security Hub not enabled in the Region (401 InvalidAccessException). */
  notSubscribed?: boolean;
  /** Extra LOW control findings on data-lake's account, to make Security Hub page. */
  bulk?: number;
  /** Extra open alerts on acme/unclaimed, to make the org listing page. */
  bulkAlerts?: number;
  /** 30 more open alerts on acme/web, a year old: web BREACHED (risk budget), from Dependabot alone. */
  webOverdue?: boolean;
}

interface World {
  sh: SecurityHubEmulator;
  gh: GithubEmulator;
  /** Discovery's account list (inventory truth runs in every live run; see test/drift). */
  org: OrganizationsEmulator;
  /** The emulators read these on every request: tests flip faults between runs. */
  shOpts: SecurityHubEmulatorOptions;
  ghOpts: GithubEmulatorOptions;
  env: NodeJS.ProcessEnv;
}

const open: World[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).flatMap((w) => [w.sh.close(), w.gh.close(), w.org.close()]));
});

/**
 * Without faults every claimed scope answers: Security Hub has findings for both accounts,
 * Dependabot has alerts on both claimed repositories (and an unclaimed one, which is unmapped).
 * Statuses then: payments-api OK (a medium control, 40 % of its budget; its alerts are closed),
 * web OK, data-lake OK — unless `exploited`.
 */
async function world(o: WorldOptions = {}): Promise<World> {
  const findings = [
    finding(1, { account: A, compliance: 'FAILED' }),
    finding(3, { account: B, compliance: 'FAILED' }),
    finding(4, { account: B, compliance: 'PASSED' }),
    ...(o.exploited ? [finding(2, { account: A, kind: 'inspector' })] : []),
    ...Array.from({ length: o.bulk ?? 0 }, (_, k) => finding(100 + k, { account: B, compliance: 'FAILED', severity: 'LOW' })),
  ];
  const shOpts: SecurityHubEmulatorOptions = { findings, ...(o.notSubscribed ? { fault: (r) => (r.region === REGION ? 'not-subscribed' : undefined) } : {}) };
  const ghOpts: GithubEmulatorOptions = {
    token: GH_TOKEN,
    repos: [
      { owner: 'acme', name: 'payments-api' },
      { owner: 'acme', name: 'web', ...(o.webDisabled ? { alertsDisabled: true } : {}) },
      { owner: 'acme', name: 'unclaimed' },
    ],
    alerts: {
      'acme/payments-api': [alert('payments-api', 1, 'fixed'), alert('payments-api', 2, 'dismissed')],
      'acme/web': [alert('web', 1, 'open'), ...Array.from({ length: o.webOverdue ? 30 : 0 }, (_, k) => alert('web', k + 2, 'open', 365))],
      'acme/unclaimed': Array.from({ length: 2 + (o.bulkAlerts ?? 0) }, (_, k) => alert('unclaimed', k + 1, 'open')),
    },
  };
  const sh = await startSecurityHubEmulator(shOpts);
  const gh = await startGithubEmulator(ghOpts);
  const org = await startOrganizationsEmulator({
    accounts: [
      { id: A, name: 'payments' },
      { id: B, name: 'data' },
    ],
  });
  const env: NodeJS.ProcessEnv = {
    AWS_ENDPOINT_URL_SECURITYHUB: sh.url,
    AWS_ENDPOINT_URL_ORGANIZATIONS: org.url,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: FAKE.awsKeyId,
    AWS_SECRET_ACCESS_KEY: FAKE.awsSecret,
    GITHUB_API_URL: gh.url,
    GITHUB_TOKEN: GH_TOKEN,
  };
  const w = { sh, gh, org, shOpts, ghOpts, env };
  open.push(w);
  return w;
}

const score = (w: World, out: string, ...extra: string[]) => cli(['score', '--config', CONFIG, '--as-of', AS_OF, '--out', out, ...extra], w.env);

/** Every file under `dir` (relative path → content), dot-folders included. */
async function tree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) {
      const path = join(e.parentPath, e.name);
      out.set(relative(dir, path), await readFile(path, 'utf8'));
    }
  }
  return out;
}

const csv = async (runDir: string, f: string) => parse(await readFile(join(runDir, f), 'utf8'), { columns: true }) as Record<string, string>[];
const statuses = async (runDir: string) => Object.fromEntries((await csv(runDir, 'assets.csv')).map((a) => [a.asset_id, a.status]));

/** Neither fake secret anywhere: stdout, stderr, every file the run wrote. */
async function expectNoSecrets(r: { stdout: string; stderr: string }, out: string) {
  const files = [...(await tree(out)).values()];
  for (const secret of [GH_TOKEN, FAKE.awsSecret, FAKE.awsKeyId]) {
    expect(r.stdout.includes(secret), `secret in stdout`).toBe(false);
    expect(r.stderr.includes(secret), `secret in stderr`).toBe(false);
    expect(
      files.some((f) => f.includes(secret)),
      `secret in a written file`,
    ).toBe(false);
  }
}

describe('secsli score against live APIs (both emulators, configured by the environment only)', () => {
  it('all good: writes the run folder, every asset OK and covered, exit 0 even with --fail-on unknown', async () => {
    const w = await world();
    const out = await tmp();
    const r = await score(w, out, '--fail-on', 'unknown', '-v');
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code, r.stderr).toBe(0);
    const runDir = r.stdout.trim();
    expect(runDir).toBe(join(out, '2026-11-27T000000Z'));
    expect((await readdir(runDir)).sort()).toEqual(REPORTS);

    const assets = await csv(runDir, 'assets.csv');
    expect(Object.fromEntries(assets.map((a) => [a.asset_id, [a.status, a.coverage]]))).toEqual({
      'payments-api': ['OK', 'securityhub:covered dependabot:covered'],
      web: ['OK', 'dependabot:covered'],
      'data-lake': ['OK', 'securityhub:covered'],
    });
    const snap = JSON.parse(await readFile(join(runDir, 'snapshot.json'), 'utf8'));
    expect(snap.partial).toBe(false);
    expect(snap.sources.map((s: { source: string; complete: boolean }) => [s.source, s.complete])).toEqual([
      ['securityhub', true],
      ['dependabot', true],
    ]);
    const unmapped = await csv(runDir, 'unmapped.csv');
    expect(unmapped.map((u) => u.account_or_repo)).toEqual(['acme/unclaimed']);
    expect(await readFile(join(runDir, 'report.md'), 'utf8')).toContain('None: every source each asset expects answered for it.');

    // Really the emulators, really through the environment: signed for the Region, the token sent.
    expect(w.sh.requests.length).toBeGreaterThan(0);
    expect(w.sh.requests.every((q) => q.region === REGION && q.accessKeyId === FAKE.awsKeyId)).toBe(true);
    expect(w.gh.requests.every((q) => q.authorization === `token ${GH_TOKEN}`)).toBe(true);
    await expectNoSecrets(r, out);
  });

  it('something breached: exit 0 without --fail-on, 1 with --fail-on breached', async () => {
    const w = await world({ exploited: true });
    const plain = await score(w, await tmp());
    expect(plain.code, plain.stderr).toBe(0);
    expect(await statuses(plain.stdout.trim())).toMatchObject({ 'payments-api': 'BREACHED', web: 'OK', 'data-lake': 'OK' });
    const failOn = await score(w, await tmp(), '--fail-on', 'breached');
    expect(failOn.code, failOn.stderr).toBe(1);
    expect(failOn.stdout.trim()).not.toBe('');
  });

  it('coverage gaps: alerts disabled on a repository, a Region not subscribed (401) → UNKNOWN with the reason, exit 3', async () => {
    const w = await world({ webDisabled: true, notSubscribed: true });
    const out = await tmp();
    const r = await score(w, out);
    // Definitive "no" answers are coverage information: the run is complete (not PARTIAL), the
    // assets UNKNOWN — and the exit code says "could not measure everything" (3, which wins over 1).
    expect(r.code, r.stderr).toBe(3);
    const runDir = r.stdout.trim();
    expect(await statuses(runDir)).toEqual({ 'payments-api': 'UNKNOWN', web: 'UNKNOWN', 'data-lake': 'UNKNOWN' });
    const md = await readFile(join(runDir, 'report.md'), 'utf8');
    const gaps = md.slice(md.indexOf('## Coverage gaps'));
    expect(gaps).toMatch(/web.*Dependabot.*Dependabot alerts are disabled for this repository/);
    expect(gaps).toMatch(/data-lake.*Security Hub.*InvalidAccessException \(401\).*not subscribed/);
    expect(gaps).toMatch(/payments-api.*Security Hub.*not subscribed/);
    expect(JSON.parse(await readFile(join(runDir, 'snapshot.json'), 'utf8')).partial).toBe(false);
    // 401 is not retried, by the SDK or by secsli: one request for the Region.
    expect(w.sh.requests).toHaveLength(1);
    expect((await score(w, await tmp(), '--fail-on', 'unknown')).code).toBe(3);
    await expectNoSecrets(r, out);
  });

  it('a source cut short (Security Hub repeats its NextToken): report written and marked PARTIAL, exit 3, earlier runs untouched', async () => {
    const w = await world({ bulk: 150 });
    const out = await tmp();
    const first = await score(w, out);
    expect(first.code, first.stderr).toBe(0);
    const before = await tree(out);

    w.shOpts.repeatTokenFromPage = 2; // page 2 hands back the token it was given: a paging loop
    // --full: a state file from the first run would otherwise make this an incremental run of
    // one page (no changes), which never reaches page 2 (see docs/live-collectors.md).
    const r = await score(w, out, '--as-of', '2026-11-28T00:00:00Z', '--fail-on', 'breached', '--full');
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/NextToken repeated after page 2/);
    const runDir = r.stdout.trim();
    expect(runDir).toBe(join(out, '2026-11-28T000000Z'));
    expect((await readdir(runDir)).sort()).toEqual(REPORTS);
    const md = await readFile(join(runDir, 'report.md'), 'utf8');
    expect(md).toContain('PARTIAL');
    expect(md).toMatch(/NextToken repeated/);
    const snap = JSON.parse(await readFile(join(runDir, 'snapshot.json'), 'utf8'));
    expect(snap.partial).toBe(true);
    expect(snap.sources.find((s: { source: string }) => s.source === 'securityhub').complete).toBe(false);
    // Assets that depend on Security Hub are UNKNOWN; web only needs Dependabot and stays measured.
    expect(await statuses(runDir)).toEqual({ 'payments-api': 'UNKNOWN', web: 'OK', 'data-lake': 'UNKNOWN' });

    // The earlier run folder is exactly as it was.
    const after = await tree(out);
    for (const [path, text] of before) {
      if (path.startsWith('.secsli-state/dependabot')) continue; // Dependabot completed: its sync state moved on
      expect(after.get(path), path).toBe(text); // … and the failed source kept its old sync state
    }
    expect(before.has('.secsli-state/securityhub.ndjson')).toBe(true);
    await expectNoSecrets(r, out);
  });

  it('a source cut short (Dependabot repeats its cursor): PARTIAL, exit 3, Dependabot-only assets UNKNOWN', async () => {
    const w = await world({ bulkAlerts: 250 });
    w.ghOpts.repeatCursorFromPage = 2;
    const out = await tmp();
    const r = await score(w, out);
    expect(r.code, r.stderr).toBe(3);
    const runDir = r.stdout.trim();
    expect(JSON.parse(await readFile(join(runDir, 'snapshot.json'), 'utf8')).partial).toBe(true);
    expect(await readFile(join(runDir, 'report.md'), 'utf8')).toMatch(/cursor repeated after page 2/);
    expect(await statuses(runDir)).toEqual({ 'payments-api': 'UNKNOWN', web: 'UNKNOWN', 'data-lake': 'OK' });
    await expectNoSecrets(r, out);
  });

  it('every alerts request answered 200 with an HTML page (a proxy): PARTIAL, exit 3, web UNKNOWN (not OK), the sync state kept', async () => {
    const w = await world({ webOverdue: true });
    const out = await tmp();
    const first = await score(w, out);
    expect(first.code, first.stderr).toBe(0);
    expect(await statuses(first.stdout.trim())).toMatchObject({ web: 'BREACHED' });
    const before = await tree(out);

    const page = '<html><head><title>Proxy</title></head><body>Please sign in</body></html>';
    w.ghOpts.fault = (q) => (q.path.includes('/dependabot/alerts') ? { status: 200, raw: page, contentType: 'text/html' } : undefined);
    const r = await score(w, out, '--as-of', '2026-11-28T00:00:00Z');
    expect(r.code, r.stderr).toBe(3);
    const runDir = r.stdout.trim();
    expect(JSON.parse(await readFile(join(runDir, 'snapshot.json'), 'utf8')).partial).toBe(true);
    expect(await statuses(runDir)).toEqual({ 'payments-api': 'UNKNOWN', web: 'UNKNOWN', 'data-lake': 'OK' });
    expect(await readFile(join(runDir, 'report.md'), 'utf8')).toContain(
      `org acme: page 1 of /orgs/acme/dependabot/alerts: 200 with a body that is not a JSON array (text/html, ${page.length} bytes)`,
    );
    const after = await tree(out);
    const state = [...before.keys()].filter((p) => p.startsWith('.secsli-state/dependabot'));
    expect(state.length).toBeGreaterThan(0);
    for (const p of state) expect(after.get(p), p).toBe(before.get(p));
    await expectNoSecrets(r, out);
  });

  it('a next link to another origin: the token is not sent there; PARTIAL, exit 3', async () => {
    const got: string[] = [];
    const other = await listen((q, res) => {
      got.push(String(q.headers.authorization ?? ''));
      res.end('[]');
    });
    onTestFinished(() => other.close());
    const w = await world({ bulkAlerts: 150 });
    w.ghOpts.linkBase = other.url.replace('127.0.0.1', 'localhost');
    const out = await tmp();
    const r = await score(w, out);
    expect(got).toEqual([]);
    expect(r.code, r.stderr).toBe(3);
    expect(await readFile(join(r.stdout.trim(), 'report.md'), 'utf8')).toMatch(/next page link leaves the API origin: http:\/\/localhost:\d+\/orgs\/acme\/dependabot\/alerts/);
    await expectNoSecrets(r, out);
  });

  it('--save-raw replays with --from to byte-identical assets.csv and findings.csv', async () => {
    // Coverage of a replay comes from the files (each file answered for its source), while a live
    // run learns gaps from probes (alerts disabled, 401 Regions, silent accounts). This world has
    // no gap anywhere, so coverage — and with it status — is the same both ways and the whole of
    // assets.csv can be compared, not just the risk columns. Both runs write into fresh --out
    // folders so that risk_change (change since the previous run) is empty in both.
    const w = await world({ exploited: true });
    const liveOut = await tmp();
    const live = await score(w, liveOut, '--save-raw');
    expect(live.code, live.stderr).toBe(0);
    const runDir = live.stdout.trim();
    expect((await readdir(join(runDir, 'raw'))).sort()).toEqual(['dependabot.ndjson', 'securityhub.ndjson']);
    expect((await csv(runDir, 'assets.csv')).every((a) => !a.coverage!.includes('gap'))).toBe(true);

    const replayOut = await tmp();
    const replay = await cli(
      [
        'score',
        '--config',
        CONFIG,
        '--as-of',
        AS_OF,
        '--out',
        replayOut,
        '--from',
        `securityhub=${join(runDir, 'raw/securityhub.ndjson')}`,
        '--from',
        `dependabot=${join(runDir, 'raw/dependabot.ndjson')}`,
      ],
      {},
    ); // no credentials, no endpoints: nothing live can be reached
    expect(replay.code, replay.stderr).toBe(0);
    const replayDir = replay.stdout.trim();
    for (const f of ['assets.csv', 'findings.csv', 'unmapped.csv']) {
      expect(await readFile(join(replayDir, f), 'utf8'), f).toBe(await readFile(join(runDir, f), 'utf8'));
    }
    expect((await csv(replayDir, 'findings.csv')).length).toBeGreaterThan(3);
    await expectNoSecrets(live, liveOut);
  });

  it('no GitHub token: a usage error (exit 2) naming what is missing, nothing written', async () => {
    const w = await world();
    const out = await tmp();
    const { GITHUB_TOKEN: _dropped, ...env } = w.env;
    const r = await cli(['score', '--config', CONFIG, '--as-of', AS_OF, '--out', out], env);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/GITHUB_TOKEN or GH_TOKEN/);
    expect(await readdir(out)).toEqual([]);
  });
});

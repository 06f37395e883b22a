import { readFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../cli/run.js';
import { startGithubEmulator, type GithubEmulator } from '../fakes/github-emulator.js';
import { startSecurityHubEmulator, type SecurityHubEmulator } from '../fakes/securityhub-emulator.js';
import { alertsFor, makeAsff } from '../fakes/seed.js';
import { FAKE } from '../live/world.js';
import { A, B, tmp } from './world.js';

/**
 * Two live runs into one history that overlap: the one that finds the sync state replaced by the
 * other before it publishes its run folder exits 3 — and its summary.json, the summary log line
 * and the next run's `--fail-on worse` baseline all agree that it did.
 */

const CONFIG = fileURLToPath(new URL('../fixtures/live/assets.yaml', import.meta.url));
const REGION = 'ap-northeast-1';
const CONFLICT = "another run updated the sync state; this run's results are kept, state not saved";

const servers: Array<SecurityHubEmulator | GithubEmulator | { close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A pass-through HTTP proxy that holds every request until `open()`: a run kept waiting on its API. */
async function gate(target: string) {
  let opened!: () => void;
  const isOpen = new Promise<void>((res) => (opened = res));
  let first!: () => void;
  const reached = new Promise<void>((res) => (first = res));
  const t = new URL(target);
  const server: Server = createServer((req, res) => {
    first();
    void isOpen.then(() => {
      const up = httpRequest({ host: t.hostname, port: t.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', () => res.destroy());
      req.pipe(up);
    });
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((res) => {
      opened();
      server.closeAllConnections();
      server.close(() => res());
    });
  return { url, open: () => opened(), reached, close };
}

describe('two overlapping live runs into one history', () => {
  it('the loser says exit 3 in summary.json and the summary line as it exits, and is no baseline for --fail-on worse', async () => {
    // payments-api (critical, internet) starts with no findings; overdue ones arrive while the second
    // run waits, so only the runs from then on see it BREACHED.
    const findings = Array.from({ length: 6 }, (_, i) => makeAsff(i, { account: B, region: REGION }));
    findings.push(makeAsff(50, { account: A, region: REGION, compliance: 'PASSED' })); // Security Hub answers for A
    const sh = await startSecurityHubEmulator({ findings });
    const alerts = { 'acme/payments-api': [], 'acme/web': alertsFor('acme', 'web', 1) };
    const gh = await startGithubEmulator({
      token: FAKE.githubToken,
      repos: [
        { owner: 'acme', name: 'payments-api' },
        { owner: 'acme', name: 'web' },
      ],
      alerts,
    });
    const held = await gate(sh.url);
    servers.push(sh, gh, held);
    const env = (shUrl: string) => ({
      AWS_ENDPOINT_URL_SECURITYHUB: shUrl,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: FAKE.awsKeyId,
      AWS_SECRET_ACCESS_KEY: FAKE.awsSecret,
      GITHUB_API_URL: gh.url,
      GITHUB_TOKEN: FAKE.githubToken,
    });
    const out = await tmp('secsli-race-');
    const t0 = Math.floor(Date.now() / 1000) * 1000;
    const at = (ms: number) => new Date(t0 + ms).toISOString();
    const score = (asOf: string, shUrl: string, ...extra: string[]) =>
      cli(['score', '--config', CONFIG, '--out', out, '--as-of', asOf, '--no-discovery', '--log-format', 'json', '--fail-on', 'worse', ...extra], env(shUrl));
    const summaryOf = async (r: { stdout: string }) => JSON.parse(await readFile(join(r.stdout.trim(), 'summary.json'), 'utf8'));
    const logged = (r: { stderr: string }) =>
      r.stderr
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .filter((o) => o.event === 'summary');

    // The later run (as of t0 + 0.3 s) reads the sync state first and waits on Security Hub;
    // meanwhile the earlier one runs through and saves its state.
    const late = score(at(300), held.url);
    await held.reached;
    const first = await score(at(0), sh.url);
    expect(first.code, first.stderr).toBeLessThan(2);
    expect((await summaryOf(first)).changes.map((c: { asset: string }) => c.asset)).not.toContain('payments-api');
    // Old (overdue) findings updated just now, as the API would stamp them: the next incremental pull sees them.
    for (let i = 0; i < 40; i++) findings.push({ ...makeAsff(100 + i, { account: A, region: REGION, kind: 'inspector' }), UpdatedAt: new Date().toISOString() });
    held.open();
    const loser = await late;

    const s = await summaryOf(loser);
    expect(loser.code, loser.stderr).toBe(3);
    expect([s.exitCode, s.exitReason]).toEqual([3, 'incomplete']);
    expect(s.message).toContain(CONFLICT);
    expect(logged(loser)).toHaveLength(1);
    expect(logged(loser)[0]).toMatchObject({ exitCode: 3, exitReason: 'incomplete' });
    expect(loser.stderr).toContain(CONFLICT);
    expect(s.changes.find((c: { asset: string }) => c.asset === 'payments-api')).toMatchObject({ to: 'BREACHED' }); // no previous run when it started

    // The next complete run: the loser's statuses reached no alert, so what it first saw is still news.
    const next = await score(at(3_600_000), sh.url);
    const n = await summaryOf(next);
    expect([next.code, n.exitCode, n.exitReason], JSON.stringify([n.previousRun, n.baselineRun, n.changes])).toEqual([1, 1, 'worse']);
    expect(n.previousRun).toBe(loser.stdout.trim().split('/').pop());
    expect(n.baselineRun).toBe(first.stdout.trim().split('/').pop());
    expect(n.changes.find((c: { asset: string }) => c.asset === 'payments-api')).toMatchObject({ to: 'BREACHED', worse: true });
  });
});

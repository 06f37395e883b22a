import { spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGithubEmulator, type GithubEmulator } from '../fakes/github-emulator.js';
import { startSecurityHubEmulator, type SecurityHubEmulator, type ShRequest } from '../fakes/securityhub-emulator.js';
import { makeAlert, makeAsff } from '../fakes/seed.js';
import { FAKE } from '../live/world.js';
import { tmp } from './run.js';

/**
 * `--timeout` and SIGTERM with the built CLI in a real child process against both emulators,
 * Security Hub hanging on a request the way a stuck API does (no answer, connection open): the
 * deadline scores what was read (PARTIAL, exit 3) and the process exits although a socket is still
 * open; SIGTERM abandons the run (exit 143): no run folder, no temporary file, sync state as it was.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist/src/cli/index.js');
const CONFIG = join(ROOT, 'test/fixtures/live/assets.yaml');
const REGION = 'ap-northeast-1';
const A = '111122223333';
const B = '444455556666';
const AS_OF = '2026-11-27T00:00:00Z';

type Obj = Record<string, any>;
const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} missing: run \`npm run build\` first (npm test does)`);
});

/** 150 findings (two pages) in both accounts, alerts on both claimed repositories. */
async function world(stall: (req: ShRequest) => boolean) {
  const findings: Obj[] = Array.from({ length: 150 }, (_, i) => {
    const f = makeAsff(i + 1, { region: REGION, account: i % 2 ? A : B, compliance: 'FAILED' });
    f.CreatedAt = f.FirstObservedAt = '2026-11-25T00:00:00.000Z';
    f.UpdatedAt = '2026-11-26T00:00:00.000Z';
    return f;
  });
  let stalling = false;
  const sh: SecurityHubEmulator = await startSecurityHubEmulator({ findings, stall: (r) => stalling && stall(r) });
  const alerts = (repo: string): Obj[] => [makeAlert('acme', repo, 1, 'open')];
  const gh: GithubEmulator = await startGithubEmulator({
    token: FAKE.githubToken,
    repos: [
      { owner: 'acme', name: 'payments-api' },
      { owner: 'acme', name: 'web' },
    ],
    alerts: { 'acme/payments-api': alerts('payments-api'), 'acme/web': alerts('web') },
  });
  open.push(sh, gh);
  const env = {
    PATH: process.env.PATH,
    AWS_ENDPOINT_URL_SECURITYHUB: sh.url,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: FAKE.awsKeyId,
    AWS_SECRET_ACCESS_KEY: FAKE.awsSecret,
    GITHUB_API_URL: gh.url,
    GITHUB_TOKEN: FAKE.githubToken,
  };
  return { sh, env, startStalling: () => (stalling = true) };
}

interface Child {
  code: Promise<number | null>;
  stdout: () => string;
  stderr: () => string;
  kill(signal: NodeJS.Signals): void;
}

function secsli(args: string[], env: NodeJS.ProcessEnv): Child {
  const p = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  p.stdout.on('data', (c: Buffer) => (out += c.toString()));
  p.stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { code: new Promise((r) => p.on('close', (c) => r(c))), stdout: () => out, stderr: () => err, kill: (s) => p.kill(s) };
}

const scoreArgs = (out: string, ...extra: string[]) => ['score', '--config', CONFIG, '--as-of', AS_OF, '--out', out, ...extra];

/** Every entry under `dir`, dot-files included, as relative paths. */
const entries = async (dir: string) => ((await readdir(dir, { recursive: true })) as string[]).sort();

async function waitFor(cond: () => boolean, ms = 15_000) {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('stopping a run from outside (real child process, emulators)', () => {
  it('--timeout: what was read is scored, the report is PARTIAL, exit 3, and the process exits despite the hung request', async () => {
    const w = await world((r) => Boolean(r.body.NextToken)); // page 2 never answers
    w.startStalling();
    const out = await tmp('secsli-timeout-');
    const t0 = Date.now();
    const c = secsli(scoreArgs(out, '--timeout', '3s', '--log-format', 'json'), w.env);
    const code = await c.code;
    const seconds = (Date.now() - t0) / 1000;
    expect(code, c.stderr()).toBe(3);
    // Liveness, not speed: the stalled page never answers, so a run that waited for it would never
    // exit. The bound is wide because a loaded CI machine has taken 26 s for this 3 s run.
    expect(seconds).toBeLessThan(90);
    const runDir = c.stdout().trim();
    const summary = JSON.parse(await readFile(join(runDir, 'summary.json'), 'utf8')) as Obj;
    expect([summary.exitCode, summary.exitReason, summary.partial]).toEqual([3, 'timeout', true]);
    const problems = Object.fromEntries((summary.sources as Obj[]).map((s) => [s.source, s.problems]));
    expect(problems).toEqual({
      securityhub: ['cut short: the --timeout deadline (3s) passed'],
      dependabot: ['not collected: the --timeout deadline (3s) passed'],
    });
    // Page 1 (100 findings) was read and scored.
    const snap = JSON.parse(await readFile(join(runDir, 'snapshot.json'), 'utf8')) as Obj;
    expect(snap.summary.findings).toBe(100);
    expect(await readFile(join(runDir, 'report.md'), 'utf8')).toContain('PARTIAL RUN');
    // No sync state from a cut-short source, and nothing temporary left behind.
    expect((await entries(out)).filter((e) => e.includes('.secsli-state/') || e.includes('.tmp-'))).toEqual([]);
    const last = JSON.parse(c.stderr().trim().split('\n').pop()!) as Obj;
    expect([last.event, last.exitReason]).toEqual(['summary', 'timeout']);
  }, 120_000);

  it('SIGTERM: no run folder, no temporary files, sync state untouched, exit 143', async () => {
    const w = await world((r) => r.seq > 0);
    const out = await tmp('secsli-sigterm-');
    const first = secsli(scoreArgs(out), w.env);
    expect(await first.code, first.stderr()).toBe(0);
    const before = await entries(out);
    expect(before).toContain('.secsli-state/securityhub.ndjson');
    const state = await readFile(join(out, '.secsli-state/securityhub.ndjson'), 'utf8');

    w.startStalling(); // the next run's first Security Hub request hangs
    const seen = w.sh.requests.length;
    const c = secsli(
      scoreArgs(out, '--save-raw').map((a) => (a === AS_OF ? '2026-11-28T00:00:00Z' : a)),
      w.env,
    );
    await waitFor(() => w.sh.requests.length > seen);
    c.kill('SIGTERM');
    const code = await c.code;
    expect(code, c.stderr()).toBe(143);
    expect(c.stdout()).toBe('');
    expect(c.stderr()).toMatch(/cancelled by SIGTERM: no report written, sync state untouched; exit 143/);
    expect(await entries(out)).toEqual(before);
    expect(await readFile(join(out, '.secsli-state/securityhub.ndjson'), 'utf8')).toBe(state);
  });

  it('an endpoint that accepts connections and never answers ends with the run: Organizations during discovery, S3 before collecting', async () => {
    // A TCP server that never writes: a proxy or a route that swallows requests.
    const sockets = new Set<Socket>();
    const silent: Server = createServer((s) => sockets.add(s)).listen(0);
    open.push({
      close: () =>
        new Promise<void>((r) => {
          for (const s of sockets) s.destroy();
          silent.close(() => r());
        }),
    });
    const port = (silent.address() as { port: number }).port;
    const w = await world(() => false);
    const out = await tmp('secsli-hung-');
    const t0 = Date.now();
    const c = secsli(scoreArgs(out, '--timeout', '4s'), { ...w.env, AWS_ENDPOINT_URL_ORGANIZATIONS: `http://127.0.0.1:${port}` });
    const code = await c.code;
    expect(Date.now() - t0).toBeLessThan(60_000); // it hung until killed
    expect(c.stderr()).toContain('--timeout deadline passed during discovery: inventory truth (discovery and drift) is not in this report');
    expect([code, c.stdout().trim()]).toEqual([0, join(out, '2026-11-27T000000Z')]);

    const s3 = secsli(scoreArgs('s3://bucket/history', '--timeout', '2s'), { ...w.env, AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${port}` });
    expect(await s3.code, s3.stderr()).toBe(2);
    expect(s3.stderr()).toMatch(/s3:\/\/bucket\/history: the history store \([a-z ]+\) did not answer before the --timeout deadline; nothing was written/);
  }, 120_000);
});

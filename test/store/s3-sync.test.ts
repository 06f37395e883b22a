import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../cli/run.js';
import { startGithubEmulator, type GithubEmulator } from '../fakes/github-emulator.js';
import { startS3Emulator, type S3Emulator } from '../fakes/s3-emulator.js';
import { startSecurityHubEmulator, type SecurityHubEmulator } from '../fakes/securityhub-emulator.js';
import { alertsFor, makeAsff } from '../fakes/seed.js';
import { FAKE, SECRETS } from '../live/world.js';
import { A, B, shChange } from '../sync/world.js';

/**
 * The incremental-sync state in S3, with live sources (Security Hub and GitHub emulators): two
 * overlapping jobs, and a run that fails after collecting.
 */

const CONFIG = fileURLToPath(new URL('../fixtures/live/assets.yaml', import.meta.url));
const REGION = 'ap-northeast-1';
const OUT = 's3://acme-secsli/jobs';
const STATE = 'jobs/.secsli-state/';
const CONFLICT = "another run updated the sync state; this run's results are kept, state not saved";

const servers: Array<SecurityHubEmulator | GithubEmulator | S3Emulator> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function world() {
  const findings = Array.from({ length: 40 }, (_, i) => makeAsff(i, { account: i % 2 ? A : B, region: REGION, kind: i % 5 === 0 ? 'inspector' : 'control' }));
  const alerts = { 'acme/payments-api': alertsFor('acme', 'payments-api', 10), 'acme/web': alertsFor('acme', 'web', 5) };
  const sh = await startSecurityHubEmulator({ findings });
  const gh = await startGithubEmulator({
    token: FAKE.githubToken,
    repos: [
      { owner: 'acme', name: 'payments-api' },
      { owner: 'acme', name: 'web' },
    ],
    alerts,
  });
  const s3 = await startS3Emulator({ buckets: ['acme-secsli'] });
  servers.push(sh, gh, s3);
  const env = {
    AWS_ENDPOINT_URL_SECURITYHUB: sh.url,
    AWS_ENDPOINT_URL_S3: s3.url,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: FAKE.awsKeyId,
    AWS_SECRET_ACCESS_KEY: FAKE.awsSecret,
    GITHUB_API_URL: gh.url,
    GITHUB_TOKEN: FAKE.githubToken,
  };
  const t0 = Math.floor(Date.now() / 1000) * 1000;
  const score = (hours: number, ...extra: string[]) => cli(['score', '--config', CONFIG, '--out', OUT, '--as-of', new Date(t0 + hours * 3_600_000).toISOString(), ...extra], env);
  const state = () => new Map([...s3.objects.get('acme-secsli')!].filter(([k]) => k.startsWith(STATE)).map(([k, o]) => [k.slice(STATE.length), o]));
  return { findings, sh, s3, score, state };
}

describe('sync state in S3', () => {
  /** Each run's exit code and what its summary.json says (the run is in S3: its objects). */
  const said = (s3: S3Emulator, r: { stdout: string }) =>
    JSON.parse(
      s3.objects
        .get('acme-secsli')!
        .get(`jobs/${r.stdout.trim().split('/').pop()}/summary.json`)!
        .body.toString('utf8'),
    ) as { exitCode: number; exitReason: string; message: string };

  it('two overlapping runs: both reports are kept, one state wins, the loser exits 3 and says so in summary.json too', async () => {
    const { s3, score, state } = await world();
    // Every state write waits until both runs have read that state (they truly overlap), and the
    // second run's look at the state before publishing its run waits until the first has saved it.
    const reads = new Map<string, number>();
    const heads = new Map<string, number>();
    const puts = new Map<string, number>();
    s3.opts.gate = async (r) => {
      if (!r.key.startsWith(STATE)) return;
      const bump = (m: Map<string, number>) => m.set(r.key, (m.get(r.key) ?? 0) + 1).get(r.key)!;
      if (r.op === 'GetObject') bump(reads);
      if (r.op === 'HeadObject' && bump(heads) === 2) {
        while (!puts.get(r.key)) await new Promise((res) => setTimeout(res, 5));
        await new Promise((res) => setTimeout(res, 100)); // the first run's PutObject is stored
      }
      while (r.op === 'PutObject' && (reads.get(r.key) ?? 0) < 2) await new Promise((res) => setTimeout(res, 5));
      if (r.op === 'PutObject') bump(puts);
    };
    const [a, b] = await Promise.all([score(0), score(0)]);
    const runs = [a, b].map((r) => r.stdout.trim()).sort();
    expect(runs).toEqual([`${OUT}/${runs[0]!.split('/').pop()}`, `${runs[0]}-2`]);
    const losers = [a, b].filter((r) => r.code === 3);
    expect(losers).toHaveLength(1);
    expect(losers[0]!.stderr).toContain(CONFLICT);
    // What the run folder says is what the process exits with.
    for (const r of [a, b]) expect(said(s3, r).exitCode).toBe(r.code);
    expect(said(s3, losers[0]!)).toMatchObject({ exitReason: 'incomplete', message: expect.stringContaining(CONFLICT) });
    // Each source's state is one run's complete file.
    expect([...state().keys()].sort()).toEqual(['dependabot.ndjson', 'securityhub.ndjson']);
    for (const o of state().values()) expect(o.body.toString('utf8').trimEnd().split('\n').at(-1)).toMatch(/^\{"end":true,"records":\d+\}$/);
    delete s3.opts.gate;
    const next = await score(1);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toMatch(/Security Hub API ASFF \(ap-northeast-1\): incremental sync since/);
    for (const r of [a, b, next]) for (const s of SECRETS) expect(r.stdout + r.stderr).not.toContain(s);
  });

  it('two runs publishing at the same moment: the one whose state save loses keeps the exit its summary.json says, and warns', async () => {
    const { s3, score, state } = await world();
    // Both runs look at the state before publishing before either saves it: neither can know yet.
    const heads = new Map<string, number>();
    s3.opts.gate = async (r) => {
      if (!r.key.startsWith(STATE)) return;
      if (r.op === 'HeadObject') heads.set(r.key, (heads.get(r.key) ?? 0) + 1);
      while (r.op === 'PutObject' && (heads.get(r.key) ?? 0) < 2) await new Promise((res) => setTimeout(res, 5));
    };
    const [a, b] = await Promise.all([score(0), score(0)]);
    for (const r of [a, b]) expect([r.code, said(s3, r).exitCode]).toEqual([0, 0]);
    const warned = [a, b].filter((r) => /replaced by another run while this run was being published/.test(r.stderr));
    expect(warned.length).toBeGreaterThan(0);
    expect([...state().keys()].sort()).toEqual(['dependabot.ndjson', 'securityhub.ndjson']);
  });

  it('a run that fails after collecting leaves the state alone; the next one resumes from the last complete run', async () => {
    const { findings, s3, score, state } = await world();
    const first = await score(0);
    expect(first.code, first.stderr).toBe(0);
    const saved = new Map([...state()].map(([k, o]) => [k, o.etag]));
    expect(saved.size).toBe(2);

    shChange.update(findings[1]!);
    shChange.archive(findings[0]!);
    s3.opts.fault = (r) => (r.op === 'PutObject' && r.key.endsWith('/findings.csv') ? 'reset' : undefined);
    const failed = await score(1);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/S3 PutObject .*findings.csv .* failed/);
    expect(new Map([...state()].map(([k, o]) => [k, o.etag]))).toEqual(saved);
    delete s3.opts.fault;

    const since = (r: { stderr: string }) => /ASFF \(ap-northeast-1\): incremental sync since (\S+)/.exec(r.stderr)?.[1];
    const resumed = await score(2);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(since(resumed)).toBe(since(failed)); // from the first run's sync, as the failed run asked
    expect(resumed.stderr).toMatch(/1 current, 1 no longer returned by a full pull/);
    const report = s3.objects
      .get('acme-secsli')!
      .get(`jobs/${resumed.stdout.trim().split('/').pop()}/report.md`)!
      .body.toString('utf8');
    expect(report).toContain(`Changes are against the previous run \`${first.stdout.trim().split('/').pop()}\``);
    expect(new Map([...state()].map(([k, o]) => [k, o.etag]))).not.toEqual(saved);
  });
});

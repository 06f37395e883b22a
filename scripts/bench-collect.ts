/**
 * Collector benchmark against the local emulators (no network).
 *
 * 1. Security Hub: N findings (default 10,000 = 100 pages) behind a server throttled at the
 *    documented GetFindings limit (3 rps, burst 6), pulled by the real collector with production
 *    defaults (limiter, SDK retries, backoff). Reports achieved requests/s against the limit and
 *    how many requests the server refused.
 * 2. GitHub: an org with R repositories and A alerts in total, all claimed by the inventory;
 *    reports requests per 1,000 alerts for the org mode (list + per-repo probes) and the repos mode.
 *
 * Usage: node dist/scripts/bench-collect.js [--findings 10000] [--repos 20] [--alerts 2000]
 */
import { createLiveCollectors } from '../src/collectors/live.js';
import type { Collector } from '../src/collectors/types.js';
import { silentLogger } from '../src/log.js';
import { startGithubEmulator } from '../test/fakes/github-emulator.js';
import { startSecurityHubEmulator } from '../test/fakes/securityhub-emulator.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const FINDINGS = arg('findings', 10_000);
const REPOS = arg('repos', 20);
const ALERTS = arg('alerts', 2_000);
const LIMIT = { rps: 3, burst: 6 };

const iso = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
const countingSink = () => {
  let n = 0;
  return { sink: { record: () => void n++, reject: () => undefined }, count: () => n };
};

async function benchSecurityHub() {
  const findings = Array.from({ length: FINDINGS }, (_, i) => ({
    SchemaVersion: '2018-10-08',
    Id: `arn:aws:securityhub:eu-west-1:111122223333:finding/${i}`,
    ProductArn: 'arn:aws:securityhub:eu-west-1::product/aws/securityhub',
    GeneratorId: 'security-control/S3.8',
    AwsAccountId: '111122223333',
    Region: 'eu-west-1',
    CreatedAt: iso(i),
    UpdatedAt: iso(i),
    Title: `finding ${i}`,
    Description: 'bench',
    Severity: { Label: 'MEDIUM' },
    RecordState: 'ACTIVE',
    Workflow: { Status: 'NEW' },
    Compliance: { Status: 'FAILED' },
    Resources: [{ Type: 'AwsS3Bucket', Id: `arn:aws:s3:::bucket-${i}` }],
  }));
  const emulator = await startSecurityHubEmulator({ findings, throttle: { ratePerSecond: LIMIT.rps, burst: LIMIT.burst } });
  try {
    const [collector] = createLiveCollectors(
      { securityhub: { regions: ['eu-west-1'] } },
      {
        env: { AWS_ENDPOINT_URL_SECURITYHUB: emulator.url },
        claimedRepos: [],
        accountsFromInventory: [],
        log: silentLogger,
        securityhub: { credentials: { accessKeyId: 'AKIAFAKEBENCH0000000', secretAccessKey: 'fake-bench-secret' } },
      },
    );
    const { sink, count } = countingSink();
    const t0 = performance.now();
    const status = await (collector as Collector).collect(sink, silentLogger);
    const seconds = (performance.now() - t0) / 1000;
    const rps = emulator.stats.served / seconds;
    return { findings: count(), pages: emulator.stats.served, requests: emulator.stats.requests, throttled: emulator.stats.throttled, seconds, rps, complete: status.complete };
  } finally {
    await emulator.close();
  }
}

async function benchGithub(mode: 'org' | 'repos') {
  const repos = Array.from({ length: REPOS }, (_, i) => ({ owner: 'acme', name: `svc-${String(i).padStart(3, '0')}` }));
  const alerts: Record<string, object[]> = {};
  for (let a = 0; a < ALERTS; a++) {
    const r = repos[a % REPOS]!;
    const n = Math.floor(a / REPOS) + 1;
    (alerts[`acme/${r.name}`] ??= []).push({
      number: n,
      state: 'open',
      created_at: iso(a),
      updated_at: iso(a),
      url: `https://api.github.com/repos/acme/${r.name}/dependabot/alerts/${n}`,
      html_url: `https://github.com/acme/${r.name}/security/dependabot/${n}`,
      dependency: { package: { ecosystem: 'npm', name: `pkg-${a}` }, manifest_path: 'package-lock.json', scope: 'runtime' },
      security_advisory: { ghsa_id: `GHSA-bench-${a}`, cve_id: null, summary: 's', severity: 'high' },
    });
  }
  const token = 'ghp_FAKEbenchTOKEN0123456789';
  const emulator = await startGithubEmulator({ token, repos, alerts });
  try {
    const [collector] = createLiveCollectors(
      { dependabot: mode === 'org' ? { org: 'acme' } : { repos: ['acme/*'] } },
      {
        env: { GITHUB_TOKEN: token, GITHUB_API_URL: emulator.url },
        claimedRepos: ['acme/*'],
        accountsFromInventory: [],
        log: silentLogger,
      },
    );
    const { sink, count } = countingSink();
    const status = await (collector as Collector).collect(sink, silentLogger);
    return { mode, alerts: count(), requests: emulator.requests.length, per1000: (emulator.requests.length / count()) * 1000, complete: status.complete };
  } finally {
    await emulator.close();
  }
}

const fmt = (n: number, d = 2) => n.toFixed(d);
const sh = await benchSecurityHub();
const gh = [await benchGithub('org'), await benchGithub('repos')];
const lines = [
  '| benchmark | result |',
  '| --- | --- |',
  `| Security Hub findings pulled | ${sh.findings} in ${sh.pages} pages, ${fmt(sh.seconds, 1)} s (complete: ${sh.complete}) |`,
  `| Security Hub achieved rate | ${fmt(sh.rps)} req/s vs limit ${LIMIT.rps} req/s (burst ${LIMIT.burst}) = ${fmt((sh.rps / LIMIT.rps) * 100, 1)} % |`,
  `| Security Hub requests refused (429) | ${sh.throttled} of ${sh.requests} |`,
  ...gh.map(
    (g) => `| GitHub ${g.mode} mode, ${REPOS} repos | ${g.alerts} alerts in ${g.requests} requests = ${fmt(g.per1000, 1)} requests per 1,000 alerts (complete: ${g.complete}) |`,
  ),
];
process.stdout.write(lines.join('\n') + '\n');
const ok = sh.complete && sh.throttled === 0 && sh.rps >= 0.9 * LIMIT.rps && gh.every((g) => g.complete);
process.exitCode = ok ? 0 : 1;

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { packageRoot } from '../../src/package-root.js';
import { startGithubEmulator } from '../../test/fakes/github-emulator.js';
import { startS3Emulator } from '../../test/fakes/s3-emulator.js';
import { startSecurityHubEmulator } from '../../test/fakes/securityhub-emulator.js';
import { alertsFor, makeAsff } from '../../test/fakes/seed.js';

/**
 * `npm run demo:scheduled`: the example workflow's secsli step (the Action's scripts/action/score.sh,
 * with the inputs examples/workflows/secsli.yml gives it: fail-on worse, history in S3), twice,
 * against the bundled emulators — Security Hub and GitHub (test/fakes) and the local S3 server —
 * with the history and the sync state in s3://secsli-demo/history. Between the runs the data
 * changes as it would overnight; the second run is incremental and reports Δ risk against the
 * first. Fake credentials only; nothing leaves 127.0.0.1. Exits non-zero when any of that fails.
 */

const ROOT = packageRoot();
const SCORE_STEP = join(ROOT, 'scripts/action/score.sh');
const CONFIG = join(ROOT, 'examples/scheduled-demo/assets.yaml');
const OUT = 's3://secsli-demo/history';
const REGION = 'ap-northeast-1';
const [A, B] = ['111122223333', '444455556666'];

interface Run {
  code: number;
  /** The run's location (the step's `run-folder` output). */
  stdout: string;
  /** The step's log: secsli's JSON lines. */
  stderr: string;
  /** $GITHUB_STEP_SUMMARY and $GITHUB_OUTPUT as the step wrote them. */
  stepSummary: string;
  outputs: Record<string, string>;
}

/** The action's score step as the runner runs it (INPUT_* from action.yml, GITHUB_* files in a temp folder). */
async function score(env: NodeJS.ProcessEnv, asOf: string): Promise<Run> {
  const dir = await mkdtemp(join(tmpdir(), 'secsli-demo-step-'));
  const files = { summary: join(dir, 'step-summary.md'), output: join(dir, 'output') };
  await Promise.all([writeFile(files.summary, ''), writeFile(files.output, '')]);
  const stepEnv = {
    ...env,
    PATH: `${dirname(process.execPath)}${delimiter}${env.PATH ?? ''}`,
    GITHUB_ACTION_PATH: ROOT,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_OUTPUT: files.output,
    RUNNER_TEMP: dir,
    INPUT_CONFIG: CONFIG,
    INPUT_FAIL_ON: 'worse',
    INPUT_HISTORY: OUT,
    INPUT_ARGS: `--timeout 30m --as-of ${asOf}`,
  };
  const { code, stderr } = await new Promise<{ code: number; stderr: string }>((resolve, reject) => {
    const child = spawn('bash', [SCORE_STEP], { env: stepEnv, cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    const err: Buffer[] = [];
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c ?? 70, stderr: Buffer.concat(err).toString('utf8') }));
  });
  const outputs = Object.fromEntries(
    (await readFile(files.output, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  const stepSummary = await readFile(files.summary, 'utf8');
  await rm(dir, { recursive: true, force: true });
  return { code, stdout: outputs['run-folder'] ?? '', stderr, stepSummary, outputs };
}

export async function runDemo(say: (line: string) => void = (l) => process.stdout.write(l + '\n')): Promise<{ ok: boolean; runs: Run[] }> {
  const findings = Array.from({ length: 30 }, (_, i) => makeAsff(i, { account: i % 3 ? A : B, region: REGION, kind: i % 4 === 0 ? 'inspector' : 'control' }));
  const alerts = { 'acme/payments-api': alertsFor('acme', 'payments-api', 12), 'acme/web': alertsFor('acme', 'web', 6) };
  const token = 'ghs_DEMOinstallationTOKEN000000000000';
  const sh = await startSecurityHubEmulator({ findings });
  const gh = await startGithubEmulator({
    token,
    repos: [
      { owner: 'acme', name: 'payments-api' },
      { owner: 'acme', name: 'web' },
    ],
    alerts,
  });
  const s3 = await startS3Emulator({ buckets: ['secsli-demo'] });
  try {
    // What the workflow's steps put in the environment: the OIDC role's credentials and Region, the App token.
    const env = {
      PATH: process.env.PATH,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'AKIADEMO000000000000',
      AWS_SECRET_ACCESS_KEY: 'demoSecretKey/000000000000000000000000',
      GITHUB_TOKEN: token,
      // Only the demo needs these: where the emulators listen.
      AWS_ENDPOINT_URL_SECURITYHUB: sh.url,
      AWS_ENDPOINT_URL_S3: s3.url,
      GITHUB_API_URL: gh.url,
    };
    say(`Emulators: Security Hub ${sh.url}, GitHub ${gh.url}, S3 ${s3.url}; history in ${OUT}`);
    const t0 = Math.floor(Date.now() / 1000) * 1000;
    const day = 86_400_000;

    say('\n== run 1 (first scheduled run: full pull) ==');
    const first = await score(env, new Date(t0).toISOString());
    report(first, say);

    // Overnight: a new exploitable image vulnerability on payments-api, a control fixed, an alert fixed.
    const now = new Date().toISOString();
    findings.push(Object.assign(makeAsff(900, { account: A, region: REGION, kind: 'inspector' }), { CreatedAt: now, UpdatedAt: now }));
    Object.assign(findings[1]!, { Compliance: { Status: 'PASSED' }, Workflow: { Status: 'RESOLVED' }, UpdatedAt: now });
    Object.assign(alerts['acme/web'][0]!, { state: 'fixed', fixed_at: now, updated_at: now });
    say('\n(overnight: 1 new Inspector finding on payments-api, 1 control passed, 1 Dependabot alert fixed on acme/web)');

    say('\n== run 2 (next day: incremental) ==');
    const second = await score(env, new Date(t0 + day).toISOString());
    report(second, say);

    const runFolder = second.stdout;
    const key = `${runFolder.slice(`s3://secsli-demo/`.length)}/assets.csv`;
    const csv = s3.objects.get('secsli-demo')!.get(key)?.body.toString('utf8') ?? '';
    const rows = parse(csv, { columns: true }) as Array<Record<string, string>>;
    say(`\nΔ risk against run 1 (${key.split('/').slice(-2, -1)[0]}/assets.csv, column risk_change):`);
    for (const r of rows) say(`  ${r.asset_id!.padEnd(14)} ${r.status!.padEnd(9)} risk ${r.risk!.padStart(7)}   Δ ${r.risk_change || '(none)'}`);
    const objects = [...s3.objects.get('secsli-demo')!.keys()].sort();
    say(`\nObjects in the bucket (${objects.length}):`);
    for (const k of objects) say(`  ${k}`);

    const incremental = /incremental sync since/.test(second.stderr) && /full pull \(no sync state yet\)/.test(first.stderr);
    const delta = rows.some((r) => r.risk_change !== '' && Number(r.risk_change) !== 0);
    // --fail-on worse: the first run may exit 1 (an asset starts BREACHED); the second must measure completely.
    const ok = [0, 1].includes(first.code) && [0, 1].includes(second.code) && incremental && delta;
    say(
      ok
        ? '\nOK: the second run was incremental and shows Δ risk against the first.'
        : `\nFAILED: exit codes ${first.code}/${second.code}, incremental ${incremental}, Δ risk shown ${delta}`,
    );
    return { ok, runs: [first, second] };
  } finally {
    await Promise.all([sh.close(), gh.close(), s3.close()]);
  }
}

function report(r: Run, say: (line: string) => void): void {
  for (const line of r.stderr.split('\n')) {
    let msg = line;
    try {
      msg = (JSON.parse(line) as { msg: string }).msg;
    } catch {
      // a plain line
    }
    if (/full pull|incremental sync|run complete|run incomplete|PARTIAL|error|sync state/.test(msg)) say(`  ${msg}`);
  }
  say(`  step outputs: exit-code ${r.outputs['exit-code']}, exit-reason ${r.outputs['exit-reason']}, worse ${r.outputs.worse}, run-folder ${r.stdout || '(none)'}`);
  say(`  step summary: ${r.stepSummary.split('\n')[0]}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runDemo().then(
    (r) => process.exit(r.ok ? 0 : 1),
    (e: unknown) => {
      process.stderr.write(`demo failed: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(70);
    },
  );
}

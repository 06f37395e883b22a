import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { constants as os } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tmp } from '../cli/run.js';
import { startGithubEmulator } from '../fakes/github-emulator.js';
import { startS3Emulator } from '../fakes/s3-emulator.js';
import { startSecurityHubEmulator } from '../fakes/securityhub-emulator.js';
import { FAKE } from '../live/world.js';
import { stepResult } from '../../scripts/action/step-outputs.js';

/**
 * The composite action's steps run locally as the runner runs them: scripts/action/score.sh with
 * the INPUT_* variables action.yml sets, GITHUB_STEP_SUMMARY and GITHUB_OUTPUT pointing at temp
 * files, GITHUB_ACTION_PATH at this checkout (built: npm test builds first).
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
type Obj = Record<string, any>;

const SCORE_STEP = join(ROOT, 'scripts/action/score.sh');
/** The score step's `run` in action.yml. */
const SCORE_RUN = String((parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Obj).runs.steps.find((s: Obj) => s.id === 'score').run);

/** The step's environment as the runner sets it, with its summary and output files. */
async function stepEnv(inputs: Record<string, string>) {
  const dir = await tmp('secsli-action-');
  const files = { summary: join(dir, 'step-summary.md'), output: join(dir, 'output') };
  await writeFile(files.summary, '');
  await writeFile(files.output, '');
  const env = {
    // The Node running this test runs the action's scripts too (.ci/run repeats it under 22 and 24).
    PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH}`,
    GITHUB_ACTION_PATH: ROOT,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_OUTPUT: files.output,
    RUNNER_TEMP: dir,
    ...inputs,
  };
  return { env, files };
}

/** What the step left in $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY. */
async function stepResults(files: { summary: string; output: string }) {
  const outputs = Object.fromEntries(
    (await readFile(files.output, 'utf8'))
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { outputs, markdown: await readFile(files.summary, 'utf8') };
}

async function step(inputs: Record<string, string>) {
  const { env, files } = await stepEnv(inputs);
  let code = 0;
  let stderr = '';
  try {
    ({ stderr } = await run('bash', [SCORE_STEP], { cwd: ROOT, env }));
  } catch (e) {
    code = (e as { code: number }).code;
    stderr = (e as { stderr: string }).stderr;
  }
  return { code, stderr, ...(await stepResults(files)) };
}

const exampleArgs = (asOf: string) =>
  `--from securityhub=${join(ROOT, 'examples/securityhub-findings.json')} --from dependabot=${join(ROOT, 'examples/dependabot-alerts.json')} --as-of ${asOf}`;

describe('action.yml', () => {
  const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Obj;

  it('declares the inputs and outputs the docs promise, Node 24 by default', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(['args', 'artifact-retention-days', 'config', 'fail-on', 'history', 'node-version']);
    expect(action.inputs['node-version'].default).toBe('24');
    expect(action.inputs['fail-on'].default).toBe('worse');
    expect(Object.keys(action.outputs).sort()).toEqual([
      'at-risk',
      'breached',
      'exit-code',
      'exit-reason',
      'fail-on-tripped',
      'ok',
      'partial',
      'run-folder',
      'run-name',
      'unknown',
      'worse',
    ]);
    expect(action.runs.using).toBe('composite');
  });

  it('installs from its own checkout, runs the script this test runs, uploads the run folder with hidden files', () => {
    const steps = action.runs.steps as Obj[];
    expect(steps.map((s) => s.run ?? s.uses)).toEqual([
      'actions/setup-node@v4',
      'bash "$GITHUB_ACTION_PATH/scripts/action/install.sh"',
      'exec bash "$GITHUB_ACTION_PATH/scripts/action/score.sh"',
      'actions/upload-artifact@v4',
    ]);
    const upload = steps[3]!;
    expect(upload.if).toBe("always() && steps.score.outputs.run-folder != '' && !startsWith(steps.score.outputs.run-folder, 's3://')");
    expect(upload.with['include-hidden-files']).toBe(true);
    // Inputs reach the script as environment variables, never pasted into the script text.
    expect(JSON.stringify(steps.map((s) => s.run ?? ''))).not.toContain('${{');
    for (const name of Object.keys(action.outputs)) expect(action.outputs[name].value).toBe(`\${{ steps.score.outputs.${name} }}`);
  });
});

describe('the action steps, run locally', () => {
  it('first run: exit 1 on assets that start BREACHED; outputs and step summary say so; second run: no news, exit 0', async () => {
    const history = await tmp('secsli-history-');
    const inputs = { INPUT_CONFIG: join(ROOT, 'assets.yaml'), INPUT_FAIL_ON: 'worse', INPUT_HISTORY: history };
    const first = await step({ ...inputs, INPUT_ARGS: exampleArgs('2026-11-27T00:00:00Z') });
    expect(first.code, first.stderr).toBe(1);
    expect(first.outputs).toEqual({
      'exit-code': '1',
      'exit-reason': 'worse',
      'run-folder': join(history, '2026-11-27T000000Z'),
      'run-name': '2026-11-27T000000Z',
      partial: 'false',
      breached: '3',
      unknown: '0',
      'at-risk': '3',
      ok: '7',
      worse: '3',
      'fail-on-tripped': 'true',
    });
    expect(existsSync(join(first.outputs['run-folder']!, 'report.md'))).toBe(true);
    expect(first.markdown).toContain('## secsli: worse (exit 1)');
    expect(first.markdown).toContain('| 3 | 0 | 3 | 7 |');
    expect(first.markdown).toContain('### Status changes (first run)');
    expect(first.markdown).toContain('| payments-api | team-payments | \\#payments-oncall | new | **BREACHED** |'); // escaped by mdCell
    expect(first.markdown).toMatch(/### Next actions\n\n1\. .+ — \S+ \(team-\S+\); closes \d+, risk (— \(incident\)|−\d+\.\d\d)/);
    // Risk removed as report.md prints it: an incident removes none ("— (incident)", never "−0"), a fix to 2 decimals.
    const actions = first.markdown
      .split('### Next actions')[1]!
      .split('\n')
      .filter((l) => /^\d+\. /.test(l));
    expect(actions.filter((l) => l.includes('respond to incident:')).every((l) => l.includes('closes 1, risk — (incident)'))).toBe(true);
    expect(actions.some((l) => l.includes('respond to incident:'))).toBe(true);
    expect(actions.join('\n')).toContain(
      'upgrade org.apache.logging.log4j:log4j-core to 2.16.0 in acme/payments-api/pom.xml; also reported in 1 other place(s) (fixes.csv) — payments-api (team-payments); closes 3, risk −53.89;',
    );
    expect(actions.join('\n')).not.toMatch(/risk −0[;\s]|risk −\d+;/);

    const second = await step({ ...inputs, INPUT_ARGS: exampleArgs('2026-11-28T00:00:00Z') });
    expect(second.code, second.stderr).toBe(0);
    expect([second.outputs['exit-reason'], second.outputs.worse]).toEqual(['ok', '0']);
    expect(second.markdown).toContain('## secsli: ok (exit 0)');
    expect(second.markdown).not.toContain('### Status changes');
  });

  it('args as a YAML block (one flag per line): every line reaches secsli', async () => {
    const history = await tmp('secsli-history-');
    const block = `${exampleArgs('2026-11-27T00:00:00Z').replace(/ --/g, '\n--')}\n--keep-days\n400\n`;
    expect(block.split('\n').length).toBeGreaterThan(4);
    const r = await step({ INPUT_CONFIG: join(ROOT, 'assets.yaml'), INPUT_HISTORY: history, INPUT_ARGS: block });
    // The --as-of on the third line names the run; without --from on the later lines it would collect live and fail.
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs).toMatchObject({ 'exit-code': '0', 'run-name': '2026-11-27T000000Z', breached: '3' });
  });

  it('a configuration error: exit 2, no run folder, the error in the step summary', async () => {
    const r = await step({ INPUT_CONFIG: join(ROOT, 'test/fixtures/inventory/unknown-key.yaml'), INPUT_HISTORY: await tmp(), INPUT_ARGS: exampleArgs('2026-11-27T00:00:00Z') });
    expect(r.code).toBe(2);
    expect(r.outputs).toMatchObject({ 'exit-code': '2', 'exit-reason': 'usage', 'run-folder': '' });
    expect(r.markdown).toMatch(/## secsli: no report \(exit 2, usage\)\n\n.*unknown-key\.yaml/);
  });

  it('history in S3: the run and its summary come from s3://, nothing to upload', async () => {
    const s3 = await startS3Emulator({ buckets: ['acme-secsli'] });
    try {
      const aws = { AWS_ENDPOINT_URL_S3: s3.url, AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: FAKE.awsKeyId, AWS_SECRET_ACCESS_KEY: FAKE.awsSecret };
      const inputs = { ...aws, INPUT_CONFIG: join(ROOT, 'assets.yaml'), INPUT_FAIL_ON: 'worse', INPUT_HISTORY: 's3://acme-secsli/secsli' };
      const first = await step({ ...inputs, INPUT_ARGS: exampleArgs('2026-11-27T00:00:00Z') });
      expect(first.outputs['run-folder']).toBe('s3://acme-secsli/secsli/2026-11-27T000000Z');
      expect(first.markdown).toContain('Run `s3://acme-secsli/secsli/2026-11-27T000000Z`');
      const second = await step({ ...inputs, INPUT_ARGS: exampleArgs('2026-11-28T00:00:00Z') });
      expect(second.code, second.stderr).toBe(0);
      expect(second.outputs).toMatchObject({ 'exit-reason': 'ok', worse: '0', 'run-name': '2026-11-28T000000Z' });
      expect(s3.objects.get('acme-secsli')!.has('secsli/2026-11-28T000000Z/manifest.json')).toBe(true);
      for (const s of [FAKE.awsSecret, FAKE.awsKeyId]) expect(second.stderr + second.markdown).not.toContain(s);
      // -q in args: the summary line the outputs come from is still logged.
      const quiet = await step({ ...inputs, INPUT_ARGS: `${exampleArgs('2026-11-29T00:00:00Z')} -q` });
      expect(quiet.code, quiet.stderr).toBe(0);
      expect(quiet.outputs).toMatchObject({ 'exit-code': '0', 'exit-reason': 'ok', 'run-name': '2026-11-29T000000Z', breached: '3' });
    } finally {
      await s3.close();
    }
  });
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitFor(cond: () => boolean, ms: number) {
  for (const t0 = Date.now(); !cond(); await new Promise((r) => setTimeout(r, 50))) if (Date.now() - t0 > ms) return false;
  return true;
}

/** The secsli processes under process `root`, children's children included (ps: Linux and macOS). */
async function secsliUnder(root: number): Promise<number[]> {
  const { stdout } = await run('ps', ['-A', '-o', 'pid=,ppid=,args=']);
  const procs = stdout
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l))
    .filter((m) => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3]! }));
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs)
      if (tree.has(p.ppid) && !tree.has(p.pid)) {
        tree.add(p.pid);
        grew = true;
      }
  }
  return procs.filter((p) => p.pid !== root && tree.has(p.pid) && p.args.includes('dist/src/cli/index.js')).map((p) => p.pid);
}

describe('the score step, cancelled as the runner cancels a job', () => {
  // actions/runner (ProcessInvoker) signals the step's shell only, not its process group: SIGINT,
  // then SIGTERM, then SIGKILL of the tree. That shell runs action.yml's `run` from a file with
  // `bash --noprofile --norc -eo pipefail`, as here. It must exec score.sh, and score.sh pass the
  // signal on to secsli, or secsli runs on as an orphan, publishes its run after the cancel, and
  // the step has no outputs.
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s to the shell only: secsli abandons the run and exits %i, nothing published, outputs say cancelled, no process left',
    async (signal, exit) => {
      const sh = await startSecurityHubEmulator({ stall: () => true }); // every request hangs: collection never ends by itself
      const gh = await startGithubEmulator({
        token: FAKE.githubToken,
        repos: [
          { owner: 'acme', name: 'payments-api' },
          { owner: 'acme', name: 'web' },
        ],
      });
      const history = await tmp('secsli-history-');
      const { env, files } = await stepEnv({
        INPUT_CONFIG: join(ROOT, 'test/fixtures/live/assets.yaml'),
        INPUT_HISTORY: history,
        INPUT_ARGS: '--as-of 2026-11-27T00:00:00Z',
        AWS_ENDPOINT_URL_SECURITYHUB: sh.url,
        AWS_REGION: 'ap-northeast-1',
        AWS_ACCESS_KEY_ID: FAKE.awsKeyId,
        AWS_SECRET_ACCESS_KEY: FAKE.awsSecret,
        GITHUB_API_URL: gh.url,
        GITHUB_TOKEN: FAKE.githubToken,
      });
      const script = join(env.RUNNER_TEMP, 'score-step.sh');
      await writeFile(script, SCORE_RUN);
      const bash = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      bash.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      let code: number | null | undefined;
      bash.on('exit', (c, s) => (code = c ?? (s ? 128 + os.signals[s] : null)));
      let children: number[] = [];
      try {
        expect(await waitFor(() => sh.requests.length > 0, 30_000), stderr).toBe(true); // secsli is collecting
        children = await secsliUnder(bash.pid!);
        expect(children).toHaveLength(1);
        process.kill(bash.pid!, signal); // the shell's pid, as the runner does: not its group
        // The runner waits 7.5 s after SIGINT, 2.5 s after SIGTERM; the bound is wider for a loaded machine.
        expect(await waitFor(() => code !== undefined, 20_000), `the step did not exit after ${signal}\n${stderr}`).toBe(true);
        expect(code, stderr).toBe(exit);
        expect(await waitFor(() => !alive(children[0]!), 5_000), 'secsli is still running after the step exited').toBe(true);
        // No run folder, no sync state, nothing temporary: only the sync-state folder, empty, made at the start.
        expect(await readdir(history, { recursive: true })).toEqual(['.secsli-state']);
        expect(stderr).toContain(`${signal} received: abandoning the run`);
        const r = await stepResults(files);
        expect(r.outputs).toMatchObject({ 'exit-code': String(exit), 'exit-reason': 'cancelled', 'run-folder': '' });
        expect(r.markdown).toContain(`## secsli: no report (exit ${exit}, cancelled)`);
      } finally {
        for (const pid of [bash.pid!, ...children]) if (alive(pid)) process.kill(pid, 'SIGKILL');
        await Promise.all([sh.close(), gh.close()]);
      }
    },
    60_000,
  );
});

describe('the step summary from a capped --log-format json line (history in S3)', () => {
  it('counts worse from changesWorse and says how many changes the line left out', () => {
    const summary = {
      event: 'summary',
      exitCode: 1,
      exitReason: 'worse',
      message: 'status got worse',
      partial: false,
      run: { name: '2026-11-27T000000Z', location: 's3://b/p/2026-11-27T000000Z' },
      previousRun: '2026-11-26T000000Z',
      byStatus: { BREACHED: 3, UNKNOWN: 0, 'AT RISK': 0, OK: 0 },
      changes: [{ asset: 'a', owner: 'o', contact: null, from: 'OK', to: 'BREACHED', worse: true, reasons: [] }],
      changesLeftOut: 250,
      changesWorse: 120,
      nextActions: { basis: 'fixes', items: [] },
      sources: [],
    };
    const r = stepResult(1, 's3://b/p/2026-11-27T000000Z', `${JSON.stringify(summary)}\n`);
    expect(r.outputs.worse).toBe('120');
    expect(r.markdown).toContain('…and 250 more status change(s): summary.json in the run lists them all.');
  });
});

describe('the step outputs when summary.json and the exit code disagree', () => {
  it('the exit code the process returned wins, with the reason of the log line that agrees with it', async () => {
    const dir = await tmp('secsli-step-');
    const summary = {
      exitCode: 0,
      exitReason: 'ok',
      message: 'complete',
      partial: false,
      run: { name: '2026-11-27T000000Z', location: join(dir, '2026-11-27T000000Z') },
      previousRun: null,
      byStatus: { BREACHED: 0, UNKNOWN: 0, 'AT RISK': 0, OK: 2 },
      changes: [],
      nextActions: { basis: 'fixes', items: [] },
      sources: [],
    };
    await writeFile(join(dir, 'summary.json'), JSON.stringify(summary));
    const line = { ...summary, event: 'summary', exitCode: 3, exitReason: 'incomplete', message: 'another run updated the sync state' };
    const r = stepResult(3, dir, `${JSON.stringify(line)}\n`);
    expect([r.outputs['exit-code'], r.outputs['exit-reason']]).toEqual(['3', 'incomplete']);
    expect(r.markdown).toContain('## secsli: incomplete (exit 3)');
    expect(r.markdown).toContain('another run updated the sync state');
    // Without a log line that agrees: the reason of the code, and both said.
    const bare = stepResult(3, dir, '');
    expect([bare.outputs['exit-code'], bare.outputs['exit-reason']]).toEqual(['3', 'incomplete']);
    expect(bare.markdown).toContain("secsli exited 3; the run's summary.json says 0 (ok: complete)");
    expect(bare.outputs['fail-on-tripped']).toBe('false');
    // A run whose summary.json has news (exit 1) keeps it when a later step changed the exit code.
    await writeFile(join(dir, 'summary.json'), JSON.stringify({ ...summary, exitCode: 1, exitReason: 'worse', message: 'status got worse: a (OK → BREACHED)' }));
    expect(stepResult(3, dir, '').outputs['fail-on-tripped']).toBe('true');
  });
});

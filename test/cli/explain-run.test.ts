import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Emulator, type S3Emulator } from '../fakes/s3-emulator.js';
import { FAKE } from '../live/world.js';
import { AS_OF, cli, exampleScoreArgs, tmp } from './run.js';

/**
 * `secsli explain <asset> --run …`: an asset as a saved run scored it, from the snapshot alone.
 * The run is the bundled example scored by `score`; the live explain of the same inputs is the
 * reference, line for line (after the "run …" line that says which run it is).
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LIVE = ['--config', join(ROOT, 'assets.yaml'), '--from', `securityhub=${join(ROOT, 'examples/securityhub-findings.json')}`];
LIVE.push('--from', `dependabot=${join(ROOT, 'examples/dependabot-alerts.json')}`, '--as-of', AS_OF);
const V1 = join(ROOT, 'test/fixtures/history/v1-example');

let out: string;
let runDir: string;
let ids: string[];
beforeAll(async () => {
  out = await tmp('secsli-explain-run-');
  const r = await cli(exampleScoreArgs(out));
  expect(r.code, r.stderr).toBe(0);
  runDir = r.stdout.trim();
  ids = (JSON.parse(await readFile(join(runDir, 'snapshot.json'), 'utf8')) as { assets: { id: string }[] }).assets.map((a) => a.id);
});

const body = (stdout: string) => stdout.slice(stdout.indexOf('\n') + 1);

describe('secsli explain --run', () => {
  it('prints every asset of the example exactly as the live explain of the same inputs', async () => {
    expect(ids.length).toBeGreaterThan(10);
    for (const id of ids) {
      const live = await cli(['explain', id, ...LIVE, '--limit', '1000']);
      const saved = await cli(['explain', id, '--run', runDir, '--limit', '1000']);
      expect(saved.code, `${id}: ${saved.stderr}`).toBe(live.code);
      expect(saved.stdout.split('\n')[0]).toBe(`run ${runDir} (snapshot schemaVersion 3, written by secsli 0.1.0)`);
      expect(body(saved.stdout), id).toBe(live.stdout);
      expect(saved.stdout).not.toContain('not in this snapshot');
    }
  });

  it('names what else explains a number: the KEV catalog, the other assets claiming a finding, the exceptions and when they expire — live and from the run alike', async () => {
    for (const from of [LIVE, ['--run', runDir]]) {
      const lake = (await cli(['explain', 'logging-platform', ...from, '--limit', '1000'])).stdout;
      expect(lake).toMatch(/policy [0-9a-f]{12}, KEV catalog 2025\.08\.25\n/);
      expect(lake).toContain('ambiguous: also claimed by data-warehouse, and counted on each (narrow a selector in assets.yaml)');
      const pay = (await cli(['explain', 'payments-api', ...from])).stdout;
      expect(pay).toContain('Exceptions:\n  RA-2026-004 expired 2026-10-31: what it accepted counts again');
      const ledger = (await cli(['explain', 'ledger-service', ...from])).stdout;
      expect(ledger).toMatch(/ {2}RA-2026-011 (active|expiring) until 2026-12-\d\d \(\d+ d left\): accepts \d+ findings?/);
      // Every incident event is listed: the closed detection that answered late, beside the open ones.
      const ci = (await cli(['explain', 'ci-runners', ...from])).stdout;
      expect(ci).toContain('responded within target 1 of 4 in the window');
      expect(ci).toMatch(/ {2}low {6}closed, answered in 264\.0 h against 168 h \(LATE\): Unprotected port/);
    }
  });

  it('finds the run by name or as the latest under --reports, and takes the snapshot.json path', async () => {
    const live = (await cli(['explain', 'payments-api', ...LIVE])).stdout;
    for (const args of [
      ['--run', 'latest', '--reports', out],
      ['--reports', out],
      ['--reports', out, '--run', '2026-11-27T000000Z'],
      ['--run', join(runDir, 'snapshot.json')],
    ]) {
      const r = await cli(['explain', 'payments-api', ...args]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(body(r.stdout)).toBe(live);
    }
  });

  it('passes over a later run narrowed to another asset when picking the latest', async () => {
    const hist = await tmp();
    expect((await cli(exampleScoreArgs(hist))).code).toBe(0);
    expect((await cli([...exampleScoreArgs(hist, '--asset', 'sandbox'), '--as-of', '2026-12-04T00:00:00Z'])).code).toBe(0);
    const r = await cli(['explain', 'payments-api', '--reports', hist]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toContain('2026-11-27T000000Z');
    const narrowed = await cli(['explain', 'payments-api', '--run', join(hist, '2026-12-04T000000Z')]);
    expect(narrowed.code).toBe(2);
    expect(narrowed.stderr).toContain('asset "payments-api" is not in run');
    expect(narrowed.stderr).toContain('narrowed to asset sandbox');
  });

  it('reads a version 1 snapshot and says what it does not record', async () => {
    const r = await cli(['explain', 'payments-api', '--run', V1, '--limit', '1000']);
    expect(r.code, r.stderr).toBe(0);
    const v1 = JSON.parse(await readFile(join(V1, 'snapshot.json'), 'utf8')) as { assets: { id: string; risk: number; findings: { counted: boolean }[] }[] };
    const asset = v1.assets.find((a) => a.id === 'payments-api')!;
    expect(r.stdout).toContain('(snapshot schemaVersion 1, written by secsli 0.1.0)');
    expect(r.stdout).toContain(`Counted findings (${asset.findings.filter((f) => f.counted).length})`);
    expect(r.stdout).toContain(`${asset.risk.toFixed(4)}  total = R`);
    // That version summed linearly and kept no factors, ages, status rule or incidents.
    expect(r.stdout).toContain('(linear sum)');
    expect(r.stdout).toContain('status rule: not in this snapshot');
    expect(r.stdout).toContain('the factors are not in this snapshot');
    expect(r.stdout).toContain('Incidents (threat detections; not risk): not in this snapshot');
  });
});

describe('secsli explain --run, bad input (exit 2)', () => {
  const fails = async (args: string[], ...expected: (string | RegExp)[]) => {
    const r = await cli(['explain', ...args]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    for (const e of expected) expect(r.stderr).toMatch(e);
  };
  /** A copy of the example run with `edit` applied to one of its files. */
  async function brokenRun(file: string, edit: (text: string) => string): Promise<string> {
    const dir = join(await tmp(), '2026-11-27T000000Z');
    await mkdir(dir);
    for (const f of ['snapshot.json', 'snapshot-findings.ndjson']) {
      const text = await readFile(join(runDir, f), 'utf8');
      await writeFile(join(dir, f), f === file ? edit(text) : text);
    }
    return dir;
  }

  it('an asset the run does not have: did you mean', () => fails(['payments-apj', '--run', runDir], 'asset "payments-apj" is not in run', 'Did you mean "payments-api"?'));
  it('a folder that does not exist', () => fails(['payments-api', '--run', join(out, 'nope')], 'no such run folder or snapshot file'));
  it('a folder that is not a run', () => fails(['payments-api', '--run', out], `${out}: not a run (no snapshot.json)`));
  it('no runs under --reports', async () => fails(['payments-api', '--reports', await tmp()], 'no runs under'));
  it('a run name that is not there', () =>
    fails(['payments-api', '--reports', out, '--run', '2020-01-01T000000Z'], 'no run 2020-01-01T000000Z under', 'The latest is 2026-11-27T000000Z'));
  it('collect flags with --run', () => fails(['payments-api', '--run', runDir, '--as-of', AS_OF], '--as-of cannot be used with --run'));

  it('a corrupt snapshot.json', async () => {
    const dir = await brokenRun('snapshot.json', (t) => t.slice(0, 500));
    await fails(['payments-api', '--run', dir], `${join(dir, 'snapshot.json')}: corrupt JSON`);
  });

  it("a corrupt line among the asset's findings", async () => {
    const dir = await brokenRun('snapshot-findings.ndjson', (t) => t.replace(/(\{"asset":"payments-api",[^\n]*)\}\n/, '$1\n'));
    await fails(['payments-api', '--run', dir], `${join(dir, 'snapshot-findings.ndjson')}: not a valid snapshot: line 1 of asset payments-api: corrupt JSON`);
    // Another asset's lines are read as they were.
    expect((await cli(['explain', 'sandbox', '--run', dir])).code).toBe(0);
  });

  it('a line of the asset whose fields are not what the writer writes', async () => {
    const dir = await brokenRun('snapshot-findings.ndjson', (t) => t.replace(/(\{"asset":"payments-api",[^\n]*"severityPoints":)[\d.]+/, '$1"ten"'));
    await fails(['payments-api', '--run', dir], /snapshot-findings\.ndjson: not a valid snapshot: finding \d+ of asset payments-api\.factors\.severityPoints: /);
  });

  it('a findings file without one of the counted lines of the asset', async () => {
    const dir = await brokenRun('snapshot-findings.ndjson', (t) => t.replace(/\{"asset":"payments-api",[^\n]*"counted":true[^\n]*\n/, ''));
    await fails(
      ['payments-api', '--run', dir],
      /snapshot-findings\.ndjson: not a valid snapshot: the counted findings of asset payments-api add up to [\d.]+, snapshot\.json says its risk is/,
    );
  });

  it('a run without its findings file', async () => {
    const dir = await brokenRun('snapshot.json', (t) => t.replace('"name": "snapshot-findings.ndjson"', '"name": "gone.ndjson"'));
    await fails(['payments-api', '--run', dir], `${join(dir, 'gone.ndjson')}: missing`);
  });

  it('a snapshot whose findings file is a path out of its run: refused, nothing outside the run read', async () => {
    const dir = await brokenRun('snapshot.json', (t) => t.replace('"name": "snapshot-findings.ndjson"', '"name": "../../secret.txt"'));
    await writeFile(join(dir, '../../secret.txt'), 'SECRET=ghp_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz\n');
    const r = await cli(['explain', 'payments-api', '--run', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('a file name inside the run folder (no path)');
    expect(r.stderr).not.toContain('SECRET');
  });
});

describe('secsli explain --run with s3:// history', () => {
  let s3: S3Emulator;
  afterAll(() => s3?.close());

  it('reads the run from S3 as from the folder', async () => {
    s3 = await startS3Emulator({ buckets: ['acme-secsli'], pageSize: 3 });
    const env = { AWS_ENDPOINT_URL_S3: s3.url, AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: FAKE.awsKeyId, AWS_SECRET_ACCESS_KEY: FAKE.awsSecret };
    expect((await cli(exampleScoreArgs('s3://acme-secsli/history'), env)).code).toBe(0);
    const local = body((await cli(['explain', 'payments-api', '--run', runDir])).stdout);
    for (const args of [
      ['--reports', 's3://acme-secsli/history'],
      ['--run', 's3://acme-secsli/history/2026-11-27T000000Z'],
    ]) {
      const r = await cli(['explain', 'payments-api', ...args], env);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.split('\n')[0]).toBe('run s3://acme-secsli/history/2026-11-27T000000Z (snapshot schemaVersion 3, written by secsli 0.1.0)');
      expect(body(r.stdout)).toBe(local);
    }
    const missing = await cli(['explain', 'payments-api', '--run', 's3://acme-secsli/history/2020-01-01T000000Z'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('not a run');
  });
});

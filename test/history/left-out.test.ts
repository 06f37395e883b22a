import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, fixture, scoreArgs, tmp } from '../cli/run.js';
import { startS3Emulator, type S3Emulator } from '../fakes/s3-emulator.js';
import { FAKE } from '../live/world.js';

/**
 * `trend`, `review` and `baseline` read history that may hold runs they cannot read. They skip
 * them with a warning and write their output all the same; a run they needed and could not read
 * (corrupt, invalid, cut short, a newer schemaVersion, an S3 upload without a manifest) makes them
 * exit 3, with a closing stderr line naming it, so that a scheduled job alerting on the exit code
 * learns of the hole. Runs left out by design (narrowed with `score --asset`, an upload still in
 * progress, outside what the command reads) keep exit 0. End to end: real `score` runs, argv in,
 * exit code and files out.
 */

// Four runs in 2026-Q4 and the latest in January: the default review window is 2026-Q4.
const DATES = ['2026-11-20', '2026-11-27', '2026-12-04', '2026-12-11', '2027-01-08'];
const name = (day: string) => `${day}T000000Z`;
const from = ['--config', fixture('assets.yaml'), '--from', `securityhub=${fixture('securityhub.json')}`, '--from', `dependabot=${fixture('dependabot.json')}`];

let base: string;
beforeAll(async () => {
  base = await tmp('secsli-left-out-');
  for (const d of DATES) {
    const r = await cli(scoreArgs(base, '--as-of', `${d}T00:00:00Z`));
    expect(r.code, r.stderr).toBe(0);
  }
});
afterAll(() => rm(base, { recursive: true, force: true }));

/** A copy of the history to damage. */
async function history(): Promise<string> {
  const dir = await tmp('secsli-left-out-');
  await cp(base, dir, { recursive: true });
  return dir;
}

const snapshot = (h: string, day: string) => join(h, name(day), 'snapshot.json');
async function edit(file: string, change: (text: string) => string): Promise<void> {
  await writeFile(file, change(await readFile(file, 'utf8')));
}
const lastLine = (stderr: string) => stderr.trimEnd().split('\n').at(-1);

async function review(h: string, ...extra: string[]) {
  const out = await tmp('secsli-left-out-reviews-');
  const r = await cli(['review', '--reports', h, '--out', out, ...extra]);
  const dir = r.stdout.trim();
  const files = dir ? await readdir(dir) : [];
  return { ...r, dir, files, md: files.includes('review.md') ? await readFile(join(dir, 'review.md'), 'utf8') : '' };
}

describe('a run that could not be read: exit 3, the output written all the same', () => {
  it('corrupt snapshot.json: review writes its pack, trend prints, baseline proposes — each exits 3 and says which run and why', async () => {
    const h = await history();
    await writeFile(snapshot(h, '2026-12-04'), '{"schemaVersion": 3, "asOf": "2026-12-');

    const rv = await review(h);
    expect(rv.code, rv.stderr).toBe(3);
    expect(rv.dir).toMatch(/2026-Q4$/);
    expect(rv.files).toContain('review.html');
    expect(lastLine(rv.stderr)).toBe('secsli: warn: 1 run(s) left out, could not be read: 2026-12-04T000000Z (corrupt JSON); the review was written without them (exit 3)');
    expect(rv.md).toContain('- **1 run folder(s) could not be read and are left out of this review** (so `secsli review` exited 3): `2026-12-04T000000Z` (corrupt JSON).');
    const html = await readFile(join(rv.dir, 'review.html'), 'utf8');
    expect(html).toContain('<td>2026-12-04T000000Z</td><td class="t">corrupt JSON</td>');

    const tr = await cli(['trend', 'payments-api', '--reports', h]);
    expect(tr.code, tr.stderr).toBe(3);
    expect(tr.stdout).toMatch(/^payments-api: 4 run\(s\)/);
    expect(lastLine(tr.stderr)).toBe(
      'secsli: warn: 1 run(s) left out, could not be read: 2026-12-04T000000Z (corrupt JSON); the trend of payments-api was shown without them (exit 3)',
    );

    const bl = await cli(['baseline', ...from, '--as-of', '2027-02-01T00:00:00Z', '--reports', h]);
    expect(bl.code, bl.stderr).toBe(3);
    expect(bl.stdout).toContain(`from this run and 4 earlier complete run(s) under ${h} (1 earlier run(s) that could not be read left out)`);
    expect(bl.stdout).toMatch(/^policy:$/m);
    expect(lastLine(bl.stderr)).toMatch(/1 run\(s\) left out, could not be read: 2026-12-04T000000Z \(corrupt JSON\); the proposal was printed without them \(exit 3\)$/);
  });

  it('every kind of unreadable run counts: no snapshot.json, an invalid one, a newer schemaVersion, an as-of not its name, a findings file cut short', async () => {
    const cases: Array<[string, (h: string) => Promise<void>, RegExp, { trend: number }]> = [
      ['no snapshot.json', (h) => rm(snapshot(h, '2026-12-04')), /2026-12-04T000000Z \(no snapshot\.json\)/, { trend: 3 }],
      [
        'invalid',
        (h) => edit(snapshot(h, '2026-12-04'), (t) => t.replace(/"assets": \[/, '"assets": 7, "was": [')),
        /2026-12-04T000000Z \(not a valid snapshot: assets: /,
        { trend: 3 },
      ],
      [
        'newer schemaVersion',
        (h) => edit(snapshot(h, '2026-12-04'), (t) => t.replace(/"schemaVersion": \d+/, '"schemaVersion": 99')),
        /2026-12-04T000000Z \(unsupported schemaVersion 99 \(written by a newer secsli; upgrade to read it\)\)/,
        { trend: 3 },
      ],
      [
        'as-of not its name',
        (h) => edit(snapshot(h, '2026-12-04'), (t) => t.replace(/"asOf": "2026-12-04T00:00:00.000Z"/, '"asOf": "2026-12-05T00:00:00.000Z"')),
        /2026-12-04T000000Z \(its snapshot says as of 2026-12-05T00:00:00.000Z, its name says 2026-12-04T00:00:00.000Z/,
        { trend: 3 },
      ],
      // trend reads no findings: a findings file cut short changes nothing it shows.
      [
        'findings cut short',
        (h) => edit(join(h, name('2026-12-04'), 'snapshot-findings.ndjson'), (t) => t.split('\n').slice(0, 1).join('\n') + '\n'),
        /2026-12-04T000000Z \(not a valid snapshot: snapshot-findings\.ndjson has 1 findings, snapshot.json says \d+ \(truncated\?\)\)/,
        { trend: 0 },
      ],
    ];
    for (const [what, damage, why, expected] of cases) {
      const h = await history();
      await damage(h);
      const rv = await review(h);
      expect(rv.code, `${what}: ${rv.stderr}`).toBe(3);
      expect(rv.files, what).toContain('review.md');
      expect(lastLine(rv.stderr), what).toMatch(why);
      const tr = await cli(['trend', 'payments-api', '--reports', h]);
      expect(tr.code, `${what}: ${tr.stderr}`).toBe(expected.trend);
    }
  });

  it('--log-format json: the closing line is an event a scheduler can read', async () => {
    const h = await history();
    await writeFile(snapshot(h, '2026-11-27'), 'not json');
    const rv = await review(h, '--log-format', 'json');
    expect(rv.code).toBe(3);
    expect(JSON.parse(lastLine(rv.stderr)!)).toMatchObject({
      level: 'warn',
      event: 'left-out',
      exitCode: 3,
      leftOut: [{ name: '2026-11-27T000000Z', reason: 'corrupt JSON' }],
    });
  });

  it('names at most five runs on the closing line, and counts them all', async () => {
    const h = await history();
    for (const d of ['2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06'])
      await cp(join(h, name('2026-11-20')), join(h, name(d)), { recursive: true });
    // Copied under another name: their as-of is not their name's.
    const rv = await review(h);
    expect(rv.code).toBe(3);
    expect(lastLine(rv.stderr)).toMatch(/^secsli: warn: 6 run\(s\) left out, could not be read: 2026-11-01T000000Z \(.*; and 1 more \(warnings above\); the review was written/);
  });
});

describe('runs left out by design keep exit 0', () => {
  it('a run narrowed with score --asset is listed in the pack as narrowed, and changes no exit code', async () => {
    const h = await history();
    const narrowed = await cli(scoreArgs(h, '--as-of', '2026-12-18T00:00:00Z', '--asset', 'payments-api'));
    expect(narrowed.code, narrowed.stderr).toBe(0);
    const rv = await review(h);
    expect(rv.code, rv.stderr).toBe(0);
    expect(rv.stderr).not.toMatch(/left out, could not be read/);
    expect(rv.md).toContain('- **1 run folder(s) not used**: `2026-12-18T000000Z` (narrowed to asset payments-api).');
    expect(rv.md).not.toContain('could not be read');
    expect(await readFile(join(rv.dir, 'review.html'), 'utf8')).not.toContain('could not be read');
    for (const asset of ['payments-api', 'web']) expect((await cli(['trend', asset, '--reports', h])).code).toBe(0);
    expect((await cli(['baseline', ...from, '--as-of', '2027-02-01T00:00:00Z', '--reports', h])).code).toBe(0);
  });

  it('outside the window: a run after it that could not have moved it, or any after a --from/--to window', async () => {
    const h = await history();
    // After 2027-01-08, in the same quarter: the default window is 2026-Q4 either way.
    await cp(join(h, name('2027-01-08')), join(h, name('2027-01-15')), { recursive: true });
    await writeFile(snapshot(h, '2027-01-15'), 'not json');
    const rv = await review(h);
    expect(rv.code, rv.stderr).toBe(0);
    expect(rv.dir).toMatch(/2026-Q4$/);
    // After the window: no run missing from it, so not in the summary, and listed apart in the appendix.
    expect(rv.md).not.toContain('run folder(s) not used**');
    expect(rv.md).not.toContain('**Run folders not used:**');
    expect(rv.md).toContain('**After this window (2026-12-31), not used** — no bearing on this review:\n\n- `2027-01-15T000000Z`: corrupt JSON');
    const html = await readFile(join(rv.dir, 'review.html'), 'utf8');
    expect(html).toContain('<h4>After this window (2026-12-31), not used</h4>');
    expect(html).toContain('None: every run folder up to this window’s end was read.');
    // The latest run, in a later quarter: read, it would have made the default window 2027-Q1.
    await cp(join(h, name('2027-01-08')), join(h, name('2027-04-09')), { recursive: true });
    await writeFile(snapshot(h, '2027-04-09'), 'not json');
    const moved = await review(h);
    expect(moved.code, moved.stderr).toBe(3);
    expect(lastLine(moved.stderr)).toMatch(/1 run\(s\) left out, could not be read: 2027-04-09T000000Z \(corrupt JSON\)/);
    // The run that moved the window is a run missing; the other one after it still is not.
    expect(moved.md).toContain('**Run folders not used:**\n\n- `2027-04-09T000000Z`: corrupt JSON');
    expect(moved.md).toContain('**After this window (2026-12-31), not used** — no bearing on this review:\n\n- `2027-01-15T000000Z`: corrupt JSON');
    // A window given whole: runs after it are not read.
    const given = await review(h, '--from', '2026-10-01', '--to', '2026-12-31');
    expect(given.code, given.stderr).toBe(0);
    // Only --from: the end still follows the latest run.
    expect((await review(h, '--from', '2026-10-01')).code).toBe(3);
    // trend --last: a run before the ones shown is outside what was asked for; one among them is not.
    expect((await cli(['trend', 'payments-api', '--reports', h, '--last', '2'])).code).toBe(3);
    await rm(join(h, name('2027-01-15')), { recursive: true });
    await rm(join(h, name('2027-04-09')), { recursive: true });
    await writeFile(snapshot(h, '2026-11-20'), 'not json');
    expect((await cli(['trend', 'payments-api', '--reports', h, '--last', '2'])).code).toBe(0);
    expect((await cli(['trend', 'payments-api', '--reports', h])).code).toBe(3);
    // baseline learns only from runs before its as-of: a later one that could not be read is no sample missing.
    expect((await cli(['baseline', ...from, '--as-of', '2026-11-21T00:00:00Z', '--reports', h])).code).toBe(3);
    await writeFile(snapshot(h, '2026-11-20'), await readFile(snapshot(base, '2026-11-20'), 'utf8'));
    await writeFile(snapshot(h, '2026-12-11'), 'not json');
    expect((await cli(['baseline', ...from, '--as-of', '2026-12-05T00:00:00Z', '--reports', h])).code).toBe(0);
  });

  it('an unreadable run before the run the review starts from is no hole: exit 0, listed apart; one after that run is', async () => {
    // The window is 2027-Q1 (the latest run's), the quarter before it 2026-Q4: the review starts from the last run read before 2026-10-01.
    const h = await history();
    const corrupt = async (day: string) => {
      await rm(join(h, name(day)), { recursive: true, force: true });
      await cp(join(h, name('2026-11-20')), join(h, name(day)), { recursive: true });
      await writeFile(snapshot(h, day), 'not json');
    };
    await corrupt('2026-02-06');
    // No run read before 2026-Q4: the corrupt one may have been the run the previous quarter's deadlines start from.
    expect((await review(h)).code).toBe(3);
    expect((await cli(scoreArgs(h, '--as-of', '2026-04-10T00:00:00Z'))).code).toBe(0);
    const rv = await review(h);
    expect(rv.code, rv.stderr).toBe(0);
    expect(rv.md).not.toContain('run folder(s) not used**');
    expect(rv.md).toContain('**Before the run this review starts from (2026-04-10), not used** — no bearing on this review:\n\n- `2026-02-06T000000Z`: corrupt JSON');
    const html = await readFile(join(rv.dir, 'review.html'), 'utf8');
    expect(html).toContain('<h4>Before the run this review starts from (2026-04-10), not used</h4>');
    expect(html).toContain('None: every run folder from the one this review starts from (2026-04-10) was read.');
    // Between that run and the window's end: the previous quarter's figures are read from there.
    await corrupt('2026-05-01');
    const hole = await review(h);
    expect(hole.code).toBe(3);
    expect(lastLine(hole.stderr)).toMatch(/1 run\(s\) left out, could not be read: 2026-05-01T000000Z \(corrupt JSON\)/);
    expect(hole.md).toContain('`2026-02-06T000000Z`: corrupt JSON');
  });

  it('after a window given whole: the first run after its end reports the closes inside it, so one unreadable before it is a hole', async () => {
    const h = await history();
    const q4 = ['--from', '2026-10-01', '--to', '2026-12-31'];
    await writeFile(snapshot(h, '2027-01-08'), 'not json');
    // No run read after the window: a finding fixed after its last run and before its end may be reported by none.
    const lost = await review(h, ...q4);
    expect(lost.code, lost.stderr).toBe(3);
    expect(lastLine(lost.stderr)).toMatch(/1 run\(s\) left out, could not be read: 2027-01-08T000000Z \(corrupt JSON\)/);
    // A run read after it: that one reports them.
    expect((await cli(scoreArgs(h, '--as-of', '2027-01-01T00:00:00Z'))).code).toBe(0);
    const read = await review(h, ...q4);
    expect(read.code, read.stderr).toBe(0);
    expect(read.md).toContain('**After this window (2026-12-31), not used** — no bearing on this review:\n\n- `2027-01-08T000000Z`: corrupt JSON');
  });

  it('temporary and other folders are not runs at all', async () => {
    const h = await history();
    await cp(join(h, name('2026-12-04')), join(h, `.${name('2026-12-18')}.tmp-1234`), { recursive: true });
    await writeFile(join(h, `.${name('2026-12-18')}.tmp-1234`, 'snapshot.json'), '{"half');
    await cp(join(h, name('2026-12-04')), join(h, 'old-copy'), { recursive: true });
    const rv = await review(h);
    expect(rv.code, rv.stderr).toBe(0);
    expect(rv.stderr).not.toMatch(/skipping/);
  });
});

describe('nothing readable to review: the usage error it was (exit 2, nothing written), never 70', () => {
  it('every run folder unreadable', async () => {
    const h = await history();
    for (const d of DATES) await writeFile(snapshot(h, d), 'not json');
    const rv = await review(h);
    expect(rv.code).toBe(2);
    expect(rv.stdout).toBe('');
    expect(rv.stderr).toMatch(/error: nothing to review under .*: no readable runs: all 5 run folder\(s\) there were skipped \(the warnings above say why\)/);
    const window = await review(h, '--from', '2026-10-01', '--to', '2026-12-31');
    expect(window.code).toBe(2);
    expect(window.stderr).toMatch(/error: no runs in .* between 2026-10-01 and 2026-12-31 \(no readable runs: all 5 run folder\(s\) there were skipped/);
    const tr = await cli(['trend', 'payments-api', '--reports', h]);
    expect(tr.code).toBe(2);
    expect(tr.stderr).toMatch(/error: no readable runs: all 5 run folder\(s\) there were skipped \(the warnings above say why\) under /);
    expect(tr.stderr).toMatch(/hint: Fix or remove those run folders/);
  });

  it('every findings file cut short (found only while the review reads them)', async () => {
    const h = await history();
    for (const d of DATES) await edit(join(h, name(d), 'snapshot-findings.ndjson'), () => '');
    const rv = await review(h);
    expect(rv.code).toBe(2);
    expect(rv.stderr).toMatch(/error: nothing to review under .*: no readable runs: all 5 run folder\(s\) there were skipped/);
  });

  it('an empty reports folder, as before', async () => {
    const rv = await review(await tmp('secsli-left-out-empty-'));
    expect(rv.code).toBe(2);
    expect(rv.stderr).toMatch(/error: no readable runs to review/);
  });
});

describe('history in S3', () => {
  let s3: S3Emulator;
  let env: NodeJS.ProcessEnv;
  const OUT = 's3://acme-secsli/history';
  beforeAll(async () => {
    s3 = await startS3Emulator({ buckets: ['acme-secsli'], pageSize: 3 });
    env = { AWS_ENDPOINT_URL_S3: s3.url, AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: FAKE.awsKeyId, AWS_SECRET_ACCESS_KEY: FAKE.awsSecret };
    for (const d of ['2026-11-20', '2026-11-27']) expect((await cli(scoreArgs(OUT, '--as-of', `${d}T00:00:00Z`), env)).code).toBe(0);
  });
  afterAll(() => s3.close());

  /** Objects of a run without a manifest, last written `ago` ms before now; `claimed`: begun by secsli score. */
  function orphan(run: string, ago: number, claimed: boolean): () => void {
    const objects = s3.objects.get('acme-secsli')!;
    const keys = [...(claimed ? ['.claim'] : []), 'snapshot.json'].map((f) => `history/${run}/${f}`);
    for (const k of keys) objects.set(k, { body: Buffer.from('{}'), etag: '"e"', lastModified: new Date(Date.now() - ago), headers: {} });
    return () => {
      for (const k of keys) objects.delete(k);
    };
  }

  it('an abandoned upload (over a day old) or one not begun by secsli is a run missing: exit 3; one still uploading is not', async () => {
    const reviews = await tmp('secsli-left-out-s3-');
    const windowed = ['--from', '2026-11-01', '--to', '2026-12-31', '--out', reviews];
    let undo = orphan('2026-11-23T000000Z', 2 * 86_400_000, true);
    const stale = await cli(['trend', 'payments-api', '--reports', OUT], env);
    expect(stale.code, stale.stderr).toBe(3);
    expect(stale.stdout).toMatch(/^payments-api: 2 run\(s\)/);
    expect(lastLine(stale.stderr)).toMatch(
      /1 run\(s\) left out, could not be read: 2026-11-23T000000Z \(incomplete upload: no manifest.json \(last written .*, over a day ago: abandoned\)\)/,
    );
    expect((await cli(['review', '--reports', OUT, ...windowed], env)).code).toBe(3);
    undo();

    undo = orphan('2026-11-23T000000Z', 60_000, false);
    const byHand = await cli(['trend', 'payments-api', '--reports', OUT], env);
    expect(byHand.code).toBe(3);
    expect(lastLine(byHand.stderr)).toMatch(/2026-11-23T000000Z \(no manifest.json and not begun by secsli score \(copied in by hand\?\); left alone\)/);
    undo();

    undo = orphan('2026-11-23T000000Z', 60_000, true);
    const uploading = await cli(['trend', 'payments-api', '--reports', OUT], env);
    expect(uploading.code, uploading.stderr).toBe(0);
    expect(uploading.stderr).toMatch(/skipping run 2026-11-23T000000Z: incomplete upload: no manifest.json \(last written .*, less than a day ago: still uploading\?\)/);
    const rv = await cli(['review', '--reports', OUT, ...windowed], env);
    expect(rv.code, rv.stderr).toBe(0);
    expect(await readFile(join(rv.stdout.trim(), 'review.md'), 'utf8')).toContain('`2026-11-23T000000Z` (incomplete upload: no manifest.json');
    undo();
  });

  it('a run whose snapshot differs from its manifest (changed after upload) is unreadable: exit 3, not a crash', async () => {
    const objects = s3.objects.get('acme-secsli')!;
    const key = 'history/2026-11-20T000000Z/snapshot.json';
    const saved = objects.get(key)!;
    objects.set(key, { ...saved, body: Buffer.from(saved.body.toString('utf8').replace('"asOf"', ' "asOf"')) });
    try {
      const tr = await cli(['trend', 'payments-api', '--reports', OUT], env);
      expect(tr.code, tr.stderr).toBe(3);
      expect(lastLine(tr.stderr)).toMatch(/1 run\(s\) left out, could not be read: 2026-11-20T000000Z \(.*differs from its manifest/);
      // Given on the command line, it is a usage error naming the object, as any unreadable run is.
      const diff = await cli(['diff', `${OUT}/2026-11-20T000000Z`, `${OUT}/2026-11-27T000000Z`], env);
      expect(diff.code, diff.stderr).toBe(2);
      expect(diff.stderr).toMatch(/error: .*2026-11-20T000000Z.*differs from its manifest/);
    } finally {
      objects.set(key, saved);
    }
  });
});

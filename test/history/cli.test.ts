import { Command, CommanderError } from 'commander';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerDiff } from '../../src/cli/diff.js';
import type { Io } from '../../src/cli/options.js';
import { registerReview } from '../../src/cli/review.js';
import { registerTrend } from '../../src/cli/trend.js';
import { EXIT, SecsliError } from '../../src/errors.js';
import { expectGolden } from '../golden-file.js';
import { writeRunFolder, writeScenario } from './scenario.js';

/**
 * The three history commands end to end: argv in, exit code, stdout and files out. Registered on a
 * bare program the way src/cli/main.ts registers them (same error → exit code mapping).
 */

async function cli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d) => (stdout += d));
  err.on('data', (d) => (stderr += d));
  const io: Io = { stdout: out, stderr: err, env, now: () => new Date('2026-10-05T00:00:00Z') };
  let code: number = EXIT.OK;
  const program = new Command('secsli').exitOverride().configureOutput({ writeOut: (s) => out.write(s), writeErr: (s) => err.write(s) });
  for (const register of [registerReview, registerDiff, registerTrend]) register(program, io, (n) => (code = n));
  for (const c of program.commands) c.exitOverride();
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) code = e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    else if (e instanceof SecsliError) {
      code = e.exitCode;
      stderr += `secsli: error: ${e.message}\nhint: ${e.hint ?? ''}\n`;
    } else throw e;
  }
  // Paths relative to the test's temp folder, as a user in that folder would see them.
  return { code, stdout: stdout.split(dir + '/').join(''), stderr: stderr.split(dir + '/').join('') };
}

/** Paths in argv are relative to the temp folder (no chdir: tests may run in worker threads). */
const at = (...argv: string[]) => argv.map((a) => (/^(reports|reviews|nope)/.test(a) ? join(dir, a) : a));
const R = ['--reports', 'reports', '--out', 'reviews'];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'secsli-cli-'));
  await writeScenario(join(dir, 'reports'));
  await writeRunFolder(join(dir, 'reports'), '2026-08-18T000000Z', 'not json');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const GOLDEN = fileURLToPath(new URL('../fixtures/history/review.md', import.meta.url));

/** Every file under `root`, as sorted relative paths. */
async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();
}

describe('secsli review', () => {
  it('writes the review folder (HTML, Markdown, per-owner files, CSVs, SVG charts) and prints its path; exit 3 for the corrupt run it left out', async () => {
    const r = await cli(at('review', ...R));
    // The pack is written all the same; the exit code tells a scheduled job that a run of the quarter is missing from it.
    expect(r).toMatchObject({ code: 3, stdout: 'reviews/2026-Q3\n' });
    expect(r.stderr).toMatch(/skipping run 2026-08-18T000000Z: corrupt JSON/);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe(
      'secsli: warn: 1 run(s) left out, could not be read: 2026-08-18T000000Z (corrupt JSON); the review was written without them (exit 3)',
    );
    const files = await listFiles(join(dir, 'reviews', '2026-Q3'));
    expect(files).toEqual([
      'accepted-risk.svg',
      'attainment-by-owner.svg',
      'attainment.csv',
      'backlog.svg',
      'budget-history.csv',
      'budget-used.svg',
      'coverage.csv',
      'exceptions-expiring.csv',
      'flow-by-month.svg',
      'flow.csv',
      'lifecycle.csv',
      'movers.csv',
      'owners/team-pay.html',
      'owners/team-pay.md',
      'owners/team-web.html',
      'owners/team-web.md',
      'review.html',
      'review.md',
    ]);
    const md = await readFile(join(dir, 'reviews', '2026-Q3', 'review.md'), 'utf8');
    for (const svg of ['budget-used.svg', 'flow-by-month.svg', 'attainment-by-owner.svg', 'backlog.svg', 'accepted-risk.svg']) {
      expect(md).toContain(`](${svg})`);
      const text = await readFile(join(dir, 'reviews', '2026-Q3', svg), 'utf8');
      expect(text.startsWith('<svg')).toBe(true);
    }
    expect(md).toContain('`2026-08-18T000000Z`: corrupt JSON');
    const budget = await readFile(join(dir, 'reviews', '2026-Q3', 'budget-used.svg'), 'utf8');
    expect(budget).toContain('Share of risk budget used');
    expect(budget).toContain('>budget (100 %)</text>');
    // A tick on every run date of the window, each once.
    for (const d of ['Jul 3', 'Jul 10', 'Aug 14', 'Sep 25']) expect(budget.split(`>${d}</text>`)).toHaveLength(2);
    const html = await readFile(join(dir, 'reviews', '2026-Q3', 'review.html'), 'utf8');
    expect(html).toContain('<h2>Executive summary</h2>');
    expect(html).toContain('<td>2026-08-18T000000Z</td><td class="t">corrupt JSON</td>');
    // Said where the pack is read, not only in the appendix.
    const summaryHtml = html.slice(html.indexOf('<h2>Executive summary</h2>'), html.indexOf('</section>', html.indexOf('<h2>Executive summary</h2>')));
    expect(summaryHtml).toContain('1 run folder(s) could not be read and are left out of this review (so <code>secsli review</code> exited 3): <code>2026-08-18T000000Z</code>.');
    expect(html).not.toMatch(/<script|<link|src="http|href="\/\//);
    const owner = await readFile(join(dir, 'reviews', '2026-Q3', 'owners', 'team-pay.md'), 'utf8');
    expect(owner.split('\n')[0]).toBe('# team-pay — security review 2026-Q3 (2026-07-01 … 2026-09-30)');
    expect(owner).toContain('**Next actions**');
    const attainment = await readFile(join(dir, 'reviews', '2026-Q3', 'attainment.csv'), 'utf8');
    expect(attainment.split('\n')[2]).toBe('pay,team-pay,critical,13,13,0,4,9,13,69.23,13,13,100,69.23,90,1.3,-207.69,3.0769,7.5,4,BREACHED,110,4');
    await expectGolden(GOLDEN, md, 'review.md');
  });

  it('is deterministic and TZ-independent, and never overwrites an earlier review', async () => {
    const tz = process.env.TZ;
    process.env.TZ = 'America/Los_Angeles';
    try {
      const r = await cli(at('review', ...R, '--from', '2026-07-01', '--to', '2026-09-30'));
      expect(r.stdout).toBe('reviews/2026-Q3-2\n');
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
    const first = join(dir, 'reviews', '2026-Q3');
    for (const name of await listFiles(first)) {
      expect(await readFile(join(dir, 'reviews', '2026-Q3-2', name), 'utf8'), name).toBe(await readFile(join(first, name), 'utf8'));
    }
  });

  it('--pdf: a clear usage error without Chromium; review.pdf printed where it is installed', async () => {
    const missing = await cli(at('review', ...R, '--pdf'), { SECSLI_CHROMIUM: join(dir, 'no-chromium') });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--pdf needs headless Chromium, and none was found/);
    expect(missing.stderr).toMatch(/apt-get install chromium/);
    if (!existsSync('/usr/bin/chromium')) return console.warn('secsli review --pdf: printing not tested, no /usr/bin/chromium');
    const r = await cli(at('review', ...R, '--from', '2026-09-01', '--to', '2026-09-30', '--pdf', '--paper', 'letter'), { SECSLI_CHROMIUM: '/usr/bin/chromium' });
    // The corrupt 2026-08-18 run is in the window compared with (August): left out, exit 3.
    expect(r).toMatchObject({ code: 3, stdout: 'reviews/2026-09-01_2026-09-30\n' });
    const pdf = await readFile(join(dir, 'reviews', '2026-09-01_2026-09-30', 'review.pdf'));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // Letter is 612 × 792 points.
    expect(pdf.toString('latin1')).toMatch(/\/MediaBox \[0 0 612 792\]/);
  }, 60_000);

  it('names a custom window by its dates; rejects bad dates and empty windows with exit 2', async () => {
    expect((await cli(at('review', ...R, '--from', '2026-08-01', '--to', '2026-08-31'))).stdout).toBe('reviews/2026-08-01_2026-08-31\n');
    expect(await cli(at('review', ...R, '--from', '2026-02-30'))).toMatchObject({ code: 2, stderr: expect.stringMatching(/not a date/) });
    expect(await cli(at('review', ...R, '--from', '2025-01-01', '--to', '2025-03-31'))).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/no runs .* between 2025-01-01 and 2025-03-31/),
    });
    expect(await cli(at('review', ...R, '--objective', '1'))).toMatchObject({ code: 2 });
    expect(await cli(at('review', '--reports', 'nope'))).toMatchObject({ code: 2, stderr: expect.stringMatching(/cannot read reports folder nope/) });
  });
});

describe('secsli diff', () => {
  it('prints the attribution table for two run folders (or snapshot files)', async () => {
    const r = await cli(at('diff', 'reports/2026-08-07T000000Z', 'reports/2026-08-14T000000Z/snapshot.json'));
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('2026-08-07T000000Z → 2026-08-14T000000Z');
    expect(r.stdout).toMatch(/^pay +BREACHED → OK +21\.00 → 1\.00 +210 % → 10 % +−20\.00 +0 +−20\.00 /m);
    expect(r.stdout).toContain('−20.00  fixed/closed: dependabot:acme/pay#P2 critical — closed (fixed)');
    const md = await cli(at('diff', '--format', 'markdown', 'reports/2026-08-07T000000Z', 'reports/2026-08-14T000000Z'));
    expect(md.stdout).toContain('## What changed since 2026-08-07T000000Z');
  });

  it('a missing or corrupt run is a usage error', async () => {
    expect(await cli(at('diff', 'reports/nope', 'reports/2026-08-14T000000Z'))).toMatchObject({ code: 2, stderr: expect.stringMatching(/no such run folder/) });
    expect(await cli(at('diff', 'reports/2026-08-18T000000Z', 'reports/2026-08-14T000000Z'))).toMatchObject({ code: 2, stderr: expect.stringMatching(/corrupt JSON/) });
  });
});

describe('secsli trend', () => {
  it("prints one asset's runs and a sparkline of budget used", async () => {
    const r = await cli(at('trend', 'pay', '--reports', 'reports', '--last', '5'));
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('pay: 14 run(s), last 5 shown');
    expect(lines[2]).toMatch(/^as-of +status +risk +Δ +budget used +remediation SLI +open C\/H\/M\/L +policy$/);
    expect(lines[4]).toMatch(/^2026-09-04T00:00Z +OK +1\.00 +0 +10 % +100\.0 % +0\/0\/0\/1 +[0-9a-f]{12}$/);
    expect(lines[5]).toMatch(/^2026-09-11T00:00Z +BREACHED +11\.00 +\+10\.00 +110 % +100\.0 % +0\/1\/0\/1$/);
    expect(r.stdout).toContain('budget used ▂████  10 % → 110 % (peak 110 %');
  });

  it('a run that did not measure the asset shows its numbers as lower bounds, outside Δ and the line', async () => {
    // batch is UNKNOWN on 08-14 and 08-21 (Dependabot alerts disabled for its repository).
    const r = await cli(at('trend', 'batch', '--reports', 'reports'));
    const line = (d: string) => r.stdout.split('\n').find((l) => l.startsWith(d))!;
    expect(line('2026-08-14')).toMatch(/^2026-08-14T00:00Z +UNKNOWN +≥ 0\.50 +≥ 1 % +n\/a/);
    // Its open counts are lower bounds too.
    expect(line('2026-08-14')).toMatch(/ ≥ \d+\/\d+\/\d+\/\d+( |$)/);
    // Δ of the next measured run against the last measured one (08-07), not against the gap.
    expect(line('2026-08-28')).toMatch(/^2026-08-28T00:00Z +OK +0\.50 +0 +1 %/);
    expect(r.stdout).toContain('budget used ▁▁▁▁▁▁··▁▁▁▁▁▁');
    expect(r.stdout).toContain('≥: 2 run(s) did not fully measure the asset (a lower bound, left out of Δ and of the line)');
  });

  it('an unknown asset is a usage error listing the known ones', async () => {
    expect(await cli(at('trend', 'x-unknown', '--reports', 'reports'))).toMatchObject({ code: 2, stderr: expect.stringContaining('Known assets: batch, pay, web') });
  });

  it('--last takes a whole number ≥ 1: -5, 0 and abc are usage errors, not one run and exit 0', async () => {
    for (const bad of ['-5', '0', 'abc']) {
      expect(await cli(at('trend', 'pay', '--reports', 'reports', '--last', bad))).toMatchObject({ code: 2, stderr: expect.stringContaining('--last: ') });
    }
  });
});

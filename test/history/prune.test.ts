import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planPrune } from '../../src/history/prune.js';
import { cli, exampleScoreArgs, tmp } from '../cli/run.js';

describe('planPrune', () => {
  const runs = ['2026-11-27T000000Z', '2025-11-27T000000Z', '2026-05-31T000000Z', '2026-05-31T000000Z-2', '2026-06-01T000000Z', '2026-05-31T235959Z'];

  it('keeps the window before the newest run (not before today), oldest first, the newest always', () => {
    // 180 days before 2026-11-27 is 2026-05-31T00:00Z: a run exactly at the edge stays.
    expect(planPrune(runs, 180)).toEqual({
      remove: ['2025-11-27T000000Z'],
      keep: ['2026-05-31T000000Z', '2026-05-31T000000Z-2', '2026-05-31T235959Z', '2026-06-01T000000Z', '2026-11-27T000000Z'],
      cutoff: '2026-05-31T00:00:00Z',
      anchor: '2026-11-27T000000Z',
      future: [],
    });
    expect(planPrune(runs, 179).remove).toEqual(['2025-11-27T000000Z', '2026-05-31T000000Z', '2026-05-31T000000Z-2', '2026-05-31T235959Z']);
    expect(planPrune(runs, 1).keep).toEqual(['2026-11-27T000000Z']);
    expect(planPrune(['2020-01-01T000000Z'], 1)).toMatchObject({ remove: [], keep: ['2020-01-01T000000Z'] });
    expect(planPrune([], 30)).toEqual({ remove: [], keep: [], cutoff: '', future: [] });
  });

  it('a run dated after now never sets the window: the days count back from the newest run not after now', () => {
    const now = Date.parse('2026-11-27T12:00:00Z');
    const ahead = [...runs, '2027-12-01T000000Z'];
    // Anchored on 2027-12-01, a 180-day window would remove every 2026 run but the future one.
    expect(planPrune(ahead, 180).remove).toHaveLength(6);
    expect(planPrune(ahead, 180, [], now)).toEqual({ ...planPrune(runs, 180), keep: [...planPrune(runs, 180).keep, '2027-12-01T000000Z'], future: ['2027-12-01T000000Z'] });
    // Only runs from the future: nothing is removed, nothing anchors.
    expect(planPrune(['2027-01-01T000000Z', '2027-02-01T000000Z'], 1, [], now)).toEqual({
      remove: [],
      keep: ['2027-01-01T000000Z', '2027-02-01T000000Z'],
      cutoff: '',
      future: ['2027-01-01T000000Z', '2027-02-01T000000Z'],
    });
  });

  it('spares the runs it is told to, whatever their age (a back-fill that score --keep-days just wrote)', () => {
    expect(planPrune(runs, 1, ['2025-11-27T000000Z']).remove).not.toContain('2025-11-27T000000Z');
  });
});

const AS_OF = (day: string) => ['--as-of', `${day}T00:00:00Z`];
const scoreAt = (out: string, day: string, ...extra: string[]) =>
  cli([...exampleScoreArgs(out, ...extra).filter((a, i, all) => a !== '--as-of' && all[i - 1] !== '--as-of'), ...AS_OF(day)]);

describe('secsli prune and score --keep-days', () => {
  it('a dry run names what would go; the real one removes it and nothing else (sync state, temp folders, foreign folders stay)', async () => {
    const out = await tmp('secsli-prune-');
    for (const day of ['2026-01-01', '2026-05-01', '2026-11-27']) expect((await scoreAt(out, day)).code).toBe(0);
    await mkdir(join(out, '.secsli-state'));
    await writeFile(join(out, '.secsli-state', 'securityhub.ndjson'), '{}\n');
    await mkdir(join(out, 'notes'));
    const writing = `.2026-11-28T000000Z.tmp-h00000000-1-${Date.now()}`; // another host's run being written
    await mkdir(join(out, writing));
    const dry = await cli(['prune', '--reports', out, '--keep-days', '200', '--dry-run']);
    expect([dry.code, dry.stdout]).toEqual([
      0,
      [
        'Keeping runs as of 2026-05-11T00:00:00Z or later (200 days before the newest not after now, 2026-11-27T000000Z).',
        'would remove  2026-01-01T000000Z',
        'would remove  2026-05-01T000000Z',
        'Would remove 2 run(s); 1 kept (oldest 2026-11-27T000000Z).',
        '',
      ].join('\n'),
    ]);
    expect(await readdir(out)).toHaveLength(6);
    const real = await cli(['prune', '--reports', out, '--keep-days', '300']);
    expect(real.code).toBe(0);
    expect(real.stdout).toMatch(/^removed {2}2026-01-01T000000Z\nRemoved 1 run\(s\) \(\d+\.\d [kM]B\); 2 kept \(oldest 2026-05-01T000000Z\)\.\n$/m);
    expect((await readdir(out)).sort()).toEqual(['.secsli-state', writing, '2026-05-01T000000Z', '2026-11-27T000000Z', 'notes'].sort());
    // review's quarter-over-quarter needs the quarter before: a shorter window is allowed, with a warning.
    expect(real.stderr).not.toMatch(/keep 200 days/);
    expect((await cli(['prune', '--reports', out, '--keep-days', '30', '--dry-run'])).stderr).toMatch(/keep 200 days or more/);
  });

  it('refuses what would be a mistake: 0 days, no --keep-days, a folder that does not exist', async () => {
    const zero = await cli(['prune', '--reports', 'reports', '--keep-days', '0']);
    expect([zero.code, zero.stderr]).toEqual([2, expect.stringContaining('--keep-days: "0" is not a whole number of days ≥ 1: keep at least 1 day')]);
    const negative = await cli(['prune', '--reports', 'reports', '--keep-days', '-1']);
    expect([negative.code, negative.stderr]).toEqual([2, expect.stringContaining('--keep-days: "-1" is not a whole number of days ≥ 1')]);
    expect((await cli(['prune', '--reports', 'reports'])).code).toBe(2);
    const missing = await cli(['prune', '--reports', '/nonexistent/secsli-reports', '--keep-days', '400']);
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining('no reports folder at /nonexistent/secsli-reports (ENOENT)')]);
  });

  it('a run dated after the clock (an --as-of in the future, a clock that ran ahead) removes nothing, never sets the window and is named', async () => {
    const out = await tmp('secsli-ahead-');
    for (const day of ['2026-06-01', '2026-09-01', '2026-11-20', '2026-11-21']) expect((await scoreAt(out, day)).code).toBe(0);
    // A mistyped year: against its own as-of, a 200-day window would remove every earlier run.
    const ahead = await scoreAt(out, '2027-12-01', '--keep-days', '200');
    expect(ahead.code).toBe(0);
    const left = () => readdir(out).then((l) => l.filter((n) => !n.startsWith('.')).sort());
    expect(await left()).toEqual(['2026-06-01T000000Z', '2026-09-01T000000Z', '2026-11-20T000000Z', '2026-11-21T000000Z', '2027-12-01T000000Z']);
    expect(ahead.stderr).toMatch(/warn: 1 run\(s\) dated after the clock 2026-11-27T00:00:00Z: 2027-12-01T000000Z .*counts back from 2026-11-21T000000Z/);
    expect(ahead.stderr).not.toMatch(/removed/);
    const next = await scoreAt(out, '2026-11-24', '--keep-days', '200');
    expect(next.code, next.stderr).toBe(0);
    // Nothing within 200 days of 2026-11-24 goes; the future run is kept and named again.
    expect(await left()).toEqual(['2026-06-01T000000Z', '2026-09-01T000000Z', '2026-11-20T000000Z', '2026-11-21T000000Z', '2026-11-24T000000Z', '2027-12-01T000000Z']);
    expect(next.stderr).toMatch(/warn: 1 run\(s\) dated after the clock 2026-11-27T00:00:00Z: 2027-12-01T000000Z .*counts back from 2026-11-24T000000Z/);
    expect(next.stderr).not.toMatch(/removed/);
    // secsli prune by itself: "now" is the clock too (the test clock is 2026-11-27).
    const dry = await cli(['prune', '--reports', out, '--keep-days', '60', '--dry-run']);
    expect([dry.code, dry.stdout]).toEqual([
      0,
      [
        'Keeping runs as of 2026-09-25T00:00:00Z or later (60 days before the newest not after now, 2026-11-24T000000Z; 1 run(s) dated after now kept).',
        'would remove  2026-06-01T000000Z',
        'would remove  2026-09-01T000000Z',
        'Would remove 2 run(s); 4 kept (oldest 2026-11-20T000000Z).',
        '',
      ].join('\n'),
    ]);
    expect(dry.stderr).toMatch(/1 run\(s\) dated after now 2026-11-27T00:00:00Z: 2027-12-01T000000Z/);
  });

  it('score --keep-days prunes once its run is written, and never the run it wrote (a back-fill older than the window)', async () => {
    const out = await tmp('secsli-keep-');
    for (const day of ['2026-01-01', '2026-11-27']) expect((await scoreAt(out, day)).code).toBe(0);
    const backfill = await scoreAt(out, '2025-06-01', '--keep-days', '100');
    expect(backfill.code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['2025-06-01T000000Z', '2026-11-27T000000Z']);
    expect(backfill.stderr).toMatch(/--keep-days 100: removed 1 run\(s\) as of before 2026-08-19T00:00:00Z/);
    expect(existsSync(join(out, '2025-06-01T000000Z', 'summary.json'))).toBe(true);
  });

  it('score --keep-days never removes the run --fail-on worse judges against: a long outage does not turn every red asset into news', async () => {
    const out = await tmp('secsli-keep-baseline-');
    const shOnly = (day: string, ...extra: string[]) => {
      const args = exampleScoreArgs(out, ...extra);
      const i = args.findIndex((a) => a.startsWith('dependabot='));
      return cli([...args.slice(0, i - 1), ...args.slice(i + 1)].filter((a, k, all) => a !== '--as-of' && all[k - 1] !== '--as-of').concat(AS_OF(day)));
    };
    expect((await scoreAt(out, '2026-11-10', '--fail-on', 'worse')).code).toBe(1); // the first run: BREACHED assets are news
    // Dependabot down for longer than the window: every run exits 3, and prunes.
    for (const day of ['2026-11-11', '2026-11-14', '2026-11-17', '2026-11-20']) expect((await shOnly(day, '--keep-days', '5')).code).toBe(3);
    expect(await readdir(out).then((l) => l.filter((n) => !n.startsWith('.')).sort())).toEqual(['2026-11-10T000000Z', '2026-11-17T000000Z', '2026-11-20T000000Z']);
    // Measured again: judged against the last complete run, kept through the outage — the assets
    // BREACHED since 11-10 are no news (against no baseline, all of them were "new → BREACHED").
    const back = await scoreAt(out, '2026-11-21', '--fail-on', 'worse', '--keep-days', '5');
    const summary = JSON.parse(await readFile(join(back.stdout.trim(), 'summary.json'), 'utf8'));
    expect(summary.baselineRun).toBe('2026-11-10T000000Z');
    expect(summary.message).not.toMatch(/data-warehouse|payments-api|new →/);
  });

  it('secsli prune spares that run too', async () => {
    const out = await tmp('secsli-prune-baseline-');
    expect((await scoreAt(out, '2026-11-10')).code).toBe(0);
    const shOnly = (day: string) => {
      const args = exampleScoreArgs(out);
      const i = args.findIndex((a) => a.startsWith('dependabot='));
      return cli([...args.slice(0, i - 1), ...args.slice(i + 1)].filter((a, k, all) => a !== '--as-of' && all[k - 1] !== '--as-of').concat(AS_OF(day)));
    };
    for (const day of ['2026-11-14', '2026-11-17', '2026-11-20']) expect((await shOnly(day)).code).toBe(3);
    const r = await cli(['prune', '--reports', out, '--keep-days', '5']);
    expect(r.code, r.stderr).toBe(0);
    expect(await readdir(out).then((l) => l.filter((n) => !n.startsWith('.')).sort())).toEqual(['2026-11-10T000000Z', '2026-11-17T000000Z', '2026-11-20T000000Z']);
  });
});

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, exampleScoreArgs, tmp } from './run.js';

/**
 * Every run ends with a summary event under --log-format json (docs/scheduled-job.md: a metric
 * filter on `$.event = "summary"` sees every run), whatever -q says and however the run ends.
 */

const lines = (stderr: string) =>
  stderr
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('the closing summary line', () => {
  it('-q keeps it: the JSON summary event (the Action reads it for S3 history) and the text closing line', async () => {
    const json = await cli(exampleScoreArgs(await tmp(), '--log-format', 'json', '-q'));
    expect(json.code).toBe(0);
    const all = lines(json.stderr);
    expect(all.filter((l) => l.level === 'info' && l.event !== 'summary')).toEqual([]);
    expect(all.at(-1)).toMatchObject({ event: 'summary', exitCode: 0, exitReason: 'ok', byStatus: { BREACHED: 3 } });
    const text = await cli(exampleScoreArgs(await tmp(), '-q'));
    expect(text.code).toBe(0);
    const said = text.stderr.trim().split('\n');
    expect(said.at(-1)).toMatch(/^secsli: run complete: 13 assets — 3 breached, .*; exit 0 \(ok: complete\)$/);
    expect(said.slice(0, -1).every((l) => l.startsWith('secsli: warn: '))).toBe(true);
  });

  it('--fail-on unknown on an exit-3 run: failOnMeasured names the measured breaches, never an UNKNOWN asset (it was not measured)', async () => {
    const args = exampleScoreArgs(await tmp(), '-q', '--fail-on', 'unknown');
    const i = args.findIndex((a) => a.startsWith('dependabot='));
    const r = await cli([...args.slice(0, i - 1), ...args.slice(i + 1)]);
    expect(r.code).toBe(3);
    const summary = JSON.parse(await readFile(join(r.stdout.trim(), 'summary.json'), 'utf8'));
    const assets = (await readFile(join(r.stdout.trim(), 'assets.csv'), 'utf8'))
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    const header = (await readFile(join(r.stdout.trim(), 'assets.csv'), 'utf8')).split('\n')[0]!.split(',');
    const [idCol, statusCol] = [header.indexOf('asset_id'), header.indexOf('status')];
    const unknown = assets.filter((a) => a[statusCol] === 'UNKNOWN').map((a) => a[idCol]!);
    const breached = assets.filter((a) => a[statusCol] === 'BREACHED').map((a) => a[idCol]!);
    expect(unknown.length).toBeGreaterThan(0);
    expect(summary.failOnMeasured.message).toBe(`${breached.length} asset(s) at --fail-on unknown or worse: ${breached.sort().join(', ')}`);
  });

  it('an exit 3 with no source cut short (a source an asset expects was not given) is "run incomplete", never "run complete"', async () => {
    const args = exampleScoreArgs(await tmp(), '-q');
    const i = args.findIndex((a) => a.startsWith('dependabot='));
    const r = await cli([...args.slice(0, i - 1), ...args.slice(i + 1)]);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^secsli: run incomplete: 13 assets — .*; exit 3 \(incomplete: could not measure everything/);
  });
});

describe('a run the parser refuses', () => {
  for (const [what, argv] of [
    ['a bad --fail-on value', ['score', '--fail-on', 'worst', '--log-format', 'json']],
    ['an unknown option', ['score', '--bogus', '--log-format', 'json']],
    ['an unknown command', ['--log-format=json', 'scroe']],
  ] as const) {
    it(`${what}: exit 2, and the one JSON line is the summary event with the parser's message`, async () => {
      const r = await cli([...argv]);
      expect(r.code).toBe(2);
      const all = lines(r.stderr);
      expect(all).toHaveLength(1);
      expect(all[0]).toMatchObject({ level: 'error', event: 'summary', exitCode: 2, exitReason: 'usage', msg: expect.stringMatching(/^error: /) });
    });
  }

  it('in text mode it is the parser message as before; --help is no run and has no event', async () => {
    const r = await cli(['score', '--bogus']);
    expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(/^error: unknown option '--bogus'\n/)]);
    const help = await cli(['score', '--help', '--log-format', 'json']);
    expect([help.code, help.stderr]).toEqual([0, '']);
  });
});

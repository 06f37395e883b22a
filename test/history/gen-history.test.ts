import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHistory } from '../../scripts/gen-history.js';
import { loadHistory } from '../../src/history/load.js';
import { buildReview } from '../../src/history/review.js';
import { resolveWindow } from '../../src/history/window.js';
import { silentLogger } from '../../src/log.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'secsli-gen-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('scripts/gen-history', () => {
  it('writes two quarters of weekly runs, byte-identical for the same seed, that review reads whole', async () => {
    const a = await generateHistory({ out: join(dir, 'a'), seed: 3 });
    const b = await generateHistory({ out: join(dir, 'b'), seed: 3 });
    expect(a).toHaveLength(28); // 27 weekly runs and one narrowed with --asset
    for (const name of await readdir(join(dir, 'a'))) {
      for (const f of ['snapshot.json', 'snapshot-findings.ndjson']) expect(await readFile(join(dir, 'b', name, f), 'utf8')).toBe(await readFile(join(dir, 'a', name, f), 'utf8'));
    }
    expect(b.map((d) => d.slice(-18))).toEqual(a.map((d) => d.slice(-18)));
    const history = await loadHistory(join(dir, 'a'), silentLogger, { findings: true });
    expect(history.skipped).toEqual([{ name: '2026-09-19T000000Z', reason: 'narrowed to asset payments-api', kind: 'narrowed' }]);
    const review = buildReview(history, resolveWindow(history.runs));
    expect(review.window.label).toBe('2026-Q3');
    expect(review.runs).toHaveLength(13);
    expect(review.policyChanges.length).toBeGreaterThanOrEqual(2); // KEV update, then a weights change
    expect(review.coverage.map((c) => c.assetId)).toEqual(['reporting']);
    // Something to compare with, and every trend has data.
    expect(review.previous).toMatchObject({ runs: 13, window: { label: '2026-Q2' } });
    expect(review.policyChanges.map((c) => c.what)).toEqual(['KEV catalog 2026.07.01 → 2026.08.01', 'exposure.internal 1 → 1.2']);
    expect(review.trends.at(-1)!.unclaimed).toBe(1);
    expect(review.trends.some((t) => t.overdue > 0)).toBe(true);
    expect(review.recurring.length).toBeGreaterThan(0);
    // A BREACHED run is a bad run, including those that met both SLOs (a known-exploited finding past its deadline).
    const obs = review.attainment.flatMap((a) => a.observations);
    expect(obs.filter((o) => o.status === 'BREACHED').every((o) => o.verdict === 'bad')).toBe(true);
    expect(obs.some((o) => o.status === 'BREACHED' && o.riskMet === true && o.remediationMet === true)).toBe(true);
  });

  it('refuses a folder that is not empty', async () => {
    await expect(generateHistory({ out: join(dir, 'a') })).rejects.toThrow(/not empty/);
  });
});

describe('scripts/gen-history command line', () => {
  it('--help is help, and an unknown flag or a bad value is refused: nothing is written to the default folder', async () => {
    const { parseGenArgs } = await import('../../scripts/gen-history.js');
    expect(parseGenArgs(['--help'])).toEqual({ help: true });
    expect(parseGenArgs(['--out', '/tmp/x', '-h'])).toEqual({ help: true });
    expect(parseGenArgs(['--out', '/tmp/x', '--seed=3', '--weeks', '5'])).toEqual({ help: false, opts: { out: '/tmp/x', seed: 3, start: '2026-04-03', weeks: 5 } });
    expect(() => parseGenArgs(['--outt', '/tmp/x'])).toThrow('unknown argument "--outt"');
    expect(() => parseGenArgs(['stray'])).toThrow('unknown argument "stray"');
    expect(() => parseGenArgs(['--out'])).toThrow('--out needs a value');
    expect(() => parseGenArgs(['--out', '--seed', '3'])).toThrow('--out needs a value');
    expect(() => parseGenArgs(['--weeks', '0'])).toThrow('--weeks must be a whole number ≥ 1');
    expect(() => parseGenArgs(['--seed', 'x'])).toThrow('--seed must be a whole number');
    expect(() => parseGenArgs(['--start', '2026-13-45'])).toThrow('--start must be a date');
  });

  it('the script prints its usage for --help and exits 2 on an unknown flag, writing nothing', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    // The built script, as the README runs it (npm test builds dist/ first).
    const script = join(import.meta.dirname, '../../dist/scripts/gen-history.js');
    const run = (args: string[]) =>
      promisify(execFile)(process.execPath, [script, ...args], { cwd: dir }).then(
        (r) => ({ code: 0, ...r }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: node dist\/scripts\/gen-history\.js/);
    const bad = await run(['--out', join(dir, 'bad'), '--sed', '3']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('gen-history: unknown argument "--sed"');
    expect(await readdir(dir)).not.toContain('examples');
    expect(await readdir(dir)).not.toContain('bad');
  });
});

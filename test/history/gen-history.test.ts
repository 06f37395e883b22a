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
  it('writes a quarter of weekly runs, byte-identical for the same seed, that review reads whole', async () => {
    const a = await generateHistory({ out: join(dir, 'a'), seed: 3 });
    const b = await generateHistory({ out: join(dir, 'b'), seed: 3 });
    expect(a).toHaveLength(14);
    for (const name of await readdir(join(dir, 'a'))) {
      expect(await readFile(join(dir, 'b', name, 'snapshot.json'), 'utf8')).toBe(await readFile(join(dir, 'a', name, 'snapshot.json'), 'utf8'));
    }
    expect(b.map((d) => d.slice(-18))).toEqual(a.map((d) => d.slice(-18)));
    const history = await loadHistory(join(dir, 'a'), silentLogger, { findings: true });
    expect(history.skipped).toEqual([]);
    const review = buildReview(history, resolveWindow(history.runs));
    expect(review.window.label).toBe('2026-Q3');
    expect(review.runs).toHaveLength(13);
    expect(review.policyChanges.length).toBeGreaterThanOrEqual(2); // KEV update, then a weights change
    expect(review.coverage.map((c) => c.assetId)).toEqual(['reporting']);
  });

  it('refuses a folder that is not empty', async () => {
    await expect(generateHistory({ out: join(dir, 'a') })).rejects.toThrow(/not empty/);
  });
});

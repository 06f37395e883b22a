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

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { generate } from '../../scripts/lib/scale/generate.js';
import { loadRun } from '../../src/history/load.js';
import { cli, offlineScoreArgs, tmp } from '../cli/run.js';
import { memoryLogger } from '../fakes/sink.js';

/** `npm run test:scale`: generated data at a size that takes seconds, through the built CLI. */

const score = (dir: string, out: string, env: NodeJS.ProcessEnv = {}) =>
  cli(offlineScoreArgs({ config: join(dir, 'assets.yaml'), securityhub: join(dir, 'securityhub.ndjson'), dependabot: join(dir, 'dependabot.ndjson'), out }), env);

describe('scale data through the CLI', () => {
  it('scores 50,000 findings and writes streamed files that parse back', async () => {
    const dir = await tmp('secsli-scale-');
    await generate({ findings: 50_000, alerts: 10_000, assets: 300, seed: 5, out: dir });
    const r = await score(dir, await tmp(), { SECSLI_WORKERS: '2' });
    expect(r.code).toBe(0);
    const runDir = r.stdout.trim();
    const snap = (await loadRun(runDir, memoryLogger())).snapshot;
    // snapshot.json is small at any size: the findings are in snapshot-findings.ndjson.
    const { summary } = JSON.parse(await readFile(join(runDir, 'snapshot.json'), 'utf8'));
    const rows = parse(await readFile(join(runDir, 'findings.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    const perAsset = snap.assets.reduce((n, a) => n + a.findings.length, 0);
    expect(rows.length).toBe(perAsset);
    expect(rows.length).toBeGreaterThan(40_000);
    expect(new Set(rows.map((x) => x.asset_id)).size).toBeGreaterThan(250);
    const assets = parse(await readFile(join(runDir, 'assets.csv'), 'utf8'), { columns: true }) as unknown[];
    expect(assets).toHaveLength(300);
    expect(summary.unmapped).toBeGreaterThan(0);
    // ~5 % of the findings are deliberately unmapped.
    expect(summary.unmapped / summary.findings).toBeLessThan(0.1);

    // The 115 MB NDJSON went through two parse workers; without them, the same bytes.
    const serial = await score(dir, await tmp(), { SECSLI_WORKERS: '0' });
    expect(serial.code).toBe(0);
    for (const f of ['findings.csv', 'snapshot-findings.ndjson', 'assets.csv', 'unmapped.csv', 'fixes.csv', 'report.md']) {
      expect(await readFile(join(serial.stdout.trim(), f), 'utf8'), f).toBe(await readFile(join(runDir, f), 'utf8'));
    }
  }, 240_000);
});

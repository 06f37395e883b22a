import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generate } from '../../scripts/lib/scale/generate.js';
import { offlineScoreArgs, tmp } from '../cli/run.js';

/**
 * SIGTERM while a big run writes findings.csv and its partners (two threads: report/finding-files.ts),
 * to the built CLI in a real child process. The stop was asked only between files, so the signal
 * waited for the four files to be written in full: 8–14 s at 200k findings, past GitHub's cancel
 * grace (~10 s) and, at a million, past ECS's stopTimeout (30 s) — SIGKILL, and a temp folder of
 * gigabytes left behind. Now the rendering and the worker stop at the signal.
 */

const BIN = join(fileURLToPath(new URL('../../', import.meta.url)), 'dist/src/cli/index.js');

describe('SIGTERM while the findings files are written', () => {
  it('ends the run within a second or two, exit 143, no run folder and no temporary folder', async () => {
    const dir = await tmp('secsli-stop-writing-');
    await generate({ findings: 200_000, alerts: 20_000, assets: 200, seed: 1, out: dir });
    const out = await tmp();
    const args = offlineScoreArgs({ config: join(dir, 'assets.yaml'), securityhub: join(dir, 'securityhub.ndjson'), dependabot: join(dir, 'dependabot.ndjson'), out }, '-q');
    const p = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, TMPDIR: process.env.TMPDIR, SECSLI_WORKERS: '2' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = new Promise<number | null>((r) => p.on('close', (c) => r(c)));
    let exited = false;
    void code.then(() => (exited = true));
    // The run's temporary folder holds findings.csv once the findings files are being written.
    const writing = () => readdirSync(out).some((n) => n.includes('.tmp-') && existsSync(join(out, n, 'findings.csv')));
    while (!writing()) {
      if (exited) throw new Error(`the run ended before writing findings.csv: ${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 300)); // well inside the writing (it takes seconds)
    expect(writing()).toBe(true);
    const t0 = Date.now();
    p.kill('SIGTERM');
    expect(await code, stderr).toBe(143);
    const seconds = (Date.now() - t0) / 1000;
    expect(stderr).toMatch(/cancelled by SIGTERM: no report written, sync state untouched; exit 143/);
    expect(readdirSync(out)).toEqual([]);
    // Measured 0.05–0.12 s here; before, 4.5–14.6 s. The bound leaves room for a loaded machine.
    expect(seconds).toBeLessThan(2.5);
  }, 600_000);
});

/**
 * `score` of NDJSON exports with parse workers writes exactly the report folder it writes without
 * them (SECSLI_WORKERS=0), and `--save-raw` (which needs the raw records) still saves them all.
 * The collector-level equivalence, case by case, is in test/collectors/parallel-read.test.ts.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, offlineScoreArgs, tmp } from './run.js';

const ROOT = new URL('../../', import.meta.url).pathname;

function folder(dir: string): Record<string, string> {
  const [run] = readdirSync(dir).filter((d) => /^\d{4}-/.test(d));
  const out: Record<string, string> = {};
  for (const f of readdirSync(join(dir, run!)).sort()) out[f] = readFileSync(join(dir, run!, f), 'utf8').replaceAll(dir, '<out>');
  return out;
}

describe('score with parse workers', () => {
  it('writes byte-identical reports with and without workers', async () => {
    const work = await tmp('secsli-parallel-cli-');
    const sh = join(work, 'sh.ndjson');
    const db = join(work, 'db.ndjson');
    const { Findings } = JSON.parse(readFileSync(join(ROOT, 'examples/securityhub-findings.json'), 'utf8')) as { Findings: unknown[] };
    writeFileSync(sh, `${Findings.map((f) => JSON.stringify(f)).join('\n')}\n`);
    const alerts = JSON.parse(readFileSync(join(ROOT, 'examples/dependabot-alerts.json'), 'utf8')) as unknown[];
    writeFileSync(db, `${alerts.map((a) => JSON.stringify(a)).join('\n')}\n`);
    const args = (out: string, ...extra: string[]) => offlineScoreArgs({ config: join(ROOT, 'assets.yaml'), securityhub: sh, dependabot: db, out }, ...extra);
    const serialOut = join(work, 'serial');
    const parallelOut = join(work, 'parallel');
    const serial = await cli(args(serialOut), { SECSLI_WORKERS: '0' });
    const parallel = await cli(args(parallelOut, '--verbose'), { SECSLI_WORKERS: '2', SECSLI_WORKERS_MIN_BYTES: '0' });
    expect(serial.code).toBe(parallel.code);
    expect(parallel.stderr).toContain('read by 2 parse worker(s)');
    expect(folder(parallelOut)).toEqual(folder(serialOut));

    const rawOut = join(work, 'raw');
    const raw = await cli(args(rawOut, '--save-raw'), { SECSLI_WORKERS: '2', SECSLI_WORKERS_MIN_BYTES: '0' });
    expect(raw.code).toBe(serial.code);
    const saved = readdirSync(join(rawOut, readdirSync(rawOut).find((d) => /^\d{4}-/.test(d))!)).filter((f) => f.startsWith('raw'));
    expect(saved.length).toBeGreaterThan(0);
  });
});

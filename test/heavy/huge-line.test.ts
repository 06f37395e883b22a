/**
 * One NDJSON line longer than V8's largest string (~512 MiB): the parse workers reject it as too
 * large, as the serial reader does, and read on — they decoded it first and failed the whole run
 * (exit 70). Writes a ~600 MB file, so it is a scale test.
 */
import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createFileCollector } from '../../src/collectors/file.js';
import { collectAndScore } from '../../src/pipeline.js';
import { silentLogger } from '../../src/log.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const path = join(tmpdir(), `secsli-huge-line-${process.pid}.ndjson`);
afterAll(() => rm(path, { force: true }));

it('a 600 MB line is one record too large to read, the next line is read; serial and parallel alike', async () => {
  const alerts = (await import(join(ROOT, 'examples/dependabot-alerts.json'), { with: { type: 'json' } })).default as Record<string, unknown>[];
  const f = await open(path, 'w');
  const chunk = 'x'.repeat(16 * 1024 * 1024);
  await f.write(`{"number": 1, "note": "`);
  for (let i = 0; i < 38; i++) await f.write(chunk);
  await f.write(`"}\n${JSON.stringify(alerts[0])}\n`);
  await f.close();
  for (const parallel of [{ workers: 2, minBytes: 0 }, undefined]) {
    const collector = createFileCollector('dependabot', path, parallel ? { parallel } : {});
    const { result } = await collectAndScore({
      configPath: join(ROOT, 'assets.yaml'),
      asOf: new Date('2026-11-27T00:00:00Z'),
      env: {},
      log: silentLogger,
      collectors: [collector],
    });
    expect(result.rejected.map((r) => r.reason)).toEqual(['record 1 (line 1) is too large to read']);
    expect(result.sources.find((s) => s.source === 'dependabot')).toMatchObject({ findings: 1, rejected: 1 });
  }
});

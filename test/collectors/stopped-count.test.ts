/**
 * A source cut short by --timeout keeps and scores what it read; its log line must count those
 * records, not the 0 a stopped collector reports of itself (the timed-out source said "0 records"
 * beside 8,270 scored findings).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileCollector } from '../../src/collectors/file.js';
import { RunStopped } from '../../src/collectors/stop.js';
import type { Logger } from '../../src/log.js';
import { collectAndScore } from '../../src/pipeline.js';
import { tempFiles } from './helpers.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const files = tempFiles('secsli-stopped-');
const shRecords = (JSON.parse(readFileSync(join(ROOT, 'examples/securityhub-findings.json'), 'utf8')) as { Findings: unknown[] }).Findings;

describe('a source stopped by the deadline', () => {
  it('counts at least the records it took (a line that is not JSON is no record), names the refused one, and is INCOMPLETE', async () => {
    // Line 2 is not JSON (refused); the deadline passes as the 5th finding is taken.
    const lines = shRecords.slice(0, 20).map((r) => JSON.stringify(r));
    lines.splice(1, 0, '{"Id": ');
    const path = files.write('sh.ndjson', lines.join('\n') + '\n');
    const logged: string[] = [];
    const log: Logger = { debug: () => {}, info: (m) => logged.push(m), warn: (m) => logged.push(m), error: (m) => logged.push(m), progress: () => {} };
    const stop = new AbortController();
    let taken = 0;
    const { result } = await collectAndScore(
      { configPath: join(ROOT, 'assets.yaml'), asOf: new Date('2026-11-27T00:00:00Z'), env: {}, log, collectors: [createFileCollector('securityhub', path)], stop: stop.signal },
      undefined,
      { finding: () => void (++taken === 5 && stop.abort(new RunStopped('timeout', 'the --timeout deadline (1s) passed'))) },
    );
    const source = result.sources.find((s) => s.source === 'securityhub')!;
    expect(source.complete).toBe(false);
    expect(result.rejected).toHaveLength(1);
    expect(logged.find((l) => /: \d+ records/.test(l))).toMatch(/: 5 records, 1 rejected .*INCOMPLETE: cut short: the --timeout deadline \(1s\) passed/);
  });
});

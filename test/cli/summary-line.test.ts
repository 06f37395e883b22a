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
});

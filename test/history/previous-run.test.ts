import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareRunNames, findPreviousRun } from '../../src/history/load.js';
import { memoryLogger } from '../fakes/sink.js';

/** The run `score` compares with: one folder-name order, one snapshot schema (src/history). */

const snap = (asOf: string, risk: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ schemaVersion: 1, asOf, policyHash: 'p1', assets: [{ id: 'api', risk }], ...extra });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'secsli-previous-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(name: string, text: string | undefined): Promise<void> {
  await mkdir(join(dir, name), { recursive: true });
  if (text !== undefined) await writeFile(join(dir, name, 'snapshot.json'), text);
}

describe('compareRunNames', () => {
  it('orders by as-of, then by the numeric suffix of a same-as-of run', () => {
    const names = ['2026-11-27T000000Z-10', '2026-11-28T000000Z', '2026-11-27T000000Z-9', '2026-11-27T000000Z', '2026-11-27T000000Z-2'];
    expect(names.sort(compareRunNames)).toEqual(['2026-11-27T000000Z', '2026-11-27T000000Z-2', '2026-11-27T000000Z-9', '2026-11-27T000000Z-10', '2026-11-28T000000Z']);
  });
});

describe('findPreviousRun', () => {
  it('takes the latest earlier run: …Z-10 is later than …Z-9', async () => {
    await run('2026-11-27T000000Z-9', snap('2026-11-27T00:00:00Z', 9));
    await run('2026-11-27T000000Z-10', snap('2026-11-27T00:00:00Z', 10));
    const p = await findPreviousRun(dir, '2026-11-28T000000Z', memoryLogger());
    expect(p?.name).toBe('2026-11-27T000000Z-10');
    expect(p?.risk.get('api')).toBe(10);
    expect(p?.policyHash).toBe('p1');
  });

  it('ignores runs after this one, and --asset runs', async () => {
    await run('2026-11-26T000000Z', snap('2026-11-26T00:00:00Z', 1));
    await run('2026-11-27T000000Z', snap('2026-11-27T00:00:00Z', 2, { scope: { asset: 'api' } }));
    await run('2026-11-29T000000Z', snap('2026-11-29T00:00:00Z', 3));
    const p = await findPreviousRun(dir, '2026-11-28T000000Z', memoryLogger());
    expect(p?.name).toBe('2026-11-26T000000Z');
  });

  it('a rerun with the same as-of compares with the run it repeats: the base folder, -2 before -3', async () => {
    await run('2026-11-27T000000Z', snap('2026-11-27T00:00:00Z', 1));
    // score asks with the bare name (its own folder is named only when it is published): every run of that as-of is earlier.
    expect((await findPreviousRun(dir, '2026-11-27T000000Z', memoryLogger()))?.name).toBe('2026-11-27T000000Z');
    await run('2026-11-27T000000Z-2', snap('2026-11-27T00:00:00Z', 2));
    await run('2026-11-27T000000Z-3', snap('2026-11-27T00:00:00Z', 3));
    expect((await findPreviousRun(dir, '2026-11-27T000000Z', memoryLogger()))?.name).toBe('2026-11-27T000000Z-3');
    expect((await findPreviousRun(dir, '2026-11-27T000000Z-3', memoryLogger()))?.name).toBe('2026-11-27T000000Z-2');
    expect((await findPreviousRun(dir, '2026-11-27T000000Z-2', memoryLogger()))?.name).toBe('2026-11-27T000000Z');
  });

  it('skips a missing, corrupt or invalid snapshot with a warning naming the run', async () => {
    await run('2026-11-20T000000Z', snap('2026-11-20T00:00:00Z', 5));
    await run('2026-11-24T000000Z', undefined);
    await run('2026-11-25T000000Z', '{ "schemaVersion": 1, ');
    await run('2026-11-26T000000Z', JSON.stringify({ schemaVersion: 1, asOf: '2026-11-26T00:00:00Z', assets: [{ id: 'api', risk: 'high' }] }));
    const log = memoryLogger();
    const p = await findPreviousRun(dir, '2026-11-28T000000Z', log);
    expect(p?.name).toBe('2026-11-20T000000Z');
    const warnings = log.lines.filter((l) => l.startsWith('warn'));
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toContain('skipping earlier run 2026-11-26T000000Z: not a valid snapshot: assets.0.risk');
    expect(warnings[1]).toContain('skipping earlier run 2026-11-25T000000Z: corrupt JSON');
    expect(warnings[2]).toContain('skipping earlier run 2026-11-24T000000Z: no snapshot.json');
  });

  it('reads only snapshot.json of a version 2 run: its findings file is never opened', async () => {
    const summary = {
      schemaVersion: 2,
      asOf: '2026-11-26T00:00:00Z',
      policyHash: 'p2',
      findingsFile: { name: 'snapshot-findings.ndjson', lines: 1_000_000 },
      assets: [{ id: 'api', risk: 7 }],
    };
    // No snapshot-findings.ndjson at all: a lookup that opened it would skip this run.
    await run('2026-11-26T000000Z', JSON.stringify(summary));
    const log = memoryLogger();
    const p = await findPreviousRun(dir, '2026-11-28T000000Z', log);
    expect(p).toMatchObject({ name: '2026-11-26T000000Z', policyHash: 'p2', findings: 1_000_000 });
    expect(p?.risk.get('api')).toBe(7);
    expect(log.lines.filter((l) => l.startsWith('warn'))).toEqual([]);
  });

  it('is undefined when the folder does not exist yet', async () => {
    expect(await findPreviousRun(join(dir, 'nope'), '2026-11-28T000000Z', memoryLogger())).toBeUndefined();
  });
});

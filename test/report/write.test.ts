import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutputError } from '../../src/errors.js';
import { runFolderName, writeRun } from '../../src/report/write.js';

const asOf = new Date('2026-11-27T00:00:00Z');

describe('writeRun', () => {
  it('names the folder from the as-of time in UTC', () => {
    expect(runFolderName(new Date('2026-11-27T09:05:03.120+09:00'))).toBe('2026-11-27T000503Z');
  });

  it('never overwrites an earlier run with the same as-of', async () => {
    const out = await mkdtemp(join(tmpdir(), 'secsli-write-'));
    const a = await writeRun(out, asOf, { 'a.txt': 'first' });
    const b = await writeRun(out, asOf, { 'a.txt': 'second' });
    expect(a).not.toBe(b);
    expect(b.endsWith('-2')).toBe(true);
    expect(await readFile(join(a, 'a.txt'), 'utf8')).toBe('first');
    expect(await readFile(join(b, 'a.txt'), 'utf8')).toBe('second');
    expect((await readdir(out)).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('fails with an OutputError and leaves nothing behind when the folder cannot be written', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'secsli-write-'));
    const blocker = join(dir, 'not-a-dir');
    await writeFile(blocker, 'x');
    await expect(writeRun(join(blocker, 'reports'), asOf, { 'a.txt': 'x' })).rejects.toBeInstanceOf(OutputError);
    expect(await readdir(dir)).toEqual(['not-a-dir']);
  });
});

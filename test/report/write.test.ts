import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutputError } from '../../src/errors.js';
import { RunFolder, runFolderName, writeRun } from '../../src/report/write.js';

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

  it('writes streamed chunks byte for byte across its 1 MiB buffer: multi-byte text, pairs split at a boundary, a chunk larger than the buffer', async () => {
    const out = await mkdtemp(join(tmpdir(), 'secsli-write-'));
    // Chunk sizes that do not divide 1 MiB, so pieces land on every side of each flush.
    const pieces: string[] = [];
    for (let i = 0; i < 700; i++) pieces.push(`row ${i} é 漢字 🔒 ${'x'.repeat(i % 97)}\n`.repeat(40), '漢'.repeat(1000 + i), '🔒'.repeat(333 + i));
    pieces.push('y'.repeat(1_500_000)); // more than the buffer holds: written on its own
    pieces.push('tail 🔒\n');
    const expected = pieces.join('');
    async function* chunks() {
      for (const p of pieces) yield p;
    }
    const dir = await writeRun(out, asOf, { 'big.txt': chunks(), 'sync.txt': pieces });
    const want = Buffer.from(expected, 'utf8');
    expect(Buffer.compare(await readFile(join(dir, 'big.txt')), want)).toBe(0);
    expect(Buffer.compare(await readFile(join(dir, 'sync.txt')), want)).toBe(0);
  });

  it('a stop (SIGTERM) while a streamed file is written ends it at the next chunk, not at its end, and leaves nothing', async () => {
    const out = await mkdtemp(join(tmpdir(), 'secsli-write-'));
    const folder = await RunFolder.create(out, asOf);
    let made = 0;
    function* rows() {
      for (; made < 100_000; made++) yield `row ${made}\n`;
    }
    const signal = new Error('cancelled by SIGTERM');
    const stop = () => {
      if (made >= 1000) throw signal;
    };
    await expect(folder.commit({ 'big.csv': rows(), 'z.txt': 'after' }, undefined, stop)).rejects.toBe(signal);
    expect(made).toBe(1000);
    expect(await readdir(out)).toEqual([]);
  });
});

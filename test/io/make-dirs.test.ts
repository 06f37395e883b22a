import { existsSync } from 'node:fs';
import { mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDirs } from '../../src/io/make-dirs.js';
import { cli, exampleScoreArgs } from '../cli/run.js';

describe('makeDirs', () => {
  it('makes every missing level, and is content with folders already there', async () => {
    const root = await mkdtemp(join(tmpdir(), 'secsli-mkdirs-'));
    const deep = join(root, 'a', 'b', 'c');
    await makeDirs(deep);
    expect((await stat(deep)).isDirectory()).toBe(true);
    await makeDirs(deep);
    await makeDirs(root);
  });

  it('fails with the code, not a retry, where a parent is a file', async () => {
    const root = await mkdtemp(join(tmpdir(), 'secsli-mkdirs-'));
    await writeFile(join(root, 'file'), 'x');
    await expect(makeDirs(join(root, 'file', 'sub', 'deeper'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });

  // Node's own recursive mkdir loops forever here (100 % CPU, SIGTERM unanswered), so a scheduled
  // job with a mistyped --out would hang until its runner killed it.
  it.runIf(process.platform === 'linux' && existsSync('/proc/self'))(
    'fails at once under a folder that refuses children with ENOENT (/proc)',
    async () => {
      await expect(makeDirs('/proc/secsli-no/such')).rejects.toMatchObject({ code: 'ENOENT' });
      const r = await cli(exampleScoreArgs('/proc/secsli-no/such'));
      expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('cannot write reports under /proc/secsli-no/such: ENOENT')]);
    },
    20_000,
  );
});

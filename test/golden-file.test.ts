import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { expectGolden } from './golden-file.js';

describe('expectGolden', () => {
  const saved = process.env.UPDATE_GOLDEN;
  afterEach(() => {
    if (saved === undefined) delete process.env.UPDATE_GOLDEN;
    else process.env.UPDATE_GOLDEN = saved;
  });

  it('fails on a missing golden file and does not create it', async () => {
    delete process.env.UPDATE_GOLDEN;
    const file = join(await mkdtemp(join(tmpdir(), 'secsli-golden-')), 'missing.txt');
    await expect(expectGolden(file, 'x')).rejects.toThrow(/missing golden file .*UPDATE_GOLDEN=1/);
    expect(existsSync(file)).toBe(false);
  });

  it('compares byte for byte, and writes only with UPDATE_GOLDEN=1', async () => {
    delete process.env.UPDATE_GOLDEN;
    const file = join(await mkdtemp(join(tmpdir(), 'secsli-golden-')), 'g.txt');
    await writeFile(file, 'a\n');
    await expectGolden(file, 'a\n');
    await expect(expectGolden(file, 'a')).rejects.toThrow();
    process.env.UPDATE_GOLDEN = '1';
    await expectGolden(join(file, '..', 'sub', 'new.txt'), 'b\n');
    delete process.env.UPDATE_GOLDEN;
    await expectGolden(join(file, '..', 'sub', 'new.txt'), 'b\n');
  });
});

/**
 * Issue 8, class 2: a full disk while `--save-raw` streams raw records gives exit 2 naming the
 * cause (not 70, not a blamed input file), and leaves no temp folder behind — the cleanup path
 * must not throw again and skip the removal. The disk is "full" through node:fs (writeSync throws
 * ENOSPC, as a full file system does), so the test runs anywhere.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { cli, scoreArgs, tmp } from '../cli/run.js';

const disk = vi.hoisted(() => ({ full: false }));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const writeSync = ((...args: Parameters<typeof fs.writeSync>) => {
    if (disk.full) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    return fs.writeSync(...args);
  }) as typeof fs.writeSync;
  return { ...fs, writeSync, default: { ...fs, writeSync } };
});

describe('class 2: a full disk during --save-raw', () => {
  it('exits 2 with the real cause and leaves nothing half-written', async () => {
    const out = await tmp('secsli-full-');
    disk.full = true;
    let r: Awaited<ReturnType<typeof cli>>;
    try {
      r = await cli(scoreArgs(out, '--save-raw'));
    } finally {
      disk.full = false;
    }
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot write reports under ${out}: ENOSPC`);
    expect(r.stderr).not.toMatch(/internal error|Check the path given to --from/); // not blamed on an input file
    expect(await readdir(out)).toEqual([]);
    // And the next run, with space again, writes a complete folder.
    const next = await cli(scoreArgs(out, '--save-raw'));
    expect(next.code).toBe(0);
    expect((await readdir(join(next.stdout.trim(), 'raw'))).sort()).toEqual(['dependabot.ndjson', 'securityhub.ndjson']);
  });
});

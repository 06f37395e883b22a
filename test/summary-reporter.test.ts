import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

/**
 * The closing summary (test/summary-reporter.ts) is what CI's log and a person keeping only a
 * log's tail read: vitest itself, in a child process, on cases that pass, skip, fail, cannot be
 * imported and throw after their test, with only that reporter.
 */

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const run = promisify(execFile);

it('counts every test and names every failure, the first on the closing line', { timeout: 60_000 }, async () => {
  // The child must not think it is one of this run's workers.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(VITEST|NODE_OPTIONS$|TEST$)/.test(k)));
  const r = await run(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--root', 'test/fixtures/reporter'], { cwd: ROOT, env }).then(
    () => ({ code: 0, stdout: '' }),
    (e: { code: number; stdout: string }) => e,
  );
  expect(r.code).toBe(1);
  const lines = r.stdout.trimEnd().split('\n');
  expect(lines.slice(-4)).toEqual([
    'FAILED broken.case.ts (the file itself): Error: this file cannot be imported',
    'FAILED fail.case.ts > a suite > fails on two lines: Error: the first line',
    'FAILED unhandled error: Error: thrown later',
    '3 passed, 1 failed, 1 skipped, 2 other errors — first: broken.case.ts (the file itself): Error: this file cannot be imported',
  ]);
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Vitest global setup: every temporary folder of a test run — the tests' own (`mkdtemp` under
 * `os.tmpdir()`), the CLI's and Chromium's they spawn — goes under one folder made for the run,
 * removed when it ends. Child processes and workers inherit TMPDIR, so no test has to remember
 * to clean up after itself (runs used to leave ~1 GB in /tmp, most of it test:scale's big
 * snapshots).
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'secsli-test-'));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    rmSync(root, { recursive: true, force: true });
  };
}

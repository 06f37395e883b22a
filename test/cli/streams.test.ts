import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exampleScoreArgs, tmp } from './run.js';

/**
 * The built CLI when its own streams fail, as a scheduler's do: exit codes stay secsli's (Node's
 * default for a crash, 1, is secsli's "an asset is at the --fail-on level"), and a log reader that
 * goes away does not take the run with it.
 */

const BIN = fileURLToPath(new URL('../../dist/src/cli/index.js', import.meta.url));

function run(args: string[], stdio: Array<'ignore' | 'pipe' | number>, onStderr?: (p: ReturnType<typeof spawn>) => void) {
  const p = spawn(process.execPath, [BIN, ...args], { stdio: stdio as never });
  let out = '';
  let err = '';
  p.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  p.stderr?.on('data', (c: Buffer) => {
    err += c.toString();
    onStderr?.(p);
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => p.on('close', (code) => resolve({ code, stdout: out, stderr: err })));
}

describe('secsli with broken stdout or stderr (real child process)', () => {
  it.skipIf(!existsSync('/dev/full'))('stdout on a full disk: the run is written, and the exit code says the job has a problem (2), not an alert (1)', async () => {
    const out = await tmp('secsli-full-');
    const full = openSync('/dev/full', 'w');
    try {
      const r = await run(exampleScoreArgs(out), ['ignore', full, 'pipe']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('secsli: error: cannot write to stdout: ENOSPC');
      expect(r.stderr).not.toContain('Node.js v');
      expect(existsSync(join(out, '2026-11-27T000000Z', 'summary.json'))).toBe(true);
    } finally {
      closeSync(full);
    }
  });

  it('a log reader that goes away after the first line: the run goes on, is published, and exits as it would have', async () => {
    const out = await tmp('secsli-epipe-');
    const r = await run([...exampleScoreArgs(out), '--log-format', 'json'], ['ignore', 'pipe', 'pipe'], (p) => p.stderr?.destroy());
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(join(out, '2026-11-27T000000Z'));
    expect(await readdir(join(out, '2026-11-27T000000Z'))).toContain('summary.json');
  });
});

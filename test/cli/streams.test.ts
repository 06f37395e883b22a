import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exampleScoreArgs, tmp } from './run.js';

/**
 * The built CLI when its own streams fail, as a scheduler's do: exit codes stay secsli's (Node's
 * default for a crash, 1, is secsli's "an asset is at the --fail-on level"), and a log reader that
 * goes away does not take the run with it.
 */

const BIN = fileURLToPath(new URL('../../dist/src/cli/index.js', import.meta.url));

function run(args: string[], stdio: Array<'ignore' | 'pipe' | number>, onStderr?: (p: ReturnType<typeof spawn>) => void, o: { nodeArgs?: string[]; env?: NodeJS.ProcessEnv } = {}) {
  const p = spawn(process.execPath, [...(o.nodeArgs ?? []), BIN, ...args], { stdio: stdio as never, ...(o.env ? { env: o.env } : {}) });
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
      // Under --log-format json every line parses, and the last summary event has the real exit code.
      const json = await run([...exampleScoreArgs(await tmp('secsli-full-')), '--log-format', 'json'], ['ignore', full, 'pipe']);
      expect(json.code).toBe(2);
      const events = json.stderr
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(events.filter((e) => e.event === 'summary').at(-1)).toMatchObject({ exitCode: 2, exitReason: 'usage', msg: 'cannot write to stdout: ENOSPC' });
    } finally {
      closeSync(full);
    }
  });

  it('an error nothing catches (thrown from a timer) is exit 70, said once, with the secrets of the environment redacted', async () => {
    const token = 'ghp_' + 'S3CRET'.repeat(6);
    const boom = join(await tmp('secsli-boom-'), 'boom.mjs');
    await writeFile(boom, `setTimeout(() => { throw new Error('request to https://x-access-token:' + process.env.GITHUB_TOKEN + '@api.github.com failed'); }, 250);\n`);
    for (const format of ['json', 'text']) {
      const r = await run([...exampleScoreArgs(await tmp('secsli-boom-')), '--log-format', format], ['ignore', 'pipe', 'pipe'], undefined, {
        nodeArgs: ['--import', pathToFileURL(boom).href],
        env: { PATH: process.env.PATH, GITHUB_TOKEN: token },
      });
      expect(r.code).toBe(70);
      expect(r.stderr).not.toContain(token);
      expect(r.stderr).toContain('internal error: Error: request to https://');
      if (format === 'json') expect(JSON.parse(r.stderr.trim().split('\n').at(-1)!)).toMatchObject({ event: 'summary', exitCode: 70, exitReason: 'internal-error' });
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

import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * package.json's `bin` as the build leaves it (tsc, then scripts/vendor.ts, which sets the mode):
 * executable, and runnable as a command. tsc alone writes it 644, and `npm pack`'s prepack
 * deletes dist/ before the rebuild, so `npx --no-install secsli` in the clone failed with
 * "Permission denied" after a pack. Runs dist/, which `npm test` builds first.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };

describe.each(Object.entries(pkg.bin))('the built bin %s', (_name, path) => {
  const file = join(ROOT, path);

  it('is executable by its owner, group and others (0755)', () => {
    expect((statSync(file).mode & 0o777).toString(8), `${path}: run npm run build (scripts/vendor.ts sets the mode)`).toBe('755');
  });

  it('starts with a node shebang and runs as a command', async () => {
    expect(readFileSync(file, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect((await run(file, ['--version'], { cwd: ROOT })).stdout.trim()).toBe(pkg.version);
  });
});

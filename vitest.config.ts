import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

const EXCLUDE = ['test/heavy/**', '**/node_modules/**'];

/**
 * Test files that replace a module (`vi.mock`) need a module registry of their own; every other
 * file shares its worker's modules with the files run before it (`isolate: false`). Isolating every
 * file cost a fresh process and a fresh import of the CLI per file: 72 s for the suite against 54 s
 * shared, on a 2-core machine. Found by reading the files, so a new mocking test is isolated
 * without anyone listing it here.
 */
function mockingFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !e.name.endsWith('.test.ts')) continue;
    const path = join(e.parentPath, e.name);
    if (/\bvi\.(do)?mock\(/.test(readFileSync(path, 'utf8'))) out.push(path);
  }
  return out.sort();
}

const isolated = [...mockingFiles('src'), ...mockingFiles('test')];

export default defineConfig({
  test: {
    // Minutes and gigabytes: `npm run test:scale` (vitest.scale.config.ts).
    exclude: EXCLUDE,
    // At least two files at once: vitest's default (one fewer than the cores) is a single worker on
    // a 2-core machine, which then sits idle while a test waits on a child process, Chromium or a
    // deadline. Not more: with three on 2 cores under load the CPU-bound sync test took 29 s of its 30.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // End-to-end tests spawn the built CLI and local emulators; give them room on a 2-core machine.
    testTimeout: 30_000,
    reporters: ['default', './test/summary-reporter.ts'],
    // One temporary folder per run, removed at its end (test/global-tmp.ts).
    globalSetup: ['./test/global-tmp.ts'],
    hookTimeout: 30_000,
    projects: [
      { extends: true, test: { name: 'shared', include: ['src/**/*.test.ts', 'test/**/*.test.ts'], exclude: [...EXCLUDE, ...isolated], isolate: false } },
      { extends: true, test: { name: 'isolated', include: isolated, isolate: true } },
    ],
  },
});

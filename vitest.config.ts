import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Minutes and gigabytes: `npm run test:scale` (vitest.scale.config.ts).
    exclude: ['test/heavy/**', '**/node_modules/**'],
    // At least two files at once: vitest's default (one fewer than the cores) is a single worker on
    // a 2-core machine, which then sits idle while a test waits on a child process, Chromium or a
    // deadline. Not more: with three on 2 cores under load the CPU-bound sync test took 29 s of its 30.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // End-to-end tests spawn the built CLI and local emulators; give them room on a 2-core machine.
    testTimeout: 30_000,
    reporters: ['default', './test/summary-reporter.ts'],
    hookTimeout: 30_000,
  },
});

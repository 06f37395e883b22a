import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Minutes and gigabytes: `npm run test:scale` (vitest.scale.config.ts).
    exclude: ['test/heavy/**', '**/node_modules/**'],
    // End-to-end tests spawn the built CLI and local emulators; give them room on a 2-core machine.
    testTimeout: 30_000,
    reporters: ['default', './test/summary-reporter.ts'],
    hookTimeout: 30_000,
  },
});

import { defineConfig } from 'vitest/config';

/**
 * `npm run test:scale`: the slow tests at scale (test/heavy): a 50k-finding run through the CLI,
 * snapshots larger than V8's maximum string read back as streams, `diff` of two such runs. Run by
 * .ci/run after `npm test`; they need a few GB of memory and minutes, not seconds.
 */
export default defineConfig({
  test: {
    include: ['test/heavy/**/*.test.ts'],
    testTimeout: 900_000,
    hookTimeout: 900_000,
    fileParallelism: false,
  },
});

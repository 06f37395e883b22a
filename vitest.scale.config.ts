import { defineConfig } from 'vitest/config';

/**
 * `npm run test:scale`: the slow tests (test/heavy): a 50k-finding run through the CLI,
 * snapshots larger than V8's maximum string read back as streams, `diff` of two such runs, and
 * a scheduled run against a GitHub that answers 503 with production retry delays (~16 s), an
 * NDJSON line of 600 MB (longer than V8 allows a string) read by the parse workers, SIGTERM to a
 * 200k-finding run while it writes findings.csv (it must exit within seconds, leaving nothing). Run by
 * .ci/run after `npm test`; they need a few GB of memory and minutes, not seconds.
 *
 * Also the full counts of the property suites `npm test` runs smaller: the source-adapter contract
 * and rules at 3000 generated variations per property (500 in `npm test`) and the CLI fuzz at 100
 * runs of its seed (30 in `npm test`, the first 30 of these).
 */
export default defineConfig({
  test: {
    include: ['test/heavy/**/*.test.ts', 'test/sources/contract.test.ts', 'test/sources/rules.test.ts', 'test/robustness/fuzz.test.ts'],
    env: { SECSLI_FAST_RUNS: '3000', SECSLI_FUZZ_RUNS: '100' },
    testTimeout: 900_000,
    hookTimeout: 900_000,
    fileParallelism: false,
    // One temporary folder per run, removed at its end (test/global-tmp.ts).
    globalSetup: ['./test/global-tmp.ts'],
  },
});

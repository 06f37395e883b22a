import { expect, it } from 'vitest';
import { runDemo } from '../../scripts/demo/scheduled.js';

// `npm run demo:scheduled` (README, docs/github-actions.md) must keep doing what the docs say:
// the built CLI twice against the emulators, the second run incremental with Δ risk.
it('the scheduled-job demo: two runs into S3, the second incremental with Δ risk against the first', async () => {
  const lines: string[] = [];
  const { ok, runs } = await runDemo((l) => lines.push(l));
  const text = lines.join('\n');
  expect(ok, text).toBe(true);
  expect(runs.map((r) => r.code)).toEqual([0, 0]);
  expect(text).toMatch(/run 2 .*\n.*incremental sync since/);
  expect(text).toMatch(/payments-api +BREACHED +risk +[\d.]+ +Δ \d/);
  expect(text).toContain('history/.secsli-state/securityhub.ndjson');
  for (const r of runs) expect(r.stdout + r.stderr).not.toMatch(/ghs_DEMO|demoSecretKey/);
}, 60_000);

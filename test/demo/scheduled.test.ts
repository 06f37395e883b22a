import { expect, it } from 'vitest';
import { runDemo } from '../../scripts/demo/scheduled.js';

// `npm run demo:scheduled` (README, docs/github-actions.md) must keep doing what the docs say:
// the built CLI twice against the emulators, the second run incremental with Δ risk.
it('the scheduled-job demo: two runs into S3, the second incremental with Δ risk against the first', async () => {
  const lines: string[] = [];
  const { ok, runs } = await runDemo((l) => lines.push(l));
  const text = lines.join('\n');
  expect(ok, text).toBe(true);
  expect(runs[0]!.outputs['exit-reason']).toBe('worse'); // --fail-on worse: the first run's BREACHED assets are news
  expect(runs[1]!.outputs['run-folder']).toMatch(/^s3:\/\/secsli-demo\/history\//);
  expect(text).toMatch(/run 2 .*\n.*incremental sync since/);
  expect(text).toMatch(/payments-api +BREACHED +risk +[\d.]+ +Δ \d/);
  expect(text).toContain('history/.secsli-state/securityhub.ndjson');
  for (const r of runs) expect(r.stdout + r.stderr).not.toMatch(/ghs_DEMO|demoSecretKey/);
}, 60_000);

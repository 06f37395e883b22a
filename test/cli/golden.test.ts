import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectGolden } from '../golden-file.js';
import { cli, exampleScoreArgs, tmp } from './run.js';

/**
 * Golden reports for the bundled example (the same run as `npm start`). When a change is meant
 * to alter them, regenerate deliberately: `UPDATE_GOLDEN=1 npx vitest run test/cli/golden.test.ts`
 * and review the diff. A missing golden file fails.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GOLDEN = join(ROOT, 'test/golden/example');
const FILES = ['assets.csv', 'findings.csv', 'fixes.csv', 'report.md', 'snapshot.json', 'snapshot-findings.ndjson', 'snapshot-fixes.ndjson', 'summary.json', 'unmapped.csv'];

describe('golden reports for the bundled example', () => {
  it('match test/golden/example byte for byte', async () => {
    const out = await tmp();
    const r = await cli(exampleScoreArgs(out));
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const runDir = r.stdout.trim();
    for (const f of FILES) {
      // The snapshot names the config path it was given; make it independent of the checkout's location.
      // summary.json says where the run is: the temporary --out becomes <out>.
      const actual = (await readFile(join(runDir, f), 'utf8')).split(ROOT).join('').split(out).join('<out>');
      await expectGolden(join(GOLDEN, f), actual, f);
    }
  });
});

describe('the bundled assets.yaml', () => {
  it('states the defaults in force where its comments quote them', async () => {
    const { DEFAULT_POLICY } = await import('../../src/config/policy.js');
    const text = await readFile(join(ROOT, 'assets.yaml'), 'utf8');
    const budget = /riskBudget critical (\d+) \/ high (\d+) \/ medium (\d+) \/ low (\d+)/.exec(text);
    expect(budget?.slice(1).map(Number)).toEqual([
      DEFAULT_POLICY.riskBudget.critical,
      DEFAULT_POLICY.riskBudget.high,
      DEFAULT_POLICY.riskBudget.medium,
      DEFAULT_POLICY.riskBudget.low,
    ]);
    const sla = /SLAs in days\. Defaults: critical (\d+), high (\d+), medium (\d+), low (\d+), info (\d+)/.exec(text);
    const d = DEFAULT_POLICY.slaDays;
    expect(sla?.slice(1).map(Number)).toEqual([d.critical, d.high, d.medium, d.low, d.info]);
  });
});

import { describe, expect, it } from 'vitest';
import { compileInventory } from '../../src/inventory/match.js';
import type { Asset } from '../../src/config/schema.js';
import type { Finding } from '../../src/model/finding.js';
import { makeAsset, makeAwsFinding, makeInventory, makeRepoFinding, makeResource } from './builders.js';

const ASSETS = 2_000;
const FINDINGS = 100_000;
const account = (i: number) => String(100_000_000_000 + (i % 200));

/** Every asset owns one ECS cluster prefix in its account, one repo family, and every 10th a tag. */
function asset(i: number): Asset {
  return makeAsset(`asset-${String(i).padStart(4, '0')}`, {
    aws: {
      accounts: [account(i)],
      resources: [`arn:aws:ecs:*:${account(i)}:service/svc-${i}/*`],
      ...(i % 10 === 0 ? { tags: { Owner: `svc-${i}` } } : {}),
    },
    github: { repos: [`acme/svc-${i}-*`] },
  });
}

describe('matching at scale', () => {
  it(`maps ${FINDINGS.toLocaleString('en')} findings against ${ASSETS.toLocaleString('en')} assets`, () => {
    const matcher = compileInventory(makeInventory(Array.from({ length: ASSETS }, (_, i) => asset(i))));
    let seed = 42;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    const findings: Array<[Finding, string]> = [];
    for (let n = 0; n < FINDINGS; n++) {
      const i = next() % ASSETS;
      const id = `asset-${String(i).padStart(4, '0')}`;
      if (n % 3 === 0) findings.push([makeRepoFinding(`acme/svc-${i}-api`), id]);
      else findings.push([makeAwsFinding(account(i), [makeResource(`arn:aws:ecs:eu-west-1:${account(i)}:service/svc-${i}/web`, { tags: { Owner: `svc-${i}` } })]), id]);
    }
    const started = performance.now();
    let wrong = 0;
    for (const [f, id] of findings) {
      const r = matcher.match(f);
      if (r.ambiguous || r.assetIds.length !== 1 || r.assetIds[0] !== id) wrong++;
    }
    const ms = performance.now() - started;
    expect(wrong).toBe(0);
    // A finding in a known account that no selector claims stays unmapped.
    expect(matcher.match(makeAwsFinding(account(1), [`arn:aws:s3:::bucket`])).assetIds).toEqual([]);
    console.info(`matched ${FINDINGS} findings against ${ASSETS} assets in ${ms.toFixed(0)} ms`);
  });
});

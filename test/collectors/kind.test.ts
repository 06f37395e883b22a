import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeRecord } from '../../src/sources/index.js';

/**
 * Threat or weakness (issue 10 item 3): a control check is a misconfiguration whatever its Types;
 * Effects/TTPs/Unusual Behaviors make a threat only when the finding is not a control check.
 * Records: the FSBP sample control finding (test/fixtures/securityhub/SOURCE.md), varied.
 */
const control = JSON.parse(readFileSync(new URL('../fixtures/securityhub/asff-sample-control-finding-fsbp.aws-docs.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const kindOf = (raw: Record<string, unknown>) => {
  const n = normalizeRecord('securityhub', raw);
  if (!n.ok) throw new Error(n.reason);
  return n.finding;
};
const s3Effects = ['Effects/Data Exposure/AWS-Foundational-Security-Best-Practices'];

describe('finding kind', () => {
  it.each([
    ['the FSBP sample as shipped', {}, 'misconfiguration'],
    ['a control check typed Effects/Data Exposure (FSBP S3.2)', { Types: s3Effects }, 'misconfiguration'],
    ['a control check (GeneratorId only, no Compliance) typed Effects', { Types: s3Effects, Compliance: undefined }, 'misconfiguration'],
    ['a control check typed TTPs', { Types: ['TTPs/Initial Access'] }, 'misconfiguration'],
    [
      'Effects on a finding that is not a control check',
      { Types: s3Effects, Compliance: undefined, GeneratorId: 'custom-detector', ProductArn: 'arn:aws:securityhub:us-east-2::product/acme/detector' },
      'threat',
    ],
    [
      'Unusual Behaviors from a third-party detector',
      { Types: ['Unusual Behaviors/User'], Compliance: undefined, GeneratorId: 'x', ProductArn: 'arn:aws:securityhub:us-east-2::product/acme/detector' },
      'threat',
    ],
  ])('%s → %s', (_n, over, kind) => {
    const raw = { ...control, ...over };
    for (const [k, v] of Object.entries(over)) if (v === undefined) delete (raw as Record<string, unknown>)[k];
    expect(kindOf(raw).kind).toBe(kind);
  });

  it('a NOTIFIED open record is acknowledged (an incident response); NEW is not', () => {
    expect(kindOf({ ...control, Workflow: { Status: 'NOTIFIED' } }).acknowledged).toBe(true);
    expect(kindOf({ ...control, Workflow: { Status: 'NEW' } }).acknowledged).toBeUndefined();
  });
});

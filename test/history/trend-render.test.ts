import { describe, expect, it } from 'vitest';
import { renderTrend, type TrendRow } from '../../src/history/trend.js';

/** `secsli trend`: a run that did not fully measure the asset never reads as a measured figure. */
const row = (asOf: string, measured: boolean, over: Partial<TrendRow> = {}): TrendRow => ({
  asOf,
  run: asOf,
  status: measured ? 'OK' : 'UNKNOWN',
  risk: 4,
  budgetUsed: 0.1,
  remediationSli: 1,
  open: { critical: 1, high: 2, medium: 0, low: 3 },
  policyHash: 'p1',
  measured,
  ...over,
});

describe('trend of an asset with a gap run', () => {
  it('prints its risk, budget used and open counts as lower bounds, and its remediation SLI as of what was read', () => {
    const text = renderTrend('app', [row('2026-11-01T00:00:00.000Z', true), row('2026-11-08T00:00:00.000Z', false), row('2026-11-15T00:00:00.000Z', true)]);
    const gap = text.split('\n').find((l) => l.startsWith('2026-11-08'))!;
    expect(gap).toMatch(/UNKNOWN +≥ 4\.00 +≥ 10 % +~ 100\.0 % +≥ 1\/2\/0\/3/);
    const measured = text.split('\n').find((l) => l.startsWith('2026-11-15'))!;
    expect(measured).toMatch(/OK +4\.00 +0 +10 % +100\.0 % +1\/2\/0\/3/);
    expect(text).toContain('~: such a run’s remediation SLI is of what was read');
  });

  it('says nothing of "~" when no gap run has a remediation SLI', () => {
    const text = renderTrend('app', [row('2026-11-01T00:00:00.000Z', true), row('2026-11-08T00:00:00.000Z', false, { remediationSli: null })]);
    expect(text).not.toContain('~');
    expect(text).toContain('≥: 1 run(s) did not fully measure the asset');
  });
});

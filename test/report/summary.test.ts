import { describe, expect, it } from 'vitest';
import { gotWorse } from '../../src/report/summary.js';

/** `--fail-on worse`: which transitions are news. UNKNOWN is not a measured status (such a run exits 3 anyway). */
describe('gotWorse', () => {
  it.each([
    ['OK', 'AT RISK', true],
    ['OK', 'BREACHED', true],
    ['AT RISK', 'BREACHED', true],
    ['BREACHED', 'BREACHED', false],
    ['AT RISK', 'AT RISK', false],
    ['BREACHED', 'AT RISK', false],
    ['BREACHED', 'OK', false],
    ['OK', 'UNKNOWN', false],
    ['UNKNOWN', 'AT RISK', false],
    ['UNKNOWN', 'BREACHED', true],
    [undefined, 'BREACHED', true],
    [undefined, 'AT RISK', false],
    [undefined, 'OK', false],
  ] as const)('%s → %s: %s', (before, now, worse) => {
    const previous = new Map(before ? [['x', before]] : []);
    expect(gotWorse({ asset: { id: 'x' }, status: now }, previous)).toBe(worse);
  });

  it('without any previous run, only BREACHED is news', () => {
    expect(gotWorse({ asset: { id: 'x' }, status: 'BREACHED' }, undefined)).toBe(true);
    expect(gotWorse({ asset: { id: 'x' }, status: 'AT RISK' }, undefined)).toBe(false);
  });
});

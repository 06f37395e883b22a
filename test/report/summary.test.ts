import { describe, expect, it } from 'vitest';
import { gotWorse, summaryLogFields, type Summary } from '../../src/report/summary.js';

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

describe('the --log-format json summary line', () => {
  const change = (i: number, worse: boolean): Summary['changes'][number] => ({
    asset: `a-${String(i).padStart(4, '0')}`,
    owner: 'o',
    contact: null,
    from: 'OK',
    to: worse ? 'BREACHED' : 'OK',
    worse,
    reasons: [],
  });

  it('is summary.json itself up to 100 status changes', () => {
    const s = { changes: Array.from({ length: 100 }, (_, i) => change(i, i % 2 === 0)) };
    expect(summaryLogFields(s)).toBe(s);
  });

  it('above that lists 100, the worse first, and counts what it left out and every worse change', () => {
    // 2,000 changes, 150 of them worse (every 13th from the start): all 100 listed are worse ones, in order.
    const changes = Array.from({ length: 2000 }, (_, i) => change(i, i % 13 === 0 && i < 13 * 150));
    const logged = summaryLogFields({ changes, other: 1 });
    expect(logged.changes).toHaveLength(100);
    expect(logged.changes.every((c) => c.worse)).toBe(true);
    expect(logged.changes.map((c) => c.asset)).toEqual(
      changes
        .filter((c) => c.worse)
        .slice(0, 100)
        .map((c) => c.asset),
    );
    expect([logged.changesLeftOut, logged.changesWorse, logged.other]).toEqual([1900, 150, 1]);
    // Few worse ones: all of them, then the others in summary.json's order.
    const few = summaryLogFields({ changes: Array.from({ length: 300 }, (_, i) => change(i, i === 250)) });
    expect(few.changes.map((c) => c.asset)).toEqual([...changes.slice(0, 99).map((c) => c.asset), 'a-0250'].sort());
    expect([few.changesLeftOut, few.changesWorse]).toEqual([200, 1]);
  });
});

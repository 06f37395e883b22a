import { describe, expect, it } from 'vitest';
import { isoOf } from '../../src/model/time.js';

/** isoOf must spell every instant exactly as Date does: it replaces it in every report. */
describe('isoOf (model/time.ts)', () => {
  const same = (ms: number) => expect(isoOf(ms)).toBe(new Date(ms).toISOString());

  it('matches toISOString at the edges: the epoch, leap days, century rules, year ends, the last millisecond before 10000', () => {
    for (const t of [
      '1970-01-01T00:00:00.000Z',
      '1972-02-29T23:59:59.999Z',
      '1999-12-31T23:59:59.999Z',
      '2000-02-29T12:00:00.000Z',
      '2100-02-28T00:00:00.001Z',
      '2100-03-01T00:00:00.000Z',
      '2400-02-29T00:00:00.000Z',
      '2026-11-27T00:00:00.000Z',
      '9999-12-31T23:59:59.999Z',
    ])
      same(Date.parse(t));
    expect(isoOf(Date.parse('2024-02-29T01:02:03.004Z'))).toBe('2024-02-29T01:02:03.004Z');
  });

  it('falls back to Date before 1970 and from 10000 on (signed years)', () => {
    for (const ms of [-1, -86_400_000, Date.parse('0001-01-01T00:00:00.000Z'), 253_402_300_800_000, 8.64e15]) same(ms);
    expect(() => isoOf(Number.NaN)).toThrow(RangeError);
  });

  it('matches toISOString for 200,000 instants spread over 1970–9999 and every millisecond of a day boundary', () => {
    // A fixed linear congruential sequence: the same instants on every run.
    const instants: number[] = [];
    let x = 12345;
    for (let i = 0; i < 200_000; i++) {
      x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
      instants.push(Math.floor((x / 2_147_483_648) * 253_402_300_800_000));
    }
    const midnight = Date.parse('2026-12-01T00:00:00.000Z');
    for (let d = -1000; d <= 1000; d++) instants.push(midnight + d);
    // Compared here, one expect for all: an expect per instant took 7 s of the suite.
    const wrong = instants.filter((ms) => isoOf(ms) !== new Date(ms).toISOString());
    expect(wrong.map((ms) => [ms, isoOf(ms), new Date(ms).toISOString()])).toEqual([]);
    expect(instants.length).toBe(202_001);
  });
});

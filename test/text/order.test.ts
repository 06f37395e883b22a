import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareJoined } from '../../src/text/order.js';

/** What the comparators did before compareJoined: join, then compare with `<` and `>`. */
const joined = (a1: string, a2: string, b1: string, b2: string): number => {
  const a = a1 + a2;
  const b = b1 + b2;
  return a < b ? -1 : a > b ? 1 : 0;
};

describe('compareJoined', () => {
  it('orders as the joined strings do, where one first part is a prefix of the other', () => {
    const cases: [string, string, string, string][] = [
      ['x', 'b', 'xy', 'a'], // "xb" < "xya"
      ['xy', 'a', 'x', 'b'],
      ['x', 'ya', 'xy', 'a'], // equal when joined
      ['x', '', 'x', ''],
      ['', 'abc', 'ab', 'c'],
      ['ab', '', 'a', 'b'],
      ['arn:1', 'asset-a', 'arn:10', 'asset-a'], // "arn:1asset-a" > "arn:10asset-a" ('a' > '0')
      ['a', 'z', 'a', 'za'],
      ['\u{1F600}', 'a', '\uD83D', '\uDE00b'], // a surrogate pair split across the parts
    ];
    for (const [a1, a2, b1, b2] of cases) expect([a1, a2, b1, b2, compareJoined(a1, a2, b1, b2)]).toEqual([a1, a2, b1, b2, joined(a1, a2, b1, b2)]);
  });

  it('agrees with joining on random texts over a small alphabet (prefixes are frequent)', () => {
    const part = fc.string({ unit: fc.constantFrom('a', 'b', '0', '\uD83D', '\uDE00', 'é'), maxLength: 5 });
    fc.assert(
      fc.property(part, part, part, part, (a1, a2, b1, b2) => {
        expect(compareJoined(a1, a2, b1, b2)).toBe(joined(a1, a2, b1, b2));
        expect(compareJoined(b1, b2, a1, a2)).toBe(-joined(a1, a2, b1, b2) || 0);
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees with joining on ids of the shapes the reports rank', () => {
    const id = fc.constantFrom('arn:aws:securityhub:eu-west-1:111122223333:security-control/EC2.2/finding/', 'GHSA-', 'ghsa-', 'org/repo#');
    const tail = fc.string({ unit: fc.constantFrom('0', '1', 'a', 'f', '-', '/'), maxLength: 6 });
    fc.assert(
      fc.property(id, tail, tail, id, tail, tail, (p, s, a, q, t, b) => {
        expect(compareJoined(p + s, a, q + t, b)).toBe(joined(p + s, a, q + t, b));
      }),
      { numRuns: 2000 },
    );
  });
});

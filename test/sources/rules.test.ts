/** Shared rules of the source adapters (src/sources/rules.ts) and the ASFF console link, against their plain references. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseUtc } from '../../src/model/time.js';
import { encodeTwice } from '../../src/sources/asff-rules.js';
import { cvesIn, isoTime } from '../../src/sources/rules.js';
import { oddString } from './variations.js';

/**
 * Generated variations per property: 500 in `npm test`; `npm run test:scale` (CI) runs this file
 * again with SECSLI_FAST_RUNS=3000; raise it further for a longer soak.
 */
const RUNS = Number(process.env.SECSLI_FAST_RUNS ?? 500);

describe('cvesIn: the one CVE rule', () => {
  it.each([
    ['CVE-2021-44228', ['CVE-2021-44228']],
    ['cve-2020-1234 and CVE-2019-99999', ['CVE-2019-99999', 'CVE-2020-1234']],
    ['CVE-2020-123', []],
    [' CVE-2023-44487 (nghttp2)', ['CVE-2023-44487']],
    ['GHSA-abcd-efgh-ijkl', []],
  ])('%s', (s, expected) => {
    expect(cvesIn([s, null, undefined, s])).toEqual(expected);
  });
});

describe('isoTime: the canonical-form shortcut', () => {
  // The general path, as it was before the shortcut.
  const reference = (value: unknown) => {
    if (typeof value !== 'string' || value.trim() === '') return undefined;
    const ms = parseUtc(value);
    return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
  };
  const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));

  it('gives what the round trip through Date gives', () => {
    const stamp = fc
      .tuple(fc.integer({ min: 0, max: 9999 }), two(13), two(32), two(25), two(61), two(61), fc.integer({ min: 0, max: 999 }), fc.constantFrom('Z', 'z', '', '+00:00'))
      .map(([y, mo, d, h, mi, s, ms, z]) => `${String(y).padStart(4, '0')}-${mo}-${d}T${h}:${mi}:${s}.${String(ms).padStart(3, '0')}${z}`);
    fc.assert(
      fc.property(fc.oneof(stamp, fc.string(), oddString), (s) => {
        expect(isoTime(s)).toBe(reference(s));
      }),
      { numRuns: 20000 },
    );
  });

  it('on every day of leap and common years, and the edges', () => {
    for (const y of ['1900', '2000', '2024', '2026', '0000', '9999']) {
      for (let m = 0; m <= 13; m++) {
        for (let d = 0; d <= 32; d++) {
          const s = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}T23:59:59.999Z`;
          expect(isoTime(s)).toBe(reference(s));
        }
      }
    }
    for (const s of ['2026-01-01T24:00:00.000Z', '2026-01-01T23:60:00.000Z', '2026-01-01T23:59:60.000Z', '2026-01-01T00:00:00.000Z']) {
      expect(isoTime(s)).toBe(reference(s));
    }
  });
});

describe('encodeTwice (console URLs)', () => {
  const reference = (s: string) => encodeURIComponent(encodeURIComponent(s));
  const outcome = (f: () => string) => {
    try {
      return f();
    } catch (err) {
      return `threw ${(err as Error).name}`;
    }
  };
  it('is encodeURIComponent applied twice', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), oddString), (s) => {
        expect(outcome(() => encodeTwice(s))).toBe(outcome(() => reference(s)));
      }),
      { numRuns: RUNS * 5 },
    );
    for (let c = 0; c < 256; c++) expect(encodeTwice(`a${String.fromCharCode(c)}b`)).toBe(reference(`a${String.fromCharCode(c)}b`));
    for (const s of ['', 'abc', '\\operator\\:EQUALS\\:arn:aws:x/y', '\ud800', 'é']) expect(outcome(() => encodeTwice(s))).toBe(outcome(() => reference(s)));
  });
});

import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvRow, type Cell } from '../../src/report/csv-encode.js';
import { neutraliseCsv } from '../../src/report/format.js';
import { jsonChunks, LazyArray } from '../../src/report/json-chunks.js';
import { sanitizeText } from '../../src/text/sanitize.js';

// csv-stringify with the reports' options; outside text is sanitised first (issue 8: CSV cells
// never hold a raw control character), exactly as csvRow does.
const reference = (rows: Cell[][]) =>
  stringify(rows as unknown[][], {
    cast: { string: (v) => neutraliseCsv(sanitizeText(v)), number: (v) => String(v), boolean: (v) => (v ? 'true' : 'false') },
    record_delimiter: '\n',
  });

const cell = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r', '=', '-', '+', '@', '\t', ' ', 'é') }),
  fc.string(),
  // Outside text that needs sanitising, bidi and zero-width characters, lone and paired surrogates.
  fc.string({ unit: fc.constantFrom('a', '~', ',', '"', '\x00', '\x1b', '\x7f', '\x9f', '\u202e', '\u200b', '\ufeff', '\ud83d', '\ude00', '\ud800', 'é') }),
  fc.string({ unit: 'binary' }),
  fc.double({ noNaN: false }),
  fc.integer(),
  fc.boolean(),
  fc.constant(undefined),
  fc.constant(null),
);

describe('streamed renderers match the one-string ones', () => {
  it('csvRow encodes exactly as csv-stringify did', () => {
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }), (rows) => {
        expect(rows.map(csvRow).join('')).toBe(reference(rows));
      }),
      { numRuns: 500 },
    );
  });

  it('jsonChunks is JSON.stringify(value, null, 2) with lazy arrays expanded', () => {
    const leaf = fc.jsonValue({ maxDepth: 2 });
    const lazyOrNot = fc.tuple(fc.array(leaf, { maxLength: 4 }), fc.boolean()).map(([items, lazy]) => ({ items, lazy }));
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.oneof(leaf, lazyOrNot)), fc.array(lazyOrNot, { maxLength: 3 }), (obj, list) => {
        type Spec = { items: unknown[]; lazy: boolean };
        const isSpec = (v: unknown): v is Spec => typeof v === 'object' && v !== null && 'lazy' in v && 'items' in v;
        const toLazy = (v: unknown) => (isSpec(v) ? (v.lazy ? new LazyArray(() => v.items) : v.items) : v);
        const toPlain = (v: unknown) => (isSpec(v) ? v.items : v);
        const lazyDoc = { a: Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, toLazy(v)])), list: list.map(toLazy), n: 1, u: undefined };
        const plainDoc = { a: Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, toPlain(v)])), list: list.map(toPlain), n: 1, u: undefined };
        expect([...jsonChunks(lazyDoc, 0, 16)].join('')).toBe(JSON.stringify(plainDoc, null, 2));
      }),
      { numRuns: 300 },
    );
  });
});

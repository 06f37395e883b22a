import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonScanner, type ScanEvent } from '../../src/collectors/read/scanner.js';

/** Feeds `text` in pieces cut at `cuts` and returns every event. */
function scan(text: string, cuts: number[], lines = false): ScanEvent[] {
  const scanner = new JsonScanner({ wrapperKeys: ['Findings'], maxRecordChars: 1e7, lines });
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const events: ScanEvent[] = [];
  let from = 0;
  for (const p of [...points, text.length]) {
    events.push(...scanner.push(text.slice(from, p)));
    from = p;
  }
  events.push(...scanner.end());
  return events;
}

// Records as they exist after a JSON round trip (JSON has no -0), so the scanner's output can be compared exactly.
const record = fc
  .dictionary(fc.string({ unit: fc.constantFrom('a', '"', '\\', '[', ']', '{', '}', ',', ':', '\n', 'é', '\u{1F600}', ' ') }), fc.jsonValue({ maxDepth: 3 }), {
    minKeys: 1,
    maxKeys: 4,
  })
  .map((r) => JSON.parse(JSON.stringify(r)) as Record<string, unknown>);

const layouts: Record<string, (recs: unknown[]) => string> = {
  array: (r) => JSON.stringify(r, null, 2),
  wrapper: (r) => JSON.stringify({ NextToken: '[{', Findings: r, After: [1, { Findings: 'x' }] }),
  placebo: (r) => JSON.stringify({ status_code: 200, data: { ResponseMetadata: {}, Findings: r } }, null, 1),
  pages: (r) => r.map((x) => JSON.stringify([x])).join('\n'),
  ndjson: (r) => r.map((x) => JSON.stringify(x)).join('\n') + '\n',
};

describe('JsonScanner', () => {
  it('finds the same records however the input is cut into chunks', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 6 }), fc.constantFrom(...Object.keys(layouts)), fc.array(fc.nat(), { maxLength: 12 }), (recs, layout, cuts) => {
        const text = layouts[layout]!(recs);
        const events = scan(text, cuts);
        const found = events.filter((e) => e.t === 'record').map((e) => JSON.parse(e.text));
        expect(events.filter((e) => e.t === 'truncated' || e.t === 'garbage')).toEqual([]);
        expect(found).toEqual(recs);
      }),
      { numRuns: 300 },
    );
  });

  it('reports a record cut anywhere as truncated, never as a record', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 4 }), fc.nat(), (recs, at) => {
        const text = JSON.stringify(recs);
        const cut = 1 + (at % (text.length - 1)); // keep "[" at least, drop "]" at least
        const events = scan(text.slice(0, cut), []);
        const found = events.filter((e) => e.t === 'record').map((e) => JSON.parse(e.text));
        expect(recs.slice(0, found.length)).toEqual(found);
        expect(events.at(-1)?.t).toBe('truncated');
      }),
      { numRuns: 300 },
    );
  });

  it('counts lines inside long strings and across chunks', () => {
    const text = '[\n{"a":"x\\n"},\n\n  {"b":[1,\n2]},\n3]';
    const records = scan(text, [3, 7, 15, 16]).filter((e) => e.t === 'record');
    expect(records.map((e) => (e.t === 'record' ? [e.text, e.line] : []))).toEqual([
      ['{"a":"x\\n"}', 2],
      ['{"b":[1,\n2]}', 4],
      ['3', 6],
    ]);
  });
});

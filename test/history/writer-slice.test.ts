import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writerSlice } from '../../src/history/explain-run.js';

/** explain --run reads snapshot.json's tail (ambiguous matches, exceptions) by a byte search between the writer's markers. */
const FROM = Buffer.from('\n  "ambiguous": ');
const TO = Buffer.from('\n  "rejected": ');

function filesOf(text: string, cuts: number[]) {
  const bytes = Buffer.from(text);
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let last = 0;
  for (const c of [...at, bytes.length]) {
    if (c > last) chunks.push(bytes.subarray(last, c));
    last = Math.max(last, c);
  }
  return { files: { where: '.', open: async () => Readable.from(chunks) }, file: 'snapshot.json' };
}

describe('writerSlice', () => {
  const body = '[\n    { "findingId": "é-1", "assetIds": ["a", "b"] }\n  ],\n  "exceptions": []';
  const text = `{\n  "assets": [],\n  "unmapped": [ "${'x'.repeat(300)}" ],${FROM.toString()}${body},${TO.toString()}[]\n}\n`;

  it('returns the bytes between the markers, however the file is cut into chunks (a marker or a character across two)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: 1000 }), { maxLength: 40 }), async (cuts) => {
        expect(await writerSlice(filesOf(text, cuts), FROM, TO)).toBe(`${body},`);
      }),
      { numRuns: 300 },
    );
  });

  it('is undefined when a marker is missing (another layout: the scanner reads it)', async () => {
    expect(await writerSlice(filesOf(text.replace('"rejected"', '"other"'), [7, 90]), FROM, TO)).toBeUndefined();
    expect(await writerSlice(filesOf(text.replace('"ambiguous"', '"other"'), [7, 90]), FROM, TO)).toBeUndefined();
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFileGuard } from '../../src/report/file-guard.js';
import { buildSnapshot, snapshotFiles } from '../../src/report/snapshot.js';
import { jsonSafe, sanitizeText } from '../../src/text/sanitize.js';
import { makeAsset, makeFinding, scoreWith } from '../builders.js';

/**
 * The report fast paths (issue 14) answer "nothing to escape" without building strings; these
 * check that they give exactly what the slow paths gave, on text chosen to hit every escape.
 */

// The replacers as they were before the fast paths (the oracle): the same expressions, applied always.
const UNSAFE_BUT_LINES =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const hex = (c: number, w: number) => c.toString(16).padStart(w, '0');
const slowText = (t: string) => t.replace(UNSAFE_BUT_LINES, (ch) => (ch.charCodeAt(0) < 0x100 ? `\\x${hex(ch.charCodeAt(0), 2)}` : `\\u${hex(ch.charCodeAt(0), 4)}`));
const slowJson = (t: string) => t.replace(JSON_UNSAFE, (ch) => `\\u${hex(ch.charCodeAt(0), 4)}`);

/** Characters on both sides of every boundary the fast tests draw, and the ones that need escaping. */
const UNITS = [
  'a',
  ' ',
  '~',
  '"',
  ',',
  '\\',
  '\n',
  '\r',
  '\t',
  '\x00',
  '\x1b',
  '\x7f',
  '\x9f',
  '\xa0',
  'é',
  '\u061c',
  '\u200b',
  '\u202e',
  '\u2028',
  '\u2060',
  '\ufeff',
  '\ud83d',
  '\ude00',
  '\ud800',
  '\udfff',
  '中',
];
const hostile = fc.string({ unit: fc.constantFrom(...UNITS), maxLength: 24 });
const text = fc.oneof(hostile, fc.string({ unit: 'binary' }), fc.string());

describe('sanitiser fast paths', () => {
  it('sanitizeText and jsonSafe give what the full replace gives', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(sanitizeText(t)).toBe(slowText(t));
        expect(jsonSafe(t)).toBe(slowJson(t));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('file guard', () => {
  it.each(['findings.csv', 'snapshot-findings.ndjson', 'report.md'])('without secrets, %s pieces of any size give the whole text escaped (surrogate pairs never split)', (name) => {
    const spell = name.endsWith('.ndjson') ? slowJson : slowText;
    fc.assert(
      fc.property(fc.array(hostile, { maxLength: 6 }), (pieces) => {
        const g = createFileGuard(name, {});
        let out = '';
        for (const p of pieces) out += g.take(p);
        out += g.end();
        expect(out).toBe(spell(pieces.join('')));
      }),
      { numRuns: 500 },
    );
  });

  it('with a secret, catches it split across pieces and in its CSV spelling', () => {
    const secret = 'tok"en_0123456789';
    const whole = `a,${secret},"${secret.replace(/"/g, '""')}",\u202e${secret}`;
    for (const size of [1, 2, 5, 9, 100]) {
      const g = createFileGuard('findings.csv', { secrets: [secret] });
      let out = '';
      for (let i = 0; i < whole.length; i += size) out += g.take(whole.slice(i, i + size));
      out += g.end();
      expect(out).toBe('a,***,"***",\\u202e***');
    }
  });
});

describe('snapshot files', () => {
  const titles = ['plain', 'quote " and \\ backslash', 'tab\tnl\ncr\r', 'bidi \u202e', 'lone \ud800', 'pair \ud83d\ude00', 'é中', '', '=1+2'];
  const assets = [makeAsset({ id: 'b-app' }), makeAsset({ id: 'a-app', exposure: 'internet' })];
  const findings = titles.map((title, i) =>
    makeFinding({
      title,
      cves: i % 2 ? [`CVE-2026-${i}`, 'CVE-"x"'] : [],
      ...(i % 3 === 0 ? { status: 'resolved', closedAt: '2026-11-25T00:00:00Z', closeReason: `fixed ${title}` } : {}),
      ...(i % 4 === 1 ? { url: `https://example.com/${title}` } : {}),
      severity: (['critical', 'high', 'medium', 'low', 'info'] as const)[i % 5]!,
    }),
  );
  const r = scoreWith(findings, assets);
  const meta = { toolVersion: '0.0.0', inventoryFile: 'assets.yaml' };
  const text = (chunks: Iterable<string>) => [...chunks].join('');

  it('snapshot-findings.ndjson is JSON.stringify of each entry buildSnapshot holds', () => {
    const expected = buildSnapshot(r, meta)
      .assets.flatMap((a) => a.findings.map((f) => `${JSON.stringify({ asset: a.id, ...f })}\n`))
      .join('');
    const files = snapshotFiles(r, meta);
    expect(expected.split('\n').length).toBeGreaterThan(titles.length);
    expect(text(files['snapshot-findings.ndjson']!)).toBe(expected);
  });

  it('the fixes are in snapshot-fixes.ndjson, one per line, and snapshot.json only names the file', () => {
    const files = snapshotFiles(r, meta);
    const summary = JSON.parse(text(files['snapshot.json']!)) as Record<string, unknown>;
    expect(r.fixes.length).toBeGreaterThan(0);
    expect(summary).not.toHaveProperty('fixes');
    expect(summary.schemaVersion).toBe(3);
    expect(summary.fixesFile).toEqual({ name: 'snapshot-fixes.ndjson', lines: r.fixes.length });
    const lines = text(files['snapshot-fixes.ndjson']!).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => JSON.parse(l))).toEqual(JSON.parse(JSON.stringify(r.fixes)));
  });
});

import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { renderAssetsCsv, renderFindingsCsv } from '../../src/report/csv.js';
import { actionCell, mdCell, mdLink, neutraliseCsv } from '../../src/report/format.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { sanitizeText } from '../../src/text/sanitize.js';
import { makeAsset, makeFinding, scoreWith } from '../builders.js';

const HOSTILE = [
  '=HYPERLINK("http://evil.example","click")',
  "+cmd|' /C calc'!A0",
  '-2+3',
  '@SUM(A1:A2)',
  '\tleading tab',
  '\rleading CR',
  'pipe | in | title',
  '<script>alert(1)</script>',
  'line\nbreak',
  '[link](javascript:alert(1))',
];

describe('CSV formula injection', () => {
  it.each(HOSTILE.slice(0, 6))('neutralises %j', (v) => {
    expect(neutraliseCsv(v).startsWith("'")).toBe(true);
  });

  it('keeps hostile titles intact but inert in findings.csv, and the file parses back', () => {
    const fs = HOSTILE.map((title) => makeFinding({ title, packages: [title.toLowerCase()] }));
    const csv = renderFindingsCsv(scoreWith(fs, [makeAsset()]));
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(HOSTILE.length);
    for (const row of rows) {
      expect(row.title).not.toMatch(/^[=+\-@\t\r]/);
      expect(row.packages).not.toMatch(/^[=+\-@\t\r]/);
    }
    // Whole, but a CR (which a terminal acts on) is shown as \x0d: CSV cells go through the sanitiser too.
    expect(rows.map((r) => (r.title ?? '').replace(/^'/, '')).sort()).toEqual(HOSTILE.map(sanitizeText).sort());
  });

  it('does not mangle negative numbers it wrote itself', () => {
    const r = scoreWith([], [makeAsset()], { previousRisk: new Map([['app', 3.5]]) });
    const rows = parse(renderAssetsCsv(r), { columns: true }) as Record<string, string>[];
    expect(rows[0]!.risk_change).toBe('-3.5');
  });
});

describe('Markdown escaping', () => {
  it.each(HOSTILE)('a cell never breaks the table or injects HTML: %j', (v) => {
    const cell = mdCell(v);
    expect(cell).not.toMatch(/(^|[^\\])\|/);
    expect(cell).not.toMatch(/[<>\n\r]/);
    expect(cell).not.toMatch(/(^|[^\\])\[/);
  });

  it('only links plain http(s) URLs', () => {
    expect(mdLink('x', 'javascript:alert(1)')).toBe('x');
    expect(mdLink('x', 'https://github.com/acme/app/security/dependabot/1')).toBe('[x](https://github.com/acme/app/security/dependabot/1)');
    // A target never ends early or splits a cell: what could is percent-encoded.
    expect(mdLink('x', 'https://a.example/ (evil)')).toBe('[x](https://a.example/%20%28evil%29)');
    expect(mdLink('x', 'https://a.example/a|b\x1b]0;title\x07')).toBe('[x](https://a.example/a%7Cb%1B%5D0;title%07)');
  });

  it('cuts a 1 MB title in report.md (the CSV keeps it whole)', () => {
    const title = 'A'.repeat(1024 * 1024);
    const r = scoreWith([makeFinding({ title, severity: 'critical' })], [makeAsset()]);
    const md = renderMarkdown(r, { toolVersion: 'test' });
    expect(md.length).toBeLessThan(50_000);
    expect(renderFindingsCsv(r)).toContain(title);
  });

  it('renders hostile titles in report.md without raw HTML or broken rows', () => {
    const fs = HOSTILE.map((title) => makeFinding({ title, severity: 'critical' }));
    const md = renderMarkdown(scoreWith(fs, [makeAsset({ exposure: 'internet' })]), { toolVersion: 'test' });
    expect(md).not.toContain('<script>');
    for (const line of md.split('\n').filter((l) => l.startsWith('|'))) {
      const cells = line.replace(/\\\|/g, '').split('|').length;
      expect(cells).toBeGreaterThan(2);
    }
  });
});

describe('terminal escapes', () => {
  const ESC = '\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007\u001b[2J\u009b';
  it('explain never prints control characters from outside text', async () => {
    const { explainLive, renderExplain } = await import('../../src/report/explain.js');
    const f = makeFinding({ nativeId: `id${ESC}`, title: `t${ESC}`, product: `p${ESC}`, knownExploited: true, severity: 'critical' });
    const r = scoreWith([f], [makeAsset()]);
    const { run, asset } = explainLive(r, r.assets[0]!);
    const out = renderExplain(run, asset);
    expect(out).toContain('known exploited');
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });

  it('report.md cells drop control characters', () => {
    expect(mdCell(`a${ESC}b`)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });
});

describe('actionCell', () => {
  const base =
    'upgrade org.yaml:snakeyaml to 2.0 on arn:aws:ecr:ap-northeast-1:111122223333:repository/payments-api/sha256:636aeb4e075c5d516ac3258f817d7a8bc3f9f8046261e00f05e6e6576a809718';
  it('keeps an action that fits, and counts the other places of one that does not instead of cutting an ARN', () => {
    expect(actionCell('upgrade x to 2 in acme/a/pom.xml; also reported in acme/b/pom.xml')).toBe('upgrade x to 2 in acme/a/pom.xml; also reported in acme/b/pom.xml');
    expect(actionCell(`${base}; also reported in acme/payments-api/pom.xml, acme/payments-sdk-java/pom.xml`)).toBe(`${base}; also reported in 2 other place(s) (fixes.csv)`);
    expect(actionCell(`${base}; also reported in a/1, a/2, a/3, a/4, a/5 and 7 more`)).toBe(`${base}; also reported in 12 other place(s) (fixes.csv)`);
    expect(actionCell('x'.repeat(300))).toBe('x'.repeat(300));
  });
});

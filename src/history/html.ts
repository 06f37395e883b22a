import { esc } from './svg/common.js';

/**
 * HTML building blocks for review.html and owners/<owner>.html: one self-contained page (inline
 * CSS, inline SVG, no scripts, no external requests), readable on screen and printed on A4 or
 * Letter (sections and owners start on a new page). Every text goes through `esc`.
 */

export { esc };

/**
 * A table; cells are HTML already escaped by the caller. `num`: right-aligned figures, never
 * wrapped. `text`: free text from outside (titles, reasons) that may break anywhere (CSS
 * overflow-wrap: anywhere), so a 400-character word wraps instead of pushing the figures beside it
 * off the page; other cells break only between words.
 */
export function table(headers: string[], rows: string[][], num: number[] = [], text: number[] = []): string {
  const cls = (i: number) => (num.includes(i) ? ' class="n"' : text.includes(i) ? ' class="t"' : '');
  const head = headers.map((h, i) => `<th${num.includes(i) ? ' class="n"' : ''}>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** Titles longer than this are clipped on the page, the whole title kept in the tooltip (and in lifecycle.csv). */
const MAX_TITLE = 200;

/**
 * A link only for http(s) URLs (a `javascript:` URL from a source stays text). Text over
 * MAX_TITLE characters is clipped, the full text in the `title` attribute.
 */
export function link(text: string, url: string | null | undefined): string {
  const cps = [...text];
  const shown = cps.length > MAX_TITLE ? `${cps.slice(0, MAX_TITLE - 1).join('')}…` : text;
  const full = shown === text ? '' : ` title="${esc(text)}"`;
  return url && /^https?:\/\//i.test(url) ? `<a href="${esc(url)}"${full}>${esc(shown)}</a>` : full ? `<span${full}>${esc(shown)}</span>` : esc(text);
}

export const statusBadge = (s: string | null | undefined): string => (s ? `<span class="st st-${esc(s.toLowerCase().replace(/[^a-z]+/g, '-'))}">${esc(s)}</span>` : '—');

export const figure = (svg: string, caption: string): string => `<figure>${svg.trimEnd()}<figcaption>${esc(caption)}</figcaption></figure>`;

const CSS = `
:root { color-scheme: light; --ink: #1a1a1a; --muted: #555; --rule: #d8d8d8; --card: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink); background: #fff; overflow-wrap: break-word; }
main { max-width: 1120px; margin: 0 auto; padding: 14px 28px 40px; }
h1 { font-size: 24px; margin: 0 0 2px; }
header .sub { max-width: none; }
h2 { font-size: 19px; margin: 28px 0 8px; padding-top: 6px; border-top: 2px solid var(--ink); }
#summary h2 { margin-top: 8px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
p, li { max-width: 78ch; }
.sub { color: var(--muted); margin: 0 0 8px; }
.cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: 10px; margin: 10px 0 12px; }
.card { background: var(--card); border: 1px solid var(--rule); border-radius: 6px; padding: 6px 12px; }
.card .k { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.card .v { font-size: 21px; font-weight: 650; margin: 1px 0; line-height: 1.25; }
.card .v.long { font-size: 16px; }
.card .c { font-size: 12.5px; }
.card .d { font-size: 12px; color: var(--muted); }
ol.story { margin: 4px 0 0; padding-left: 22px; }
ol.story li { max-width: none; }
ol.story li { margin: 2px 0; }
table { border-collapse: collapse; margin: 6px 0 12px; font-size: 13px; }
th, td { border-bottom: 1px solid var(--rule); padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #eef0f3; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.n { white-space: nowrap; }
td.t { overflow-wrap: anywhere; }
.nw { white-space: nowrap; }
figure { margin: 10px 0 16px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 0 24px; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { font-size: 12px; color: var(--muted); margin-top: 2px; max-width: 78ch; }
.st { font-weight: 650; padding: 0 4px; border-radius: 3px; white-space: nowrap; }
.st-breached { background: #fbe3d6; color: #8a2c00; }
.st-at-risk { background: #fff0c2; color: #6b4b00; }
.st-unknown { background: #e4e4e4; color: #333; }
.st-ok { background: #dff0ea; color: #00553d; }
.note { color: var(--muted); font-size: 12.5px; }
code { font-size: 12px; }
a { color: #0b5cad; }
@media print {
  @page { margin: 14mm 12mm; }
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  .break { break-before: page; }
  .grid { display: block; }
  h2 { border-top: none; }
  figure, table, .card { break-inside: avoid; }
  tr { break-inside: avoid; }
  h2, h3, h4 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
`;

export function htmlPage(title: string, body: string): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // No request may leave the file: no scripts, and images only as inline SVG or data.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${esc(title)}</title>`,
    `<style>${CSS.trim()}</style>`,
    '</head>',
    '<body><main>',
    body.trim(),
    '</main></body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * Rendering helpers shared by every renderer. Numbers keep full precision until here.
 * Titles, package names, tags and repo names come from outside: every renderer escapes them.
 */
import { safeUrl, sanitizeLine } from '../text/sanitize.js';

export const round = (n: number, digits = 2): number => {
  const f = 10 ** digits;
  const r = Math.round(n * f) / f;
  return Object.is(r, -0) ? 0 : r;
};

/**
 * The largest of `values` and `floor`. Not `Math.max(...values)`: spread passes each value as an
 * argument, and an array the input sizes (a month per category over a long window, a row per
 * asset) overflowed the stack — `review --to 9999-12-31` exited 70.
 */
export function maxOf(values: Iterable<number>, floor = Number.NEGATIVE_INFINITY): number {
  let m = floor;
  for (const v of values) if (v > m || Number.isNaN(v)) m = v;
  return m;
}

/** The smallest of `values` and `ceiling` (see maxOf). */
export function minOf(values: Iterable<number>, ceiling = Number.POSITIVE_INFINITY): number {
  let m = ceiling;
  for (const v of values) if (v < m || Number.isNaN(v)) m = v;
  return m;
}

export const fixed = (n: number, digits = 2): string => round(n, digits).toFixed(digits);

/** 1.4 → "140.0 %". */
export const pct = (x: number | null, digits = 1): string => (x === null ? 'n/a' : `${fixed(x * 100, digits)} %`);

/** ISO date part only. */
export const day = (iso: string | undefined): string => (iso ? iso.slice(0, 10) : '');

/** A cell that a spreadsheet would read as a formula gets a leading apostrophe (OWASP CSV injection). */
export function neutraliseCsv(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Outside text made safe for a terminal (src/text/sanitize.ts): one line, escapes made visible, long text cut. */
export function termSafe(value: string | undefined, max = 200): string {
  return value ? sanitizeLine(value, max) : '';
}

const MD_SPECIAL = /[\\`*_[\]{}<>|#!~]/g;

/**
 * Escape text for a Markdown table cell: HTML entities, Markdown punctuation, pipes, and line
 * breaks folded to spaces. Long text is cut (the CSVs keep it whole).
 */
export function mdCell(value: string | number | undefined | null, max = 160): string {
  if (value === undefined || value === null) return '';
  // Control, bidi and zero-width characters never reach the file raw; line breaks become spaces.
  return sanitizeLine(String(value), max)
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(MD_SPECIAL, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '|' ? '\\|' : `\\${c}`));
}

/** A link only when the URL is http(s), its target percent-encoded where Markdown or a terminal would act on it. */
const ALSO = '; also reported in ';

/**
 * A fix's action for a Markdown cell of at most `max` characters: whole when it fits; else the
 * change itself (what to upgrade, where) before the other places its duplicates are reported,
 * which are then counted rather than cut mid-ARN (fixes.csv has the action whole).
 */
export function actionCell(action: string, max = 160): string {
  const at = action.indexOf(ALSO);
  if (action.length <= max || at < 0) return action;
  const places = action.slice(at + ALSO.length);
  const more = /^(.*) and (\d+) more$/.exec(places);
  const n = more ? more[1]!.split(', ').length + Number(more[2]) : places.split(', ').length;
  return `${action.slice(0, at)}; also reported in ${n} other place(s) (fixes.csv)`;
}

export function mdLink(text: string, url: string | undefined): string {
  const label = mdCell(text);
  const target = safeUrl(url);
  return target ? `[${label}](${target})` : label;
}

export function mdTable(headers: string[], rows: string[][], align?: ('l' | 'r')[]): string {
  const sep = headers.map((_, i) => (align?.[i] === 'r' ? '---:' : '---'));
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(sep), ...rows.map(line)].join('\n');
}

/** A horizontal bar of `width` characters for a value in [0, max] (eighth-block resolution). */
export function bar(value: number, max: number, width = 30): string {
  const blocks = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
  const cells = max > 0 ? Math.max(0, Math.min(width, (value / max) * width)) : 0;
  const full = Math.floor(cells);
  const rest = Math.floor((cells - full) * 8);
  return '█'.repeat(full) + (blocks[rest] ?? '');
}

/**
 * Rendering helpers shared by every renderer. Numbers keep full precision until here.
 * Titles, package names, tags and repo names come from outside: every renderer escapes them.
 */

export const round = (n: number, digits = 2): number => {
  const f = 10 ** digits;
  const r = Math.round(n * f) / f;
  return Object.is(r, -0) ? 0 : r;
};

export const fixed = (n: number, digits = 2): string => round(n, digits).toFixed(digits);

/** 1.4 → "140.0 %". */
export const pct = (x: number | null, digits = 1): string => (x === null ? 'n/a' : `${fixed(x * 100, digits)} %`);

/** ISO date part only. */
export const day = (iso: string | undefined): string => (iso ? iso.slice(0, 10) : '');

/** A cell that a spreadsheet would read as a formula gets a leading apostrophe (OWASP CSV injection). */
export function neutraliseCsv(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** C0 and C1 control characters and DEL: what a terminal would interpret as escapes. */
export const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** Outside text made safe for a terminal: control characters shown as spaces, long text cut. */
export function termSafe(value: string | undefined, max = 200): string {
  if (!value) return '';
  const t = value.replace(CONTROL, ' ');
  return t.length > max ? t.slice(0, max - 1) + '…' : t;
}

const MD_SPECIAL = /[\\`*_[\]{}<>|#!~]/g;

/**
 * Escape text for a Markdown table cell: HTML entities, Markdown punctuation, pipes, and line
 * breaks folded to spaces. Long text is cut (the CSVs keep it whole).
 */
export function mdCell(value: string | number | undefined | null, max = 160): string {
  if (value === undefined || value === null) return '';
  // Control characters (terminal escapes included) never reach the file; line breaks become spaces.
  let s = String(value).replace(/[\r\n\t\u2028\u2029]+/g, ' ').replace(CONTROL, '');
  if (s.length > max) s = s.slice(0, max - 1) + '…';
  return s
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(MD_SPECIAL, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '|' ? '\\|' : `\\${c}`));
}

/** A link only when the URL is plain http(s); anything else is shown as escaped text. */
export function mdLink(text: string, url: string | undefined): string {
  const label = mdCell(text);
  if (!url || !/^https?:\/\/[^\s<>()]+$/.test(url)) return label;
  return `[${label}](${url})`;
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

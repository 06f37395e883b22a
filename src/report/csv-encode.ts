import { sanitizeText } from '../text/sanitize.js';
import { neutraliseCsv } from './format.js';

/**
 * CSV encoding, byte-identical to csv-stringify with the options the reports used (cast: strings
 * neutralised against formula injection, numbers `String(n)`, booleans `true`/`false`; `,`
 * delimiter, `"` quote and escape, `\n` after every record), and fast enough for millions of rows.
 * A cell is quoted when it contains `,` `"` or `\n` (with an explicit `record_delimiter`, csv-stringify
 * does not quote a lone `\r`); `"` is doubled; null/undefined/"" are empty. The only CSV encoder
 * in src (reports and review packs); csv-stringify stays a dev dependency, as the test oracle.
 */
export type Cell = string | number | boolean | undefined | null;

const NEEDS_QUOTES = /[",\n]/;
const QUOTES = /"/g;
/**
 * Anything but printable ASCII other than `"` and `,`. A string without any of these has nothing
 * to sanitise and nothing to quote: only a formula-like first character can change it. This is
 * what almost every cell is, answered by one precompiled test instead of three regex passes.
 */
const NOT_PLAIN = /[^ !#-+\--~]/;

/** One cell, encoded (exported for renderers that write rows straight into a chunk). */
export function csvCell(v: Cell): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') {
    if (!NOT_PLAIN.test(v)) {
      const c = v.charCodeAt(0);
      // = + - @ (tab and CR are not plain): neutraliseCsv's apostrophe, which needs no quotes.
      return c === 61 || c === 43 || c === 45 || c === 64 ? `'${v}` : v;
    }
    const s = neutraliseCsv(sanitizeText(v));
    return NEEDS_QUOTES.test(s) ? `"${s.replace(QUOTES, '""')}"` : s;
  }
  // Neither a number's String() nor true/false ever needs quotes.
  return typeof v === 'number' ? String(v) : v ? 'true' : 'false';
}

/** One record, with its trailing `\n`. */
export function csvRow(cells: readonly Cell[]): string {
  let out = '';
  for (let i = 0; i < cells.length; i++) out += (i === 0 ? '' : ',') + csvCell(cells[i]);
  return out + '\n';
}

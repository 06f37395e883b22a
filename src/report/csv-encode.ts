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

function csvCell(v: Cell): string {
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

/** Reused for every row: the encoded cells, then one join (a flat string, not a rope of pieces). */
const encoded: string[] = [];

/**
 * One record, with its trailing `\n`. Joined rather than concatenated: `+=` would leave a rope
 * of ~90 pieces per row that the writer then has to walk to flatten (measured: the largest single
 * cost of writing findings.csv, and garbage for the collector).
 */
export function csvRow(cells: readonly Cell[]): string {
  const n = cells.length;
  encoded.length = n;
  for (let i = 0; i < n; i++) encoded[i] = csvCell(cells[i]);
  return `${encoded.join(',')}\n`;
}

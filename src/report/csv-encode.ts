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

function csvCell(v: Cell): string {
  if (v === undefined || v === null) return '';
  let s: string;
  if (typeof v === 'string') s = neutraliseCsv(sanitizeText(v));
  else if (typeof v === 'number') s = String(v);
  else s = v ? 'true' : 'false';
  return NEEDS_QUOTES.test(s) ? `"${s.replace(QUOTES, '""')}"` : s;
}

/** One record, with its trailing `\n`. */
export function csvRow(cells: readonly Cell[]): string {
  let out = '';
  for (let i = 0; i < cells.length; i++) out += (i === 0 ? '' : ',') + csvCell(cells[i]);
  return out + '\n';
}

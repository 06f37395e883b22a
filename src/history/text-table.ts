/** Plain aligned tables and number formats for the terminal (trend, diff). Pure. */
import { sanitizeLine } from '../text/sanitize.js';

/** Display width: counts code points, which is right for the ASCII, arrows and block characters used here. */
const width = (s: string) => [...s].length;

/** Titles and ids come from outside: one line, escapes made visible (src/text/sanitize.ts). */
export const termSafe = (s: string): string => sanitizeLine(s);

export function textTable(headers: string[], rows: string[][], align: ('l' | 'r')[] = []): string {
  rows = rows.map((r) => r.map(termSafe));
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const cell = (s: string, i: number) => {
    const pad = ' '.repeat(Math.max(0, widths[i]! - width(s)));
    return align[i] === 'r' ? pad + s : s + pad;
  };
  const line = (cells: string[]) => cells.map(cell).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

/** Signed points with two decimals and a real minus sign; "0" when it rounds to nothing. */
export function signed(n: number, digits = 2): string {
  const f = 10 ** digits;
  const r = Math.round(Math.abs(n) * f) / f;
  if (r === 0) return '0';
  return `${n > 0 ? '+' : '−'}${r.toFixed(digits)}`;
}

const SPARKS = '▁▂▃▄▅▆▇█';

/**
 * A Unicode sparkline. Scaled from 0 to max(values, `floor`) so a flat low line stays low
 * (budget used is drawn against at least 100 %); null values are gaps (·).
 */
export function sparkline(values: (number | null)[], floor = 0): string {
  const max = Math.max(floor, ...values.filter((v): v is number => v !== null));
  return values
    .map((v) => {
      if (v === null) return '·';
      if (max <= 0) return SPARKS[0]!;
      const i = Math.round((Math.max(0, v) / max) * (SPARKS.length - 1));
      return SPARKS[Math.min(SPARKS.length - 1, i)]!;
    })
    .join('');
}

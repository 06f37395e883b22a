import { maxOf } from '../../report/format.js';
import { esc, frame, HALO, linearScale, marker, n2, PALETTE, policyLabels, SHAPES, textWidth, yAxis } from './common.js';

/**
 * Grouped bars: one group per category, one bar per series, each bar labelled with its value (so
 * colour is never the only way to read it) and a legend with colour and shape. Optional: a dashed
 * reference line (an objective) and policy-change markers placed inside a category's band.
 */

export interface BarChart {
  title: string;
  yTitle: string;
  categories: string[];
  series: { name: string; values: (number | null)[] }[];
  format: (v: number) => string;
  /** Fixed top of the y scale (e.g. 1 for shares); default: the data's nice maximum. */
  max?: number;
  /** Counts: whole-number ticks. */
  integer?: boolean;
  reference?: { value: number; label: string };
  /** `at`: category index plus the fraction of its band (a date inside a month). */
  markers?: { at: number; date: string; label: string }[];
}

const BASE_H = 290;
const M = { left: 62, right: 16, top: 62, bottom: 46 };
/** Widest chart (px): past it, bars get narrower and labels fewer instead (a 60-month window is not 5,600 px wide). */
const MAX_W = 1000;
/** Rotated −40° labels this far apart (px) do not touch. */
const ROTATED_GAP = 16;

export function renderBarChart(c: BarChart): string {
  const groupW = Math.max(70, c.series.length * 34 + 24);
  const W = Math.min(MAX_W, Math.max(520, M.left + M.right + c.categories.length * groupW));
  const x0 = M.left;
  const x1 = W - M.right;
  const band = (x1 - x0) / Math.max(1, c.categories.length);
  const shortLabel = (cat: string) => (cat.length > 22 ? `${cat.slice(0, 21)}…` : cat);
  // Category labels: level while they fit in their band, else rotated, else (still too dense) every k-th.
  const widest = maxOf(
    c.categories.map((cat) => textWidth(shortLabel(cat))),
    0,
  );
  const rotate = widest + 6 > band;
  const every = rotate ? Math.max(1, Math.ceil(ROTATED_GAP / band)) : 1;
  const drop = rotate ? Math.ceil(widest * Math.sin((40 * Math.PI) / 180)) : 0;
  const H = BASE_H + drop;
  const bottom = H - M.bottom - drop;
  const values = c.series.flatMap((s) => s.values).filter((v): v is number => v !== null);
  const y = linearScale(c.max ?? maxOf(values, 1) * 1.12, bottom, M.top, c.format, c.integer);
  const parts = [yAxis(y, x0, x1, c.yTitle), `<line x1="${x0}" x2="${x1}" y1="${bottom}" y2="${bottom}" stroke="#888"/>`];

  // Legend on one line under the title: colour swatch, shape, name.
  let lx = 8;
  c.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    parts.push(`<rect x="${lx}" y="30" width="14" height="10" fill="${color}"/>`, marker(SHAPES[i % SHAPES.length]!, lx + 22, 35, color, 3.5));
    parts.push(`<text x="${lx + 30}" y="39" font-size="11" fill="#222">${esc(s.name)}</text>`);
    lx += 40 + textWidth(s.name) + 14;
  });
  // The reference line is named in the legend, not on the plot, where a label sat on top of the bars that reach it.
  if (c.reference) {
    parts.push(`<line x1="${lx}" x2="${lx + 24}" y1="35" y2="35" stroke="#111" stroke-width="1.5" stroke-dasharray="7 4"/>`);
    parts.push(`<text x="${lx + 30}" y="39" font-size="11" font-weight="600" fill="#111">${esc(c.reference.label)}</text>`);
  }

  const barW = Math.max(2, Math.min(30, (band - Math.min(16, band / 4)) / Math.max(1, c.series.length)));
  // A value label above each bar while it fits the bar; else the values are in the accessible name and the table beside the chart.
  const widestValue = maxOf(
    values.map((v) => textWidth(c.format(v), 10.5)),
    0,
  );
  const valueLabels = widestValue <= barW + 2;
  c.categories.forEach((cat, k) => {
    const gx = x0 + k * band + (band - barW * c.series.length) / 2;
    c.series.forEach((s, i) => {
      const v = s.values[k];
      const bx = gx + i * barW;
      const color = PALETTE[i % PALETTE.length]!;
      if (v === null || v === undefined) {
        parts.push(`<text x="${n2(bx + barW / 2)}" y="${bottom - 4}" text-anchor="middle" font-size="10" fill="#666">n/a</text>`);
        return;
      }
      const top = y(v);
      parts.push(`<rect x="${n2(bx + 1)}" y="${n2(top)}" width="${n2(barW - 2)}" height="${n2(Math.max(0, bottom - top))}" fill="${color}"/>`);
      parts.push(marker(SHAPES[i % SHAPES.length]!, bx + barW / 2, bottom + 8, color, Math.min(3, barW / 2)));
      if (valueLabels) parts.push(`<text x="${n2(bx + barW / 2)}" y="${n2(top - 4)}" text-anchor="middle" font-size="10.5" fill="#222" ${HALO}>${esc(c.format(v))}</text>`);
    });
    if (k % every !== 0) return;
    const cx = n2(x0 + (k + 0.5) * band);
    parts.push(
      rotate
        ? `<text transform="translate(${cx} ${bottom + 20}) rotate(-40)" text-anchor="end" font-size="11" fill="#333">${esc(shortLabel(cat))}</text>`
        : `<text x="${cx}" y="${bottom + 28}" text-anchor="middle" font-size="11" fill="#333">${esc(shortLabel(cat))}</text>`,
    );
  });

  if (c.reference) {
    const ry = n2(y(c.reference.value));
    parts.push(`<line x1="${x0}" x2="${x1}" y1="${ry}" y2="${ry}" stroke="#111" stroke-width="1.5" stroke-dasharray="7 4"/>`);
  }
  const notes: string[] = [];
  if (!valueLabels) notes.push('Bars too narrow to label: the values are in the table and CSV beside this chart.');
  (c.markers ?? []).forEach((m, i) => {
    const px = n2(x0 + m.at * band);
    parts.push(`<line x1="${px}" x2="${px}" y1="${M.top - 6}" y2="${bottom}" stroke="#555" stroke-dasharray="3 3"/>`);
    notes.push(`P${i + 1} ${m.date} policy change: ${m.label}`);
  });
  for (const g of policyLabels((c.markers ?? []).map((m) => x0 + m.at * band))) {
    parts.push(`<text x="${n2(g.x)}" y="${M.top - 9}" text-anchor="middle" font-size="10.5" font-weight="600" fill="#333" ${HALO}>${g.label}</text>`);
  }
  const alt = `${c.title}. ${c.categories.map((cat, k) => `${cat}: ${c.series.map((s) => `${s.name} ${s.values[k] == null ? 'n/a' : c.format(s.values[k]!)}`).join(', ')}`).join('; ')}`;
  return frame(W, H, c.title, parts.join(''), notes, alt);
}

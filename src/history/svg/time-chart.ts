import { maxOf, minOf } from '../../report/format.js';
import { esc, frame, HALO, linearScale, logScale, marker, n2, PALETTE, SHAPES, policyLabels, yAxis } from './common.js';

/**
 * A line chart over runs: a tick per run date (UTC day) while the labels fit, else labelled
 * calendar ticks (weeks, months, quarters, years) with the year on the first tick of each year; a
 * dashed rule at every policy change with a numbered label (labels too close to tell apart are
 * merged, "P2–P4"; what changed is written under the plot); an optional reference line (the
 * budget) that a log scale keeps in view; a marker shape per series and its name at the line's end.
 * Runs that did not measure everything are shaded, and a value that is only a lower bound is drawn
 * hollow and not joined to the line: it must not read as a dip.
 */

interface TimeSeries {
  name: string;
  /** One value per run (same order as `runs`); null: not measured in that run. */
  values: (number | null)[];
  /** Per run: the value is a lower bound (not everything was measured), shown as "≥". */
  bound?: boolean[];
}

export interface TimeChart {
  title: string;
  yTitle: string;
  /** Run as-of times (ISO), oldest first. */
  runs: string[];
  series: TimeSeries[];
  format: (v: number) => string;
  reference?: { value: number; label: string };
  markers?: { asOf: string; label: string }[];
  /** 'auto': log when the largest value is over 4× the reference. */
  scale?: 'linear' | 'auto';
  /** Counts: whole-number ticks. */
  integer?: boolean;
  /** Per run (same order as `runs`): it did not measure everything (PARTIAL or a coverage gap): shaded. */
  incomplete?: boolean[];
}

const W = 680;
const H = 300;
const M = { left: 62, right: 150, top: 44, bottom: 62 };
export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const dayLabel = (iso: string) => `${MONTHS[Number(iso.slice(5, 7)) - 1]} ${Number(iso.slice(8, 10))}`;

/** Spread label positions at least `gap` px apart, keeping their order (by y). */
function spread(ys: number[], gap: number, min: number, max: number): number[] {
  const order = ys.map((y, i) => ({ y, i })).sort((a, b) => a.y - b.y || a.i - b.i);
  for (let k = 1; k < order.length; k++) order[k]!.y = Math.max(order[k]!.y, order[k - 1]!.y + gap);
  const over = (order.at(-1)?.y ?? 0) - max;
  if (over > 0) for (const o of order) o.y -= over;
  for (let k = 0; k < order.length; k++) order[k]!.y = Math.max(order[k]!.y, k === 0 ? min : order[k - 1]!.y + gap);
  const out = new Array<number>(ys.length);
  for (const o of order) out[o.i] = o.y;
  return out;
}

export function renderTimeChart(c: TimeChart): string {
  const x0 = M.left;
  const x1 = W - M.right;
  const bottom = H - M.bottom;
  const times = c.runs.map((r) => Date.parse(r));
  const t0 = times[0] ?? 0;
  const span = (times.at(-1) ?? 0) - t0 || 1;
  const pad = 12;
  const x = (t: number) => (times.length < 2 ? (x0 + x1) / 2 : x0 + pad + ((t - t0) / span) * (x1 - x0 - 2 * pad));
  const all = c.series.flatMap((s) => s.values).filter((v): v is number => v !== null);
  const max = Math.max(maxOf(all, 0), c.reference ? c.reference.value * 1.15 : 0);
  const ref = c.reference?.value ?? 0;
  const positive = all.filter((v) => v > 0);
  const useLog = c.scale === 'auto' && ref > 0 && max > 4 * ref && positive.length > 0;
  const y = useLog ? logScale(minOf(positive, ref / 10), max, bottom, M.top, c.format) : linearScale(max, bottom, M.top, c.format, c.integer);

  const parts: string[] = [yAxis(y, x0, x1, c.yTitle + (useLog ? ' — log scale' : ''))];
  parts.push(...incompleteBands(c, times, x, bottom));
  parts.push(...xAxis(c.runs, x, x0, x1, bottom));
  const notes: string[] = [];
  const policy = c.markers ?? [];
  policy.forEach((m, i) => {
    const px = n2(x(Date.parse(m.asOf)));
    parts.push(`<line x1="${px}" x2="${px}" y1="${M.top - 8}" y2="${bottom}" stroke="#555" stroke-dasharray="3 3"/>`);
    notes.push(`P${i + 1} ${m.asOf.slice(0, 10)} policy change: ${m.label}`);
  });
  for (const g of policyLabels(policy.map((m) => x(Date.parse(m.asOf))))) {
    parts.push(`<text x="${n2(g.x)}" y="${M.top - 11}" text-anchor="middle" font-size="10.5" font-weight="600" fill="#333" ${HALO}>${g.label}</text>`);
  }
  const shaded = (c.incomplete ?? []).filter(Boolean).length;
  if (shaded) notes.push(`Shaded: ${shaded} run(s) not fully measured (PARTIAL or a coverage gap). Hollow, not joined: a lower bound (≥).`);
  if (c.reference) {
    const ry = n2(y(c.reference.value));
    parts.push(`<line x1="${x0}" x2="${x1}" y1="${ry}" y2="${ry}" stroke="#111" stroke-width="1.5" stroke-dasharray="7 4"/>`);
    parts.push(`<text x="${x0 + 4}" y="${n2(y(c.reference.value) - 5)}" font-size="11" font-weight="600" fill="#111" ${HALO}>${esc(c.reference.label)}</text>`);
  }

  const ends: { y: number; name: string; color: string; i: number }[] = [];
  c.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    const shape = SHAPES[i % SHAPES.length]!;
    const bound = (k: number) => s.bound?.[k] === true;
    let d = '';
    let pen = false;
    s.values.forEach((v, k) => {
      // A lower bound is no point of the line: joined, an unmeasured run would read as a dip.
      if (v === null || bound(k)) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${n2(x(times[k]!))},${n2(y(v))}`;
      pen = true;
    });
    if (d) parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
    s.values.forEach((v, k) => {
      if (v !== null) parts.push(marker(shape, x(times[k]!), y(v), color, 3.5, bound(k)));
    });
    const lastK = s.values.findLastIndex((v) => v !== null);
    if (lastK >= 0) ends.push({ y: y(s.values[lastK]!), name: s.name, color, i });
  });
  const ly = spread(
    ends.map((e) => e.y + 4),
    13,
    M.top,
    bottom + 4,
  );
  ends.forEach((e, k) => {
    const lx = x1 + 10;
    parts.push(marker(SHAPES[e.i % SHAPES.length]!, lx + 4, ly[k]! - 4, e.color, 3.5));
    const label = e.name.length > 20 ? `${e.name.slice(0, 19)}…` : e.name;
    parts.push(`<text x="${lx + 12}" y="${n2(ly[k]!)}" font-size="11" fill="#222">${esc(label)}</text>`);
  });
  const value = (s: TimeSeries, v: number | null, k: number) => (v === null ? 'n/a' : s.bound?.[k] ? `≥ ${c.format(v)}` : c.format(v));
  const missing = c.runs.filter((_, k) => c.incomplete?.[k]).map((r) => r.slice(0, 10));
  const alt =
    `${c.title}. ${c.series.map((s) => `${s.name}: ${s.values.map((v, k) => value(s, v, k)).join(', ')}`).join('; ')}` +
    (missing.length ? `. Not fully measured: ${missing.join(', ')}` : '');
  return frame(W, H, c.title, parts.join(''), notes, alt);
}

/** Grey bands behind the runs that did not measure everything, each reaching halfway to its neighbours. */
function incompleteBands(c: TimeChart, times: number[], x: (t: number) => number, bottom: number): string[] {
  const px = times.map(x);
  const out: string[] = [];
  px.forEach((p, k) => {
    if (!c.incomplete?.[k]) return;
    const before = k > 0 ? (p - px[k - 1]!) / 2 : Number.NaN;
    const after = k < px.length - 1 ? (px[k + 1]! - p) / 2 : Number.NaN;
    const half = (h: number, other: number) => Math.max(3, Number.isNaN(h) ? (Number.isNaN(other) ? 12 : other) : h);
    const l = Math.max(M.left, p - half(before, after));
    const r = Math.min(W - M.right, p + half(after, before));
    out.push(`<rect x="${n2(l)}" y="${M.top}" width="${n2(r - l)}" height="${n2(bottom - M.top)}" fill="#000" fill-opacity="0.07"/>`);
  });
  return out;
}

/** Labels wider apart than this (px) never touch, rotated −40° at 10.5 px. */
const LABEL_GAP = 18;
const DAY_MS = 86_400_000;

/**
 * The x axis: a labelled tick per run day (two runs on one day share it) while those fit; else
 * labelled calendar ticks at the first step that fits (2 or 7 or 14 days, 1, 2, 3, 6 or 12
 * months) and an unlabelled tick per run day where there is room. The year is on the first
 * label and on the first label of each year, and in the axis title (a range when it spans years).
 */
function xAxis(runs: string[], x: (t: number) => number, x0: number, x1: number, bottom: number): string[] {
  const parts = [`<line x1="${x0}" x2="${x1}" y1="${bottom}" y2="${bottom}" stroke="#888"/>`];
  const days = [...new Set(runs.map((r) => r.slice(0, 10)))];
  const dayX = (d: string) => x(Date.parse(runs.find((r) => r.startsWith(d))!));
  const years = [...new Set(runs.map((r) => r.slice(0, 4)))];
  const many = years.length > 1;
  const fit = Math.max(2, Math.floor((x1 - x0) / LABEL_GAP));
  let ticks: { px: number; iso: string; monthly: boolean }[];
  if (days.length <= fit) ticks = days.map((d) => ({ px: dayX(d), iso: d, monthly: false }));
  else {
    if ((x1 - x0) / days.length >= 3) {
      for (const d of days) parts.push(`<line x1="${n2(dayX(d))}" x2="${n2(dayX(d))}" y1="${bottom}" y2="${bottom + 3}" stroke="#aaa"/>`);
    }
    const t0 = Date.parse(runs[0]!);
    const t1 = Date.parse(runs.at(-1)!);
    const step = CALENDAR_STEPS.find((s) => s.ticks(t0, t1).length <= fit) ?? CALENDAR_STEPS.at(-1)!;
    ticks = step.ticks(t0, t1).map((t) => ({ px: x(t), iso: new Date(t).toISOString(), monthly: step.monthly }));
  }
  return [...parts, ...drawTicks(ticks, many, bottom), axisTitle(years, x0, x1)];
}

function axisTitle(years: string[], x0: number, x1: number): string {
  const span = years.length === 0 ? '' : years.length === 1 ? `, ${years[0]}` : `, ${years[0]}–${years.at(-1)}`;
  return `<text x="${n2((x0 + x1) / 2)}" y="${H - 6}" text-anchor="middle" font-size="11" fill="#333">Run date (UTC)${esc(span)}</text>`;
}

function drawTicks(ticks: { px: number; iso: string; monthly: boolean }[], many: boolean, bottom: number): string[] {
  const rotate = ticks.length > 7;
  const out: string[] = [];
  let year = '';
  for (const t of ticks) {
    const y = t.iso.slice(0, 4);
    const month = MONTHS[Number(t.iso.slice(5, 7)) - 1]!;
    // The year where it starts (and on the first label when the axis spans years, or on month labels).
    const withYear = y !== year && (many || (t.monthly && year === ''));
    const text = t.monthly ? (withYear ? `${month} ${y}` : month) : withYear && many ? `${dayLabel(t.iso)}, ${y}` : dayLabel(t.iso);
    year = y;
    const px = n2(t.px);
    out.push(`<line x1="${px}" x2="${px}" y1="${bottom}" y2="${bottom + 5}" stroke="#888"/>`);
    out.push(
      rotate
        ? `<text transform="translate(${px} ${bottom + 16}) rotate(-40)" text-anchor="end" font-size="10.5" fill="#444">${esc(text)}</text>`
        : `<text x="${px}" y="${bottom + 18}" text-anchor="middle" font-size="10.5" fill="#444">${esc(text)}</text>`,
    );
  }
  return out;
}

/** Calendar steps, finest first; each gives its tick times (UTC midnight) from t0 to t1. */
const CALENDAR_STEPS: { monthly: boolean; ticks: (t0: number, t1: number) => number[] }[] = [
  ...[2, 7, 14].map((n) => ({
    monthly: false,
    ticks: (t0: number, t1: number) => {
      // Every n days from a fixed origin (a Monday, 1970-01-05), so the ticks do not depend on the first run.
      const origin = 4 * DAY_MS;
      const first = origin + Math.ceil((t0 - origin) / (n * DAY_MS)) * n * DAY_MS;
      const out: number[] = [];
      for (let t = first; t <= t1; t += n * DAY_MS) out.push(t);
      return out;
    },
  })),
  ...[1, 2, 3, 6, 12].map((n) => ({
    monthly: true,
    ticks: (t0: number, t1: number) => {
      const d = new Date(t0);
      let m = d.getUTCFullYear() * 12 + d.getUTCMonth();
      if (Date.UTC(Math.floor(m / 12), m % 12, 1) < t0) m++;
      m = Math.ceil(m / n) * n;
      const out: number[] = [];
      for (let t = Date.UTC(Math.floor(m / 12), m % 12, 1); t <= t1; m += n, t = Date.UTC(Math.floor(m / 12), m % 12, 1)) out.push(t);
      return out;
    },
  })),
];

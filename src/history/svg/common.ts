/**
 * Pieces every review chart shares: escaping, the Okabe–Ito palette (readable with every common
 * colour-vision deficiency) paired with marker shapes so no series is told by colour alone, number
 * formatting, scales and the y axis. Output is plain SVG text with rounded coordinates and no ids,
 * so the same data gives the same bytes and several charts can sit in one HTML document.
 */

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Text or attribute value for HTML/SVG: entities for & < > " ', control characters dropped. */
export function esc(value: string | number): string {
  return String(value).replace(CONTROL, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Okabe & Ito (2008), without yellow (too light on white), darkest first. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'] as const;
export const SHAPES = ['circle', 'square', 'triangle', 'diamond', 'cross', 'circle-open', 'square-open'] as const;
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';
/** A white outline behind text drawn over lines, so labels stay readable where they cross. */
export const HALO = 'paint-order="stroke" stroke="white" stroke-width="3" stroke-linejoin="round"';

/** Two decimals at most, so float noise cannot change bytes. */
export const n2 = (x: number): string => String(Math.round(x * 100) / 100);

/** Approximate rendered width of text at `size` px (sans-serif averages ~0.56 em per character). */
export const textWidth = (s: string, size = 11): number => s.length * size * 0.56;

/**
 * A series marker at (x, y). `hollow`: the same shape outlined on white — a value that is only a
 * lower bound (a run that did not measure everything), never to be read as the filled ones.
 */
export function marker(shape: (typeof SHAPES)[number], x: number, y: number, color: string, r = 3.5, hollow = false): string {
  const at = (dx: number, dy: number) => `${n2(x + dx)},${n2(y + dy)}`;
  if (hollow) {
    const outline = `fill="white" stroke="${color}" stroke-width="1.5"`;
    switch (shape) {
      case 'circle':
      case 'circle-open':
        return `<circle cx="${n2(x)}" cy="${n2(y)}" r="${r}" ${outline}/>`;
      case 'square':
      case 'square-open':
        return `<rect x="${n2(x - r)}" y="${n2(y - r)}" width="${r * 2}" height="${r * 2}" ${outline}/>`;
      case 'triangle':
        return `<polygon points="${at(0, -r - 0.8)} ${at(r + 0.5, r)} ${at(-r - 0.5, r)}" ${outline}/>`;
      case 'diamond':
        return `<polygon points="${at(0, -r - 1)} ${at(r + 1, 0)} ${at(0, r + 1)} ${at(-r - 1, 0)}" ${outline}/>`;
      case 'cross':
        return `<circle cx="${n2(x)}" cy="${n2(y)}" r="${r + 1}" ${outline}/><path d="M${at(-r / 2, -r / 2)}L${at(r / 2, r / 2)}M${at(-r / 2, r / 2)}L${at(r / 2, -r / 2)}" stroke="${color}" stroke-width="1.2"/>`;
    }
  }
  switch (shape) {
    case 'circle':
      return `<circle cx="${n2(x)}" cy="${n2(y)}" r="${r}" fill="${color}"/>`;
    case 'circle-open':
      return `<circle cx="${n2(x)}" cy="${n2(y)}" r="${r}" fill="white" stroke="${color}" stroke-width="1.5"/>`;
    case 'square':
    case 'square-open':
      return `<rect x="${n2(x - r)}" y="${n2(y - r)}" width="${r * 2}" height="${r * 2}" fill="${shape === 'square' ? color : 'white'}" stroke="${color}" stroke-width="1.5"/>`;
    case 'triangle':
      return `<polygon points="${at(0, -r - 0.8)} ${at(r + 0.5, r)} ${at(-r - 0.5, r)}" fill="${color}"/>`;
    case 'diamond':
      return `<polygon points="${at(0, -r - 1)} ${at(r + 1, 0)} ${at(0, r + 1)} ${at(-r - 1, 0)}" fill="${color}"/>`;
    case 'cross':
      return `<path d="M${at(-r, -r)}L${at(r, r)}M${at(-r, r)}L${at(r, -r)}" stroke="${color}" stroke-width="2"/>`;
  }
}

export interface Scale {
  (v: number): number;
  ticks: { value: number; label: string }[];
  log: boolean;
}

/** 1, 2, 5 × 10ⁿ step giving about `count` ticks from 0 to at least `max`. */
function niceStep(max: number, count: number): number {
  const raw = max / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
}

/** Linear from 0 to the nice ceiling of `max` onto [bottom, top] pixels; `integer`: whole-number ticks. */
export function linearScale(max: number, bottom: number, top: number, format: (v: number) => string, integer = false, count = 5): Scale {
  const step = Math.max(integer ? 1 : 0, niceStep(max > 0 ? max : 1, count));
  const hi = Math.max(step, Math.ceil((max > 0 ? max : 1) / step - 1e-9) * step);
  const f = ((v: number) => bottom - (v / hi) * (bottom - top)) as Scale;
  f.ticks = [];
  for (let v = 0; v <= hi + 1e-9; v += step) f.ticks.push({ value: v, label: format(Math.round(v / step) * step) });
  f.log = false;
  return f;
}

/**
 * Log₁₀ from a floor (values at or below it sit on the floor, labelled "≤ floor") to the power of
 * ten above `max`: a 100 % budget line stays readable beside lines at 4,000 %.
 */
export function logScale(minPositive: number, max: number, bottom: number, top: number, format: (v: number) => string): Scale {
  const lo = Math.floor(Math.log10(minPositive));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(max) - 1e-9));
  const floor = 10 ** lo;
  const f = ((v: number) => bottom - ((Math.log10(Math.max(v, floor)) - lo) / (hi - lo)) * (bottom - top)) as Scale;
  f.ticks = [];
  for (let e = lo; e <= hi; e++) f.ticks.push({ value: 10 ** e, label: e === lo ? `≤ ${format(10 ** e)}` : format(10 ** e) });
  f.log = true;
  return f;
}

/** Horizontal grid lines and labels of a y scale between x0 and x1, and the axis title (rotated). */
export function yAxis(y: Scale, x0: number, x1: number, title: string): string {
  const rows = y.ticks.map(
    (t) =>
      `<line x1="${x0}" x2="${x1}" y1="${n2(y(t.value))}" y2="${n2(y(t.value))}" stroke="#e3e3e3"/>` +
      `<text x="${x0 - 6}" y="${n2(y(t.value) + 4)}" text-anchor="end" font-size="11" fill="#444">${esc(t.label)}</text>`,
  );
  const mid = (y(y.ticks[0]!.value) + y(y.ticks.at(-1)!.value)) / 2;
  rows.push(`<text transform="translate(14 ${n2(mid)}) rotate(-90)" text-anchor="middle" font-size="11" fill="#333">${esc(title)}</text>`);
  return rows.join('');
}

/** The chart's frame: an <svg> with a title line on top and footnote lines below the plot. */
export function frame(width: number, height: number, title: string, body: string, notes: string[] = [], alt = title): string {
  const h = height + notes.length * 15 + (notes.length ? 6 : 0);
  const foot = notes.map((t, i) => `<text x="8" y="${height + 12 + i * 15}" font-size="11" fill="#333">${esc(t)}</text>`).join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${h}" viewBox="0 0 ${width} ${h}" role="img" aria-label="${esc(alt)}" ${FONT}>` +
    `<title>${esc(alt)}</title><rect width="${width}" height="${h}" fill="white"/>` +
    `<text x="8" y="20" font-size="14" font-weight="600" fill="#111">${esc(title)}</text>${body}${foot}</svg>\n`
  );
}

/** Labels of the policy-change rules; labels that would overlap are merged into one ("P2–P4"), centred on their rules. */
export function policyLabels(px: number[]): { x: number; label: string }[] {
  const groups: { from: number; to: number; xs: number[] }[] = [];
  const label = (g: { from: number; to: number }) => (g.from === g.to ? `P${g.from + 1}` : `P${g.from + 1}–P${g.to + 1}`);
  const centre = (g: { xs: number[] }) => (g.xs[0]! + g.xs.at(-1)!) / 2;
  const half = (g: { from: number; to: number }) => textWidth(label(g), 10.5) / 2 + 3;
  px.forEach((p, i) => {
    groups.push({ from: i, to: i, xs: [p] });
    while (groups.length > 1) {
      const b = groups.at(-1)!;
      const a = groups.at(-2)!;
      if (centre(a) + half(a) <= centre(b) - half(b)) break;
      groups.splice(-2, 2, { from: a.from, to: b.to, xs: [...a.xs, ...b.xs] });
    }
  });
  return groups.map((g) => ({ x: centre(g), label: label(g) }));
}

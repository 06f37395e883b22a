import type { TopLevelSpec } from 'vega-lite';
import type { Review } from './review.js';

/**
 * The review's charts as vega-lite specs, rendered headless to SVG. Times use UTC time units and
 * scales (the output must not depend on the machine's TZ); values are rounded so float noise
 * cannot change bytes. Every chart also has a table form in review.md and a CSV.
 * vega and vega-lite (~250 ms to import) are loaded only when a chart is drawn, not at start-up.
 */

const WORST = 5;
const r4 = (n: number) => Math.round(n * 10_000) / 10_000;
const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: 560, height: 240, background: 'white', config: { font: 'sans-serif' } } as const;

/** Assets with the highest peak budget used in the window (then id). */
export function worstAssets(review: Review, n = WORST): string[] {
  const peak = (xs: (number | null)[]) => Math.max(0, ...xs.filter((x): x is number => x !== null));
  return [...review.attainment]
    .map((a) => ({ id: a.assetId, peak: peak(a.observations.map((o) => o.budgetUsed)) }))
    .sort((a, b) => b.peak - a.peak || (a.id < b.id ? -1 : 1))
    .slice(0, n)
    .map((a) => a.id);
}

function budgetSpec(review: Review): TopLevelSpec {
  const ids = worstAssets(review);
  const values = review.attainment
    .filter((a) => ids.includes(a.assetId))
    .flatMap((a) => a.observations.filter((o) => o.budgetUsed !== null).map((o) => ({ asOf: o.asOf, asset: a.assetId, used: r4(o.budgetUsed!) })));
  return {
    ...base,
    title: `Risk budget used, ${ids.length} worst asset(s)`,
    data: { values },
    layer: [
      {
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'asOf', type: 'temporal', timeUnit: 'utcyearmonthdate', title: 'Run as-of (UTC date)', axis: { format: '%Y-%m-%d', labelAngle: -40 } },
          y: { field: 'used', type: 'quantitative', title: 'Risk budget used (% of budget)', axis: { format: '.0%' } },
          color: { field: 'asset', type: 'nominal', title: 'Asset', sort: ids },
        },
      },
      { data: { values: [{ y: 1 }] }, mark: { type: 'rule', color: '#c0392b', strokeDash: [6, 4] }, encoding: { y: { field: 'y', type: 'quantitative' } } },
    ],
  } as TopLevelSpec;
}

function flowSpec(review: Review): TopLevelSpec {
  const values = review.flow.byMonth.flatMap((m) => [
    { month: m.month, kind: 'new', count: m.opened },
    { month: m.month, kind: 'closed', count: m.closed },
  ]);
  return {
    ...base,
    title: 'New vs closed findings per month',
    data: { values },
    mark: 'bar',
    encoding: {
      x: { field: 'month', type: 'ordinal', title: 'Month (UTC)', axis: { labelAngle: 0 } },
      xOffset: { field: 'kind', sort: ['new', 'closed'] },
      y: { field: 'count', type: 'quantitative', title: 'Findings (count)', axis: { tickMinStep: 1, format: 'd' } },
      color: { field: 'kind', type: 'nominal', title: 'Findings', sort: ['new', 'closed'], scale: { range: ['#c0392b', '#27ae60'] } },
    },
  } as TopLevelSpec;
}

function ownerSpec(review: Review): TopLevelSpec {
  const slos = ['risk SLO', 'remediation SLO', 'both'];
  const values = review.owners.flatMap((o) =>
    [o.risk, o.remediation, o.both].flatMap((s, i) => (s.share === null ? [] : [{ owner: o.owner, slo: slos[i]!, attainment: r4(s.share) }])),
  );
  return {
    ...base,
    title: `SLO attainment by owner (share of runs; objective ${Math.round(review.objective * 1000) / 10} %)`,
    data: { values },
    layer: [
      {
        mark: 'bar',
        encoding: {
          x: { field: 'owner', type: 'nominal', title: 'Owner', axis: { labelAngle: 0, labelLimit: 120 } },
          xOffset: { field: 'slo', sort: slos },
          y: { field: 'attainment', type: 'quantitative', title: 'Runs meeting the SLO (%)', scale: { domain: [0, 1] }, axis: { format: '.0%' } },
          color: { field: 'slo', type: 'nominal', title: 'SLO', sort: slos },
        },
      },
      { data: { values: [{ y: review.objective }] }, mark: { type: 'rule', color: '#555', strokeDash: [6, 4] }, encoding: { y: { field: 'y', type: 'quantitative' } } },
    ],
  } as TopLevelSpec;
}

async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return (await view.toSVG()) + '\n';
  } finally {
    view.finalize();
  }
}

const CHARTS = {
  'budget-used.svg': budgetSpec,
  'flow-by-month.svg': flowSpec,
  'attainment-by-owner.svg': ownerSpec,
} as const;
export type ChartFile = keyof typeof CHARTS;

export async function renderCharts(review: Review): Promise<Record<ChartFile, string>> {
  const out = {} as Record<ChartFile, string>;
  for (const name of Object.keys(CHARTS).sort() as ChartFile[]) out[name] = await renderSvg(CHARTS[name](review));
  return out;
}

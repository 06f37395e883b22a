import type { Review } from './review.js';
import { renderBarChart } from './svg/bar-chart.js';
import { MONTHS, renderTimeChart } from './svg/time-chart.js';
import { isComplete } from './trends.js';

/**
 * The review's charts as SVG text: the same strings are written beside review.md and inlined in
 * review.html. Small hand-written renderers (src/history/svg/) rather than vega: ticks on the run
 * dates, policy changes marked, a log scale when needed, no ids and no clock — the same review
 * gives the same bytes. Every chart also has a table form and a CSV.
 */

const WORST = 5;

/** Assets with the highest peak budget used in the window (then id). */
export function worstAssets(review: Review, n = WORST): string[] {
  const peak = (xs: (number | null)[]) => Math.max(0, ...xs.filter((x): x is number => x !== null));
  return [...review.attainment]
    .map((a) => ({ id: a.assetId, peak: peak(a.observations.map((o) => o.budgetUsed)) }))
    .sort((a, b) => b.peak - a.peak || (a.id < b.id ? -1 : 1))
    .slice(0, n)
    .map((a) => a.id);
}

/** 1234.5 → "1,235" (no locale: the same bytes everywhere). */
const thousands = (v: number): string => String(Math.round(v)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const percent = (v: number) => `${thousands(v * 100)} %`;
const count = (v: number) => thousands(v);

const markers = (r: Review) => r.policyChanges.map((c) => ({ asOf: c.asOf, label: c.what }));
const runTimes = (r: Review) => r.runs.map((x) => x.snapshot.asOf);
/** Per run: it did not measure everything (PARTIAL or a coverage gap), so its counts are lower bounds. */
const incomplete = (r: Review) => r.trends.map((t) => !isComplete(t));

export function budgetChart(r: Review): string {
  const ids = worstAssets(r);
  const byRun = (id: string) => {
    const obs = new Map(r.attainment.find((a) => a.assetId === id)!.observations.map((o) => [o.run, o]));
    // A run that did not fully measure the asset gives a lower bound (as `secsli trend` shows it), never a dip.
    return {
      name: id,
      values: r.runs.map((x) => obs.get(x.name)?.budgetUsed ?? null),
      bound: r.runs.map((x) => obs.get(x.name)?.covered === false),
    };
  };
  return renderTimeChart({
    title: `How much of its risk budget each asset used (the ${ids.length} highest)`,
    yTitle: 'Share of risk budget used',
    runs: runTimes(r),
    series: ids.map(byRun),
    format: percent,
    reference: { value: 1, label: 'budget (100 %)' },
    markers: markers(r),
    scale: 'auto',
    incomplete: incomplete(r),
  });
}

/**
 * A chart of whole-number counts over the runs, with the policy-change markers. `measured`: counts
 * of findings, which a run that did not measure everything undercounts (a lower bound there).
 */
function countChart(r: Review, title: string, yTitle: string, series: { name: string; values: number[]; measured?: boolean }[]): string {
  const gaps = incomplete(r);
  return renderTimeChart({
    title,
    yTitle,
    runs: runTimes(r),
    series: series.map((s) => ({ name: s.name, values: s.values, ...(s.measured === false ? {} : { bound: gaps }) })),
    format: count,
    integer: true,
    markers: markers(r),
    incomplete: gaps,
  });
}

function backlogChart(r: Review): string {
  return countChart(r, 'Open findings, and how many are past their deadline', 'Findings', [
    { name: 'open', values: r.trends.map((t) => t.backlog) },
    { name: 'past deadline', values: r.trends.map((t) => t.overdue) },
  ]);
}

function acceptedChart(r: Review): string {
  return countChart(r, 'Risk accepted by exceptions', 'Count', [
    { name: 'findings accepted', values: r.trends.map((t) => t.accepted) },
    // Exceptions come from assets.yaml, not from the sources: every run knows them all.
    { name: 'exceptions in force', values: r.trends.map((t) => t.exceptions), measured: false },
  ]);
}

function unclaimedChart(r: Review): string {
  return countChart(r, 'Repositories and accounts with findings that no asset claims', 'Unclaimed (count)', [{ name: 'unclaimed', values: r.trends.map((t) => t.unclaimed) }]);
}

function flowChart(r: Review): string {
  const months = r.flow.byMonth.map((m) => m.month);
  const at = (iso: string) => {
    const k = months.indexOf(iso.slice(0, 7));
    const d = new Date(iso);
    const days = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    return k + (d.getUTCDate() - 1 + d.getUTCHours() / 24) / days;
  };
  return renderBarChart({
    title: 'Findings opened and closed each month',
    yTitle: 'Findings',
    categories: months.map((m) => `${MONTHS[Number(m.slice(5, 7)) - 1]} ${m.slice(0, 4)}`),
    series: [
      { name: 'opened', values: r.flow.byMonth.map((m) => m.opened) },
      { name: 'closed', values: r.flow.byMonth.map((m) => m.closed) },
    ],
    format: count,
    integer: true,
    markers: r.policyChanges.filter((c) => months.includes(c.asOf.slice(0, 7))).map((c) => ({ at: at(c.asOf), date: c.asOf.slice(0, 10), label: c.what })),
  });
}

function ownerChart(r: Review): string {
  return renderBarChart({
    title: 'Share of runs in which each owner’s assets met their targets',
    yTitle: 'Share of runs',
    categories: r.owners.map((o) => o.owner),
    series: [
      { name: 'within risk budget', values: r.owners.map((o) => o.risk.share) },
      { name: 'fixed on time (remediation target)', values: r.owners.map((o) => o.remediation.share) },
      { name: 'on target', values: r.owners.map((o) => o.good.share) },
    ],
    format: percent,
    max: 1,
    reference: { value: r.objective, label: `objective ${thousands(r.objective * 100)} %` },
  });
}

/** File name → renderer, in the order review.html shows them. Unclaimed only when there is some. */
export function reviewCharts(r: Review): Record<string, string> {
  const out: Record<string, string> = {
    'budget-used.svg': budgetChart(r),
    'backlog.svg': backlogChart(r),
    'accepted-risk.svg': acceptedChart(r),
    'flow-by-month.svg': flowChart(r),
    'attainment-by-owner.svg': ownerChart(r),
  };
  if (r.trends.some((t) => t.unclaimed > 0)) out['unclaimed.svg'] = unclaimedChart(r);
  return out;
}

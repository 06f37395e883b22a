import { fixed, pct } from '../report/format.js';
import type { MttrRow, QuarterFigures } from './quarter.js';
import type { Review } from './review.js';

/**
 * The executive summary's headline figures as plain text (review.md and review.html render the
 * same list): each with this window's value, the previous window's, and the change in words.
 */

export interface Headline {
  label: string;
  value: string;
  /** e.g. "2026-Q2: 1 / 2 — BREACHED +1"; "no earlier data" when the previous window has no runs. */
  change: string;
  detail: string;
}

const signedInt = (n: number) => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '±0');
const pp = (a: number | null, b: number | null) => (a === null || b === null ? 'n/a' : `${a >= b ? '+' : '−'}${fixed(Math.abs(a - b) * 100, 0)} points`);
const share = (inTime: number, events: number) => (events ? inTime / events : null);
const days = (m: MttrRow) => (m.days === null ? 'n/a' : `${m.open ? '≥ ' : ''}${fixed(m.days, 0)} d`);

function compare(prev: QuarterFigures | null, text: (p: QuarterFigures) => string): string {
  return prev ? `${prev.window.label}: ${text(prev)}` : 'no earlier data';
}

export function headlines(r: Review): Headline[] {
  const f = r.figures;
  const p = r.previous;
  if (!f) return [];
  const dl = share(f.deadlinesAll.inTime, f.deadlinesAll.events);
  const mttrBy = (q: QuarterFigures, s: string) => q.mttr.find((m) => m.severity === s)!;
  const mttrSev = f.mttr.filter((m) => m.days !== null);
  const lastDay = r.runs.at(-1)!.snapshot.asOf.slice(0, 10);
  return [
    {
      label: 'Assets BREACHED / AT RISK',
      value: `${f.breached} / ${f.atRisk}`,
      change: compare(p, (q) => `${q.breached} / ${q.atRisk} — BREACHED ${signedInt(f.breached - q.breached)}, AT RISK ${signedInt(f.atRisk - q.atRisk)}`),
      detail: `of ${f.assets} assets, at the last run (${lastDay})${f.unknown ? `; ${f.unknown} UNKNOWN: not measured, so not counted as good` : ''}`,
    },
    {
      label: 'Runs within risk budget',
      value: pct(f.withinBudget.share, 0),
      change: compare(p, (q) => `${pct(q.withinBudget.share, 0)} (${pp(f.withinBudget.share, q.withinBudget.share)})`),
      detail: `${f.withinBudget.met} of ${f.withinBudget.valid} measured asset-runs used at most 100 % of their budget${f.unmeasured ? `; ${f.unmeasured} not measured, left out` : ''}`,
    },
    {
      label: 'Fixed within deadline',
      value: pct(dl, 0),
      change: compare(p, (q) => `${pct(share(q.deadlinesAll.inTime, q.deadlinesAll.events), 0)} (${pp(dl, share(q.deadlinesAll.inTime, q.deadlinesAll.events))})`),
      detail: `closed by their deadline, of the deadlines decided in the quarter (met, or missed as a run saw): ${f.deadlines.map((d) => `${d.severity} ${d.inTime}/${d.events}`).join(' · ')}${
        f.deadlinesAll.undecided ? `; ${f.deadlinesAll.undecided} due after the last run (${lastDay}), not yet decided` : ''
      }`,
    },
    {
      label: 'Mean time to fix',
      value: mttrSev.length
        ? mttrSev
            .slice(0, 2)
            .map((m) => `${m.severity} ${days(m)}`)
            .join(' · ')
        : 'n/a',
      change: compare(p, (q) =>
        mttrSev
          .slice(0, 2)
          .map((m) => `${m.severity} ${days(mttrBy(q, m.severity))}`)
          .join(' · '),
      ),
      detail: `${mttrSev
        .slice(2)
        .map((m) => `${m.severity} ${days(m)}`)
        .join(' · ')}${mttrSev.length > 2 ? '; ' : ''}“≥”: findings still open at the last run (${lastDay}) count at their age then (a lower bound)`,
    },
    {
      label: 'Inventory coverage',
      value: f.inventoryCoverage === null ? 'not measured in these runs' : pct(f.inventoryCoverage, 0),
      change: compare(
        p,
        (q) => `${q.inventoryCoverage === null ? 'not measured' : pct(q.inventoryCoverage, 0)}; unclaimed ${q.unclaimed} (${signedInt(f.unclaimed - q.unclaimed)})`,
      ),
      detail: `${f.unclaimed} repositor${f.unclaimed === 1 ? 'y or account' : 'ies or accounts'} with findings that no asset claims, at the last run`,
    },
    {
      label: 'Accepted risk',
      value: `${f.accepted.exceptions} exception${f.accepted.exceptions === 1 ? '' : 's'}`,
      change: compare(p, (q) => `${q.accepted.exceptions} (${signedInt(f.accepted.exceptions - q.accepted.exceptions)})`),
      detail: `${f.accepted.findings} open finding${f.accepted.findings === 1 ? '' : 's'} accepted; ${f.accepted.expiringNext} expir${f.accepted.expiringNext === 1 ? 'es' : 'e'} next quarter (${f.nextQuarter.from} … ${f.nextQuarter.to})`,
    },
  ];
}

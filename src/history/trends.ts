import type { Run } from './load.js';
import { type AssetV1, type FindingV1, isCovered, type SnapshotV1 } from './schema.js';

type CveAssets = Map<string, { assets: Set<string>; owners: Set<string> }>;

/**
 * The per-run series the review's trend charts draw, and the CVEs that recur across assets.
 * Findings are counted once per id however many assets they sit on (a backlog is work, and one
 * fix closes a finding everywhere it is mapped).
 */

export interface RunTrend {
  run: string;
  asOf: string;
  /** Open findings not excepted, passing or duplicated. */
  backlog: number;
  /** Of those, past their deadline. */
  overdue: number;
  /** Open findings an exception accepts. */
  accepted: number;
  /** Exceptions not yet expired. */
  exceptions: number;
  /** Unclaimed inventory: groups (repository, account) with findings no asset claims. */
  unclaimed: number;
  breached: number;
  atRisk: number;
  /** Assets not fully measured, so neither good nor bad (an UNKNOWN asset may be BREACHED). */
  unknown: number;
  /** A source failed or was cut short (the run exited 3). */
  partial: boolean;
  /** Assets a source they expect did not fully answer for (UNKNOWN, or BREACHED on what was seen). */
  gaps: number;
}

/**
 * Whether the run measured everything. A run that did not (PARTIAL, or a coverage gap) counts
 * fewer findings than were there: its counts are lower bounds, not comparable with the other
 * runs' — nobody looking is not a fix.
 */
export const isComplete = (t: RunTrend): boolean => !t.partial && t.gaps === 0;

/** measuredText of a run read from its snapshot (the review's "Runs used" table). */
export const runMeasuredText = (s: SnapshotV1): string => measuredText({ partial: s.partial, gaps: s.assets.filter((a) => !isCovered(a)).length });

/** What the run did not measure, in words: "all", "PARTIAL", "gaps on 3 assets", or both. */
export function measuredText(t: Pick<RunTrend, 'partial' | 'gaps'>): string {
  const gaps = t.gaps ? `gaps on ${t.gaps} asset${t.gaps === 1 ? '' : 's'}` : '';
  return [t.partial ? 'PARTIAL' : '', gaps].filter(Boolean).join('; ') || 'all';
}

/**
 * The trends table's cells for a run (review.md and review.html): counts of findings a run that
 * did not measure everything undercounts are "≥ n", and so are its BREACHED and AT RISK counts
 * when assets were UNKNOWN (each may be either). Exceptions come from assets.yaml: always exact.
 */
export function trendCells(t: RunTrend): {
  open: string;
  overdue: string;
  accepted: string;
  exceptions: string;
  unclaimed: string;
  breached: string;
  atRisk: string;
  unknown: string;
} {
  const found = (n: number) => (isComplete(t) ? String(n) : `≥ ${n}`);
  const status = (n: number) => (t.unknown ? `≥ ${n}` : String(n));
  return {
    open: found(t.backlog),
    overdue: found(t.overdue),
    accepted: found(t.accepted),
    exceptions: String(t.exceptions),
    unclaimed: found(t.unclaimed),
    breached: status(t.breached),
    atRisk: status(t.atRisk),
    unknown: String(t.unknown),
  };
}

/**
 * One run's trend, its findings taken one entry at a time (`finding`, in any order), its
 * summary at the end (`result`).
 */
export class TrendCount {
  private readonly backlog = new Set<string>();
  private readonly overdue = new Set<string>();
  private readonly accepted = new Set<string>();

  finding(f: FindingV1): void {
    if (f.status !== 'open') return;
    if (f.excluded === null) {
      this.backlog.add(f.id);
      if (f.overdue) this.overdue.add(f.id);
    } else if (f.excluded.kind === 'excepted') this.accepted.add(f.id);
  }

  result(run: Run): RunTrend {
    const s = run.snapshot;
    const status = (x: string) => s.assets.filter((a) => a.status === x).length;
    return {
      run: run.name,
      asOf: s.asOf,
      backlog: this.backlog.size,
      overdue: this.overdue.size,
      accepted: this.accepted.size,
      exceptions: s.exceptions.filter((e) => e.state !== 'expired').length,
      unclaimed: s.unmapped.length,
      breached: status('BREACHED'),
      atRisk: status('AT RISK'),
      unknown: status('UNKNOWN'),
      partial: s.partial,
      gaps: s.assets.filter((a) => !isCovered(a)).length,
    };
  }
}

export interface RecurringCve {
  cve: string;
  /** Assets it is open (and counted or excepted) on at the last run, sorted. */
  assets: string[];
  owners: string[];
  /** Runs of the window in which it was open on two or more assets. */
  runs: number;
}

/**
 * CVEs open on two or more assets at the window's last run: "fix once, close it on N assets".
 * Runs are added one at a time (oldest first): of each it keeps the CVEs open on two or more
 * assets, of the last one their assets.
 */
export class CveFold {
  private readonly multi: Set<string>[] = [];
  private last: CveAssets | undefined;
  private run: CveAssets | undefined;

  /** A run's findings follow, one (asset, finding) entry at a time, then `end`. */
  begin(): void {
    this.run = new Map();
  }

  finding(a: AssetV1, f: FindingV1): void {
    if (f.status !== 'open' || (f.excluded && f.excluded.kind !== 'excepted')) return;
    for (const cve of f.cves) {
      let e = this.run!.get(cve);
      if (!e) {
        e = { assets: new Set(), owners: new Set() };
        this.run!.set(cve, e);
      }
      e.assets.add(a.id);
      e.owners.add(a.owner);
    }
  }

  end(): void {
    const m = this.run!;
    this.run = undefined;
    this.multi.push(new Set([...m].filter(([, e]) => e.assets.size >= 2).map(([cve]) => cve)));
    this.last = m;
  }

  result(limit = 10): RecurringCve[] {
    if (!this.last) return [];
    return [...this.last.entries()]
      .filter(([, e]) => e.assets.size >= 2)
      .map(([cve, e]) => ({ cve, assets: [...e.assets].sort(), owners: [...e.owners].sort(), runs: this.multi.filter((m) => m.has(cve)).length }))
      .sort((a, b) => b.assets.length - a.assets.length || b.runs - a.runs || (a.cve < b.cve ? -1 : 1))
      .slice(0, limit);
  }
}

import type { Run } from './load.js';
import type { AssetV1, FindingV1 } from './schema.js';

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

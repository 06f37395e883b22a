import type { Run } from './load.js';
import type { SnapshotV1 } from './schema.js';

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

export function runTrend(run: Run): RunTrend {
  const s = run.snapshot;
  const backlog = new Set<string>();
  const overdue = new Set<string>();
  const accepted = new Set<string>();
  for (const a of s.assets) {
    for (const f of a.findings) {
      if (f.status !== 'open') continue;
      if (f.excluded === null) {
        backlog.add(f.id);
        if (f.overdue) overdue.add(f.id);
      } else if (f.excluded.kind === 'excepted') accepted.add(f.id);
    }
  }
  const status = (x: string) => s.assets.filter((a) => a.status === x).length;
  return {
    run: run.name,
    asOf: s.asOf,
    backlog: backlog.size,
    overdue: overdue.size,
    accepted: accepted.size,
    exceptions: s.exceptions.filter((e) => e.state !== 'expired').length,
    unclaimed: s.unmapped.length,
    breached: status('BREACHED'),
    atRisk: status('AT RISK'),
  };
}

export interface RecurringCve {
  cve: string;
  /** Assets it is open (and counted or excepted) on at the last run, sorted. */
  assets: string[];
  owners: string[];
  /** Runs of the window in which it was open on two or more assets. */
  runs: number;
}

function openCveAssets(s: SnapshotV1): Map<string, { assets: Set<string>; owners: Set<string> }> {
  const by = new Map<string, { assets: Set<string>; owners: Set<string> }>();
  for (const a of s.assets) {
    for (const f of a.findings) {
      if (f.status !== 'open' || (f.excluded && f.excluded.kind !== 'excepted')) continue;
      for (const cve of f.cves) {
        const e = by.get(cve) ?? { assets: new Set(), owners: new Set() };
        e.assets.add(a.id);
        e.owners.add(a.owner);
        by.set(cve, e);
      }
    }
  }
  return by;
}

/**
 * CVEs open on two or more assets at the window's last run: "fix once, close it on N assets".
 * Runs are added one at a time (oldest first): of each it keeps the CVEs open on two or more
 * assets, of the last one their assets.
 */
export class CveFold {
  private readonly multi: Set<string>[] = [];
  private last: Map<string, { assets: Set<string>; owners: Set<string> }> | undefined;

  add(run: Run): void {
    const m = openCveAssets(run.snapshot);
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

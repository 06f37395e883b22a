import { SEVERITIES } from '../model/finding.js';
import type { Run } from './load.js';
import { isCovered, type FindingV1 } from './schema.js';
import { DAY } from './slo.js';
import { inWindow, type Window } from './window.js';

/**
 * Finding flow (docs/review.md "Flow and MTTR"). One life per finding id across all runs (a finding
 * on two assets is one finding; it belongs to both owners). Opened at its `firstSeen`; closed at the
 * `closedAt` the source reports, or — when it silently disappears from a complete run in which its
 * assets are still declared and covered — at the as-of of that run (an upper bound). Reopening clears
 * the close. Passing controls and reports only ever seen as another source's duplicate are not
 * findings. False positives (dismissed as inaccurate) count as closed, never in MTTR.
 */

const FALSE_POSITIVE_REASONS = ['inaccurate', 'false_positive', 'false-positive', 'false positive'];
export const isFalsePositive = (reason: string | null): boolean => reason !== null && FALSE_POSITIVE_REASONS.includes(reason.toLowerCase());

export interface FindingLife {
  id: string;
  title: string;
  severity: string;
  /** Days from first seen to its deadline (latest run's value); null when the run had none. */
  slaDays: number | null;
  firstSeen: string;
  closedAt: string | null;
  closedBy: 'source' | 'vanished' | null;
  closeReason: string | null;
  assets: string[];
  owners: string[];
}

interface Seen {
  f: FindingV1;
  assetIds: string[];
  owners: string[];
}

const isOpen = (f: FindingV1) => f.status === 'open';
const ignorable = (f: FindingV1) => f.excluded?.kind === 'passed-control' || f.excluded?.kind === 'duplicate';

function seenIn(run: Run): Map<string, Seen> {
  const out = new Map<string, Seen>();
  for (const a of run.snapshot.assets) {
    for (const f of a.findings) {
      const s = out.get(f.id) ?? { f, assetIds: [], owners: [] };
      s.assetIds.push(a.id);
      s.owners.push(a.owner);
      if (!ignorable(f)) s.f = f;
      out.set(f.id, s);
    }
  }
  return out;
}

/** Lives of every finding seen in `runs` (oldest first), by id. */
export function findingLives(runs: readonly Run[]): FindingLife[] {
  const t = new LifeTracker();
  for (const run of runs) t.add(run);
  return t.lives();
}

/**
 * findingLives one run at a time, oldest first, so that a caller can read runs one by one and let
 * each go: what it keeps of the run before is each finding's assets, not the findings.
 */
export class LifeTracker {
  private readonly all = new Map<string, FindingLife & { open: boolean; real: boolean }>();
  private prev: Map<string, readonly string[]> | undefined;

  add(run: Run): void {
    const lives = this.all;
    const seen = seenIn(run);
    for (const [id, s] of seen) {
      const f = s.f;
      const life = lives.get(id) ?? {
        id,
        title: f.title,
        severity: f.severity,
        slaDays: f.slaDays,
        firstSeen: f.firstSeen ?? run.snapshot.asOf,
        closedAt: null,
        closedBy: null,
        closeReason: null,
        assets: [],
        owners: [],
        open: true,
        real: false,
      };
      Object.assign(life, { title: f.title, severity: f.severity, slaDays: f.slaDays });
      life.real ||= !ignorable(f);
      life.assets = [...new Set([...life.assets, ...s.assetIds])].sort();
      life.owners = [...new Set([...life.owners, ...s.owners])].sort();
      if (isOpen(f)) Object.assign(life, { open: true, closedAt: null, closedBy: null, closeReason: null });
      else if (life.open) Object.assign(life, { open: false, closedAt: f.closedAt ?? run.snapshot.asOf, closedBy: 'source', closeReason: f.closeReason });
      lives.set(id, life);
    }
    if (this.prev && !run.snapshot.partial) {
      const assets = new Map(run.snapshot.assets.map((a) => [a.id, a]));
      const mentioned = new Set(run.snapshot.unmapped.flatMap((u) => u.findingIds));
      for (const [id, assetIds] of this.prev) {
        const life = lives.get(id)!;
        if (seen.has(id) || mentioned.has(id) || !life.open) continue;
        // Gone: fixed, unless its assets were dropped or not fully looked at this time.
        if (assetIds.every((aid) => assets.has(aid) && isCovered(assets.get(aid)!))) {
          Object.assign(life, { open: false, closedAt: run.snapshot.asOf, closedBy: 'vanished', closeReason: null });
        }
      }
    }
    // Keyed by the life's own id string, not this run's copy of it: one string per finding across runs.
    this.prev = new Map([...seen].map(([id, s]) => [lives.get(id)!.id, s.assetIds]));
  }

  /** The lives so far (copies: adding more runs does not change them). */
  lives(): FindingLife[] {
    return [...this.all.values()]
      .filter((l) => l.real)
      .map(({ open: _o, real: _r, ...l }) => l)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}

interface FlowRow {
  key: string;
  opened: number;
  closed: number;
  falsePositives: number;
  /** Mean days from first seen to closed, over closures in the window that were not false positives. */
  mttrDays: number | null;
  mttrN: number;
}

function flowRow(key: string, lives: FindingLife[], w: Window): FlowRow {
  const closed = lives.filter((l) => l.closedAt !== null && inWindow(w, l.closedAt));
  const fixes = closed.filter((l) => !isFalsePositive(l.closeReason));
  const days = fixes.map((l) => (Date.parse(l.closedAt!) - Date.parse(l.firstSeen)) / DAY);
  return {
    key,
    opened: lives.filter((l) => inWindow(w, l.firstSeen)).length,
    closed: closed.length,
    falsePositives: closed.length - fixes.length,
    mttrDays: days.length ? days.reduce((s, d) => s + d, 0) / days.length : null,
    mttrN: days.length,
  };
}

export interface Flow {
  bySeverity: FlowRow[];
  byOwner: FlowRow[];
  /** "2026-07" → opened/closed that month (every month the window touches). */
  byMonth: { month: string; opened: number; closed: number }[];
  lives: FindingLife[];
}

export function flow(lives: FindingLife[], w: Window): Flow {
  const owners = [...new Set(lives.flatMap((l) => l.owners))].sort();
  const months: string[] = [];
  for (let d = new Date(w.startMs); d.getTime() < w.endMs; d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1))) {
    months.push(d.toISOString().slice(0, 7));
  }
  const month = (t: string | null) => (t && inWindow(w, t) ? new Date(t).toISOString().slice(0, 7) : null);
  return {
    bySeverity: SEVERITIES.map((s) =>
      flowRow(
        s,
        lives.filter((l) => l.severity === s),
        w,
      ),
    ),
    byOwner: owners.map((o) =>
      flowRow(
        o,
        lives.filter((l) => l.owners.includes(o)),
        w,
      ),
    ),
    byMonth: months.map((m) => ({ month: m, opened: lives.filter((l) => month(l.firstSeen) === m).length, closed: lives.filter((l) => month(l.closedAt) === m).length })),
    lives,
  };
}

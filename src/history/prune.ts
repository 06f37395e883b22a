import { UsageError } from '../errors.js';
import type { Logger } from '../log.js';
import { compareRunNames, runNameMs } from '../store/names.js';
import type { RunStore } from '../store/types.js';

/**
 * History retention (`secsli prune`, `score --keep-days`). A run is removed when its as-of is
 * more than `keepDays` days before the newest run's: the window is anchored on the history itself,
 * not the wall clock, so a host with a wrong clock (or a restored backup) cannot empty it, and
 * the newest run always stays. Incomplete uploads and foreign folders are not runs and are never
 * touched here (a score run's own housekeeping handles abandoned uploads).
 */

const DAY_MS = 86_400_000;

/** A quarter-over-quarter review reads the quarter before the one it covers: 2 quarters, plus a margin. */
export const REVIEW_DAYS = 200;

export interface PrunePlan {
  /** Oldest first. */
  remove: string[];
  keep: string[];
  /** Runs older than this (ISO time) are removed. */
  cutoff: string;
}

/** `spare`: runs never removed whatever their age (the run `score --keep-days` just wrote, a back-fill of an old as-of). */
export function planPrune(runs: readonly string[], keepDays: number, spare: readonly string[] = []): PrunePlan {
  const sorted = [...runs].sort(compareRunNames);
  const newest = sorted.at(-1);
  if (newest === undefined) return { remove: [], keep: [], cutoff: '' };
  const cutoff = runNameMs(newest) - keepDays * DAY_MS;
  const remove = sorted.filter((r) => r !== newest && !spare.includes(r) && runNameMs(r) < cutoff);
  const gone = new Set(remove);
  return { remove, keep: sorted.filter((r) => !gone.has(r)), cutoff: new Date(cutoff).toISOString().replace('.000Z', 'Z') };
}

export interface PruneResult extends PrunePlan {
  bytes: number;
  /** Runs that could not be removed, with the reason (the others still are). */
  failed: Array<{ run: string; reason: string }>;
}

/** Removes what `planPrune` names, oldest first; one run that cannot go does not stop the rest. */
export async function pruneRuns(store: RunStore, keepDays: number, log: Logger, o: { dryRun?: boolean; spare?: string[] } = {}): Promise<PruneResult> {
  const listing = await store.listRuns();
  if (listing.missing)
    throw new UsageError(`no reports folder at ${store.location} (${listing.missing})`, 'Point --reports at the folder `secsli score --out` writes run folders into.');
  const plan = planPrune(listing.runs, keepDays, o.spare);
  const result: PruneResult = { ...plan, bytes: 0, failed: [] };
  if (o.dryRun) return result;
  for (const run of plan.remove) {
    try {
      result.bytes += (await store.removeRun(run)).bytes;
      log.info(`removed ${store.runLocation(run)}`);
    } catch (e) {
      const reason = `${(e as NodeJS.ErrnoException).code ?? (e as Error).name}: ${(e as Error).message}`;
      result.failed.push({ run, reason });
      log.warn(`cannot remove ${store.runLocation(run)}: ${reason}`);
    }
  }
  return result;
}

/** "1.2 GB", "340 MB", "12 kB" (decimal units). */
export function bytesText(n: number): string {
  const units: Array<[number, string]> = [
    [1e9, 'GB'],
    [1e6, 'MB'],
    [1e3, 'kB'],
  ];
  for (const [size, unit] of units) if (n >= size) return `${(n / size).toFixed(1)} ${unit}`;
  return `${n} B`;
}

import { UsageError } from '../errors.js';
import type { Logger } from '../log.js';
import { compareRunNames, runNameMs } from '../store/names.js';
import type { RunStore } from '../store/types.js';
import { findPreviousRun } from './load.js';

/**
 * History retention (`secsli prune`, `score --keep-days`). A run is removed when its as-of is
 * more than `keepDays` days before the newest run's: the window is anchored on the history itself,
 * not the wall clock, so a host with a clock behind (or a restored backup) cannot empty it, and
 * the newest run always stays. A run dated after "now" (`notAfter`: the wall clock) never anchors
 * the window: written by a host whose clock ran ahead, or with an `--as-of` in the future, it would
 * otherwise set the cutoff months ahead and remove every run before it. Such runs are kept and
 * named (`future`), and the window counts back from the newest run not after now. Incomplete
 * uploads and foreign folders are not runs and are never touched here (a score run's own
 * housekeeping handles abandoned uploads).
 */

const DAY_MS = 86_400_000;

/** A run name after every real one: findPreviousRun of it is the latest run there. */
const LATER_THAN_ANY_RUN = '9999-12-31T235959Z';

/** A quarter-over-quarter review reads the quarter before the one it covers: 2 quarters, plus a margin. */
export const REVIEW_DAYS = 200;

export interface PrunePlan {
  /** Oldest first. */
  remove: string[];
  keep: string[];
  /** Runs older than this (ISO time) are removed. */
  cutoff: string;
  /** The run the window counts back from (undefined when there is none: nothing is removed). */
  anchor?: string;
  /** Runs dated after `notAfter`: kept, never the anchor (a clock that ran ahead wrote them). Oldest first. */
  future: string[];
}

/**
 * `spare`: runs never removed whatever their age (the run `score --keep-days` just wrote, a
 * back-fill of an old as-of). `notAfter` (ms): now; runs dated after it are from the future.
 */
export function planPrune(runs: readonly string[], keepDays: number, spare: readonly string[] = [], notAfter = Number.POSITIVE_INFINITY): PrunePlan {
  const sorted = [...runs].sort(compareRunNames);
  const future = sorted.filter((r) => runNameMs(r) > notAfter);
  const anchor = sorted.filter((r) => !(runNameMs(r) > notAfter)).at(-1);
  if (anchor === undefined) return { remove: [], keep: sorted, cutoff: '', future };
  const cutoff = runNameMs(anchor) - keepDays * DAY_MS;
  const remove = sorted.filter((r) => r !== anchor && !spare.includes(r) && runNameMs(r) < cutoff);
  const gone = new Set(remove);
  return { remove, keep: sorted.filter((r) => !gone.has(r)), cutoff: isoSeconds(cutoff), anchor, future };
}

const isoSeconds = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

export interface PruneResult extends PrunePlan {
  bytes: number;
  /** Runs that could not be removed, with the reason (the others still are). */
  failed: Array<{ run: string; reason: string }>;
}

/**
 * Removes what `planPrune` names, oldest first; one run that cannot go does not stop the rest.
 * `now`: what "now" is (ms: the wall clock, for `secsli prune` and `score --keep-days` alike); runs
 * after it are named in a warning and never set the window. The last run that measured everything
 * is spared too, whatever its age: the next `score --fail-on worse` judges against it (removed
 * during a long outage, every asset that stayed red would be news again).
 */
export async function pruneRuns(store: RunStore, keepDays: number, log: Logger, o: { dryRun?: boolean; spare?: string[]; now: number; nowIs: string }): Promise<PruneResult> {
  const listing = await store.listRuns();
  if (listing.missing)
    throw new UsageError(`no reports folder at ${store.location} (${listing.missing})`, 'Point --reports at the folder `secsli score --out` writes run folders into.');
  const baseline = (await findPreviousRun(store, LATER_THAN_ANY_RUN, log).catch(() => undefined))?.baseline?.name;
  const plan = planPrune(listing.runs, keepDays, [...(o.spare ?? []), ...(baseline ? [baseline] : [])], o.now);
  if (plan.future.length) {
    const named = plan.future.length > 5 ? `${plan.future.slice(0, 5).join(', ')} and ${plan.future.length - 5} more` : plan.future.join(', ');
    log.warn(
      `${plan.future.length} run(s) dated after ${o.nowIs} ${isoSeconds(o.now)}: ${named} — a clock that ran ahead, or an --as-of in the future? They are kept and do not set the --keep-days window, which counts back from ${plan.anchor ?? 'the newest run not after it (there is none: nothing removed)'}`,
    );
  }
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

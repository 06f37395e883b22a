import type { Logger } from '../log.js';
import type { RunStore } from '../store/types.js';
import { compareRunNames } from '../store/names.js';
import { attributeRuns } from './diff-runs.js';
import { type History, type Run, storeRunFiles, storedRunAt } from './load.js';
import { assembleReview, type Review, ReviewFolds, type ReviewOptions } from './review.js';
import { readSnapshot } from './snapshot-stream.js';
import { runsIn, type Window } from './window.js';

/**
 * `secsli review` of history of any size: `history` holds the runs' summaries only (loadHistory
 * without findings), and each run's findings are read and folded into the review one run at a
 * time (ReviewFolds), so memory follows the largest run's findings, not the sum of a quarter of
 * them (three 1M-finding runs read whole ran out of V8's 4 GB heap). The window's first → last
 * attribution streams both runs side by side (diff-runs.ts). The result is buildReview's on the
 * same history read whole: a run whose findings cannot be read is skipped with the same warning,
 * and when that moves the window `pick` chooses or removes one of its runs, the folds start over.
 */
export async function streamReview(
  store: RunStore,
  summaries: History,
  pick: (runs: readonly Run[]) => Window,
  log: Logger,
  opts: ReviewOptions = {},
): Promise<{ review: Review; window: Window; history: History }> {
  let history = summaries;
  const unreadable = new Set<string>();
  for (;;) {
    const window = pick(history.runs);
    const folds = new ReviewFolds(window, runsIn(window, history.runs));
    const failed: Run[] = [];
    for (const run of history.runs) {
      const r = await readSnapshot(storeRunFiles(store, run.name), { findings: true });
      if (r.ok) {
        folds.add({ name: run.name, snapshot: r.snapshot });
        continue;
      }
      failed.push(run);
      if (unreadable.has(run.name)) continue;
      unreadable.add(run.name);
      log.warn(`skipping run ${run.name}: ${r.reason}${r.detail ? ` (${r.detail})` : ''}`);
      history = { ...history, skipped: [...history.skipped, { name: run.name, reason: r.reason }].sort((x, y) => compareRunNames(x.name, y.name)) };
    }
    if (failed.length > 0) {
      history = { ...history, runs: history.runs.filter((r) => !failed.includes(r)) };
      const again = pick(history.runs);
      // The folds were set up for the window and its runs: a window that moves, or a run of it gone, starts them over.
      if (again.startMs !== window.startMs || again.endMs !== window.endMs || failed.some((r) => runsIn(window, [r]).length > 0)) continue;
    }
    const runs = runsIn(window, history.runs);
    const first = runs[0];
    const last = runs.at(-1);
    const at = (r: Run) => storedRunAt(store, r.name);
    const moves = first && last && first !== last ? (await attributeRuns(at(first), first.snapshot, at(last), last.snapshot, log)).rows : [];
    return { review: assembleReview(history, window, folds, moves, opts), window, history };
  }
}

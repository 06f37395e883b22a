import type { Logger } from '../log.js';
import type { RunStore } from '../store/types.js';
import { compareRunNames } from '../store/names.js';
import { attributeRuns } from './diff-runs.js';
import { type History, type Run, storeRunFiles, storedRunAt } from './load.js';
import { assembleReview, type Review, ReviewFolds, type ReviewOptions } from './review.js';
import { type BadSnapshot, BadLine, findingEntriesOf, readSnapshot } from './snapshot-stream.js';
import { runsIn, type Window } from './window.js';

/**
 * `secsli review` of history of any size: `history` holds the runs' summaries only (loadHistory
 * without findings), and each run's findings file is streamed through the review's folds
 * (ReviewFolds), one entry at a time, so memory follows what the review keeps (a life per finding
 * id, the last run's overdue list), not a run read whole (~1.5 GB at a million findings) nor a
 * quarter of them. The window's first → last attribution streams both runs side by side
 * (diff-runs.ts). The result is buildReview's on the same history read whole: a run whose
 * findings cannot be read is skipped with the same warning; when that moves the window `pick`
 * chooses or removes one of its runs, or the folds already hold part of the run, they start over.
 */
export async function streamReview(
  store: RunStore,
  summaries: History,
  pick: (runs: readonly Run[]) => Window,
  log: Logger,
  opts: ReviewOptions = {},
): Promise<{ review: Review; window: Window; history: History }> {
  let history = summaries;
  for (;;) {
    const window = pick(history.runs);
    const folds = new ReviewFolds(window, runsIn(window, history.runs));
    const failed: Run[] = [];
    let partway = false;
    for (const run of history.runs) {
      const r = await foldRun(store, run, folds);
      if (r.ok) continue;
      // Once: the run leaves history.runs before the folds start over.
      failed.push(run);
      log.warn(`skipping run ${run.name}: ${r.bad.reason}${r.bad.detail ? ` (${r.bad.detail})` : ''}`);
      history = {
        ...history,
        skipped: [...history.skipped, { name: run.name, reason: r.bad.reason, kind: 'unreadable' as const }].sort((x, y) => compareRunNames(x.name, y.name)),
      };
      // The folds hold the lines read before the bad one: they start over without the run.
      partway = r.partway;
      if (partway) break;
    }
    if (failed.length > 0) {
      history = { ...history, runs: history.runs.filter((r) => !failed.includes(r)) };
      if (partway) continue;
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

type Folded = { ok: true } | { ok: false; bad: BadSnapshot; partway: boolean };

/**
 * One run's findings through the folds, read as readSnapshot reads them (the same checks, the
 * same reasons): a findings file line by line, each line's asset one snapshot.json lists, as many
 * lines as it counts. A run after the window is read all the same, so that a broken one is
 * skipped as the whole reader skips it, and folded for the closures it reports inside the window.
 * `partway`: some of its entries were folded.
 */
async function foldRun(store: RunStore, run: Run, folds: ReviewFolds): Promise<Folded> {
  const files = storeRunFiles(store, run.name);
  const file = run.snapshot.findingsFile;
  if (!file) {
    // Version 1: the findings are inline in snapshot.json (runs of old, and small): read whole.
    const r = await readSnapshot(files, { findings: true });
    if (!r.ok) return { ok: false, bad: r, partway: false };
    folds.add({ name: run.name, snapshot: r.snapshot });
    return { ok: true };
  }
  const assets = new Map(run.snapshot.assets.map((a) => [a.id, a]));
  let begun = false;
  try {
    for await (const batch of findingEntriesOf(files, file, assets)) {
      if (!begun) folds.begin(run);
      begun = true;
      for (const { asset, f } of batch) folds.finding(asset, f);
    }
  } catch (e) {
    if (e instanceof BadLine) return { ok: false, bad: e.read, partway: begun };
    throw e;
  }
  if (!begun) folds.begin(run);
  folds.end();
  return { ok: true };
}

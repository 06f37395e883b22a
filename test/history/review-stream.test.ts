/**
 * `secsli review` reads each run's findings one run at a time (src/history/review-stream.ts):
 * the pack must be byte for byte the one buildReview makes from the same history read whole —
 * the default window and a chosen one, a run whose findings file is missing (skipped the same
 * way), and the latest run missing its file, which moves the default window.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHistory } from '../../scripts/gen-history.js';
import { loadHistory, type Run } from '../../src/history/load.js';
import { windowLives } from '../../src/history/flow.js';
import { previousWindow } from '../../src/history/quarter.js';
import { buildReview, ReviewFolds } from '../../src/history/review.js';
import { reviewFiles } from '../../src/history/review-files.js';
import { streamReview } from '../../src/history/review-stream.js';
import { resolveWindow, runsIn } from '../../src/history/window.js';
import { fsRunStore } from '../../src/store/fs.js';
import { memoryLogger } from '../fakes/sink.js';

let dir: string;
let runs: string[];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'secsli-review-stream-'));
  runs = (await generateHistory({ out: join(dir, 'h'), seed: 5 })).map((d) => d.slice(d.lastIndexOf('/') + 1));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function both(at: string, from?: string, to?: string) {
  const pick = (rs: readonly Run[]) => resolveWindow(rs, from, to);
  const wholeLog = memoryLogger();
  const history = await loadHistory(at, wholeLog, { findings: true });
  const whole = buildReview(history, pick(history.runs));
  const streamLog = memoryLogger();
  const summaries = await loadHistory(at, streamLog, { findings: false });
  const streamed = await streamReview(fsRunStore(at), summaries, pick, streamLog);
  return { whole, streamed: streamed.review, summaries, wholeLog, streamLog };
}

describe('review, one run at a time', () => {
  it('writes the pack buildReview writes from the history read whole: default window and a chosen one', async () => {
    for (const [from, to] of [[], ['2026-04-01', '2026-06-30'], ['2026-08-10', '2026-09-20']] as const) {
      const r = await both(join(dir, 'h'), from, to);
      expect(r.streamed.runs.length).toBeGreaterThan(1);
      expect(r.streamed.window).toEqual(r.whole.window);
      expect(reviewFiles(r.streamed)).toEqual(reviewFiles(r.whole));
    }
  });

  it('folds the lives up to the previous window as well as up to this one (the previous quarter is compared with)', async () => {
    const history = await loadHistory(join(dir, 'h'), memoryLogger(), { findings: true });
    const w = resolveWindow(history.runs);
    const folds = new ReviewFolds(w, runsIn(w, history.runs));
    for (const r of history.runs) folds.add(r);
    // The runs before each end, with the closures later runs report inside it.
    const livesBefore = (endMs: number) => windowLives(history.runs, endMs);
    expect(folds.lives()).toEqual(livesBefore(w.endMs));
    expect(folds.previousLives()).toEqual(livesBefore(previousWindow(w).endMs));
    expect(folds.previousLives().length).toBeLessThan(folds.lives().length);
  });

  it('a run whose findings file is gone is skipped with the same reason; the latest one moves the default window', async () => {
    const h = join(dir, 'h');
    const middle = runs[15]!;
    const latest = runs.filter((n) => !n.startsWith('2026-09-19')).at(-1)!;
    for (const gone of [middle, latest]) {
      const file = join(h, gone, 'snapshot-findings.ndjson');
      const saved = `${file}.saved`;
      await import('node:fs/promises').then((fs) => fs.rename(file, saved));
      try {
        const r = await both(h);
        expect(r.streamed.skipped).toEqual(r.whole.skipped);
        expect(r.streamed.skipped).toContainEqual({ name: gone, reason: 'no snapshot-findings.ndjson', kind: 'unreadable' });
        expect(r.streamLog.lines.filter((l) => l.includes(gone))).toEqual(r.wholeLog.lines.filter((l) => l.includes(gone)));
        expect(r.streamed.window).toEqual(r.whole.window);
        if (gone === latest) expect(resolveWindow(r.summaries.runs).label).not.toBe(r.whole.window.label);
        expect(reviewFiles(r.streamed)).toEqual(reviewFiles(r.whole));
      } finally {
        await import('node:fs/promises').then((fs) => fs.rename(saved, file));
      }
    }
  });

  it('a findings file broken part-way (a corrupt line, a cut file, an unknown asset), in the window or before it, is skipped as the whole reader skips it, the folds started over', async () => {
    const h = join(dir, 'h');
    const fs = await import('node:fs/promises');
    // One run of the default window, one before it (its findings only reach the lives), and the
    // window's first and last (the attribution reads them before the folds do).
    const summaries = await loadHistory(h, memoryLogger(), { findings: false });
    const windowRuns = runsIn(resolveWindow(summaries.runs), summaries.runs).map((r) => r.name);
    expect(windowRuns.length).toBeGreaterThan(3);
    for (const broken of [runs[20]!, runs[5]!, windowRuns[0]!, windowRuns.at(-1)!]) {
      const damage: [string, (lines: string[]) => string[]][] = [
        ['a corrupt line', (ls) => ls.map((l, i) => (i === Math.floor(ls.length / 2) ? '{"asset": ' : l))],
        ['a cut file', (ls) => ls.slice(0, ls.length - 3)],
        ['an unknown asset', (ls) => ls.map((l, i) => (i === ls.length - 1 ? l.replace(/^\{"asset":"[^"]*"/, '{"asset":"nobody"') : l))],
      ];
      for (const [what, change] of damage) {
        const file = join(h, broken, 'snapshot-findings.ndjson');
        const saved = await fs.readFile(file, 'utf8');
        const lines = saved.split('\n').filter(Boolean);
        expect(lines.length, what).toBeGreaterThan(10);
        await fs.writeFile(file, `${change(lines).join('\n')}\n`);
        try {
          const r = await both(h);
          expect(r.streamed.skipped, what).toEqual(r.whole.skipped);
          expect(
            r.streamed.skipped.map((x) => x.name),
            what,
          ).toContain(broken);
          expect(
            r.streamLog.lines.filter((l) => l.includes(broken)),
            what,
          ).toEqual(r.wholeLog.lines.filter((l) => l.includes(broken)));
          expect(reviewFiles(r.streamed), what).toEqual(reviewFiles(r.whole));
        } finally {
          await fs.writeFile(file, saved);
        }
      }
    }
  });
});

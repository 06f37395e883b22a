/**
 * `secsli diff` streams two runs side by side (src/history/diff-runs.ts): its rows must be the
 * rows of attributeChange on the two runs read whole, for every kind of change — findings new,
 * fixed, excepted, moved between assets, assets added and removed — and it must fall back to
 * reading whole, with the same answer, when it cannot stream; bad files fail as the whole reader
 * fails them.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type AssetAttribution, attributeChange } from '../../src/history/attribution.js';
import { diffRuns } from '../../src/history/diff-runs.js';
import { loadRun } from '../../src/history/load.js';
import { runFolderName } from '../../src/report/write.js';
import { makeAsset } from '../builders.js';
import { memoryLogger } from '../fakes/sink.js';
import { tmp } from '../cli/run.js';
import { RUN_DATES, type RunOptions, scenarioResult, snapshotText, writeRunFiles, writeRunFolder } from './scenario.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
async function scratch(): Promise<string> {
  const d = await tmp('secsli-diff-runs-');
  dirs.push(d);
  return d;
}

/** Two runs of the scenario in `score`'s layout, and the lines of one's findings file. */
async function pair(d1: Date, d2: Date, o1: RunOptions = {}, o2: RunOptions = {}) {
  const dir = await scratch();
  const a = await writeRunFiles(dir, runFolderName(d1), scenarioResult(d1, o1));
  const b = await writeRunFiles(dir, runFolderName(d2), scenarioResult(d2, o2));
  const file = (run: string) => join(run, 'snapshot-findings.ndjson');
  const lines = async (run: string) => (await readFile(file(run), 'utf8')).split('\n').filter(Boolean);
  const rewrite = (run: string, ls: string[]) => writeFile(file(run), `${ls.join('\n')}\n`);
  return { dir, a, b, lines, rewrite };
}

const whole = async (a: string, b: string) => attributeChange((await loadRun(a, memoryLogger())).snapshot, (await loadRun(b, memoryLogger())).snapshot);

/** Files under `dir` this process holds open (Linux's /proc; elsewhere nothing is known, so nothing is asserted). */
async function openUnder(dir: string): Promise<string[]> {
  if (!existsSync('/proc/self/fd')) return [];
  const open: string[] = [];
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    if (target.startsWith(dir)) open.push(target);
  }
  return open;
}

/** Diffs a → b and b → a, streamed, each checked against the whole reader; returns each way's rows. */
async function bothWays(a: string, b: string) {
  const out: [string, string, AssetAttribution[]][] = [];
  for (const [x, y] of [
    [a, b],
    [b, a],
  ]) {
    const d = await diffRuns(x!, y!, memoryLogger());
    expect(d.streamed).toBe(true);
    const rows = await whole(x!, y!);
    expect(d.rows).toEqual(rows);
    out.push([x!, y!, rows]);
  }
  return out;
}

const pay = (repos: string[]) => makeAsset({ id: 'pay', owner: 'team-pay', criticality: 'critical', exposure: 'internet', aws: undefined, github: { repos } });
const web = (repos: string[], exposure: 'internal' | 'internet' = 'internal') =>
  makeAsset({ id: 'web', owner: 'team-web', criticality: 'high', exposure, aws: undefined, github: { repos } });
const batch = makeAsset({ id: 'batch', owner: 'team-web', criticality: 'low', exposure: 'isolated', aws: undefined, github: { repos: ['acme/batch'] } });
// Claims what web claims: web's findings become ambiguous (named in the summary), acme/pay's that move to web do not.
const audit = makeAsset({ id: 'audit', owner: 'team-sec', criticality: 'medium', exposure: 'internal', aws: undefined, github: { repos: ['acme/web'] } });

describe('diff, two runs streamed side by side', () => {
  it('gives the rows of the whole reader for every pair of the scenario, both ways', async () => {
    const dir = await scratch();
    const runs = await Promise.all(RUN_DATES.map((d) => writeRunFiles(dir, runFolderName(d), scenarioResult(d))));
    const pairs: [number, number][] = [...runs.slice(1).map((_, i) => [i, i + 1] as [number, number]), [0, runs.length - 1], [runs.length - 1, 0], [3, 9]];
    for (const [i, j] of pairs) {
      const d = await diffRuns(runs[i]!, runs[j]!, memoryLogger());
      expect(d.streamed).toBe(true);
      expect(d.rows).toEqual(await whole(runs[i]!, runs[j]!));
    }
  });

  // acme/pay's findings leave pay for web; batch leaves the inventory, audit joins and claims web's repository.
  const before: RunOptions = { assets: [pay(['acme/pay']), web(['acme/web']), batch] };
  const after: RunOptions = { assets: [pay([]), web(['acme/web', 'acme/pay'], 'internet'), audit] };

  it('findings that move between assets, assets added and removed, exposure changed', async () => {
    const { a, b } = await pair(RUN_DATES[8]!, RUN_DATES[10]!, before, after);
    for (const [x, , rows] of await bothWays(a, b)) {
      const notes = rows.flatMap((r) => r.drivers.map((v) => v.note));
      // The part only the run-wide id sets decide: mapped elsewhere in the other run, not new or fixed.
      expect(notes).toContain(x === a ? 'now mapped to this asset' : 'no longer mapped to this asset');
      expect(rows.map((r) => r.presence).sort()).toEqual(['added', 'both', 'both', 'removed']);
    }
  });

  it('a findings file not grouped by asset in id order, or a run in the single-file layout, is read whole: the same rows', async () => {
    const [d1, d2] = [RUN_DATES[5]!, RUN_DATES[12]!];
    const { dir, a, b, lines, rewrite } = await pair(d1, d2);
    const expected = await whole(a, b);
    const ls = await lines(b);
    expect(new Set(ls.map((l) => JSON.parse(l).asset)).size).toBeGreaterThan(1);
    await rewrite(b, ls.reverse());
    const reversed = await diffRuns(a, b, memoryLogger());
    expect(reversed.streamed).toBe(false);
    expect(reversed.rows).toEqual(expected);

    const v1 = join(dir, 'v1');
    await writeRunFolder(v1, 'r', snapshotText(d1));
    const mixed = await diffRuns(join(v1, 'r'), b, memoryLogger());
    expect(mixed.streamed).toBe(false);
    expect(mixed.rows).toEqual(await whole(join(v1, 'r'), b));
  });

  it('lines the writer did not spell (keys in another order, an escape in the id) are read by parsing them', async () => {
    const { a, b, lines, rewrite } = await pair(RUN_DATES[8]!, RUN_DATES[10]!, before, after);
    // The same entries: in A the id first, in B "/" written "\/" (what moved must still be found).
    await rewrite(
      a,
      (await lines(a)).map((l) => JSON.stringify((({ id, ...rest }) => ({ id, ...rest }))(JSON.parse(l)))),
    );
    const escaped = (await lines(b)).map((l) => l.replace(/^(\{"asset":"[^"]*","id":")([^"]*)"/, (_, head: string, id: string) => `${head}${id.replaceAll('/', '\\/')}"`));
    expect(escaped.filter((l) => l.includes('\\/')).length).toBeGreaterThan(0);
    await rewrite(b, escaped);
    await bothWays(a, b);
  });

  it('a corrupt line, a line of an unknown asset, a cut file: the whole reader’s message, no rows', async () => {
    const { dir, a, b, lines, rewrite } = await pair(RUN_DATES[2]!, RUN_DATES[4]!);
    const good = await lines(b);
    const cases = [
      [...good.slice(0, 2), '{"asset":"pay","id":', ...good.slice(2)],
      [...good.slice(0, 1), JSON.stringify({ ...JSON.parse(good[1]!), asset: 'nobody' }), ...good.slice(2)],
      good.slice(0, -1),
    ];
    for (const ls of cases) {
      await rewrite(b, ls);
      const expected = await loadRun(b, memoryLogger()).then(
        () => 'read',
        (e: Error) => e.message,
      );
      expect(expected).not.toBe('read');
      await expect(diffRuns(a, b, memoryLogger())).rejects.toThrow(expected);
      // And nothing of either run is left open (A's file was open when B's failed).
      expect(await openUnder(dir)).toEqual([]);
    }
  });
});

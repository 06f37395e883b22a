import { UsageError } from '../errors.js';
import type { Logger } from '../log.js';
import type { StoreEnv } from '../store/index.js';
import { addSummaryIds, assetIdsOf, attributeAsset, attributeChange, attributionContext, type AssetAttribution } from './attribution.js';
import { badRunError, locateRun, readRun, type Run, type RunAt } from './load.js';
import type { AssetV1, FindingV1, SnapshotV1 } from './schema.js';
import { ANY_ASSET, scanLines, startsWith } from './asset-lines.js';
import { BadLine, findingEntriesOf } from './snapshot-stream.js';

/**
 * `secsli diff` of two runs of any size. Attribution goes asset by asset, and a run's findings
 * file (schemaVersion 2) is written grouped by asset in id order (report/snapshot.ts), so both
 * files are read side by side, one asset's findings of each run in memory at a time, instead of
 * two whole runs (3 GB for two runs of a million findings). A first pass over each file notes
 * every finding id it holds (whether a finding left an asset for another or left the run) and
 * checks that order. A run with its findings inline (version 1), or a file not in the writer's
 * order, is read whole as before: the result is the same either way.
 */

export interface Diff {
  /** The runs' summaries: their assets carry no findings when the runs were streamed. */
  a: Run;
  b: Run;
  rows: AssetAttribution[];
  streamed: boolean;
}

export async function diffRuns(pathA: string, pathB: string, log: Logger, env: StoreEnv = { env: {} }): Promise<Diff> {
  const atA = await locateRun(pathA, env);
  const atB = await locateRun(pathB, env);
  const a = await readRun(atA, log, false);
  const b = await readRun(atB, log, false);
  const only = narrowedTo(a, b, log);
  const r = await attributeRuns(atA, a.snapshot, atB, b.snapshot, log);
  const rows = only === undefined ? r.rows : r.rows.filter((row) => row.assetId === only);
  return { a: r.whole?.[0] ?? a, b: r.whole?.[1] ?? b, rows, streamed: !r.whole };
}

/**
 * The one asset both runs can speak of when one of them was scored with `score --asset`: that run
 * holds no other asset, and every other would read as removed from the inventory (or added). Two
 * runs narrowed to different assets have nothing in common.
 */
function narrowedTo(a: Run, b: Run, log: Logger): string | undefined {
  const na = a.snapshot.scope?.asset;
  const nb = b.snapshot.scope?.asset;
  if (na === undefined && nb === undefined) return undefined;
  if (na !== undefined && nb !== undefined && na !== nb) {
    throw new UsageError(
      `${a.name} was scored for asset ${na} alone and ${b.name} for ${nb} alone: they have no asset in common`,
      'Compare runs of the whole inventory, or two runs of the same asset.',
    );
  }
  const only = (na ?? nb)!;
  const which = na !== undefined && nb !== undefined ? 'both runs were' : `${na !== undefined ? a.name : b.name} was`;
  log.warn(`${which} scored with --asset ${only}: only that asset is compared`);
  return only;
}

/**
 * Attribution from run A to run B, given where they are and their summaries (read without
 * findings): streamed when both findings files allow it, else both read whole (`whole`).
 */
export async function attributeRuns(atA: RunAt, a: SnapshotV1, atB: RunAt, b: SnapshotV1, log: Logger): Promise<{ rows: AssetAttribution[]; whole?: readonly [Run, Run] }> {
  const fa = a.findingsFile;
  const fb = b.findingsFile;
  if (fa && fb) {
    const seen = new Map<string, number>();
    const inOrder = (await noteIds(atA, a, fa.name, IN_A, seen)) && (await noteIds(atB, b, fb.name, IN_B, seen));
    if (inOrder) return { rows: await streamed(atA, a, atB, b, seen) };
    log.debug('attribution: a findings file is not grouped by asset in id order; reading both runs whole');
  }
  // Their notes were logged with the summaries.
  const whole = [await readRun(atA, undefined, true), await readRun(atB, undefined, true)] as const;
  return { rows: attributeChange(whole[0].snapshot, whole[1].snapshot), whole };
}

const IN_A = 1;
const IN_B = 2;
const ID_KEY = Buffer.from('","id":"');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The asset and id of a line as the writer puts it (`{"asset":"…","id":"…",`), read from its bytes
 * without parsing it; else undefined. Fresh strings: a slice of a decoded chunk would keep the
 * whole chunk alive for as long as the id is held (a million ids, every chunk of the file).
 */
function headOf(buf: Buffer, start: number, end: number): { asset: string; id: string } | undefined {
  if (!startsWith(buf, start, end, ANY_ASSET)) return undefined;
  const close = buf.indexOf(QUOTE, start + ANY_ASSET.length);
  if (close < 0 || close >= end || !startsWith(buf, close, end, ID_KEY)) return undefined;
  const from = close + ID_KEY.length;
  const idClose = buf.indexOf(QUOTE, from);
  if (idClose < 0 || idClose >= end) return undefined;
  // An escape (a quote or backslash in an id) is left to JSON.parse.
  for (let i = start + ANY_ASSET.length; i < idClose; i++) if (buf[i] === BACKSLASH) return undefined;
  return { asset: buf.toString('utf8', start + ANY_ASSET.length, close), id: buf.toString('utf8', from, idClose) };
}

/**
 * Marks every finding id of a run in `seen` (with `bit`), its summary's unmapped and ambiguous
 * ids too; returns whether the file's lines come grouped by asset in ascending id order. A line
 * that does not parse, or a file that cannot be read, is left to the readers after this, which
 * report it as the whole reader does.
 */
async function noteIds(at: RunAt, snap: SnapshotV1, file: string, bit: number, seen: Map<string, number>): Promise<boolean> {
  const mark = (id: string) => seen.set(id, (seen.get(id) ?? 0) | bit);
  addSummaryIds(snap, mark);
  let previous: string | undefined;
  let ordered = true;
  const take = (buf: Buffer, start: number, end: number): boolean => {
    if (end <= start) return false;
    let head = headOf(buf, start, end);
    if (!head) {
      try {
        const v = JSON.parse(buf.toString('utf8', start, end)) as { asset?: unknown; id?: unknown } | null;
        if (typeof v?.asset === 'string' && typeof v.id === 'string') head = { asset: v.asset, id: v.id };
      } catch {}
    }
    if (!head) return false;
    if (previous !== undefined && head.asset !== previous && head.asset < previous) {
      ordered = false;
      return true;
    }
    previous = head.asset;
    mark(head.id);
    return false;
  };
  try {
    await scanLines(await at.files.open(file), take);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code) return false;
    throw e;
  }
  return ordered;
}

const runError = (at: RunAt, e: BadLine): UsageError => badRunError(at, e.read);

interface Group {
  assetId: string;
  findings: FindingV1[];
}

/** A run's findings file as one group per asset, checked as the whole reader checks it (parse, asset listed, line count). */
async function* groupsOf(at: RunAt, snap: SnapshotV1): AsyncGenerator<Group> {
  const assets = new Map(snap.assets.map((x) => [x.id, x]));
  let group: Group | undefined;
  try {
    for await (const batch of findingEntriesOf(at.files, snap.findingsFile!, assets)) {
      for (const { asset, f } of batch) {
        if (group && group.assetId !== asset.id) {
          yield group;
          group = undefined;
        }
        group ??= { assetId: asset.id, findings: [] };
        group.findings.push(f);
      }
    }
  } catch (e) {
    if (e instanceof BadLine) throw runError(at, e);
    throw e;
  }
  if (group) yield group;
}

async function streamed(atA: RunAt, a: SnapshotV1, atB: RunAt, b: SnapshotV1, seen: ReadonlyMap<string, number>): Promise<AssetAttribution[]> {
  const ctx = attributionContext(
    a,
    b,
    (id) => ((seen.get(id) ?? 0) & IN_A) !== 0,
    (id) => ((seen.get(id) ?? 0) & IN_B) !== 0,
  );
  const assetsA = new Map<string, AssetV1>(a.assets.map((x) => [x.id, x]));
  const assetsB = new Map<string, AssetV1>(b.assets.map((x) => [x.id, x]));
  const groupsA = groupsOf(atA, a);
  const groupsB = groupsOf(atB, b);
  const rows: AssetAttribution[] = [];
  try {
    // Inside the try: when B's first read fails, A's open file is closed too.
    let ga = (await groupsA.next()).value as Group | undefined;
    let gb = (await groupsB.next()).value as Group | undefined;
    for (const id of assetIdsOf(a, b)) {
      let fx: FindingV1[] = [];
      let fy: FindingV1[] = [];
      if (ga?.assetId === id) {
        fx = ga.findings;
        ga = (await groupsA.next()).value as Group | undefined;
      }
      if (gb?.assetId === id) {
        fy = gb.findings;
        gb = (await groupsB.next()).value as Group | undefined;
      }
      rows.push(attributeAsset(ctx, id, assetsA.get(id), fx, assetsB.get(id), fy));
    }
    // The first pass saw both files in order, so every group was taken; one left means a file changed under us.
    if (ga || gb) throw new UsageError(`${(ga ? atA : atB).where}: its findings file changed while it was read`, 'Diff runs that are not being written.');
  } finally {
    await groupsA.return(undefined);
    await groupsB.return(undefined);
  }
  return rows;
}

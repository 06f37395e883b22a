import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { EXIT, UsageError } from '../errors.js';
import type { Logger } from '../log.js';
import { fsRunStore } from '../store/fs.js';
import { isS3Location, openRunStore, type StoreEnv } from '../store/index.js';
import { compareRunNames, runNameMs, splitRunName } from '../store/names.js';
import type { RunStore } from '../store/types.js';
import { isCovered, type SnapshotV1 } from './schema.js';
import { type BadSnapshot, localRunFiles, readSnapshot as readSnapshotFiles, type RunFiles, type SnapshotRead } from './snapshot-stream.js';

export { compareRunNames } from '../store/names.js';

/**
 * History is a set of runs in a RunStore (a folder of run folders, or an S3 prefix), each holding
 * the snapshot its `secsli score` run wrote (snapshot.json, and since schemaVersion 2 the findings
 * file it names; read as streams by history/snapshot-stream.ts). Reading never fails on one bad run: missing,
 * corrupt, unsupported or invalid snapshots, and S3 uploads without a manifest, are skipped with a
 * warning that names the run — and kept as `unreadable`, so that a command that needed the run
 * exits 3 (`leftOut`): the output is written, and a scheduler still learns of the hole.
 */

export interface Run {
  /** Run folder name, e.g. "2026-11-27T000000Z" (or "…-2" for a second run with the same as-of). */
  name: string;
  snapshot: SnapshotV1;
}

/**
 * Why a run folder is not used. `unreadable`: it could not be read (no snapshot.json, corrupt
 * JSON, an invalid snapshot, a findings file cut short or missing, a schemaVersion of a newer
 * secsli, an as-of that is not its name's, an S3 upload without a manifest that is abandoned or
 * was not begun by secsli): history has a hole there. By design, never a reason to exit 3:
 * `narrowed` (scored with `score --asset`: one asset says nothing of the others) and
 * `in-progress` (an S3 upload begun less than a day ago, maybe still being written).
 */
type SkipKind = 'unreadable' | 'narrowed' | 'in-progress';

export interface Skipped {
  name: string;
  reason: string;
  kind: SkipKind;
}

export interface History {
  dir: string;
  /** Oldest first, by as-of then folder name. */
  runs: Run[];
  skipped: Skipped[];
}

const compareRuns = (a: Run, b: Run): number => (a.snapshot.asOf < b.snapshot.asOf ? -1 : a.snapshot.asOf > b.snapshot.asOf ? 1 : compareRunNames(a.name, b.name));

/** `findings`: read every run's findings too (review); trend reads only the per-asset numbers. */
export async function loadHistory(at: RunStore | string, log: Logger, opts: { findings: boolean } = { findings: true }): Promise<History> {
  const store = typeof at === 'string' ? fsRunStore(at) : at;
  const listing = await store.listRuns();
  if (listing.missing)
    throw new UsageError(`cannot read reports folder ${store.location}: ${listing.missing}`, 'Point --reports at the folder `secsli score --out` writes run folders into.');
  const runs: Run[] = [];
  const skipped: Skipped[] = [];
  for (const s of listing.skipped) {
    log.warn(`skipping run ${s.name}: ${s.reason}`);
    skipped.push({ name: s.name, reason: s.reason, kind: s.inProgress ? 'in-progress' : 'unreadable' });
  }
  for (const name of listing.runs.sort(compareRunNames)) {
    const r = await readSnapshot(store, name, opts.findings);
    if (r.ok && r.snapshot.scope?.asset) {
      // A --asset run scored one asset: as history it would read as every other asset removed.
      log.info(`skipping run ${name}: narrowed to asset ${r.snapshot.scope.asset}`);
      skipped.push({ name, reason: `narrowed to asset ${r.snapshot.scope.asset}`, kind: 'narrowed' });
    } else if (r.ok) {
      for (const n of r.notes) log.warn(`run ${name}: ${n}`);
      runs.push({ name, snapshot: r.snapshot });
    } else {
      log.warn(`skipping run ${name}: ${r.reason}${r.detail ? ` (${r.detail})` : ''}`);
      skipped.push({ name, reason: r.reason, kind: 'unreadable' });
    }
  }
  runs.sort(compareRuns);
  return { dir: store.location, runs, skipped };
}

/**
 * The runs a command needed and could not read: the unreadable ones whose as-of (their name says
 * it: a run is read only when its snapshot agrees) `needed` says the command reads. The others
 * are left out by design (narrowed, an upload in progress, outside what the command reads).
 */
export function leftOut(skipped: readonly Skipped[], needed: (asOfMs: number) => boolean): Skipped[] {
  return skipped.filter((s) => {
    if (s.kind !== 'unreadable') return false;
    const ms = runNameMs(s.name);
    // A name that is no time (2026-13-45T000000Z) could be anywhere.
    return Number.isNaN(ms) || needed(ms);
  });
}

/**
 * What `score` keeps of the run it compares with: risk per asset, the policy hash, and where the
 * snapshot is (re-read for change attribution only when its size says that is affordable; its
 * findings are never read while collecting).
 */
export interface PreviousRun {
  name: string;
  /** Where it is (folder or s3:// URL), for messages. */
  dir: string;
  risk: ReadonlyMap<string, number>;
  /** Each asset's status in that run (`--fail-on worse`, summary.json's changes). */
  status: ReadonlyMap<string, string>;
  policyHash?: string;
  /** How many (asset, finding) entries its snapshot holds. */
  findings: number;
  /**
   * What `--fail-on worse` and summary.json's changes compare with: the latest earlier run that
   * measured everything (not PARTIAL, no coverage gap, and its summary.json not exit 3 — a run
   * that lost the race for the sync state; its exit code was 0 or 1). A
   * status seen in a run that exited 3 reached no one as news, so it is not the baseline: an asset
   * that broke during a blip is still news at the next complete run, and one that was BREACHED
   * before the blip and is BREACHED after it is not. When none of the last BASELINE_RUNS runs
   * measured everything (a gap that stays: every run exits 3 and no alert on 1 can fire), `name` is
   * undefined and each asset is compared with the latest of them that measured it (else its status
   * in the previous run), so `changes` still lists news, not every red asset again.
   */
  baseline?: { name: string | undefined; status: ReadonlyMap<string, string> };
  /**
   * Each asset's status in the latest earlier run that measured it (every source it expects
   * answered, in a run not cut short), as far back as the baseline; else in the previous run. What an exit-3 run's
   * `failOnMeasured` judges against: an exit-3 run reports news of the assets it measured, and the
   * same news must not come again from every exit-3 run while a gap lasts.
   */
  measured?: ReadonlyMap<string, string>;
}

/** How far back the baseline is looked for (each a snapshot.json without its findings): a month of daily runs. */
const BASELINE_RUNS = 30;

/**
 * The latest run under `outDir` before `current`, or undefined. `current` is the run being
 * written: a bare as-of name (`runFolderName`, what `score` knows before it publishes) is the next
 * run of that as-of, so every run already there with the same as-of is earlier (a rerun compares
 * with the run it repeats: `…Z`, then `…Z-2`); `…Z-3` is after `…Z-2` and before `…Z-4`.
 * Runs narrowed with --asset say nothing about the other assets and are passed over; an
 * unreadable or invalid snapshot is skipped with a warning naming the run.
 */
export async function findPreviousRun(at: RunStore | string, current: string, log: Logger): Promise<PreviousRun | undefined> {
  const store = typeof at === 'string' ? fsRunStore(at) : at;
  const listing = await store.listRuns();
  const [currentBase, currentN] = splitRunName(current);
  const bare = current === currentBase;
  const before = (name: string) => {
    const [base, n] = splitRunName(name);
    return base < currentBase || (base === currentBase && (bare || n < currentN));
  };
  for (const s of listing.skipped) if (before(s.name)) log.warn(`skipping earlier run ${s.name}: ${s.reason}`);
  const earlier = listing.runs.filter(before).sort(compareRunNames).reverse();
  let previous: PreviousRun | undefined;
  let looked = 0;
  /** Per asset, its status in the latest run that measured it (the fallback baseline). */
  const lastMeasured = new Map<string, string>();
  /** The previous run's statuses, each asset's replaced by its latest measured one. */
  const measuredOf = () => {
    const status = new Map(previous!.status);
    for (const [id, st] of lastMeasured) status.set(id, st);
    return status;
  };
  const fallback = () => {
    const status = measuredOf();
    return { ...previous!, baseline: { name: undefined, status }, measured: status };
  };
  for (const name of earlier) {
    if (previous && ++looked > BASELINE_RUNS) return fallback();
    const dir = store.runLocation(name);
    const r = await readSnapshot(store, name, false);
    if (!r.ok) {
      if (!previous) log.warn(`skipping earlier run ${name}: ${r.reason}${r.detail ? ` (${r.detail})` : ''}`);
      continue;
    }
    const snap = r.snapshot;
    if (snap.scope?.asset) continue;
    const status = new Map(snap.assets.map((a) => [a.id, a.status]));
    // Measured: every source the asset expects answered, in a run not cut short. A run that measured
    // every asset is the only kind whose statuses an alert could have reported.
    const measured = snap.partial ? [] : snap.assets.filter(isCovered);
    // A run that measured everything can still have exited 3 (it lost the race for the sync
    // state): its summary.json says so, and its statuses reached no alert either.
    const baseline = !snap.partial && measured.length === snap.assets.length && !(await exitedIncomplete(store, name)) ? { name, status } : undefined;
    for (const a of measured) if (!lastMeasured.has(a.id)) lastMeasured.set(a.id, a.status);
    if (previous) {
      if (baseline) return { ...previous, baseline, measured: measuredOf() };
      continue;
    }
    // 'unknown' is the reader's default for a snapshot written without a policy hash.
    const policyHash = snap.policyHash === 'unknown' ? undefined : snap.policyHash;
    previous = { name, dir, risk: new Map(snap.assets.map((a) => [a.id, a.risk])), status, findings: r.findings, ...(policyHash ? { policyHash } : {}) };
    if (baseline) return { ...previous, baseline, measured: measuredOf() };
  }
  return previous && fallback();
}

/**
 * Did the run exit 3 by its summary.json? Only read for a run whose snapshot says it measured
 * everything; a run without a readable summary.json is taken at its snapshot's word.
 */
async function exitedIncomplete(store: RunStore, run: string): Promise<boolean> {
  try {
    const stream = await store.openRunFile(run, 'summary.json');
    if (!stream) return false;
    // Decoded as one stream: a character split between two chunks stays one character.
    stream.setEncoding('utf8');
    let text = '';
    for await (const chunk of stream) {
      text += chunk as string;
      // summary.json is small; a file far bigger than one is not what this reads.
      if (text.length > 16_000_000) {
        stream.destroy();
        return false;
      }
    }
    return (JSON.parse(text) as { exitCode?: unknown }).exitCode === EXIT.SOURCE;
  } catch {
    return false;
  }
}

/** A run of a store as the stream reader sees it: a missing file is ENOENT. */
export function storeRunFiles(store: RunStore, run: string): RunFiles {
  return {
    where: store.runLocation(run),
    open: async (name) => {
      const stream = await store.openRunFile(run, name);
      if (!stream) throw Object.assign(new Error(`no ${name}`), { code: 'ENOENT' });
      return stream;
    },
  };
}

/**
 * A run's snapshot, parsed; a storage error that is the user's to fix (S3 access) is thrown. A
 * snapshot whose as-of is not its folder's (edited, or copied under another name) is not that run:
 * read as one, a year-9999 as-of became "latest" and emptied every review window.
 */
async function readSnapshot(store: RunStore, run: string, findings: boolean): Promise<SnapshotRead> {
  const r = await readSnapshotFiles(storeRunFiles(store, run), { findings });
  if (!r.ok) return r;
  const named = runNameMs(run);
  const asOf = Date.parse(r.snapshot.asOf);
  if (!Number.isNaN(named) && Math.floor(asOf / 1000) * 1000 !== named) {
    return { ok: false, reason: `its snapshot says as of ${r.snapshot.asOf}, its name says ${new Date(named).toISOString()}: edited, or copied under another name?`, findings: 0 };
  }
  return r;
}

/** One run of a store (the previous run, when `score` attributes its change). */
export async function loadStoredRun(store: RunStore, name: string, log: Logger): Promise<Run> {
  const r = await readSnapshot(store, name, true);
  const where = store.runLocation(name);
  if (!r.ok) throw new UsageError(`${where}: ${r.reason}${r.detail ? ` (${r.detail})` : ''}`, 'Give a run written by `secsli score`.');
  for (const n of r.notes) log.warn(`${where}: ${n}`);
  return { name, snapshot: r.snapshot };
}

/** Where a run given on the command line is: its files, its summary's name, and what to call both in messages. */
export interface RunAt {
  name: string;
  files: RunFiles;
  /** The summary file (snapshot.json, or the name a path gave). */
  file: string;
  /** The summary as the user would find it (a path or an s3:// URL), for messages. */
  where: string;
}

/** A run of a store, located. */
export const storedRunAt = (store: RunStore, name: string): RunAt => ({ name, files: storeRunFiles(store, name), file: 'snapshot.json', where: store.runLocation(name) });

/**
 * A run folder or a snapshot.json path, or the same as an s3:// URL
 * (`s3://bucket/prefix/2026-11-27T000000Z`). Unlike history, a bad one is a usage error.
 */
export async function locateRun(path: string, env: StoreEnv = { env: {} }): Promise<RunAt> {
  if (isS3Location(path)) {
    const url = path.replace(/\/+$/, '').replace(/\/snapshot\.json$/, '');
    const cut = url.lastIndexOf('/');
    if (cut <= 'S3://'.length) throw new UsageError(`${path}: not a run`, 'Give a run: s3://bucket/prefix/2026-11-27T000000Z.');
    return storedRunAt(await openRunStore(url.slice(0, cut), env), url.slice(cut + 1));
  }
  let file = path;
  try {
    if ((await stat(path)).isDirectory()) file = join(path, 'snapshot.json');
  } catch {
    throw new UsageError(`${path}: no such run folder or snapshot file`, 'Give a run folder (reports/2026-11-27T000000Z) or its snapshot.json.');
  }
  return { name: basename(file === path ? dirname(path) : path), files: localRunFiles(dirname(file)), file: basename(file), where: file };
}

/** A run given on the command line that cannot be read: a usage error naming it and why. */
export function badRunError(at: RunAt, r: BadSnapshot): UsageError {
  return new UsageError(`${at.where}: ${r.reason}${r.detail ? ` (${r.detail})` : ''}`, 'Give a run folder written by `secsli score`, or its snapshot.json.');
}

/** A located run's snapshot; a bad one is a usage error naming it, and the reader's notes are logged (when `log` is given: once per run). */
export async function readRun(at: RunAt, log: Logger | undefined, findings: boolean): Promise<Run> {
  const r = await readSnapshotFiles(at.files, { findings, file: at.file });
  if (!r.ok) throw badRunError(at, r);
  if (log) for (const n of r.notes) log.warn(`${at.where}: ${n}`);
  return { name: at.name, snapshot: r.snapshot };
}

/** One run, every finding read (a run folder, a snapshot.json path or an s3:// URL). */
export async function loadRun(path: string, log: Logger, env: StoreEnv = { env: {} }): Promise<Run> {
  return readRun(await locateRun(path, env), log, true);
}

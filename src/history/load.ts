import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { readRegularFile } from '../io/read-regular.js';
import { basename, dirname, join } from 'node:path';
import { SecsliError, UsageError } from '../errors.js';
import type { Logger } from '../log.js';
import { fsRunStore } from '../store/fs.js';
import { isS3Location, openRunStore, type StoreEnv } from '../store/index.js';
import { compareRunNames, splitRunName } from '../store/names.js';
import type { RunStore } from '../store/types.js';
import { parseSnapshot, type ParseResult, type SnapshotV1 } from './schema.js';

export { compareRunNames } from '../store/names.js';

/**
 * History is a set of runs in a RunStore (a folder of run folders, or an S3 prefix), each holding
 * the snapshot.json its `secsli score` run wrote. Reading never fails on one bad run: missing,
 * corrupt, unsupported or invalid snapshots, and S3 uploads without a manifest, are skipped with a
 * warning that names the run.
 */

export interface Run {
  /** Run folder name, e.g. "2026-11-27T000000Z" (or "…-2" for a second run with the same as-of). */
  name: string;
  snapshot: SnapshotV1;
}

export interface Skipped {
  name: string;
  reason: string;
}

export interface History {
  dir: string;
  /** Oldest first, by as-of then folder name. */
  runs: Run[];
  skipped: Skipped[];
}

const compareRuns = (a: Run, b: Run): number =>
  a.snapshot.asOf < b.snapshot.asOf ? -1 : a.snapshot.asOf > b.snapshot.asOf ? 1 : compareRunNames(a.name, b.name);

export async function loadHistory(at: RunStore | string, log: Logger): Promise<History> {
  const store = typeof at === 'string' ? fsRunStore(at) : at;
  const listing = await store.listRuns();
  if (listing.missing) throw new UsageError(`cannot read reports folder ${store.location}: ${listing.missing}`, 'Point --reports at the folder `secsli score --out` writes run folders into.');
  const runs: Run[] = [];
  const skipped: Skipped[] = [];
  for (const s of listing.skipped) {
    log.warn(`skipping run ${s.name}: ${s.reason}`);
    skipped.push(s);
  }
  for (const name of listing.runs.sort(compareRunNames)) {
    const r = await readSnapshot(store, name);
    if (r.ok && r.snapshot.scope?.asset) {
      // A --asset run scored one asset: as history it would read as every other asset removed.
      log.info(`skipping run ${name}: narrowed to asset ${r.snapshot.scope.asset}`);
      skipped.push({ name, reason: `narrowed to asset ${r.snapshot.scope.asset}` });
    } else if (r.ok) {
      for (const n of r.notes) log.warn(`run ${name}: ${n}`);
      runs.push({ name, snapshot: r.snapshot });
    } else {
      log.warn(`skipping run ${name}: ${r.reason}${r.detail ? ` (${r.detail})` : ''}`);
      skipped.push({ name, reason: r.reason });
    }
  }
  runs.sort(compareRuns);
  return { dir: store.location, runs, skipped };
}

/**
 * What `score` keeps of the run it compares with: risk per asset, the policy hash, and where the
 * snapshot is (re-read for change attribution only when its size says that is affordable, so a
 * large earlier snapshot is not held while collecting).
 */
export interface PreviousRun {
  name: string;
  /** Where it is (folder or s3:// URL), for messages. */
  dir: string;
  risk: ReadonlyMap<string, number>;
  /** Each asset's status in that run (`--fail-on worse`, summary.json's changes). */
  status: ReadonlyMap<string, string>;
  policyHash?: string;
  /** snapshot.json's length in characters. */
  bytes: number;
}

/**
 * The latest run under `outDir` whose folder is older than `current` (the folder name this run
 * will get), or undefined. Runs narrowed with --asset say nothing about the other assets and are
 * passed over; an unreadable or invalid snapshot is skipped with a warning naming the run.
 */
export async function findPreviousRun(at: RunStore | string, current: string, log: Logger): Promise<PreviousRun | undefined> {
  const store = typeof at === 'string' ? fsRunStore(at) : at;
  const listing = await store.listRuns();
  const [currentBase] = splitRunName(current);
  for (const s of listing.skipped) if (splitRunName(s.name)[0] < currentBase) log.warn(`skipping earlier run ${s.name}: ${s.reason}`);
  const earlier = listing.runs.filter((n) => splitRunName(n)[0] < currentBase).sort(compareRunNames).reverse();
  for (const name of earlier) {
    const dir = store.runLocation(name);
    const r = await readSnapshot(store, name);
    if (!r.ok) {
      log.warn(`skipping earlier run ${name}: ${r.reason}${r.detail ? ` (${r.detail})` : ''}`);
      continue;
    }
    const snap = r.snapshot;
    if (snap.scope?.asset) continue;
    // 'unknown' is the reader's default for a snapshot written without a policy hash.
    const policyHash = snap.policyHash === 'unknown' ? undefined : snap.policyHash;
    const status = new Map(snap.assets.map((a) => [a.id, a.status]));
    return { name, dir, risk: new Map(snap.assets.map((a) => [a.id, a.risk])), status, bytes: r.bytes, ...(policyHash ? { policyHash } : {}) };
  }
  return undefined;
}

async function readText(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A run's snapshot.json, parsed; a storage error that is the user's to fix (S3 access) is thrown. */
async function readSnapshot(store: RunStore, run: string): Promise<ParseResult & { bytes: number }> {
  let text: string;
  try {
    const stream = await store.openRunFile(run, 'snapshot.json');
    if (!stream) return { ok: false, reason: 'no snapshot.json', bytes: 0 };
    text = await readText(stream);
  } catch (e) {
    if (e instanceof SecsliError) throw e;
    return { ok: false, reason: cannotRead(e), bytes: 0 };
  }
  return { ...parseSnapshot(text), bytes: text.length };
}

const cannotRead = (e: unknown) => {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no snapshot.json' : `cannot read snapshot.json (${code === 'ENOTREG' ? 'not a regular file' : (code ?? (e as Error).message)})`;
};

async function readSnapshotFile(path: string): Promise<ParseResult & { bytes: number }> {
  let text: string;
  try {
    text = await readRegularFile(path);
  } catch (e) {
    return { ok: false, reason: cannotRead(e), bytes: 0 };
  }
  return { ...parseSnapshot(text), bytes: text.length };
}

/** One run of a store (the previous run, when `score` attributes its change). */
export async function loadStoredRun(store: RunStore, name: string, log: Logger): Promise<Run> {
  const r = await readSnapshot(store, name);
  const where = store.runLocation(name);
  if (!r.ok) throw new UsageError(`${where}: ${r.reason}${r.detail ? ` (${r.detail})` : ''}`, 'Give a run written by `secsli score`.');
  for (const n of r.notes) log.warn(`${where}: ${n}`);
  return { name, snapshot: r.snapshot };
}

/**
 * One run for `diff`: a run folder or a snapshot.json path, or the same as an s3:// URL
 * (`s3://bucket/prefix/2026-11-27T000000Z`). Unlike history, a bad one is a usage error.
 */
export async function loadRun(path: string, log: Logger, env: StoreEnv = { env: {} }): Promise<Run> {
  if (isS3Location(path)) {
    const url = path.replace(/\/+$/, '').replace(/\/snapshot\.json$/, '');
    const cut = url.lastIndexOf('/');
    if (cut <= 'S3://'.length) throw new UsageError(`${path}: not a run`, 'Give a run: s3://bucket/prefix/2026-11-27T000000Z.');
    return loadStoredRun(await openRunStore(url.slice(0, cut), env), url.slice(cut + 1), log);
  }
  let file = path;
  try {
    if ((await stat(path)).isDirectory()) file = join(path, 'snapshot.json');
  } catch {
    throw new UsageError(`${path}: no such run folder or snapshot file`, 'Give a run folder (reports/2026-11-27T000000Z) or its snapshot.json.');
  }
  const r = await readSnapshotFile(file);
  if (!r.ok) throw new UsageError(`${file}: ${r.reason}${r.detail ? ` (${r.detail})` : ''}`, 'Give a run folder written by `secsli score`, or its snapshot.json.');
  for (const n of r.notes) log.warn(`${file}: ${n}`);
  const name = basename(file === path ? dirname(path) : path);
  return { name, snapshot: r.snapshot };
}

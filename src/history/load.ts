import { readdir, stat } from 'node:fs/promises';
import { readRegularFile } from '../io/read-regular.js';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';
import type { Logger } from '../log.js';
import { parseSnapshot, type ParseResult, type SnapshotV1 } from './schema.js';

/**
 * History is a folder of run folders, each holding the snapshot.json its `secsli score` run wrote.
 * Reading never fails on one bad run: missing, corrupt, unsupported or invalid snapshots are
 * skipped with a warning that names the folder.
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

/** Folder names `writeRun` produces; temp folders (".…tmp-…") and anything else are not runs. */
const RUN_FOLDER = /^\d{4}-\d{2}-\d{2}T\d{6}Z(-\d+)?$/;

/**
 * The one order of run folder names: by as-of, then by the number `writeRun` appends to a second
 * run with the same as-of ("…Z" < "…Z-2" < "…Z-9" < "…Z-10").
 */
export function compareRunNames(a: string, b: string): number {
  const [baseA, nA] = splitRunName(a);
  const [baseB, nB] = splitRunName(b);
  return baseA < baseB ? -1 : baseA > baseB ? 1 : nA - nB || (a < b ? -1 : a > b ? 1 : 0);
}

function splitRunName(name: string): [string, number] {
  const m = /^(.*Z)(?:-(\d+))?$/.exec(name);
  return m ? [m[1]!, m[2] === undefined ? 1 : Number(m[2])] : [name, 0];
}

const compareRuns = (a: Run, b: Run): number =>
  a.snapshot.asOf < b.snapshot.asOf ? -1 : a.snapshot.asOf > b.snapshot.asOf ? 1 : compareRunNames(a.name, b.name);

export async function loadHistory(dir: string, log: Logger): Promise<History> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory() && RUN_FOLDER.test(d.name)).map((d) => d.name);
  } catch (e) {
    throw new UsageError(`cannot read reports folder ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'Point --reports at the folder `secsli score --out` writes run folders into.', { cause: e });
  }
  const runs: Run[] = [];
  const skipped: Skipped[] = [];
  for (const name of names.sort(compareRunNames)) {
    const r = await readSnapshotFile(join(dir, name, 'snapshot.json'));
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
  return { dir, runs, skipped };
}

/**
 * What `score` keeps of the run it compares with: risk per asset, the policy hash, and where the
 * snapshot is (re-read for change attribution only when its size says that is affordable, so a
 * large earlier snapshot is not held while collecting).
 */
export interface PreviousRun {
  name: string;
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
export async function findPreviousRun(outDir: string, current: string, log: Logger): Promise<PreviousRun | undefined> {
  let names: string[];
  try {
    names = await readdir(outDir);
  } catch {
    return undefined;
  }
  const [currentBase] = splitRunName(current);
  const earlier = names.filter((n) => RUN_FOLDER.test(n) && splitRunName(n)[0] < currentBase).sort(compareRunNames).reverse();
  for (const name of earlier) {
    const dir = join(outDir, name);
    const r = await readSnapshotFile(join(dir, 'snapshot.json'));
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

async function readSnapshotFile(path: string): Promise<ParseResult & { bytes: number }> {
  let text: string;
  try {
    text = await readRegularFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === 'ENOENT' ? 'no snapshot.json' : `cannot read snapshot.json (${code === 'ENOTREG' ? 'not a regular file' : code ?? (e as Error).message})`, bytes: 0 };
  }
  return { ...parseSnapshot(text), bytes: text.length };
}

/** One run for `diff`: a run folder or a snapshot.json path. Unlike history, a bad one is a usage error. */
export async function loadRun(path: string, log: Logger): Promise<Run> {
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

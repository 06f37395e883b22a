import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';
import { unknownIdHint } from '../inventory/did-you-mean.js';
import type { Logger } from '../log.js';
import type { ExplainAsset, ExplainRun } from '../report/explain.js';
import { isS3Location, openRunStore, type StoreEnv } from '../store/index.js';
import { compareRunNames, RUN_FOLDER } from '../store/names.js';
import type { RunStore } from '../store/types.js';
import { readAssetLines } from './asset-lines.js';
import { explainFromSnapshot } from './explain-snapshot.js';
import { storeRunFiles } from './load.js';
import { parseSnapshot, type SnapshotV1 } from './schema.js';
import { localRunFiles, readSnapshot, type RunFiles } from './snapshot-stream.js';

/**
 * `secsli explain <asset> --run …`: one asset as a saved run scored it, without collecting.
 * `--run` is a run folder, its snapshot.json, an s3://bucket/prefix/<run> URL (as `diff` takes),
 * or a run name or `latest` under `--reports` (a folder of runs or s3://bucket/prefix, as `trend`
 * and `review` take). Reads snapshot.json and then only the asset's findings (asset-lines.ts).
 * Every problem is a UsageError (exit 2) naming the run or the file.
 */

export interface RunChoice {
  /** Undefined or "latest": the latest run under `reports` that scored the asset. */
  run?: string | undefined;
  /** Folder of runs or s3://bucket/prefix; default "reports". */
  reports?: string | undefined;
}

interface Located {
  files: RunFiles;
  /** snapshot.json, or the file name the user gave. */
  file: string;
}

export interface ExplainedRun {
  /** The run folder or s3:// URL. */
  where: string;
  snapshot: SnapshotV1;
  run: ExplainRun;
  asset: ExplainAsset;
}

const RUN_HINT = 'Give a run folder written by `secsli score` (reports/2026-11-27T000000Z), its snapshot.json, or --run latest --reports <folder or s3://bucket/prefix>.';

function inStore(store: RunStore, name: string): Located {
  // A local history folder is read as a run folder (seekable: explain reads only the asset's lines).
  const files = isS3Location(store.location) ? storeRunFiles(store, name) : localRunFiles(store.runLocation(name));
  return { files, file: 'snapshot.json' };
}

/** A run given by its path or URL, or undefined when `run` is a bare run name (looked up under --reports). */
async function byPath(run: string, env: StoreEnv): Promise<Located | undefined> {
  if (isS3Location(run)) {
    const url = run.replace(/\/+$/, '').replace(/\/snapshot\.json$/, '');
    const cut = url.lastIndexOf('/');
    if (cut <= 'S3://'.length) throw new UsageError(`${run}: not a run`, 'Give a run: s3://bucket/prefix/2026-11-27T000000Z, or --run latest --reports s3://bucket/prefix.');
    return inStore(await openRunStore(url.slice(0, cut), env), url.slice(cut + 1));
  }
  try {
    if ((await stat(run)).isDirectory()) return { files: localRunFiles(run), file: 'snapshot.json' };
    return { files: localRunFiles(dirname(run)), file: basename(run) };
  } catch {
    if (RUN_FOLDER.test(run)) return undefined;
    throw new UsageError(`${run}: no such run folder or snapshot file`, RUN_HINT);
  }
}

/** What explain reads of snapshot.json: the writer puts all of it before the (large) unmapped and fixes lists. */
const NEEDED = ['schemaVersion', 'tool', 'asOf', 'partial', 'scope', 'policyHash', 'policy', 'kev', 'findingsFile', 'assets', 'ambiguous', 'exceptions'];

/** Where the writer (report/snapshot.ts: 2-space JSON) starts the first key after `assets`. */
const AFTER_ASSETS = Buffer.from('\n  "unmapped": ');
/** The writer's keys after `unmapped`: `ambiguous` and `exceptions` (explain names both), then `rejected`. */
const AMBIGUOUS = Buffer.from('\n  "ambiguous": ');
const REJECTED = Buffer.from('\n  "rejected": ');
const MAX_PREFIX = 64 << 20;

/**
 * snapshot.json up to `assets`' end as one JSON text, when it is laid out as the writer lays it
 * out: then the indentation alone marks the top-level key (a string cannot hold a raw newline),
 * found by a byte search instead of the character scanner (10 MB of a 1M-finding run: ~250 ms).
 * Undefined otherwise (another layout, a version 1 file with its findings inline, any error):
 * the scanner reads it and reports what is wrong.
 */
async function writerPrefix(at: Located): Promise<string | undefined> {
  // Not parsed here: a corrupt prefix fails parseSnapshot, and the scanner then says where.
  const text = await writerSlice(at, undefined, AFTER_ASSETS);
  return text === undefined ? undefined : `${text.replace(/,\s*$/, '')}\n}`;
}

async function readSummary(at: Located): Promise<SnapshotV1> {
  const prefix = await writerPrefix(at);
  // The ambiguous matches and the exceptions, after the unmapped list (megabytes at a million findings): found by the same byte search.
  const tail = prefix === undefined ? undefined : await writerSlice(at, AMBIGUOUS, REJECTED);
  const text = prefix === undefined ? undefined : tail === undefined ? prefix : `${prefix.slice(0, -2)},\n  "ambiguous": ${tail.replace(/,\s*$/, '')}\n}`;
  const quick = text === undefined ? undefined : parseSnapshot(text);
  if (quick?.ok && quick.snapshot.findingsFile) return quick.snapshot;
  const r = await readSnapshot(at.files, { findings: false, file: at.file, until: NEEDED });
  const file = at.files.where.startsWith('s3://') ? `${at.files.where}/${at.file}` : join(at.files.where, at.file);
  if (!r.ok && r.reason === `no ${at.file}`) throw new UsageError(`${at.files.where}: not a run (no ${at.file})`, RUN_HINT);
  if (!r.ok) throw new UsageError(`${file}: ${r.reason}${r.detail ? ` (${r.detail})` : ''}`, RUN_HINT);
  return r.snapshot;
}

/**
 * The bytes of snapshot.json between two of the writer's markers (from after `from`, or the
 * file's start, to before `to`), found by a byte search; undefined when either is missing or the
 * slice passes MAX_PREFIX.
 */
export async function writerSlice(at: Located, from: Buffer | undefined, to: Buffer): Promise<string | undefined> {
  const parts: Buffer[] = [];
  let size = 0;
  let started = from === undefined;
  let stream: Awaited<ReturnType<RunFiles['open']>> | undefined;
  try {
    stream = await at.files.open(at.file);
    let tail = Buffer.alloc(0);
    for await (const raw of stream) {
      let chunk: Buffer = Buffer.isBuffer(raw) ? raw : Buffer.from(raw as string);
      if (!started) {
        const window = Buffer.concat([tail, chunk]);
        const hit = window.indexOf(from!);
        if (hit < 0) {
          tail = window.subarray(Math.max(0, window.length - from!.length));
          continue;
        }
        started = true;
        chunk = window.subarray(hit + from!.length);
        tail = Buffer.alloc(0);
      }
      // `tail`: the last bytes of what `parts` hold already, so that a marker cut between chunks is found.
      const window = Buffer.concat([tail, chunk]);
      const end = window.indexOf(to);
      if (end >= 0) return Buffer.concat([...parts, chunk]).toString('utf8', 0, size - tail.length + end);
      parts.push(chunk);
      size += chunk.length;
      if (size > MAX_PREFIX) return undefined;
      tail = window.subarray(Math.max(0, window.length - to.length));
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    stream?.destroy();
  }
}

/** Runs of a history store, newest first (their names are their as-of times). */
async function runsOf(reports: string, env: StoreEnv): Promise<{ store: RunStore; names: string[] }> {
  const store = await openRunStore(reports, env);
  const listing = await store.listRuns();
  if (listing.missing) throw new UsageError(`cannot read reports folder ${store.location}: ${listing.missing}`, RUN_HINT);
  const names = listing.runs.sort(compareRunNames).reverse();
  if (names.length === 0) throw new UsageError(`no runs under ${store.location}`, 'Run `secsli score --out <folder>` first, or point --reports at its --out folder.');
  return { store, names };
}

/** The run to read: given, or the latest that is not narrowed (--asset) to another asset. */
async function locate(assetId: string, choice: RunChoice, env: StoreEnv, log: Logger): Promise<{ at: Located; snap: SnapshotV1 }> {
  const run = choice.run && choice.run !== 'latest' ? choice.run : undefined;
  const direct = run && !choice.reports ? await byPath(run, env) : undefined;
  if (direct) return { at: direct, snap: await readSummary(direct) };
  const { store, names } = await runsOf(choice.reports ?? 'reports', env);
  if (run) {
    if (!names.includes(run)) throw new UsageError(`no run ${run} under ${store.location}`, `The latest is ${names[0]}; \`--run latest\` picks it.`);
    const at = inStore(store, run);
    return { at, snap: await readSummary(at) };
  }
  for (const name of names) {
    const at = inStore(store, name);
    const snap = await readSummary(at);
    const narrowed = snap.scope?.asset;
    if (narrowed === undefined || narrowed === assetId) return { at, snap };
    log.info(`passing over run ${name}: narrowed to asset ${narrowed}`);
  }
  throw new UsageError(`no run under ${store.location} scored asset "${assetId}"`, 'Every run there was narrowed to another asset with --asset.');
}

export async function explainSavedRun(assetId: string, choice: RunChoice, env: StoreEnv, log: Logger): Promise<ExplainedRun> {
  const { at, snap } = await locate(assetId, choice, env, log);
  const where = at.files.where;
  const asset = snap.assets.find((a) => a.id === assetId);
  if (!asset) {
    const ids = snap.assets.map((a) => a.id);
    const narrowed = snap.scope?.asset ? ` (that run was narrowed to asset ${snap.scope.asset} with --asset)` : '';
    throw new UsageError(`asset "${assetId}" is not in run ${where}${narrowed}`, unknownIdHint(assetId, ids, 'assets', `run ${where}`));
  }
  const lines = await readAssetLines(at.files, snap, assetId, at.file);
  const file = (name: string) => (where.startsWith('s3://') ? `${where}/${name}` : join(where, name));
  if (!lines.ok) throw new UsageError(`${file(lines.file)}: ${lines.reason === 'missing' ? 'missing' : `not a valid snapshot: ${lines.reason}`}`, RUN_HINT);
  const view = explainFromSnapshot(snap, asset, lines.entries);
  if (!view.ok) throw new UsageError(`${file(snap.findingsFile?.name ?? at.file)}: not a valid snapshot: ${view.reason}`, RUN_HINT);
  // The findings must add up to the risk snapshot.json states: a file cut short or from another run does not.
  const sum = view.asset.findings.reduce((t, f) => t + (f.excluded ? 0 : f.contribution), 0);
  if (Math.abs(sum - asset.risk) > 1e-6 * Math.max(1, asset.risk)) {
    const says = `the counted findings of asset ${assetId} add up to ${sum}, snapshot.json says its risk is ${asset.risk} (truncated, or from another run?)`;
    throw new UsageError(`${file(snap.findingsFile?.name ?? at.file)}: not a valid snapshot: ${says}`, RUN_HINT);
  }
  return { where, snapshot: snap, run: view.run, asset: view.asset };
}

import { parseUtc } from '../model/time.js';
import { closeSync, createReadStream, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Source } from '../model/finding.js';
import type { CoverageEntry } from '../model/source-status.js';
import { createFileGuard, type FileGuard, type GuardOptions } from '../report/file-guard.js';

/**
 * The sync state of one source: every raw record a full pull would return now, keyed by id, as of
 * the last complete sync. One NDJSON file per source, `<out>/.secsli-state/<source>.ndjson`:
 *
 *   {"secsliSyncState":1,"source":"securityhub","scope":"…","lastSync":"…","lastFull":"…","tool":"0.1.0"}
 *   {"id":"arn:aws:securityhub:…","updatedAt":"2026-…","account":"111122223333","region":"eu-west-1","raw":{…}}
 *   …
 *   {"end":true,"records":1234,"gaps":[{"account":"777788889999","region":"eu-west-1"}]}
 *
 * - `scope`: what the full query covers (LiveCollectorFactory.scope); a different scope is a full pull.
 * - `lastSync`: wall-clock time just before the first request of the last complete sync;
 *   `lastFull`: the same for the last full pull.
 * - `gaps` (version 2): the scopes that did not answer in that sync (a denied account or Region,
 *   alerts refused on a repository). Their records are missing or stale in the file, whatever
 *   `lastSync` says: when one answers again, the next run pulls in full (src/sync/incremental.ts).
 * - The trailer makes a cut-off file detectable. The file is written under a temporary name and
 *   synced, then the store (src/store) puts it in place — renamed, or uploaded with a condition —
 *   so it is the last complete state or the one before.
 * - Entry keys come before `raw`, so the index pass reads them without parsing the record.
 *
 * The raw records are kept as the API returned them — the merged set is pushed through the same
 * normalization as a full pull, and `--save-raw` of an incremental run replays like any other —
 * except that, like every file secsli writes, the file goes through the file guard
 * (report/file-guard.ts): the environment's secrets are "***" (a title carrying a token sat here in
 * clear, though raw/ and the reports redacted it), and characters a viewer would act on are JSON
 * escapes, the same values. The incremental merge compares ids as the guard leaves them
 * (src/sync/incremental.ts).
 */

export const STATE_VERSION = 2;
/** Version 1 files (no `gaps`) are read, but used only for a full pull: a gap they hid is unknown. */
const STATE_VERSIONS_READ = [1, 2];
/** Folder of the state files, inside `--out` (dot-named: history and previous-run lookups skip it). */
export const STATE_FOLDER = '.secsli-state';

export const syncStateDir = (out: string) => join(out, STATE_FOLDER);
export const stateFile = (dir: string, source: Source) => join(dir, `${source}.ndjson`);

export interface StateHeader {
  secsliSyncState: number;
  source: Source;
  scope: string;
  lastSync: string;
  lastFull: string;
  tool?: string;
  /** From the trailer: the scopes that did not answer in that sync (empty for version 1). */
  gaps?: GapScope[];
}

/** A coverage scope that did not answer. */
export type GapScope = CoverageEntry['scope'];

export interface StateEntry {
  id: string;
  updatedAt: string;
  account?: string;
  region?: string;
  raw: unknown;
}

/** Entry without the record: what the index pass keeps in memory. */
export type EntryKeys = Omit<StateEntry, 'raw'>;

class StateError extends Error {}

const RAW_KEY = ',"raw":';

/** The keys of an entry line, without parsing its (possibly large) record. */
function entryKeys(line: string): EntryKeys {
  const at = line.indexOf(RAW_KEY);
  // JSON strings escape every quote, so the first `,"raw":` after the string-valued keys is the real one.
  const keys = JSON.parse(at > 0 ? line.slice(0, at) + '}' : line) as Partial<StateEntry>;
  if (typeof keys.id !== 'string' || typeof keys.updatedAt !== 'string') throw new StateError('an entry without id or updatedAt');
  return keys as EntryKeys;
}

async function* lines(file: string): AsyncGenerator<string> {
  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of rl) if (line !== '') yield line;
}

/**
 * Reads the whole file once, checking it: header, every entry's keys, trailer and count. Throws
 * `StateError` (or a JSON/IO error) when it is not a complete state file; ENOENT when absent.
 */
export async function readStateIndex(file: string, onEntry: (keys: EntryKeys) => void): Promise<StateHeader> {
  let header: StateHeader | undefined;
  let count = 0;
  let trailer: { end?: unknown; records?: unknown; gaps?: unknown } | undefined;
  let n = 0;
  for await (const line of lines(file)) {
    n++;
    if (trailer) throw new StateError(`line ${n}: data after the end marker`);
    if (n === 1) {
      header = JSON.parse(line) as StateHeader;
      if (!STATE_VERSIONS_READ.includes(header?.secsliSyncState)) throw new StateError(`not a version ${STATE_VERSIONS_READ.join(' or ')} sync state file`);
      if (typeof header.lastSync !== 'string' || Number.isNaN(parseUtc(header.lastSync))) throw new StateError('no valid lastSync in the header');
      continue;
    }
    if (line.startsWith('{"end":')) {
      trailer = JSON.parse(line) as typeof trailer;
      continue;
    }
    onEntry(entryKeys(line));
    count++;
  }
  if (!header) throw new StateError('empty file');
  if (trailer?.end !== true) throw new StateError('cut off (no end marker)');
  if (trailer.records !== count) throw new StateError(`end marker says ${String(trailer.records)} records, found ${count}`);
  const gaps = trailer.gaps ?? [];
  if (!Array.isArray(gaps) || !gaps.every((g) => typeof g === 'object' && g !== null)) throw new StateError("the end marker's gaps are not a list of scopes");
  return { ...header, gaps: gaps as GapScope[] };
}

/** Every entry, records parsed, in file order (call after readStateIndex accepted the file). */
export async function* readStateEntries(file: string): AsyncGenerator<StateEntry> {
  let n = 0;
  for await (const line of lines(file)) {
    if (n++ === 0 || line.startsWith('{"end":')) continue;
    yield JSON.parse(line) as StateEntry;
  }
}

/**
 * Writes a new state file at a staging path (StateStore.staging), synchronously (records arrive
 * through a synchronous sink) in ~1 MB batches, through the file guard of `guard` (the run's
 * secrets). `commit` adds the trailer and syncs it, ready for StateStore.replace; `abort` removes it.
 *
 * A write that fails (a full disk) never reaches the record sink: the state is only a cache of
 * what the APIs returned, so the writer drops its file, keeps the error, and ignores the rest;
 * `commit` then throws it, and the caller warns that the next run pulls in full. The run itself
 * goes on (and a disk that is full for the reports too fails there, as an output error).
 */
export class StateWriter {
  private fd: number;
  private buf: string[] = [];
  private size = 0;
  private count = 0;
  private failed: unknown;
  private readonly filter: FileGuard;

  constructor(
    readonly tmp: string,
    header: StateHeader,
    guard: GuardOptions = {},
  ) {
    this.fd = openSync(tmp, 'w', 0o600);
    // The staging name ends in ".tmp-…": the guard is given the file's own name, so it spells for NDJSON.
    this.filter = createFileGuard(`${header.source}.ndjson`, guard);
    this.push(JSON.stringify(header));
  }

  add(e: StateEntry): void {
    if (this.failed !== undefined) return;
    // Key order matters: id, updatedAt, account, region, then raw (see entryKeys).
    const keys: EntryKeys = { id: e.id, updatedAt: e.updatedAt, ...(e.account ? { account: e.account } : {}), ...(e.region ? { region: e.region } : {}) };
    this.push(JSON.stringify({ ...keys, raw: e.raw }));
    this.count++;
  }

  get records(): number {
    return this.count;
  }

  commit(gaps: readonly GapScope[] = []): void {
    if (this.failed === undefined) {
      this.push(JSON.stringify({ end: true, records: this.count, ...(gaps.length ? { gaps } : {}) }));
      this.guard(() => {
        this.flush();
        const rest = this.filter.end();
        if (rest) writeSync(this.fd, rest);
        fsyncSync(this.fd);
        closeSync(this.fd);
        this.fd = -1;
      });
    }
    if (this.failed !== undefined) throw this.failed;
  }

  abort(): void {
    if (this.fd >= 0) {
      try {
        closeSync(this.fd);
      } catch {
        // closing what a failed write left open: nothing more to lose
      }
    }
    this.fd = -1;
    rmSync(this.tmp, { force: true });
  }

  private push(line: string): void {
    this.buf.push(line);
    this.size += line.length + 1;
    if (this.size >= 1 << 20) this.guard(() => this.flush());
  }

  /** Runs a write; the first failure drops the file and is kept for `commit`. */
  private guard(write: () => void): void {
    if (this.failed !== undefined) return;
    try {
      write();
    } catch (err) {
      this.failed = err;
      this.buf = [];
      this.abort();
    }
  }

  private flush(): void {
    if (this.buf.length) writeSync(this.fd, this.filter.take(this.buf.join('\n') + '\n'));
    this.buf = [];
    this.size = 0;
  }
}

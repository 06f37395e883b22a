import type { Readable } from 'node:stream';
import type { Logger } from '../log.js';
import type { Source } from '../model/finding.js';
import type { GuardOptions } from '../report/file-guard.js';
import type { FileContent } from '../report/write.js';

/**
 * Where history lives: a folder (`--out reports`) or an S3 location (`--out s3://bucket/prefix`).
 * One interface for both, byte- and stream-based, so it does not care which files a run holds:
 * the run writer, every history reader and the sync state go through it.
 */

export interface RunListing {
  /** Names of complete runs (any order). */
  runs: string[];
  /**
   * Things that look like runs but are not complete ones, with the reason (S3: no manifest).
   * `inProgress`: an upload secsli began less than a day ago, maybe still being written (not yet
   * a run, by design); any other is a run the history is missing.
   */
  skipped: Array<{ name: string; reason: string; inProgress?: boolean }>;
  /** The location does not exist (a folder not created yet): why (ENOENT, ENOTDIR). */
  missing?: string;
}

/** A run being assembled: streamed files first (e.g. `--save-raw`), then `commit` publishes it whole. */
export interface RunWriter {
  /** An append-only line sink for one file of the run (synchronous: records arrive through a synchronous sink). */
  lineSink(name: string): { line(text: string): void; close(): void };
  /**
   * Writes `files` and makes the run visible, complete or not at all; returns where it is.
   * `named` files depend on the run's final name (summary.json says where the run is). `stop`
   * throws to abandon the run (SIGTERM): asked before each file and before the run is published.
   */
  commit(files: Record<string, FileContent>, named?: (name: string) => Record<string, string>, stop?: () => void): Promise<string>;
  /** Drops everything written so far. */
  abort(): Promise<void>;
}

export interface RunStore {
  /** The location as the user gave it (printed in messages). */
  readonly location: string;
  listRuns(): Promise<RunListing>;
  /** One file of a complete run as a byte stream, or undefined when the run has no such file. */
  openRunFile(run: string, name: string): Promise<Readable | undefined>;
  /** Where a run is: a folder path, or an s3:// URL. */
  runLocation(run: string): string;
  /** A new run called `base` (or `base-2`, … when taken); every text file goes through `guard` (secrets redacted). */
  createRun(base: string, guard?: GuardOptions): Promise<RunWriter>;
  readonly state: StateStore;
  /**
   * Removes a complete run (`secsli prune`): it stops being a run first (a folder renamed to a
   * temporary name, an S3 run's manifest deleted), then its files go. Returns the bytes freed.
   */
  removeRun(run: string): Promise<{ bytes: number }>;
  /**
   * Checks, before anything is collected, that a run could be written here (a folder: made if
   * missing, and a folder made and removed in it); throws the output error a commit would. S3
   * needs none: listing the runs, which `score` does first, already asks for access.
   */
  preflight?(): Promise<void>;
  /** Housekeeping after a run was written (S3: removes uploads that never got a manifest). */
  tidy(log: Logger): Promise<void>;
}

/** What opening a store needs besides its location. */
export interface StoreEnv {
  /** Region, endpoint and credentials come from here (AWS_REGION, AWS_ENDPOINT_URL_S3, AWS_ACCESS_KEY_ID, …). */
  env: NodeJS.ProcessEnv;
  /** SSE-KMS key for every object written (`--s3-sse-kms-key-id`). */
  sseKmsKeyId?: string;
  /** Wall clock, for the age of abandoned uploads. Default: `new Date()`. */
  now?: () => Date;
}

export interface S3Location {
  bucket: string;
  /** '' or ending in '/'. */
  prefix: string;
}

/** A version of a stored state file, as read at the start of a run ('' for "there was none"). */
export type StateVersion = string;

/**
 * The incremental-sync state of each source. It is read as a local file (the S3 store downloads
 * it once) and replaced from a local file, conditionally: only when the stored version is still
 * the one this run started from, so two overlapping runs cannot both replace it.
 */
export interface StateStore {
  /** Where the state of `source` is, for messages. */
  where(source: Source): string;
  /**
   * The stored state's version now, without reading it (undefined: there is none). `score` asks
   * before it publishes its run folder, so that a run whose state another run has replaced says
   * so in its summary.json. Throws on a storage error.
   */
  version(source: Source): Promise<StateVersion | undefined>;
  /** A local copy of the stored state and its version, or undefined when there is none. Throws on a storage error. */
  open(source: Source): Promise<{ file: string; version: StateVersion } | undefined>;
  /** A fresh local path to write a new state file at (its folder exists). */
  staging(source: Source): Promise<string>;
  /**
   * Replaces the stored state with `staged` when the stored version is still `expected`
   * (undefined: there was none); otherwise throws StateConflictError. Removes `staged`.
   */
  replace(source: Source, staged: string, expected: StateVersion | undefined): Promise<void>;
  /** Drops a staged file that will not be used. */
  discard(staged: string): Promise<void>;
  /** Removes local copies (S3: the downloaded state holds raw findings; it must not stay in the temp folder). */
  close(): Promise<void>;
}

/** Another run replaced the sync state after this one read it. */
export class StateConflictError extends Error {}

/**
 * A run's file whose bytes are not the ones its run recorded (S3: its size or sha256 differs from
 * the manifest), raised by the stream `openRunFile` returned. It carries a `code`, as a file
 * system error does, so every reader takes the run for unreadable (skipped, and named), not for a bug.
 */
export class RunFileChanged extends Error {
  readonly code = 'ERUNFILECHANGED';
}

import { constants } from 'node:fs';
import { type FileHandle, lstat, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { UsageError } from '../errors.js';
import { makeDirs } from '../io/make-dirs.js';
import { removeStaleTemps, TEMP_HOST } from '../io/temp-names.js';
import { RunFolder, tempFolderName } from '../report/write.js';
import { stateFile, syncStateDir } from '../sync/state.js';
import { RUN_FOLDER } from './names.js';
import { StateConflictError, type RunListing, type RunStore, type StateStore } from './types.js';

/**
 * History in a folder: one sub-folder per run (renamed into place, so a run is complete or
 * absent), and the sync state in `<out>/.secsli-state/<source>.ndjson`. Today's layout, byte for byte.
 */

export function fsRunStore(dir: string): RunStore {
  return {
    location: dir,
    async listRuns(): Promise<RunListing> {
      try {
        const entries = await readdir(dir, { withFileTypes: true });
        return { runs: entries.filter((d) => d.isDirectory() && RUN_FOLDER.test(d.name)).map((d) => d.name), skipped: [] };
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return { runs: [], skipped: [], missing: code };
        throw new UsageError(`cannot read reports folder ${dir}: ${code ?? (e as Error).message}`, 'Point --reports at the folder `secsli score --out` writes run folders into.', {
          cause: e,
        });
      }
    },
    openRunFile: (run, name) => openFile(join(dir, run, name)),
    runLocation: (run) => join(dir, run),
    createRun: (base, guard) => RunFolder.named(dir, base, guard),
    async preflight() {
      // A read-only mount, a file in its place, no permission: found now, not after a full collection.
      await (await RunFolder.named(dir, 'preflight')).abort();
    },
    async removeRun(run) {
      if (!RUN_FOLDER.test(run)) throw new Error(`not a run folder name: ${run}`);
      const gone = join(dir, tempFolderName(run));
      await rename(join(dir, run), gone);
      const bytes = await sizeOf(gone);
      await rm(gone, { recursive: true, force: true });
      return { bytes };
    },
    state: fsStateStore(syncStateDir(dir)),
    tidy: async () => {},
  };
}

/** Bytes of the files under a folder (symbolic links not followed). */
async function sizeOf(folder: string): Promise<number> {
  let bytes = 0;
  for (const e of await readdir(folder, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) bytes += (await lstat(join(e.parentPath, e.name))).size;
  }
  return bytes;
}

/**
 * A file as a stream, or undefined when it does not exist. Opened without blocking and checked on
 * the same descriptor (as readRegularBytes does): a FIFO or device under a run's file name is
 * refused (ENOTREG), never read forever.
 */
async function openFile(path: string): Promise<Readable | undefined> {
  let fh: FileHandle;
  try {
    fh = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
  if (!(await fh.stat()).isFile()) {
    await fh.close();
    throw Object.assign(new Error(`${path} is not a regular file`), { code: 'ENOTREG' });
  }
  return fh.createReadStream();
}

/** `<source>.ndjson.tmp-h<host>-<pid>-<ms>-<n>` (no `h<host>-` from earlier versions): a state being written. */
const STAGING = /^.+\.ndjson\.tmp-(?:h([0-9a-f]{8})-)?(\d+)-(\d+)-\d+$/;

/**
 * Removes the staging files of runs killed while writing the state (SIGKILL, an OOM kill): they
 * hold raw findings, and would pile up in a cache or on a shared volume. Best effort.
 */
const removeStaleStaging = (dir: string) => removeStaleTemps(dir, STAGING, 'file');

/** inode, size and modification time: changes whenever the file is replaced. */
const versionOf = async (file: string) => {
  const s = await stat(file, { bigint: true });
  return `${s.ino}:${s.size}:${s.mtimeNs}`;
};

/**
 * Sync state files in `dir`. Written under a temporary name next to the file and renamed into
 * place. The condition is checked just before the rename: a local folder has no atomic
 * compare-and-swap, but the window is a few microseconds instead of a whole run.
 */
export function fsStateStore(dir: string): StateStore {
  let staged = 0;
  return {
    where: (source) => stateFile(dir, source),
    async open(source) {
      const file = stateFile(dir, source);
      try {
        return { file, version: await versionOf(file) };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
    },
    version: (source) =>
      versionOf(stateFile(dir, source)).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return undefined;
        throw e;
      }),
    async staging(source) {
      await makeDirs(dir);
      await removeStaleStaging(dir);
      return `${stateFile(dir, source)}.tmp-h${TEMP_HOST}-${process.pid}-${Date.now()}-${++staged}`;
    },
    async replace(source, staged, expected) {
      const file = stateFile(dir, source);
      const now = await versionOf(file).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return undefined;
        throw e;
      });
      if (now !== expected) {
        await rm(staged, { force: true });
        throw new StateConflictError(`${file} was replaced by another run`);
      }
      await rename(staged, file);
    },
    discard: (staged) => rm(staged, { force: true }),
    close: async () => {},
  };
}

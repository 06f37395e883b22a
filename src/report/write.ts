import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { type FileHandle, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { OutputError } from '../errors.js';
import { makeDirs } from '../io/make-dirs.js';
import { removeStaleTemps, TEMP_HOST } from '../io/temp-names.js';
import { createFileGuard, type GuardOptions } from './file-guard.js';

/**
 * The one place reports touch the file system. A run folder is assembled under a temporary
 * name and renamed into place, so a report is complete or absent; an earlier run is never
 * overwritten (a second run with the same as-of gets a "-2" suffix).
 *
 * A file's content is a string (or Buffer), an iterable / async iterable of string chunks for
 * files too big to hold as one string (findings.csv, snapshot.json of a million findings), or a
 * `ParallelFile` another thread writes.
 */
export type FileContent = string | Buffer | Iterable<string> | AsyncIterable<string> | ParallelFile;

/**
 * A file another thread renders and writes, through the same guard (`createFileGuard` of its name),
 * at the same time as the files named in `writeWith`, which come from the same rendering
 * (report/finding-files.ts).
 */
export interface ParallelFile {
  /**
   * Writes the file at `path`; settles when it is written and closed, or once it has stopped. `stop`
   * (the run's SIGTERM check, see `RunFolder.commit`) is asked before each piece of the rendering:
   * when it throws, every file of the group stops (the other thread ended) with what it threw.
   */
  write(path: string, stop?: () => void): Promise<void>;
  readonly writeWith: readonly string[];
  /** A file written with it failed: stop, and make `write` fail with `e`. */
  cancel(e: Error): void;
}

const isParallel = (c: FileContent): c is ParallelFile => typeof c === 'object' && 'writeWith' in c;

/** "2026-11-27T00:00:00.000Z" → "2026-11-27T000000Z": sortable, and valid on every file system. */
export function runFolderName(asOf: Date): string {
  return asOf
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '');
}

const FLUSH_AT = 1 << 20;

/**
 * Characters of text the findings.csv worker handles as one string: each batch of lines from the
 * main thread (finding-files.ts), and what it encodes and writes at a time. This is under V8's
 * large-object size (128 KiB), so each such string is made in the young generation and dies
 * there. Strings of 256 Ki–1 Mi characters (as these were) are large objects: each takes fresh
 * pages from the kernel and gives them back when collected. At 1M findings that was 2.6 million
 * page faults and 12 s of system time, against 1.0 million and 8 s at this size
 * (docs/benchmarks.md, eleventh pass).
 */
export const TEXT_CHUNK = 1 << 16;

/**
 * Bytes on their way to a file: each piece of text is encoded into one reused 1 MiB buffer as soon
 * as the guard has passed it, and the buffer is written when full. So a rendered chunk is garbage
 * moments after it was made and dies young, instead of waiting in a growing string for the next
 * write: at a million findings, holding 1 MiB strings until each write got a quarter of the 2.4 GB
 * of report text promoted to the old generation, and the heap grew by 800 MB while writing.
 */
class ByteSink {
  private readonly buf = Buffer.allocUnsafe(FLUSH_AT);
  private used = 0;
  constructor(private readonly fh: FileHandle) {}

  async add(text: string): Promise<void> {
    if (!text) return;
    // UTF-8 takes at most 3 bytes per UTF-16 unit (a surrogate pair: 4 bytes for 2 units).
    if (this.used + text.length * 3 > FLUSH_AT) await this.flush();
    if (text.length * 3 > FLUSH_AT) await writeAll(this.fh, Buffer.from(text, 'utf8'));
    else this.used += this.buf.write(text, this.used);
  }

  async flush(): Promise<void> {
    await writeAll(this.fh, this.buf, this.used);
    this.used = 0;
  }
}

/** Every byte of `bytes[0…length)`: a write may take fewer than offered (POSIX allows it), the rest follows. */
async function writeAll(fh: FileHandle, bytes: Uint8Array, length = bytes.length): Promise<void> {
  for (let at = 0; at < length; ) {
    const { bytesWritten } = await fh.write(bytes, at, length - at);
    if (bytesWritten <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
    at += bytesWritten;
  }
}

/** The synchronous `writeAll`, for a file descriptor: `--save-raw`'s line sinks, the report worker (csv-worker.ts). */
export function writeAllSync(fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length; ) {
    const n = writeSync(fd, bytes, at, bytes.length - at);
    if (n <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
    at += n;
  }
}

/**
 * Every text file goes through the guard (secrets redacted, unsafe characters escaped) on its way out.
 * `stop` is asked before each chunk of a streamed file: a signal never waits for a big file's end.
 */
async function writeContent(path: string, content: FileContent, guard: GuardOptions, stop?: () => void): Promise<void> {
  if (isParallel(content)) return content.write(path, stop);
  const fh = await open(path, 'w');
  try {
    if (Buffer.isBuffer(content)) {
      await writeAll(fh, content);
      return;
    }
    const g = createFileGuard(path, guard);
    if (typeof content === 'string') {
      await writeAll(fh, Buffer.from(g.take(content) + g.end(), 'utf8'));
      return;
    }
    const out = new ByteSink(fh);
    for await (const chunk of content) {
      stop?.();
      await out.add(g.take(chunk));
    }
    await out.add(g.end());
    await out.flush();
  } finally {
    await fh.close();
  }
}

/**
 * Files written at the same time. The first failure cancels the rest and is the one reported, once
 * none of them is writing any more (only then is the folder removed).
 */
async function writeTogether(names: readonly string[], write: (name: string) => Promise<void>, cancel: (e: Error) => void): Promise<void> {
  const errors: unknown[] = [];
  await Promise.allSettled(
    names.map((n) =>
      write(n).catch((e: unknown) => {
        if (errors.push(e) === 1) cancel(e instanceof Error ? e : new Error(String(e)));
      }),
    ),
  );
  if (errors.length) throw errors[0];
}

const outputError = (outDir: string, e: unknown) =>
  new OutputError(`cannot write reports under ${outDir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });

/**
 * A run folder being assembled: files can be streamed into it (e.g. `--save-raw` while collecting)
 * before `commit` writes the reports and renames it into place. `abort` removes it.
 */
export class RunFolder {
  private readonly fds = new Set<number>();

  private constructor(
    readonly outDir: string,
    readonly base: string,
    /** The temporary folder (".<name>.tmp-…" under outDir). */
    readonly tmp: string,
    private readonly guard: GuardOptions,
  ) {}

  static create(outDir: string, asOf: Date, guard: GuardOptions = {}): Promise<RunFolder> {
    return RunFolder.named(outDir, runFolderName(asOf), guard);
  }

  /**
   * A folder called `base` (or `base-2`, … when taken) under `outDir`: runs, and review packs.
   * Temp folders that killed runs left behind (their process is gone) are removed first.
   */
  static async named(outDir: string, base: string, guard: GuardOptions = {}): Promise<RunFolder> {
    const tmp = join(outDir, tempFolderName(base));
    try {
      await makeDirs(outDir);
      await removeStaleTempFolders(outDir);
      await mkdir(tmp);
    } catch (e) {
      throw outputError(outDir, e);
    }
    return new RunFolder(outDir, base, tmp, guard);
  }

  /** An append-only line sink for a file inside the folder, written synchronously in 1 MiB batches (bounded memory). */
  lineSink(name: string): { line(text: string): void; close(): void } {
    const path = join(this.tmp, name);
    const guard = createFileGuard(path, this.guard);
    let fd: number | undefined;
    let buf = '';
    const flush = () => {
      if (!buf) return;
      try {
        if (fd === undefined) {
          mkdirSync(dirname(path), { recursive: true });
          fd = openSync(path, 'w');
          this.fds.add(fd);
        }
        writeAllSync(fd, Buffer.from(buf, 'utf8'));
      } catch (e) {
        // A full disk or a vanished folder is the output's fault, never the record's.
        throw outputError(this.outDir, e);
      } finally {
        buf = '';
      }
    };
    return {
      line: (text) => {
        buf += guard.take(text + '\n');
        if (buf.length >= FLUSH_AT) flush();
      },
      close: () => {
        buf += guard.end();
        flush();
        if (fd !== undefined) {
          this.fds.delete(fd);
          closeSync(fd);
        }
        fd = undefined;
      },
    };
  }

  /** Removes the temporary folder. Never throws: it runs on the way out of a failure whose error matters more. */
  async abort(): Promise<void> {
    for (const fd of this.fds) {
      try {
        closeSync(fd);
      } catch {
        // already closed, or the write that failed left it unusable: either way it is going away
      }
    }
    this.fds.clear();
    await rm(this.tmp, { recursive: true, force: true }).catch(() => {});
  }

  /**
   * Every file written is still there: the folder is ours, as we left it. Another process that took
   * it for a dead run's and removed it while we wrote (a run on another host sharing the folder)
   * would otherwise leave a folder that `mkdir` recreated half-full to be published as complete.
   */
  private async verify(names: readonly string[]): Promise<void> {
    for (const name of names) {
      try {
        await stat(join(this.tmp, name));
      } catch (e) {
        throw new OutputError(
          `${this.outDir}: ${name} vanished from the run being written (${(e as NodeJS.ErrnoException).code ?? String(e)}): another process removed its temporary folder; this run is not published — run it again`,
        );
      }
    }
  }

  /**
   * Writes `files` (in name order) and renames the folder into place; returns its final path.
   * `stop` throws to abandon the run (SIGTERM): it is asked before each file, before each chunk of a
   * streamed file, before each batch the findings files' renderer hands its worker (which is then
   * terminated), and before the rename — so a signal while findings.csv of a million findings is
   * being written ends the run in well under a second, not when the file is done.
   * `named` files depend on the final name (summary.json says where the run is): they are written
   * for each candidate name just before the rename that claims it.
   */
  async commit(files: Record<string, FileContent>, named?: (name: string) => Record<string, string>, stop?: () => void): Promise<string> {
    const { outDir, base, tmp } = this;
    const write = async (name: string) => {
      const path = join(tmp, name);
      await mkdir(dirname(path), { recursive: true });
      await writeContent(path, files[name]!, this.guard, stop);
    };
    try {
      const started = new Set<string>();
      for (const name of Object.keys(files).sort()) {
        if (started.has(name)) continue;
        const content = files[name]!;
        const partners = isParallel(content) ? content.writeWith : [];
        const missing = partners.find((n) => !(n in files));
        // A renderer bug: the file would wait for its partner forever.
        if (missing !== undefined) throw new Error(`${name} is written with ${missing}, which is not in the run`);
        const group = [name, ...partners.filter((n) => !started.has(n))];
        for (const n of group) started.add(n);
        stop?.();
        if (group.length === 1) await write(name);
        else await writeTogether(group, write, (e) => (content as ParallelFile).cancel(e));
      }
    } catch (e) {
      await this.abort();
      if (e instanceof OutputError) throw e;
      if ((e as NodeJS.ErrnoException).code === undefined) throw e; // a renderer bug, not the file system
      throw outputError(outDir, e);
    }
    try {
      // The last moment to abandon the run: after the rename it is published.
      stop?.();
      await this.verify(Object.keys(files));
    } catch (e) {
      await this.abort();
      throw e;
    }
    for (let n = 1; n < 1000; n++) {
      const name = n === 1 ? base : `${base}-${n}`;
      const final = join(outDir, name);
      try {
        for (const [file, text] of Object.entries(named?.(name) ?? {})) await writeContent(join(tmp, file), text, this.guard);
        // rename(2) refuses to replace a non-empty directory, which is exactly "never overwrite".
        await mkdir(final);
        await rename(tmp, final);
        return final;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EEXIST' || code === 'ENOTEMPTY') continue;
        await this.abort();
        throw outputError(outDir, e);
      }
    }
    await this.abort();
    throw new OutputError(`too many runs named ${base} under ${outDir}`);
  }
}

export async function writeRun(
  outDir: string,
  asOf: Date,
  files: Record<string, FileContent>,
  guard: GuardOptions = {},
  named?: (name: string) => Record<string, string>,
): Promise<string> {
  const folder = await RunFolder.create(outDir, asOf, guard);
  return folder.commit(files, named);
}

/**
 * ".<name>.tmp-h<host>-<pid>-<ms>": what `RunFolder.named` creates (`<host>`: a hash of the host
 * name); ".<name>.tmp-<pid>-<ms>" from earlier versions. A PID says whether the run is alive only
 * on the host, and in the PID namespace, that made it: two containers or hosts sharing one --out
 * (EFS, NFS) see each other's PIDs as gone.
 */
const TEMP_FOLDER = /^\..+\.tmp-(?:h([0-9a-f]{8})-)?(\d+)-(\d+)$/;

/**
 * A temporary name for `name` in its folder: a run being written, or one being removed (prune
 * renames it first, so readers never see half a run). A process killed meanwhile leaves a folder
 * `removeStaleTempFolders` clears.
 */
export const tempFolderName = (name: string) => `.${name}.tmp-h${TEMP_HOST}-${process.pid}-${Date.now()}`;
/**
 * Removes the temp folders of runs that were killed (SIGKILL, a crash, a cancelled CI job) before
 * they could clean up: their process no longer exists, or they are older than a day. Best effort.
 */
export const removeStaleTempFolders = (outDir: string, now = Date.now()): Promise<string[]> => removeStaleTemps(outDir, TEMP_FOLDER, 'folder', now);

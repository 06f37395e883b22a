import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { OutputError } from '../errors.js';

/**
 * The one place reports touch the file system. A run folder is assembled under a temporary
 * name and renamed into place, so a report is complete or absent; an earlier run is never
 * overwritten (a second run with the same as-of gets a "-2" suffix).
 *
 * A file's content is a string (or Buffer), or an iterable / async iterable of string chunks for
 * files too big to hold as one string (findings.csv, snapshot.json of a million findings).
 */
export type FileContent = string | Buffer | Iterable<string> | AsyncIterable<string>;

/** "2026-11-27T00:00:00.000Z" → "2026-11-27T000000Z": sortable, and valid on every file system. */
export function runFolderName(asOf: Date): string {
  return asOf.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '');
}

const FLUSH_AT = 1 << 20;

async function writeContent(path: string, content: FileContent): Promise<void> {
  if (typeof content === 'string' || Buffer.isBuffer(content)) {
    await writeFile(path, content);
    return;
  }
  const fh = await open(path, 'w');
  try {
    let buf = '';
    for await (const chunk of content) {
      buf += chunk;
      if (buf.length >= FLUSH_AT) {
        await fh.write(buf);
        buf = '';
      }
    }
    if (buf) await fh.write(buf);
  } finally {
    await fh.close();
  }
}

const outputError = (outDir: string, e: unknown) =>
  new OutputError(`cannot write reports under ${outDir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });

/**
 * A run folder being assembled: files can be streamed into it (e.g. `--save-raw` while collecting)
 * before `commit` writes the reports and renames it into place. `abort` removes it.
 */
export class RunFolder {
  private constructor(
    readonly outDir: string,
    readonly base: string,
    /** The temporary folder (".<name>.tmp-…" under outDir). */
    readonly tmp: string,
  ) {}

  static create(outDir: string, asOf: Date): Promise<RunFolder> {
    return RunFolder.named(outDir, runFolderName(asOf));
  }

  /** A folder called `base` (or `base-2`, … when taken) under `outDir`: runs, and review packs. */
  static async named(outDir: string, base: string): Promise<RunFolder> {
    const tmp = join(outDir, `.${base}.tmp-${process.pid}-${Date.now()}`);
    try {
      await mkdir(outDir, { recursive: true });
      await mkdir(tmp);
    } catch (e) {
      throw outputError(outDir, e);
    }
    return new RunFolder(outDir, base, tmp);
  }

  /** An append-only line sink for a file inside the folder, written synchronously in 1 MiB batches (bounded memory). */
  lineSink(name: string): { line(text: string): void; close(): void } {
    const path = join(this.tmp, name);
    let fd: number | undefined;
    let buf = '';
    const flush = () => {
      if (!buf) return;
      fd ??= (mkdirSync(dirname(path), { recursive: true }), openSync(path, 'w'));
      writeSync(fd, buf);
      buf = '';
    };
    return {
      line: (text) => {
        buf += text + '\n';
        if (buf.length >= FLUSH_AT) flush();
      },
      close: () => {
        flush();
        if (fd !== undefined) closeSync(fd);
        fd = undefined;
      },
    };
  }

  async abort(): Promise<void> {
    await rm(this.tmp, { recursive: true, force: true }).catch(() => {});
  }

  /**
   * Writes `files` (in name order) and renames the folder into place; returns its final path.
   * `named` files depend on the final name (summary.json says where the run is): they are written
   * for each candidate name just before the rename that claims it.
   */
  async commit(files: Record<string, FileContent>, named?: (name: string) => Record<string, string>): Promise<string> {
    const { outDir, base, tmp } = this;
    try {
      for (const name of Object.keys(files).sort()) {
        const path = join(tmp, name);
        await mkdir(dirname(path), { recursive: true });
        await writeContent(path, files[name]!);
      }
    } catch (e) {
      await this.abort();
      if (e instanceof OutputError) throw e;
      if ((e as NodeJS.ErrnoException).code === undefined) throw e; // a renderer bug, not the file system
      throw outputError(outDir, e);
    }
    for (let n = 1; n < 1000; n++) {
      const name = n === 1 ? base : `${base}-${n}`;
      const final = join(outDir, name);
      try {
        for (const [file, text] of Object.entries(named?.(name) ?? {})) await writeFile(join(tmp, file), text);
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

export async function writeRun(outDir: string, asOf: Date, files: Record<string, FileContent>, named?: (name: string) => Record<string, string>): Promise<string> {
  const folder = await RunFolder.create(outDir, asOf);
  return folder.commit(files, named);
}

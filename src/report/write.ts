import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OutputError } from '../errors.js';

/**
 * The one place reports touch the file system. A run folder is assembled under a temporary
 * name and renamed into place, so a report is complete or absent; an earlier run is never
 * overwritten (a second run with the same as-of gets a "-2" suffix).
 */

/** "2026-11-27T00:00:00.000Z" → "2026-11-27T000000Z": sortable, and valid on every file system. */
export function runFolderName(asOf: Date): string {
  return asOf.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '');
}

export async function writeRun(outDir: string, asOf: Date, files: Record<string, string | Buffer>): Promise<string> {
  const base = runFolderName(asOf);
  const tmp = join(outDir, `.${base}.tmp-${process.pid}-${Date.now()}`);
  try {
    await mkdir(outDir, { recursive: true });
    await mkdir(tmp);
    for (const name of Object.keys(files).sort()) {
      const path = join(tmp, name);
      await mkdir(join(path, '..'), { recursive: true });
      await writeFile(path, files[name]!);
    }
  } catch (e) {
    await rm(tmp, { recursive: true, force: true }).catch(() => {});
    throw new OutputError(`cannot write reports under ${outDir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
  for (let n = 1; n < 1000; n++) {
    const final = join(outDir, n === 1 ? base : `${base}-${n}`);
    try {
      // rename(2) refuses to replace a non-empty directory, which is exactly "never overwrite".
      await mkdir(final);
      await rename(tmp, final);
      return final;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' || code === 'ENOTEMPTY') continue;
      await rm(tmp, { recursive: true, force: true }).catch(() => {});
      throw new OutputError(`cannot write reports under ${outDir}: ${code ?? (e as Error).message}`, { cause: e });
    }
  }
  await rm(tmp, { recursive: true, force: true }).catch(() => {});
  throw new OutputError(`too many runs named ${base} under ${outDir}`);
}

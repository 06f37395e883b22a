import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OutputError } from '../errors.js';

/**
 * Writes a review folder like report/write.ts writes a run: assembled under a temporary name and
 * renamed into place (complete or absent), never overwriting ("2026-Q3", then "2026-Q3-2", …).
 */
export async function writeReview(outDir: string, name: string, files: Record<string, string>): Promise<string> {
  const tmp = join(outDir, `.${name}.tmp-${process.pid}-${Date.now()}`);
  const fail = async (e: unknown): Promise<never> => {
    await rm(tmp, { recursive: true, force: true }).catch(() => {});
    throw new OutputError(`cannot write the review under ${outDir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  };
  try {
    await mkdir(outDir, { recursive: true });
    await mkdir(tmp);
    for (const file of Object.keys(files).sort()) await writeFile(join(tmp, file), files[file]!);
  } catch (e) {
    return fail(e);
  }
  for (let n = 1; n < 1000; n++) {
    const final = join(outDir, n === 1 ? name : `${name}-${n}`);
    try {
      // mkdir first so rename(2) meets an empty directory it may replace, never someone's review.
      await mkdir(final);
      await rename(tmp, final);
      return final;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' || code === 'ENOTEMPTY') continue;
      return fail(e);
    }
  }
  return fail(new Error(`too many reviews named ${name}`));
}

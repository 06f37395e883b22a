import type { GuardOptions } from '../report/file-guard.js';
import { RunFolder, type FileContent } from '../report/write.js';

/**
 * Writes a review folder the way runs are written: assembled under a temporary name and renamed
 * into place (complete or absent), never overwriting ("2026-Q3", then "2026-Q3-2", …).
 */
export async function writeReview(outDir: string, name: string, files: Record<string, FileContent>, guard: GuardOptions = {}): Promise<string> {
  const folder = await RunFolder.named(outDir, name, guard);
  return folder.commit(files);
}

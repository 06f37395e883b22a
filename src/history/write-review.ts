import { RunFolder, type FileContent } from '../report/write.js';

/**
 * Writes a review folder the way runs are written: assembled under a temporary name and renamed
 * into place (complete or absent), never overwriting ("2026-Q3", then "2026-Q3-2", …).
 */
export async function writeReview(outDir: string, name: string, files: Record<string, FileContent>): Promise<string> {
  const folder = await RunFolder.named(outDir, name);
  return folder.commit(files);
}

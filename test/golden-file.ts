import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { expect } from 'vitest';

/**
 * Compares `actual` with a golden file byte for byte. The file is written only when asked
 * (`UPDATE_GOLDEN=1`, like Trivy's `-update`); a missing golden file fails, so a golden test can
 * never compare a fresh output with itself.
 */
export async function expectGolden(file: string, actual: string, label = file): Promise<void> {
  if (process.env.UPDATE_GOLDEN === '1') {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, actual);
  } else if (!existsSync(file)) {
    throw new Error(`missing golden file ${file}: create it deliberately with UPDATE_GOLDEN=1 and review the diff`);
  }
  expect(actual, label).toBe(await readFile(file, 'utf8'));
}

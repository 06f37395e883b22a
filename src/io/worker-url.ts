import { existsSync } from 'node:fs';

/**
 * The compiled module of a worker thread, next to the module `from` (its import.meta.url) that
 * starts it. Node runs workers from JavaScript only: run from the TypeScript sources (vitest), a
 * worker is taken from the same tree's build (npm test compiles first).
 */
export function workerUrl(file: string, from: string): URL {
  const here = new URL(file, from);
  if (!from.endsWith('.ts')) return here;
  const at = here.href.lastIndexOf('/src/');
  const built = new URL(`${here.href.slice(0, at)}/dist${here.href.slice(at)}`);
  if (!existsSync(built)) throw new Error(`worker not built: ${built.pathname} (run npm run build)`);
  return built;
}

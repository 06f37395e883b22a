import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p` for a folder the user names (`--out`, the sync state folder), one level at a time.
 *
 * Node's `mkdir(path, { recursive: true })` loops forever, at 100 % of a core and deaf to
 * SIGTERM, where a parent exists but refuses children with ENOENT (`--out /proc/x/y` on Linux:
 * /proc answers ENOENT to mkdir, so Node climbs to /proc, finds it, and starts again). Here each
 * level is made once, parents first, and any answer but "made" or "already there" is an error
 * with its code, which the caller reports as an output error (exit 2), never a hang.
 */
export async function makeDirs(path: string): Promise<void> {
  const missing: string[] = [];
  let at = resolve(path);
  for (;;) {
    try {
      await mkdir(at);
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') break;
      const up = dirname(at);
      // ENOENT: a parent is missing, make it first; at the root, give up.
      if (code !== 'ENOENT' || up === at) throw e;
      missing.push(at);
      at = up;
    }
  }
  // Parents made, or there: now the levels below, nearest first. ENOENT again means the parent
  // exists but will not take children (/proc): an error, not a retry.
  for (const dir of missing.reverse()) {
    try {
      await mkdir(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

import { createHash } from 'node:crypto';
import { readdir, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * Temporary names (`.tmp-h<host>-<pid>-<ms>…`: run folders being written or removed, sync states
 * being written) and when their writer is gone. A PID says whether a writer is alive only on the
 * host, and in the PID namespace, that made it: two containers or hosts sharing one --out (EFS,
 * NFS) see each other's PIDs as gone.
 */

/** This host, as temporary names spell it: a hash of the host name. */
export const TEMP_HOST = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);

/** A temporary name older than this is stale even if its PID is alive again (a restored cache, PID reuse). */
const STALE_AFTER_MS = 24 * 3600 * 1000;

/**
 * Whether a temporary name's writer is gone: older than a day, or made on this host (or by an
 * earlier version, which did not name its host) by a process that no longer exists. Another
 * host's PID means nothing here: only age tells.
 */
function tempIsStale(host: string | undefined, pid: number, ms: number, now = Date.now()): boolean {
  if (now - ms > STALE_AFTER_MS) return true;
  if (host !== undefined && host !== TEMP_HOST) return false;
  return processGone(pid);
}

/** A name without its host (an earlier version) left untouched this long: whoever wrote it has stopped. */
const QUIET_MS = 3600 * 1000;

/**
 * Removes the temporary folders (or files) in `dir` whose writer is gone (`tempIsStale`): runs
 * killed before they could clean up, sync states whose run was killed while writing them. `pattern`
 * captures the host (optional), the PID and the start time in ms. Best effort; returns the names
 * removed, sorted.
 */
export async function removeStaleTemps(dir: string, pattern: RegExp, kind: 'folder' | 'file', now = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const m = pattern.exec(name);
    if (!m) continue;
    const [, host, pid, ms] = m;
    if (!tempIsStale(host, Number(pid), Number(ms), now)) continue;
    const path = join(dir, name);
    try {
      const st = await stat(path);
      if (kind === 'folder' ? !st.isDirectory() : !st.isFile()) continue;
      // An earlier version's name does not say its host: a PID gone here removes it only once it has been quiet.
      if (now - Number(ms) <= STALE_AFTER_MS && host === undefined && now - st.mtimeMs < QUIET_MS) continue;
      await rm(path, { recursive: kind === 'folder', force: true });
      removed.push(name);
    } catch {
      // another run is removing it too, or it is not ours to remove: leave it
    }
  }
  return removed.sort();
}

function processGone(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH'; // EPERM: alive, another user's
  }
}

import { createHash } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * Temporary names (`.tmp-h<host>-<pid>-<ms>…`: run folders being written or removed, sync states
 * being written) and when their writer is gone. A PID says whether a writer is alive only on the
 * host, and in the PID namespace, that made it: two containers or hosts sharing one --out (EFS,
 * NFS) see each other's PIDs as gone.
 */

/** This host, as temporary names spell it: a hash of the host name. */
export const TEMP_HOST = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);

/** A temporary name older than this is stale even if its PID is alive again (a restored cache, PID reuse). */
export const STALE_AFTER_MS = 24 * 3600 * 1000;

/**
 * Whether a temporary name's writer is gone: older than a day, or made on this host (or by an
 * earlier version, which did not name its host) by a process that no longer exists. Another
 * host's PID means nothing here: only age tells.
 */
export function tempIsStale(host: string | undefined, pid: number, ms: number, now = Date.now()): boolean {
  if (now - ms > STALE_AFTER_MS) return true;
  if (host !== undefined && host !== TEMP_HOST) return false;
  return processGone(pid);
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

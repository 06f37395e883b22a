import type { LiveCollectorFactory } from '../collectors/live.js';
import { SecsliError } from '../errors.js';
import { parseUtc } from '../model/time.js';
import type { StateStore, StateVersion } from '../store/types.js';
import { updatedMs } from './records.js';
import { readStateIndex, STATE_VERSION, type StateHeader } from './state.js';

/** Reading the stored sync state of one source, and deciding whether an incremental run may use it. */

/** A stored lastSync this far in the future means a broken clock: do not trust it. */
const FUTURE_SLACK_MS = 10 * 60_000;

export interface Loaded {
  /** The stored copy: its local file and version. */
  file: string;
  version: StateVersion;
  header: StateHeader;
  /** Stored records: id → [update ms, scope key]. */
  index: Map<string, { ms: number; key: string }>;
  /** Stored records per scope key (`account|region`). */
  counts: Map<string, number>;
}

export const scopeKey = (f: { account?: string; region?: string }) => `${f.account ?? ''}|${f.region ?? ''}`;

/** Why the stored state is not used (`warn`: it exists but cannot be used), and the version seen. */
export interface Unused {
  why: string;
  warn: boolean;
  version?: StateVersion;
}

/** The usable stored state, or why there is none. */
export async function loadStoredState(store: StateStore, factory: LiveCollectorFactory, o: { full: boolean; fullEveryMs: number; startedAt: Date }): Promise<Loaded | Unused> {
  const source = factory.source;
  const where = store.where(source);
  let opened: Awaited<ReturnType<StateStore['open']>>;
  try {
    opened = await store.open(source);
  } catch (err) {
    if (err instanceof SecsliError) throw err; // the store itself is unusable (S3: no bucket, access denied)
    return { why: `sync state ${where} is unreadable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, warn: true };
  }
  if (!opened) return { why: o.full ? '--full' : 'no sync state yet', warn: false };
  const { file, version } = opened;
  const unused = (why: string, warn: boolean): Unused => ({ why, warn, version });
  if (o.full) return unused('--full', false);
  const index: Loaded['index'] = new Map();
  const counts: Loaded['counts'] = new Map();
  let header: StateHeader;
  try {
    header = await readStateIndex(file, (e) => {
      const key = scopeKey(e);
      index.set(e.id, { ms: updatedMs(e.updatedAt), key });
      counts.set(key, (counts.get(key) ?? 0) + 1);
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return unused('no sync state yet', false);
    return unused(`sync state ${where} is unusable (${(err as Error).message})`, true);
  }
  if (header.source !== source) return unused(`sync state ${where} belongs to ${String(header.source)}`, true);
  if (header.secsliSyncState !== STATE_VERSION) return unused('the sync state was written by an earlier secsli, which did not record the scopes that did not answer', false);
  if (header.scope !== factory.scope) return unused('the source configuration changed since the last sync', false);
  const last = parseUtc(header.lastSync);
  if (last > o.startedAt.getTime() + FUTURE_SLACK_MS) return unused(`the last sync (${header.lastSync}) is in the future: is the clock right?`, true);
  const lastFull = parseUtc(header.lastFull);
  if (!(o.startedAt.getTime() - lastFull < o.fullEveryMs))
    return unused(`the last full pull (${header.lastFull}) is older than ${Math.round(o.fullEveryMs / 86_400_000)} day(s)`, false);
  return { file, version, header, index, counts };
}

import { parseUtc } from '../model/time.js';
import type { IncrementalQuery, LiveCollectorFactory } from '../collectors/live.js';
import type { Collector, RecordOrigin, RecordSink, SourceStatus } from '../collectors/types.js';
import type { Logger } from '../log.js';
import type { Source } from '../model/finding.js';
import { toolVersion } from '../package-root.js';
import { recordFacts, updatedMs, type RecordFacts } from './records.js';
import { readStateEntries, readStateIndex, stateFile, StateWriter, STATE_VERSION, type StateHeader } from './state.js';

/**
 * Incremental sync around a live collector (issue "Scale").
 *
 * Full pull (no usable state, `--full`, a changed scope, or the last full pull older than
 * `fullEveryMs`): the collector runs as always; what it pushes goes to the sink and into a new
 * state file.
 *
 * Incremental: the collector is asked only for what changed since `lastSync − overlap` (Security
 * Hub: `UpdatedAt` ≥ since in any RecordState/compliance; Dependabot: `sort=updated`, stopping at
 * older alerts). Changes are merged into the stored records by id, the most recently updated copy
 * winning; a change the full query would not return (archived, passed) removes the record. Then
 * the merged set — exactly what a full pull would have returned, given the same data — is pushed
 * to the sink. Coverage is not stored: probes and evidence checks run every time, answered from
 * the merged set where a full pull would look at what it received.
 *
 * The new state is saved only when the source completed; otherwise the old one stays and the next
 * run asks again from the same point. A missing, unreadable or foreign state file means a full
 * pull (with a warning when it existed but could not be used).
 */

export interface IncrementalOptions {
  /** Folder of the state files (`syncStateDir(out)`). */
  dir: string;
  /** Force a full pull (`--full`). */
  full?: boolean;
  /** Safety overlap subtracted from the last sync time. Default per source: DEFAULT_OVERLAP_MS. */
  overlapMs?: number;
  /** A full pull at least this often, to pick up what no update time reveals. Default 7 days. */
  fullEveryMs?: number;
  /** Wall clock (not --as-of: update times come from the APIs' clocks). Default: `new Date()`. */
  now?: () => Date;
  /** Once aborted (--timeout, SIGTERM), no new state is saved: the run did not read everything. */
  signal?: AbortSignal;
}

const HOUR = 3_600_000;
/**
 * Security Hub's `UpdatedAt` is set by the finding provider and can trail the moment the finding
 * reached Security Hub; GitHub sets `updated_at` itself (the overlap only covers clock skew).
 */
const DEFAULT_OVERLAP_MS: Record<Source, number> = { securityhub: 6 * HOUR, dependabot: 1 * HOUR };
const DEFAULT_FULL_EVERY_MS = 7 * 24 * HOUR;
/** A stored lastSync this far in the future means a broken clock: do not trust it. */
const FUTURE_SLACK_MS = 10 * 60_000;

interface Loaded {
  header: StateHeader;
  /** Stored records: id → [update ms, scope key]. */
  index: Map<string, { ms: number; key: string }>;
  /** Stored records per scope key (`account|region`). */
  counts: Map<string, number>;
}

const scopeKey = (f: { account?: string; region?: string }) => `${f.account ?? ''}|${f.region ?? ''}`;

export function createIncrementalCollector(factory: LiveCollectorFactory, opts: IncrementalOptions): Collector {
  const source = factory.source;
  const base = factory.create();
  const file = stateFile(opts.dir, source);
  const now = opts.now ?? (() => new Date());
  const overlapMs = opts.overlapMs ?? DEFAULT_OVERLAP_MS[source];
  const fullEveryMs = opts.fullEveryMs ?? DEFAULT_FULL_EVERY_MS;
  const label = base.describe;

  /** The usable stored state, or why there is none (`warn`: it exists but cannot be used). */
  const load = async (startedAt: Date): Promise<Loaded | { why: string; warn: boolean }> => {
    if (opts.full) return { why: '--full', warn: false };
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
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { why: 'no sync state yet', warn: false };
      return { why: `sync state ${file} is unusable (${(err as Error).message})`, warn: true };
    }
    if (header.source !== source) return { why: `sync state ${file} belongs to ${String(header.source)}`, warn: true };
    if (header.scope !== factory.scope) return { why: 'the source configuration changed since the last sync', warn: false };
    const last = parseUtc(header.lastSync);
    if (last > startedAt.getTime() + FUTURE_SLACK_MS) return { why: `the last sync (${header.lastSync}) is in the future: is the clock right?`, warn: true };
    const lastFull = parseUtc(header.lastFull);
    if (!(startedAt.getTime() - lastFull < fullEveryMs)) return { why: `the last full pull (${header.lastFull}) is older than ${Math.round(fullEveryMs / (24 * HOUR))} day(s)`, warn: false };
    return { header, index, counts };
  };

  const header = (startedAt: Date, lastFull: string): StateHeader => ({
    secsliSyncState: STATE_VERSION,
    source,
    scope: factory.scope,
    lastSync: startedAt.toISOString(),
    lastFull,
    tool: toolVersion(),
  });

  /** Opens the writer for the new state; a file system that refuses only costs the next run a full pull. */
  const openWriter = (h: StateHeader, log: Logger): StateWriter | undefined => {
    try {
      return new StateWriter(file, h);
    } catch (err) {
      log.warn(`${label}: cannot write sync state ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); the next run pulls in full`);
      return undefined;
    }
  };

  const finish = (writer: StateWriter | undefined, status: SourceStatus, log: Logger) => {
    if (!writer) return;
    if (!status.complete || opts.signal?.aborted) {
      writer.abort();
      log.warn(`${label}: incomplete, so the sync state is not updated; the next run asks again from the last complete sync`);
      return;
    }
    try {
      writer.commit();
      log.debug(`${label}: sync state saved (${writer.records} records) to ${file}`);
    } catch (err) {
      writer.abort();
      log.warn(`${label}: cannot save sync state ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); the next run pulls in full`);
    }
  };

  const fullPull = async (sink: RecordSink, log: Logger, startedAt: Date): Promise<SourceStatus> => {
    const writer = openWriter(header(startedAt, startedAt.toISOString()), log);
    let status: SourceStatus;
    try {
      status = await factory.create().collect(
        {
          record(raw, where) {
            sink.record(raw, where);
            const f = recordFacts(source, raw);
            if (f.id !== undefined) writer?.add({ ...facts({ ...f, id: f.id }), raw });
          },
          reject: (r) => sink.reject(r),
        },
        log,
      );
    } catch (err) {
      writer?.abort();
      throw err;
    }
    finish(writer, status, log);
    return status;
  };

  const incremental = async (sink: RecordSink, log: Logger, startedAt: Date, state: Loaded): Promise<SourceStatus> => {
    const since = new Date(parseUtc(state.header.lastSync) - overlapMs).toISOString();
    const changes = new Map<string, RecordFacts & { id: string; raw: unknown }>();
    const anonymous: Array<{ raw: unknown; where: RecordOrigin }> = [];
    /** Merged-set size per scope key, minus the stored count: replaced stored copies out, kept changes in. */
    const delta = new Map<string, number>();
    const adjust = (key: string, by: number) => delta.set(key, (delta.get(key) ?? 0) + by);
    let received = 0;

    const query: IncrementalQuery = {
      since,
      known(account, region) {
        for (const key of new Set([...state.counts.keys(), ...delta.keys()])) {
          const [a, r] = key.split('|');
          if ((account === undefined || a === account) && (region === undefined || r === region)) {
            if ((state.counts.get(key) ?? 0) + (delta.get(key) ?? 0) > 0) return true;
          }
        }
        return false;
      },
    };
    const status = await factory.create(query).collect(
      {
        record(raw, where) {
          received++;
          const f = recordFacts(source, raw);
          if (f.id === undefined) return void anonymous.push({ raw, where });
          const ms = updatedMs(f.updatedAt);
          const prev = changes.get(f.id);
          if (prev) {
            if (ms < updatedMs(prev.updatedAt)) return;
            if (prev.keep) adjust(scopeKey(prev), -1);
          } else {
            const stored = state.index.get(f.id);
            if (stored) {
              if (ms < stored.ms) return; // the stored copy is newer (an overlap re-read of an older copy)
              adjust(stored.key, -1);
            }
          }
          changes.set(f.id, { ...f, id: f.id, raw });
          if (f.keep) adjust(scopeKey(f), +1);
        },
        reject: (r) => sink.reject(r),
      },
      log,
    );

    // The merged set, pushed in a stable order: stored records not replaced (file order), then the changes kept (by id).
    const writer = openWriter(header(startedAt, state.header.lastFull), log);
    let pushed = 0;
    let kept = 0;
    let dropped = 0;
    try {
      const storedOrigin = `api:${source} (sync state of ${state.header.lastSync})`;
      for await (const e of readStateEntries(file)) {
        if (changes.has(e.id)) continue;
        sink.record(e.raw, { origin: storedOrigin, record: ++pushed });
        writer?.add(e);
      }
      const changedOrigin = `api:${source} (changed since ${since})`;
      for (const id of [...changes.keys()].sort()) {
        const c = changes.get(id)!;
        if (!c.keep) {
          if (state.index.has(id)) dropped++;
          continue;
        }
        kept++;
        sink.record(c.raw, { origin: changedOrigin, record: ++pushed });
        writer?.add({ ...facts(c), raw: c.raw });
      }
      for (const a of anonymous) {
        sink.record(a.raw, a.where);
        pushed++;
      }
    } catch (err) {
      writer?.abort();
      throw err;
    }
    log.info(
      `${label}: incremental sync since ${since} (last sync ${state.header.lastSync} minus ${Math.round(overlapMs / 60_000)} min): ` +
        `${received} changed record(s) received, ${kept} current, ${dropped} no longer returned by a full pull; ${pushed} records in all`,
    );
    finish(writer, status, log);
    // The report's source list says where the numbers come from: stored records plus changes.
    const origins = [...status.origins, `sync state of ${state.header.lastSync} + changes since ${since}`];
    return { ...status, origins, records: pushed };
  };

  return {
    source,
    describe: base.describe,
    async collect(sink: RecordSink, log: Logger): Promise<SourceStatus> {
      const startedAt = now();
      const state = await load(startedAt);
      if ('why' in state) {
        log[state.warn ? 'warn' : 'info'](`${label}: full pull (${state.why})`);
        return fullPull(sink, log, startedAt);
      }
      return incremental(sink, log, startedAt, state);
    },
  };
}

function facts(f: RecordFacts & { id: string }) {
  return { id: f.id, updatedAt: f.updatedAt, ...(f.account ? { account: f.account } : {}), ...(f.region ? { region: f.region } : {}) };
}

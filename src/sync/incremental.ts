import { parseUtc } from '../model/time.js';
import type { IncrementalQuery, LiveCollectorFactory } from '../collectors/live.js';
import type { Collector, RecordOrigin, RecordSink, SourceStatus } from '../collectors/types.js';
import type { Logger } from '../log.js';
import type { Source } from '../model/finding.js';
import { toolVersion } from '../package-root.js';
import { recordFacts, updatedMs, type RecordFacts } from './records.js';
import { fsStateStore } from '../store/fs.js';
import type { StateStore, StateVersion } from '../store/types.js';
import { redactedValue, type GuardOptions } from '../report/file-guard.js';
import { publishState, type PendingStates } from './pending.js';
import { readStateEntries, StateWriter, STATE_VERSION, type GapScope, type StateHeader } from './state.js';
import { loadStoredState, scopeKey, type Loaded } from './stored.js';

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
 * run asks again from the same point. It replaces the stored one only if that is still the version
 * this run read (StateStore.replace), and — with `pending` — only once the run folder is written. A missing, unreadable or foreign state file means a full
 * pull (with a warning when it existed but could not be used).
 */

export interface IncrementalOptions {
  /** Where the state files are (`RunStore.state`), or … */
  store?: StateStore;
  /** … a folder of state files (`syncStateDir(out)`). */
  dir?: string;
  /** Collects the new states, to be published after the run is written. Absent: each is published when its source completes. */
  pending?: PendingStates;
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
  /** The file guard's options for the state files (the run's secrets, redacted as in every file written). */
  guard?: GuardOptions;
}

const HOUR = 3_600_000;
/**
 * Security Hub's `UpdatedAt` is set by the finding provider and can trail the moment the finding
 * reached Security Hub; GitHub sets `updated_at` itself (the overlap only covers clock skew).
 */
const DEFAULT_OVERLAP_MS: Record<Source, number> = { securityhub: 6 * HOUR, dependabot: 1 * HOUR };
const DEFAULT_FULL_EVERY_MS = 7 * 24 * HOUR;

export function createIncrementalCollector(factory: LiveCollectorFactory, opts: IncrementalOptions): Collector {
  const source = factory.source;
  const base = factory.create();
  if (!opts.store && opts.dir === undefined) throw new Error('createIncrementalCollector: no state store');
  const store = opts.store ?? fsStateStore(opts.dir!);
  const where = store.where(source);
  const now = opts.now ?? (() => new Date());
  const overlapMs = opts.overlapMs ?? DEFAULT_OVERLAP_MS[source];
  const fullEveryMs = opts.fullEveryMs ?? DEFAULT_FULL_EVERY_MS;
  const label = base.describe;
  const guard = opts.guard ?? {};
  /** An id as the state file holds it (secrets redacted): what a changed record is matched by. */
  const stateId = redactedValue(guard);

  const load = (startedAt: Date) => loadStoredState(store, factory, { full: Boolean(opts.full), fullEveryMs, startedAt });

  const header = (startedAt: Date, lastFull: string): StateHeader => ({
    secsliSyncState: STATE_VERSION,
    source,
    scope: factory.scope,
    lastSync: startedAt.toISOString(),
    lastFull,
    tool: toolVersion(),
  });

  const why = (err: unknown) => (err as NodeJS.ErrnoException).code ?? (err as Error).message;
  /** Opens the writer for the new state; a file system that refuses only costs the next run a full pull. */
  const openWriter = async (h: StateHeader, log: Logger): Promise<StateWriter | undefined> => {
    try {
      return new StateWriter(await store.staging(source), h, guard);
    } catch (err) {
      log.warn(`${label}: cannot write sync state ${where} (${why(err)}); the next run pulls in full`);
      return undefined;
    }
  };

  const finish = async (writer: StateWriter | undefined, status: SourceStatus, log: Logger, expected: StateVersion | undefined) => {
    if (!writer) return;
    if (!status.complete || opts.signal?.aborted) {
      writer.abort();
      log.warn(`${label}: incomplete, so the sync state is not updated; the next run asks again from the last complete sync`);
      return;
    }
    try {
      writer.commit(gapScopes(status));
    } catch (err) {
      writer.abort();
      log.warn(`${label}: cannot save sync state ${where} (${why(err)}); it stays as it was, and the next run starts from it (or pulls in full when there is none)`);
      return;
    }
    const item = { source, label, store, staged: writer.tmp, expected, records: writer.records };
    if (opts.pending) opts.pending.add(item);
    else await publishState(item, log);
  };

  const fullPull = async (sink: RecordSink, log: Logger, startedAt: Date, expected: StateVersion | undefined): Promise<SourceStatus> => {
    const writer = await openWriter(header(startedAt, startedAt.toISOString()), log);
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
    await finish(writer, status, log, expected);
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
        // A scope that did not answer last time has no records to judge by: whether it answers now
        // is what counts (and if it does, the run becomes a full pull below).
        if ((state.header.gaps ?? []).some((g) => (account === undefined || g.account === account) && (region === undefined || g.region === region))) return true;
        for (const key of new Set([...state.counts.keys(), ...delta.keys()])) {
          const [a, r] = key.split('|');
          if ((account === undefined || a === account) && (region === undefined || r === region)) {
            if ((state.counts.get(key) ?? 0) + (delta.get(key) ?? 0) > 0) return true;
          }
        }
        return false;
      },
    };
    // Held back until the changes are known to be enough: a scope that answers again after a gap
    // means a full pull instead, which reports its own rejects.
    const rejects: Parameters<RecordSink['reject']>[0][] = [];
    const status = await factory.create(query).collect(
      {
        record(raw, where) {
          received++;
          const f = recordFacts(source, raw);
          if (f.id === undefined) return void anonymous.push({ raw, where });
          // Matched as stored: an id with a secret in it is stored redacted, and must still replace its stored copy.
          const id = stateId(f.id);
          const ms = updatedMs(f.updatedAt);
          const prev = changes.get(id);
          if (prev) {
            if (ms < updatedMs(prev.updatedAt)) return;
            if (prev.keep) adjust(scopeKey(prev), -1);
          } else {
            const stored = state.index.get(id);
            if (stored) {
              if (ms < stored.ms) return; // the stored copy is newer (an overlap re-read of an older copy)
              adjust(stored.key, -1);
            }
          }
          changes.set(id, { ...f, id, raw });
          if (f.keep) adjust(scopeKey(f), +1);
        },
        reject: (r) => void rejects.push(r),
      },
      log,
    );

    // A scope that did not answer at the last sync has its records missing or stale there, and
    // "changed since" cannot bring back what changed before: once it answers, pull in full.
    const back = recovered(state.header.gaps ?? [], status);
    if (back.length) {
      log.info(`${label}: full pull (${back.map(scopeText).join(', ')} answered again after a gap in the last sync)`);
      return fullPull(sink, log, startedAt, state.version);
    }
    for (const r of rejects) sink.reject(r);

    // The merged set, pushed in a stable order: stored records not replaced (file order), then the changes kept (by id).
    const writer = await openWriter(header(startedAt, state.header.lastFull), log);
    let pushed = 0;
    let kept = 0;
    let dropped = 0;
    try {
      const storedOrigin = `api:${source} (sync state of ${state.header.lastSync})`;
      for await (const e of readStateEntries(state.file)) {
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
    await finish(writer, status, log, state.version);
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
        return fullPull(sink, log, startedAt, state.version);
      }
      return incremental(sink, log, startedAt, state);
    },
  };
}

const scopeId = (s: GapScope) => JSON.stringify([s.account ?? '', s.region ?? '', s.repo ?? '', s.org ?? '']);
const scopeText = (s: GapScope) => [s.org && `org ${s.org}`, s.repo, s.account, s.region].filter(Boolean).join(' ') || 'the whole source';

/** The scopes that did not answer (not the answered gaps: no evidence is an answer), each once, in a stable order (the state file is compared byte for byte in tests). */
function gapScopes(status: SourceStatus): GapScope[] {
  const byId = new Map<string, GapScope>();
  for (const c of status.coverage) if (c.status === 'gap' && !c.answered) byId.set(scopeId(c.scope), c.scope);
  return [...byId.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, scope]) => ({ ...scope }));
}

/** Stored gaps this run's coverage says answered. */
function recovered(gaps: readonly GapScope[], status: SourceStatus): GapScope[] {
  const covered = new Set(status.coverage.filter((c) => c.status === 'covered').map((c) => scopeId(c.scope)));
  return gaps.filter((g) => covered.has(scopeId(g)));
}

function facts(f: RecordFacts & { id: string }) {
  return { id: f.id, updatedAt: f.updatedAt, ...(f.account ? { account: f.account } : {}), ...(f.region ? { region: f.region } : {}) };
}

import { SecsliError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Source } from '../model/finding.js';
import { StateConflictError, type StateStore, type StateVersion } from '../store/types.js';

/** A new sync state, written and synced locally, waiting to replace the stored one. */
export interface StagedState {
  source: Source;
  /** The collector's description, for messages. */
  label: string;
  store: StateStore;
  staged: string;
  /** The stored version this run started from (undefined: there was none). */
  expected: StateVersion | undefined;
  records: number;
}

export type PublishResult = 'saved' | 'conflict' | 'failed';

/**
 * Replaces the stored state conditionally. A lost race (another run replaced it since this run
 * read it) keeps the other run's state; a storage error costs the next run a full pull.
 */
export async function publishState(s: StagedState, log: Logger): Promise<PublishResult> {
  try {
    await s.store.replace(s.source, s.staged, s.expected);
    log.debug(`${s.label}: sync state saved (${s.records} records) to ${s.store.where(s.source)}`);
    return 'saved';
  } catch (err) {
    await s.store.discard(s.staged).catch(() => {});
    if (err instanceof StateConflictError) {
      log.warn(`${s.label}: sync state ${s.store.where(s.source)} was replaced by another run after this one read it; keeping the other run's state`);
      return 'conflict';
    }
    const why = err instanceof SecsliError ? err.message : ((err as NodeJS.ErrnoException).code ?? (err as Error).message);
    log.warn(`${s.label}: cannot save sync state ${s.store.where(s.source)} (${why}); the next run pulls in full`);
    return 'failed';
  }
}

/**
 * The new states of one run, published only after its run folder is complete: a run that fails
 * (or is stopped) before that leaves the stored states as they were.
 */
export class PendingStates {
  private items: StagedState[] = [];

  add(s: StagedState): void {
    this.items.push(s);
  }

  /** Publishes every staged state; returns the sources whose state another run had replaced. */
  async publish(log: Logger): Promise<Source[]> {
    const lost: Source[] = [];
    for (const s of this.items.splice(0)) if ((await publishState(s, log)) === 'conflict') lost.push(s.source);
    return lost;
  }

  /**
   * The sources whose stored state is no longer the version this run started from: another run
   * replaced it. `score` asks before it publishes its run folder, so that its summary.json says so.
   */
  async replaced(): Promise<Source[]> {
    const out: Source[] = [];
    for (const s of this.items) if ((await s.store.version(s.source)) !== s.expected) out.push(s.source);
    return out;
  }

  async discard(): Promise<void> {
    for (const s of this.items.splice(0)) await s.store.discard(s.staged).catch(() => {});
  }
}

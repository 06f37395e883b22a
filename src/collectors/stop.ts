import type { Logger } from '../log.js';
import type { Collector, RecordSink, SourceStatus } from './types.js';

/**
 * Stopping a collection from outside: the whole-run deadline (`--timeout`) and SIGTERM/SIGINT
 * (src/cli/deadline.ts aborts an AbortSignal with a RunStopped as its reason).
 *
 * - timeout: the collector being read is cut short — what it pushed so far is kept and scored,
 *   its source is marked incomplete (the report is PARTIAL, exit 3), later collectors are skipped;
 * - cancelled: the run is abandoned (RunStopped is thrown; nothing is written).
 *
 * Collectors are not given the signal: the sink refuses records once it is aborted, so a
 * collector still running in the background dies at its next record, and the incremental sync
 * (which only saves state after a complete source) never saves what it read after the stop.
 */
export class RunStopped extends Error {
  constructor(
    public kind: 'timeout' | 'cancelled',
    message: string,
  ) {
    super(message);
    this.name = 'RunStopped';
  }

  /**
   * A signal after the deadline: the run is abandoned all the same. An AbortSignal keeps its first
   * reason, so the deadline's reason becomes the cancellation (SIGTERM had been logged as
   * "abandoning the run" and the run published anyway).
   */
  cancel(message: string): void {
    this.kind = 'cancelled';
    this.message = message;
  }
}

export function stopOf(signal: AbortSignal): RunStopped {
  return signal.reason instanceof RunStopped ? signal.reason : new RunStopped('cancelled', 'the run was cancelled');
}

function stoppedStatus(c: Collector, stop: RunStopped, started: boolean): SourceStatus {
  const problem = started ? `cut short: ${stop.message}` : `not collected: ${stop.message}`;
  return { source: c.source, origins: [], complete: false, problems: [problem], coverage: [], records: 0 };
}

/** `c.collect(sink, log)`, ended early when `signal` aborts (see above). */
export async function collectUntil(c: Collector, sink: RecordSink, log: Logger, signal?: AbortSignal): Promise<SourceStatus> {
  if (!signal) return c.collect(sink, log);
  if (signal.aborted) {
    const stop = stopOf(signal);
    if (stop.kind === 'timeout') return stoppedStatus(c, stop, false);
    throw stop;
  }
  const guarded: RecordSink = {
    record(raw, where) {
      if (signal.aborted) throw stopOf(signal);
      sink.record(raw, where);
    },
    reject(r) {
      if (!signal.aborted) sink.reject(r);
    },
    ...(sink.batch
      ? {
          batch(b) {
            if (signal.aborted) throw stopOf(signal);
            sink.batch!(b);
          },
        }
      : {}),
  };
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(stopOf(signal));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  const run = c.collect(guarded, log);
  // After a stop nothing waits for the collector any more; its end (usually RunStopped from the sink) is of no interest.
  run.catch(() => {});
  try {
    return await Promise.race([run, aborted]);
  } catch (e) {
    if (e instanceof RunStopped && e.kind === 'timeout') return stoppedStatus(c, e, true);
    throw e;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/**
 * `work`, or the stop's RunStopped as soon as `signal` aborts, whichever comes first. For steps
 * that do not take a signal themselves (discovery's API calls, S3 reads before collecting): a
 * hung connection would otherwise hold the run past its --timeout and past SIGTERM. What `work`
 * was doing goes on in the background; nothing waits for it (the bin exits once the run is done).
 */
export function untilStopped<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      work.catch(() => {}); // its failure, later, is no one's to report
      reject(stopOf(signal));
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { RunStopped } from '../collectors/stop.js';
import { TEMP_HOST } from '../io/temp-names.js';
import { UsageError } from '../errors.js';
import type { Logger } from '../log.js';

/**
 * The whole-run deadline (`--timeout`) and SIGTERM/SIGINT for `secsli score`.
 *
 * - Deadline: collection ends where it is, what was read is scored, the report is PARTIAL, exit 3.
 * - SIGTERM (a cancelled Actions job, `docker stop`, an ECS task stopped) / SIGINT (Ctrl-C): the
 *   run is abandoned — no run folder (its temporary folder is removed), the sync state is left as
 *   it was — and the process exits 128 + the signal number (143 / 130), the shell convention, so a
 *   wrapper tells "stopped from outside" from "could not measure" (3).
 */
export const DEFAULT_TIMEOUT = '30m';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** The longest a Node timer waits (2³¹ − 1 ms, 24.8 days): past it, setTimeout fires after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** "90s", "30m", "2h", "1500ms" → milliseconds; "0" turns the deadline off. */
export function parseDuration(flag: string, value: string): number {
  if (value === '0') return 0;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value.trim());
  if (!m) throw new UsageError(`${flag}: "${value}" is not a duration`, `Examples: ${flag} 90s, ${flag} 30m, ${flag} 2h (0: no deadline).`);
  const ms = Number(m[1]) * UNIT_MS[m[2]!]!;
  // A longer one would end the run at once, PARTIAL (Node warns "TimeoutOverflowWarning … set to 1").
  if (ms > MAX_TIMER_MS)
    throw new UsageError(`${flag}: "${value}" is longer than a run can wait (at most 596h, 24.8 days)`, `Give ${flag} 596h or less, or ${flag} 0 for no deadline.`);
  return ms;
}

const SIGNAL_NUMBER: Record<string, number> = { SIGINT: 2, SIGTERM: 15 };

export interface RunStop {
  signal: AbortSignal;
  /** The signal that cancelled the run, if one did. */
  cancelledBy(): NodeJS.Signals | undefined;
  /** 128 + signal number. */
  cancelExitCode(): number;
  /** Stops the timer and the signal handlers; after a stop, removes this process's temporary files under `tempDirs`. */
  end(): void;
}

/** Anything that emits process signals (the process itself; tests pass an EventEmitter). */
export type SignalSource = Pick<NodeJS.Process, 'on' | 'off'>;

let stoppedInThisProcess = false;
/**
 * True once a run was stopped: collectors may still hold sockets open in the background (nothing
 * waits for them), so the bin exits explicitly instead of waiting for the event loop to drain.
 */
export const mustExitNow = () => stoppedInThisProcess;

export function startRunStop(o: { timeoutMs: number; timeoutText: string; signals?: SignalSource; log: Logger; tempDirs: string[] }): RunStop {
  const controller = new AbortController();
  let by: NodeJS.Signals | undefined;
  const timer =
    o.timeoutMs > 0
      ? setTimeout(() => {
          o.log.warn(`--timeout ${o.timeoutText} reached: ending collection; what was read is scored and the report is PARTIAL`);
          controller.abort(new RunStopped('timeout', `the --timeout deadline (${o.timeoutText}) passed`));
        }, o.timeoutMs)
      : undefined;
  timer?.unref();
  const onSignal = (name: NodeJS.Signals) => () => {
    if (controller.signal.aborted && by) return;
    by = name;
    o.log.warn(`${name} received: abandoning the run (no report is written, the sync state is left as it was)`);
    const reason: unknown = controller.signal.reason;
    if (controller.signal.aborted && reason instanceof RunStopped) reason.cancel(`cancelled by ${name}`);
    else controller.abort(new RunStopped('cancelled', `cancelled by ${name}`));
  };
  const handlers = (['SIGTERM', 'SIGINT'] as const).map((n) => [n, onSignal(n)] as const);
  for (const [n, h] of handlers) o.signals?.on(n, h);
  return {
    signal: controller.signal,
    cancelledBy: () => by,
    cancelExitCode: () => 128 + (SIGNAL_NUMBER[by ?? 'SIGTERM'] ?? 15),
    end() {
      if (timer) clearTimeout(timer);
      for (const [n, h] of handlers) o.signals?.off(n, h);
      if (!controller.signal.aborted) return;
      stoppedInThisProcess = true;
      for (const dir of o.tempDirs) removeOwnTemps(dir);
    },
  };
}

/**
 * Removes what this process left half-written in `dir`: run folders (`.<name>.tmp-h<host>-<pid>-…`) and
 * sync-state files (`<source>.ndjson.tmp-h<host>-<pid>-…`) of a collector that was still running.
 */
function removeOwnTemps(dir: string, pid = process.pid): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  // `.tmp-h<host>-<pid>-` (and `.tmp-<pid>-` from earlier versions): this process's, on this host.
  const own = new RegExp(`\\.tmp-(?:h${TEMP_HOST}-)?${pid}-`);
  for (const n of names) if (own.test(n)) rmSync(join(dir, n), { recursive: true, force: true });
}

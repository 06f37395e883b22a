import { EXIT } from '../errors.js';
import type { Skipped } from '../history/load.js';
import type { Logger } from '../log.js';

/** Runs the closing line names (each had its own warning already). */
const LEFT_OUT_NAMED = 5;

/**
 * The exit code of a history command that wrote its output (`done`: "the review was written"),
 * and, when it could not read runs it needed (history/load.ts leftOut), the closing stderr line
 * saying how many, which and why: 3, as `score` exits when it could not measure everything —
 * the output is there, and a scheduler alerting on the exit code learns of the hole. Runs left
 * out by design (narrowed, an upload in progress, outside the window) do not count.
 */
export function leftOutExit(log: Logger, left: readonly Skipped[], done: string, flags: { logFormat: 'text' | 'json' }): number {
  if (left.length === 0) return EXIT.OK;
  const named = left
    .slice(0, LEFT_OUT_NAMED)
    .map((s) => `${s.name} (${s.reason})`)
    .join('; ');
  const more = left.length > LEFT_OUT_NAMED ? `; and ${left.length - LEFT_OUT_NAMED} more (warnings above)` : '';
  log.warn(
    `${left.length} run(s) left out, could not be read: ${named}${more}; ${done} without them (exit 3)`,
    flags.logFormat === 'json' ? { event: 'left-out', exitCode: EXIT.SOURCE, leftOut: left.map(({ name, reason }) => ({ name, reason })) } : undefined,
  );
  return EXIT.SOURCE;
}

/** No run to show: every one of `folders` run folders was skipped, or there is none. */
export function noRunsText(folders: number): string {
  return folders ? `no readable runs: all ${folders} run folder(s) there were skipped (the warnings above say why)` : 'no readable runs';
}

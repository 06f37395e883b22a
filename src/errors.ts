import type { ConfigProblem } from './config/problem.js';

export type { ConfigProblem };

/**
 * One error type per thing the user can fix, each with an exit code and a hint.
 * Only src/cli turns these into process exit codes.
 */
import { sanitizeLine } from './text/sanitize.js';

export const EXIT = {
  OK: 0,
  FAIL_ON: 1,
  USAGE: 2,
  SOURCE: 3,
  INTERNAL: 70,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class SecsliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad command line: unknown flag, missing file, bad --as-of. */
export class UsageError extends SecsliError {
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, EXIT.USAGE, hint, options);
  }
}

/** One problem in assets.yaml, located as `file:line:col path: message`. */
export function formatProblem(p: ConfigProblem): string {
  const where = p.line ? `${p.file}:${p.line}:${p.col ?? 1}` : p.file;
  const sev = p.severity === 'warning' ? 'warning: ' : '';
  // Paths and messages quote the file's own keys and values: outside text, sanitised.
  return sanitizeLine(`${where} ${p.path || '(root)'}: ${sev}${p.message}`);
}

/** assets.yaml is invalid: carries every problem found, not just the first. */
export class ConfigError extends SecsliError {
  constructor(readonly problems: ConfigProblem[]) {
    const errors = problems.filter((p) => p.severity === 'error');
    super(
      `${errors.length} error(s) in ${problems[0]?.file ?? 'configuration'}:\n` + errors.map(formatProblem).join('\n'),
      EXIT.USAGE,
      'Fix the lines above; `secsli validate` checks the file without collecting anything.',
    );
  }
}

/** The output folder cannot be written. Nothing partial is left behind. */
export class OutputError extends SecsliError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, EXIT.USAGE, 'Check that --out points to a writable folder.', options);
  }
}

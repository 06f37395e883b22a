import { type Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { decideOutcome, type FailOn } from '../report/summary.js';
import type { SignalSource } from './deadline.js';
import { createLogger, type Logger } from '../log.js';
import { SOURCES, type Source } from '../model/finding.js';
import { liveSecrets } from '../collectors/secrets.js';
import type { FromFile } from '../collectors/select.js';
import type { ScoreResult } from '../scoring/types.js';
import { didYouMean } from '../inventory/did-you-mean.js';
import { parseUtc } from '../model/time.js';

/** What every command shares: I/O handles, collect flags, and the exit-code rules. */

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** The wall clock, read only when --as-of is not given. */
  now: () => Date;
  /** SIGTERM/SIGINT end a `score` run cleanly (the bin passes `process`; in-process tests leave it out). */
  signals?: SignalSource;
}

export { FAIL_ON, type FailOn } from '../report/summary.js';

/**
 * 3 whenever the measurement is incomplete — a source failed, or an asset's expected source did
 * not answer for it — so 0 and 1 always describe a complete measurement (src/report/summary.ts).
 */
/**
 * Why a run exits 3, in a few lines for stderr (report.md says it at length): a scheduler's log
 * and an engineer at a terminal must not have to open the report to learn that.
 */
export function unmeasuredReasons(result: ScoreResult, max = 10): string[] {
  const out: string[] = [];
  for (const s of result.sources) if (!s.complete) out.push(`${s.describe}: incomplete — ${s.problems.join('; ') || 'no reason given'}`);
  for (const a of result.assets) {
    for (const c of a.coverage) if (c.status === 'gap') out.push(`${a.asset.id}: ${c.source} did not answer for it${c.reasons.length ? ` — ${c.reasons.join('; ')}` : ''}`);
  }
  return out.length > max ? [...out.slice(0, max), `…and ${out.length - max} more (see report.md, "Coverage gaps")`] : out;
}

/** A whole number ≥ 0 for a count flag; anything else is a usage error, not a silent NaN or negative. */
export function countFlag(flag: string) {
  return (v: string): number => {
    if (!/^\d+$/.test(v.trim())) throw new UsageError(`${flag}: "${v}" is not a whole number ≥ 0`, `Example: ${flag} 20`);
    return Number(v);
  };
}

export function exitCodeFor(result: ScoreResult, failOn?: Exclude<FailOn, 'worse'>): number {
  return decideOutcome(result, { failOn }).exitCode;
}

export function parseAsOf(value: string | undefined, now: () => Date): Date {
  if (value === undefined) return now();
  const t = parseUtc(value);
  // The one time parser (model/time.ts): ISO 8601 or RFC 2822, strict, as the README says of every time secsli reads.
  if (Number.isNaN(t)) {
    throw new UsageError(
      `--as-of: "${value}" is not an ISO 8601 or RFC 2822 time that exists`,
      'Example: --as-of 2026-11-27T00:00:00Z (no zone means UTC), or "Fri, 27 Nov 2026 00:00:00 GMT"',
    );
  }
  return new Date(t);
}

export function parseFrom(values: string[] | undefined): FromFile[] {
  return (values ?? []).map((v) => {
    const eq = v.indexOf('=');
    const source = v.slice(0, eq) as Source;
    if (eq < 1 || !SOURCES.includes(source) || eq === v.length - 1) {
      const guess = eq > 0 ? didYouMean(v.slice(0, eq), SOURCES) : undefined;
      throw new UsageError(
        `--from "${v}": expected SOURCE=FILE with SOURCE one of ${SOURCES.join(', ')}${guess ? `; did you mean ${guess}?` : ''}`,
        `Example: --from ${guess ?? 'securityhub'}=${eq > 0 && eq < v.length - 1 ? v.slice(eq + 1) : 'exports/findings.json'}`,
      );
    }
    return { source, file: v.slice(eq + 1) };
  });
}

/** Options shared by every command that collects and scores. */
export function addCollectOptions(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'inventory file', 'assets.yaml')
    .option('--as-of <time>', 'score as of this ISO 8601 time (default: now); fixes every date for reproducible reports')
    .option('--from <source=file>', 'read exported findings instead of calling the APIs (repeatable; sources: securityhub, dependabot)', (v: string, prev: string[] = []) => [
      ...prev,
      v,
    ])
    .option('--kev <file>', 'CISA KEV catalog JSON (default: policy.kev, else the bundled snapshot)')
    .addOption(new Option('--log-format <format>', 'log format on stderr').choices(['text', 'json']).default('text'))
    .option('-q, --quiet', "only warnings and errors on stderr (and `score`'s closing summary line, which schedulers read)")
    .option('-v, --verbose', 'debug logs on stderr');
}

export interface CollectFlags {
  config: string;
  asOf?: string;
  from?: string[];
  kev?: string;
  logFormat: 'text' | 'json';
  quiet?: boolean;
  verbose?: boolean;
}

/** Every secret the environment holds (tokens, keys): redacted from anything secsli prints. */
export const secretsFrom = liveSecrets;

export function loggerFor(flags: CollectFlags, io: Io): Logger {
  return createLogger({
    format: flags.logFormat,
    quiet: Boolean(flags.quiet),
    verbose: Boolean(flags.verbose),
    stream: io.stderr,
    secrets: secretsFrom(io.env),
  });
}

export function collectOptions(flags: CollectFlags, io: Io, log: Logger) {
  return {
    configPath: flags.config,
    asOf: parseAsOf(flags.asOf, io.now),
    from: parseFrom(flags.from),
    env: io.env,
    log,
    ...(flags.kev ? { kevPath: flags.kev } : {}),
  };
}

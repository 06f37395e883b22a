import { Command, CommanderError, Option } from 'commander';
import { EXIT, SecsliError } from '../errors.js';
import { redact, redactAll } from '../log.js';
import { jsonSafe, sanitizeLine } from '../text/sanitize.js';
import { toolVersion } from '../package-root.js';
import { registerBaseline } from './baseline.js';
import { registerExplain } from './explain.js';
import { registerFixes } from './fixes.js';
import { RunStopped } from '../collectors/stop.js';
import { DEFAULT_TIMEOUT, parseDuration, startRunStop } from './deadline.js';
import { registerInit } from './init.js';
import { addCollectOptions, collectOptions, FAIL_ON, loggerFor, secretsFrom, unmeasuredReasons, type CollectFlags, type FailOn, type Io } from './options.js';
import { registerDiff } from './diff.js';
import { keepDaysFlag, registerPrune } from './prune.js';
import { registerReview } from './review.js';
import { registerTrend } from './trend.js';
import { registerValidate } from './validate.js';

/**
 * argv → command → exit code. The only place that decides exit codes (the bin sets process.exitCode).
 * Exit codes: 0 ok; 1 an asset at the --fail-on level; 2 usage/configuration; 3 a source failed or
 * was incomplete (report written, marked PARTIAL); 70 internal error.
 */

function registerScore(program: Command, io: Io, setExit: (n: number) => void): void {
  const cmd = addCollectOptions(program.command('score').description('collect findings, score every asset, write a report folder'))
    .option('-o, --out <dir>', 'parent folder for run folders, or s3://bucket/prefix', 'reports')
    .option('--s3-sse-kms-key-id <key>', 'with --out s3://…: encrypt every object with this KMS key (SSE-KMS); default $SECSLI_S3_SSE_KMS_KEY_ID')
    .option('--asset <id>', 'score and report only this asset')
    .addOption(
      new Option(
        '--fail-on <level>',
        'exit 1 when any asset is at this level or worse; "worse": only when an asset\'s status got worse since the previous run (or a new asset starts BREACHED)',
      ).choices([...FAIL_ON]),
    )
    .option('--timeout <duration>', 'whole-run deadline: collection ends there, what was read is scored, the report is PARTIAL (exit 3); 0 = none', DEFAULT_TIMEOUT)
    .option('--save-raw', 'keep exactly what was collected (raw/<source>.ndjson) inside the run folder, replayable with --from')
    .option('--full', 'live sources: pull everything instead of only what changed since the last sync (state in <out>/.secsli-state/)')
    .option('--no-discovery', 'live sources: skip inventory truth (discovery of repositories and accounts, drift, inventory.csv)')
    .option(
      '--keep-days <n>',
      'history retention: once this run is written, remove runs older than n days before the newest not after now (as `secsli prune`; this run always stays)',
      keepDaysFlag('--keep-days'),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ secsli score --from securityhub=sh.json --from dependabot=alerts.json --as-of 2026-11-27T00:00:00Z
  $ secsli score --config assets.yaml --fail-on worse --log-format json     # scheduled job, live APIs
  $ secsli score --out s3://acme-secsli/history --s3-sse-kms-key-id alias/secsli   # history and sync state in S3

Prints the run folder on stdout; the folder's summary.json (and, with --log-format json, the last
log line) says why the run exits as it does. Exit codes: 0 ok, 1 an asset at the --fail-on level
(worse: a status got worse), 2 usage or configuration error, 3 could not measure everything,
--timeout reached (report written and marked PARTIAL) or another run replaced the sync state,
70 internal error, 143/130 stopped by SIGTERM/SIGINT (nothing written).`,
    );
  cmd.action(
    async (
      flags: CollectFlags & {
        out: string;
        asset?: string;
        failOn?: FailOn;
        saveRaw?: boolean;
        full?: boolean;
        timeout: string;
        discovery?: boolean;
        s3SseKmsKeyId?: string;
        keepDays?: number;
      },
    ) => {
      const log = loggerFor(flags, io);
      const json = flags.logFormat === 'json';
      // Commands register without loading what they run: the pipeline is imported when `score` runs.
      const [{ runScore }, { syncStateDir }, { isS3Location }, { summaryLogFields, STATE_CONFLICT }] = await Promise.all([
        import('../score-run.js'),
        import('../sync/state.js'),
        import('../store/index.js'),
        import('../report/summary.js'),
      ]);
      const kms = flags.s3SseKmsKeyId ?? io.env.SECSLI_S3_SSE_KMS_KEY_ID;
      // Local temp folders to remove on a signal (an S3 run stages under the OS temp folder and removes it itself).
      const tempDirs = isS3Location(flags.out) ? [] : [flags.out, syncStateDir(flags.out)];
      const stop = startRunStop({
        timeoutMs: parseDuration('--timeout', flags.timeout),
        timeoutText: flags.timeout,
        ...(io.signals ? { signals: io.signals } : {}),
        log,
        tempDirs,
      });
      try {
        const {
          runDir,
          result,
          summary: s,
          lateStateConflicts,
        } = await runScore({
          ...collectOptions(flags, io, log),
          out: flags.out,
          ...(flags.asset ? { asset: flags.asset } : {}),
          ...(flags.saveRaw ? { saveRaw: true } : {}),
          ...(flags.failOn ? { failOn: flags.failOn } : {}),
          ...(flags.discovery === false ? { discovery: false } : {}),
          ...(flags.full ? { full: true } : {}),
          ...(kms ? { sseKmsKeyId: kms } : {}),
          ...(flags.keepDays !== undefined ? { keepDays: flags.keepDays, now: io.now } : {}),
          stop: stop.signal,
        });
        // summary.json has the exit code, a lost race for the sync state included (found before the
        // run folder was published). A race lost only after it was published (both runs publishing
        // at once) cannot change what summary.json says: the run exits as it says, with a warning.
        if (s.exitReason === 'incomplete' && s.message.startsWith(STATE_CONFLICT)) log.error(`${s.message}: the next run starts from the other run's state`);
        if (lateStateConflicts.length)
          log.warn(
            `sync state (${lateStateConflicts.join(', ')}) replaced by another run while this run was being published: its state kept, this run's not saved; this run's report stands (exit ${s.exitCode}). Run one job at a time per --out.`,
          );
        if (s.exitCode === EXIT.SOURCE) for (const line of unmeasuredReasons(result)) log.warn(`not measured: ${line}`);
        const b = s.byStatus;
        // "run complete" only for a run that measured everything: an exit 3 without a source cut short
        // (a coverage gap, records that name no asset) is not one a filter on the words may take for whole.
        const lead = s.partial ? 'PARTIAL run' : s.exitCode === EXIT.SOURCE ? 'run incomplete' : 'run complete';
        const line = `${lead}: ${s.assets} assets — ${b.BREACHED} breached, ${b.UNKNOWN} unknown, ${b['AT RISK']} at risk, ${b.OK} ok; exit ${s.exitCode} (${s.exitReason}: ${s.message})`;
        // The last line a scheduler reads: the same facts as summary.json (at most 100 status changes).
        // An info line, but -q never drops it: the Action's outputs with S3 history and every
        // metric filter on `event = "summary"` are built from it.
        const closing = flags.quiet ? loggerFor({ ...flags, quiet: false }, io) : log;
        closing.info(line, json ? { event: 'summary', ...summaryLogFields(s) } : undefined);
        io.stdout.write(runDir + '\n');
        setExit(s.exitCode);
      } catch (e) {
        if (!(e instanceof RunStopped) || e.kind !== 'cancelled') throw e;
        const exitCode = stop.cancelExitCode();
        log.error(`${e.message}: no report written, sync state untouched; exit ${exitCode}`, json ? { event: 'summary', exitCode, exitReason: 'cancelled' } : undefined);
        setExit(exitCode);
      } finally {
        stop.end();
      }
    },
  );
}

/** stdout with every secret the environment holds redacted: results quote outside text too. */
function redactingStdout(io: Io): Io {
  const secrets = secretsFrom(io.env);
  if (secrets.length === 0) return io;
  const stdout = new Proxy(io.stdout, {
    get(target, key) {
      if (key === 'write') return (chunk: unknown, ...rest: never[]) => target.write(typeof chunk === 'string' ? redact(chunk, secrets) : (chunk as string), ...rest);
      const v: unknown = Reflect.get(target, key);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { ...io, stdout };
}

export async function main(argv: string[], given: Io): Promise<number> {
  const io = redactingStdout(given);
  const json = argv.some((a, i) => a === '--log-format=json' || (a === '--log-format' && argv[i + 1] === 'json'));
  // The parser's own errors quote the arguments (a token pasted by a misquoted workflow line, raw
  // escapes): they go out as every other error does, sanitised and redacted, one JSON line with
  // --log-format json. Kept until the parse fails, then said once.
  let parserSaid = '';
  let exit: number = EXIT.OK;
  const setExit = (n: number) => {
    exit = n;
  };
  const program = new Command('secsli')
    .description('Risk SLIs per declared asset, from AWS Security Hub findings and GitHub Dependabot alerts')
    .version(toolVersion())
    .exitOverride()
    .showHelpAfterError('(add --help for usage and examples)')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => {
        parserSaid += s;
      },
    });
  registerScore(program, io, setExit);
  registerExplain(program, io, setExit);
  registerFixes(program, io, setExit);
  registerBaseline(program, io, setExit);
  registerValidate(program, io, setExit);
  registerReview(program, io, setExit);
  registerDiff(program, io, setExit);
  registerTrend(program, io, setExit);
  registerPrune(program, io, setExit);
  registerInit(program, io, setExit);
  for (const c of program.commands) c.exitOverride();

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exit;
  } catch (e) {
    // With exitOverride, whatever the parser wrote to stderr is followed by the error it throws.
    return reportError(e, io, json, parserSaid);
  }
}

/**
 * Says `e` on stderr as the CLI says every error — each line sanitised, the environment's secrets
 * redacted, a summary event under --log-format json — and returns its exit code (70 for a bug).
 * Also the bin's last word on what escapes everything else (src/cli/index.ts).
 */
export function reportError(e: unknown, io: Pick<Io, 'stderr' | 'env' | 'now'>, json: boolean, parserSaid = ''): number {
  const secrets = secretsFrom(io.env);
  // Error messages quote outside text (ids, file excerpts): each line sanitised, secrets redacted.
  const say = (s: string, fields: Record<string, unknown> = {}) =>
    io.stderr.write(
      redactAll(
        json
          ? jsonSafe(JSON.stringify({ time: io.now().toISOString(), level: 'error', msg: s, ...fields }))
          : s
              .split('\n')
              .map((l) => sanitizeLine(l))
              .join('\n'),
        secrets,
      ) + '\n',
    );
  if (e instanceof CommanderError) {
    // help and version "errors" are successes (printed on stdout); the parser's message, said here.
    if (e.exitCode === 0) {
      if (parserSaid) say(parserSaid.replace(/\n+$/, ''));
      return EXIT.OK;
    }
    // A bad flag, value or command is a run that could not start: with --log-format json it ends
    // with a summary event like every other run (docs/scheduled-job.md), the parser's message in it.
    const msg = (parserSaid || e.message).replace(/\n+$/, '');
    if (json) say(msg, { event: 'summary', exitCode: EXIT.USAGE, exitReason: 'usage' });
    else say(msg);
    return EXIT.USAGE;
  }
  if (e instanceof SecsliError) {
    // The last line a scheduler reads is a summary event whatever the exit (docs/scheduled-job.md's
    // metric filter matches `$.event = "summary"`): a run that could not start or write says so too.
    if (json) say(e.message, { event: 'summary', exitCode: e.exitCode, exitReason: e.exitCode === EXIT.USAGE ? 'usage' : 'error', ...(e.hint ? { hint: e.hint } : {}) });
    else {
      say(`secsli: error: ${e.message}`);
      if (e.hint) say(`hint: ${e.hint}`);
    }
    return e.exitCode;
  }
  const err = e as Error;
  if (json) {
    say(`secsli: internal error: ${err?.stack ?? String(e)}. This is a bug in secsli; please report it with the command you ran.`, {
      event: 'summary',
      exitCode: EXIT.INTERNAL,
      exitReason: 'internal-error',
    });
    return EXIT.INTERNAL;
  }
  say(`secsli: internal error: ${err?.stack ?? String(e)}`);
  say('This is a bug in secsli; please report it with the command you ran.');
  return EXIT.INTERNAL;
}

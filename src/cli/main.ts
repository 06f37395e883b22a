import { Command, CommanderError, Option } from 'commander';
import { EXIT, SecsliError } from '../errors.js';
import { redact } from '../log.js';
import { jsonSafe, sanitizeLine } from '../text/sanitize.js';
import { toolVersion } from '../package-root.js';
import { registerBaseline } from './baseline.js';
import { registerExplain } from './explain.js';
import { registerFixes } from './fixes.js';
import { registerInit } from './init.js';
import { addCollectOptions, collectOptions, exitCodeFor, FAIL_ON, loggerFor, secretsFrom, unmeasuredReasons, type CollectFlags, type FailOn, type Io } from './options.js';
import { registerDiff } from './diff.js';
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
    .option('-o, --out <dir>', 'parent folder for run folders', 'reports')
    .option('--asset <id>', 'score and report only this asset')
    .addOption(new Option('--fail-on <level>', 'exit 1 when any asset is at this level or worse').choices([...FAIL_ON]))
    .option('--save-raw', 'keep exactly what was collected (raw/<source>.ndjson) inside the run folder, replayable with --from')
    .option('--full', 'live sources: pull everything instead of only what changed since the last sync (state in <out>/.secsli-state/)')
    .option('--no-discovery', 'live sources: skip inventory truth (discovery of repositories and accounts, drift, inventory.csv)')
    .addHelpText('after', `
Examples:
  $ secsli score --from securityhub=sh.json --from dependabot=alerts.json --as-of 2026-11-27T00:00:00Z
  $ secsli score --config assets.yaml --fail-on breached --log-format json     # scheduled job, live APIs

Prints the run folder on stdout. Exit codes: 0 ok, 1 an asset at the --fail-on level,
2 usage or configuration error, 3 a source failed (report written and marked PARTIAL), 70 internal error.`);
  cmd.action(async (flags: CollectFlags & { out: string; asset?: string; failOn?: FailOn; saveRaw?: boolean; full?: boolean; discovery?: boolean }) => {
    const log = loggerFor(flags, io);
    // Commands register without loading what they run: the pipeline is imported when `score` runs.
    const [{ runScore }, { syncStateDir }] = await Promise.all([import('../pipeline.js'), import('../sync/state.js')]);
    const { runDir, result } = await runScore({
      ...collectOptions(flags, io, log),
      out: flags.out,
      ...(flags.asset ? { asset: flags.asset } : {}),
      ...(flags.saveRaw ? { saveRaw: true } : {}),
      ...(flags.discovery === false ? { discovery: false } : {}),
      sync: { dir: syncStateDir(flags.out), ...(flags.full ? { full: true } : {}) },
    });
    const n = (s: string) => result.assets.filter((a) => a.status === s).length;
    log.info(
      `${result.partial ? 'PARTIAL run' : 'run complete'}: ${result.assets.length} assets — ${n('BREACHED')} breached, ${n('UNKNOWN')} unknown, ${n('AT RISK')} at risk, ${n('OK')} ok`,
    );
    io.stdout.write(runDir + '\n');
    const code = exitCodeFor(result, flags.failOn);
    if (code === EXIT.SOURCE) for (const line of unmeasuredReasons(result)) log.warn(`not measured: ${line}`);
    setExit(code);
  });
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
  let exit: number = EXIT.OK;
  const setExit = (n: number) => {
    exit = n;
  };
  const program = new Command('secsli')
    .description('Risk SLIs per declared asset, from AWS Security Hub findings and GitHub Dependabot alerts')
    .version(toolVersion())
    .exitOverride()
    .showHelpAfterError('(add --help for usage and examples)')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  registerScore(program, io, setExit);
  registerExplain(program, io, setExit);
  registerFixes(program, io, setExit);
  registerBaseline(program, io, setExit);
  registerValidate(program, io, setExit);
  registerReview(program, io, setExit);
  registerDiff(program, io, setExit);
  registerTrend(program, io, setExit);
  registerInit(program, io, setExit);
  for (const c of program.commands) c.exitOverride();

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exit;
  } catch (e) {
    const json = argv.some((a, i) => a === '--log-format=json' || (a === '--log-format' && argv[i + 1] === 'json'));
    return reportError(e, io, json);
  }
}

function reportError(e: unknown, io: Io, json: boolean): number {
  const secrets = secretsFrom(io.env);
  // Error messages quote outside text (ids, file excerpts): each line sanitised, secrets redacted.
  const say = (s: string, fields: Record<string, unknown> = {}) =>
    io.stderr.write(
      redact(json ? jsonSafe(JSON.stringify({ time: io.now().toISOString(), level: 'error', msg: s, ...fields })) : s.split('\n').map((l) => sanitizeLine(l)).join('\n'), secrets) + '\n',
    );
  if (e instanceof CommanderError) {
    // help and version "errors" are successes; commander already printed its message.
    return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  }
  if (e instanceof SecsliError) {
    if (json) say(e.message, { exitCode: e.exitCode, ...(e.hint ? { hint: e.hint } : {}) });
    else {
      say(`secsli: error: ${e.message}`);
      if (e.hint) say(`hint: ${e.hint}`);
    }
    return e.exitCode;
  }
  const err = e as Error;
  say(`secsli: internal error: ${err?.stack ?? String(e)}`);
  say('This is a bug in secsli; please report it with the command you ran.');
  return EXIT.INTERNAL;
}


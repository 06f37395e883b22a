import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import type { Run } from '../history/load.js';
import type { Paper } from '../history/pdf.js';
import { DEFAULT_OBJECTIVE, DEFAULT_RECENT_DAYS } from '../history/slo-defaults.js';
import { createLogger, type Logger } from '../log.js';
import { leftOutExit, noRunsText } from './left-out.js';
import { secretsFrom, type Io } from './options.js';

/** Log flags for the history commands (they collect nothing, so they take no collect flags). */
export interface LogFlags {
  logFormat: 'text' | 'json';
  quiet?: boolean;
  verbose?: boolean;
}

export function addLogOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--log-format <format>', 'log format on stderr').choices(['text', 'json']).default('text'))
    .option('-q, --quiet', 'only warnings and errors on stderr')
    .option('-v, --verbose', 'debug logs on stderr');
}

export function historyLogger(flags: LogFlags, io: Io): Logger {
  return createLogger({ format: flags.logFormat, quiet: Boolean(flags.quiet), verbose: Boolean(flags.verbose), stream: io.stderr, secrets: secretsFrom(io.env) });
}

function fraction(flag: string) {
  return (v: string) => {
    const n = Number(v);
    if (!(n > 0 && n < 1)) throw new UsageError(`${flag}: "${v}" is not a number between 0 and 1 (exclusive)`, `Example: ${flag} 0.9`);
    return n;
  };
}

function positiveInt(flag: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag}: "${v}" is not a positive whole number`, `Example: ${flag} 28`);
    return n;
  };
}

interface ReviewFlags extends LogFlags {
  reports: string;
  out: string;
  from?: string;
  to?: string;
  objective: number;
  recentDays: number;
  pdf?: boolean;
  paper: Paper;
}

export function registerReview(program: Command, io: Io, setExit: (n: number) => void): void {
  addLogOptions(program.command('review').description('write the quarterly security review pack (review.html, review.md, per-owner files, CSVs, SVG charts) from run history'))
    .option('--reports <dir>', 'folder of run folders, or s3://bucket/prefix (what `secsli score --out` writes)', 'reports')
    .option('-o, --out <dir>', 'parent folder for review folders', 'reviews')
    .option('--from <date>', 'first day of the window, UTC (default: the last full calendar quarter before the latest run)')
    .option('--to <date>', 'last day of the window, inclusive, UTC')
    .option('--objective <fraction>', 'share of runs each asset should meet both SLOs in', fraction('--objective'), DEFAULT_OBJECTIVE)
    .option('--recent-days <n>', 'days before the window end for the recent burn rate', positiveInt('--recent-days'), DEFAULT_RECENT_DAYS)
    .option('--pdf', 'also write review.pdf, printed by headless Chromium (Debian: apt-get install chromium; or SECSLI_CHROMIUM=path)')
    .addOption(new Option('--paper <size>', 'paper size for --pdf').choices(['a4', 'letter'] satisfies Paper[]).default('a4'))
    .addHelpText(
      'after',
      `
Examples:
  $ secsli review                                   # last full quarter, from ./reports into ./reviews
  $ secsli review --from 2026-07-01 --to 2026-09-30 --reports /data/secsli/reports
  $ secsli review --pdf --paper letter              # also review.pdf (needs Debian chromium)

Writes <out>/<2026-Q3 or FROM_TO>/ (never overwrites: a second one gets "-2") and prints its path.
Run folders that cannot be used are skipped with a warning and listed in the pack with the reason.
Exit codes: 0 written; 2 usage error, or no readable run to review (nothing written); 3 written,
but a run it needed could not be read (corrupt, invalid, cut short, a newer schemaVersion, an
abandoned S3 upload): the pack and a closing stderr line name it. Narrowed runs (score --asset),
S3 uploads still in progress and runs after a window they could not have moved are left out by
design (exit 0). Definitions: docs/review.md.`,
    )
    .action(async (flags: ReviewFlags) => {
      const log = historyLogger(flags, io);
      // Before any work: a missing Chromium is the user's to fix, and says how.
      const pdf = flags.pdf ? await import('../history/pdf.js') : null;
      const chromium = pdf ? await pdf.requireChromium(io.env) : null;
      // The implementation is loaded only when the command runs.
      const [{ loadHistory }, { reviewFiles }, { streamReview }, { resolveWindow }, { writeReview }, { openRunStore }] = await Promise.all([
        import('../history/load.js'),
        import('../history/review-files.js'),
        import('../history/review-stream.js'),
        import('../history/window.js'),
        import('../history/write-review.js'),
        import('../store/index.js'),
      ]);
      const store = await openRunStore(flags.reports, { env: io.env });
      // Summaries first; each run's findings are then read and folded one run at a time.
      const summaries = await loadHistory(store, log, { findings: false });
      // Every run folder skipped (none readable) is the usage error it was: nothing to review, nothing written.
      const pick = (runs: readonly Run[]) => {
        if (runs.length === 0 && (!flags.from || !flags.to) && summaries.skipped.length + summaries.runs.length > 0) {
          throw new UsageError(
            `nothing to review under ${flags.reports}: ${noRunsText(summaries.skipped.length + summaries.runs.length)}`,
            'Fix or remove those run folders, or point --reports at the folder `secsli score --out` writes.',
          );
        }
        return resolveWindow(runs, flags.from, flags.to);
      };
      const { review, window, history } = await streamReview(store, summaries, pick, log, {
        objective: flags.objective,
        recentDays: flags.recentDays,
        choice: { from: flags.from, to: flags.to },
      });
      if (review.runs.length === 0) {
        const span = history.runs.length ? `runs span ${history.runs[0]!.snapshot.asOf} … ${history.runs.at(-1)!.snapshot.asOf}` : noRunsText(history.skipped.length);
        throw new UsageError(`no runs in ${flags.reports} between ${window.from} and ${window.to} (${span})`, 'Choose --from/--to around existing runs.');
      }
      const byDesign = history.skipped.length - review.leftOut.length;
      log.info(
        `review ${window.label}: ${review.runs.length} runs, ${review.attainment.length} assets${review.leftOut.length ? `, ${review.leftOut.length} run(s) left out` : ''}${byDesign ? `, ${byDesign} other run folder(s) not used (narrowed, in progress, or outside the window)` : ''}`,
      );
      const files: Record<string, string | Buffer> = reviewFiles(review);
      if (pdf && chromium) {
        log.info(`printing review.pdf (${flags.paper}) with ${chromium}`);
        files['review.pdf'] = await pdf.htmlToPdf(files['review.html'] as string, { chromium, paper: flags.paper });
      }
      const dir = await writeReview(flags.out, window.label, files, { secrets: secretsFrom(io.env) });
      io.stdout.write(dir + '\n');
      setExit(leftOutExit(log, review.leftOut, 'the review was written', flags));
    });
}

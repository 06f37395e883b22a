import type { Command } from 'commander';
import { EXIT, SecsliError, UsageError } from '../errors.js';
import type { Io } from './options.js';
import { addLogOptions, historyLogger, type LogFlags } from './review.js';

/** Whole days ≥ 1: 0 would keep only the newest run, which is never what a mistyped flag meant. */
export function keepDaysFlag(flag: string) {
  return (v: string): number => {
    // One message for every value that is not a day count ≥ 1 ("-1" had read "not a whole number ≥ 0", then "0" "keep at least 1 day").
    const n = /^\d+$/.test(v.trim()) ? Number(v) : Number.NaN;
    if (!(n >= 1)) throw new UsageError(`${flag}: "${v}" is not a whole number of days ≥ 1: keep at least 1 day of history`, `Example: ${flag} 400`);
    return n;
  };
}

export function registerPrune(program: Command, io: Io, setExit: (n: number) => void): void {
  addLogOptions(program.command('prune').description('remove runs older than --keep-days before the newest run not after now (history retention)'))
    .option('--reports <dir>', 'folder of run folders, or s3://bucket/prefix (what `secsli score --out` writes)', 'reports')
    .requiredOption('--keep-days <n>', 'keep the runs of this many days before the newest run (whole days ≥ 1)', keepDaysFlag('--keep-days'))
    .option('--dry-run', 'list what would be removed; remove nothing')
    .addHelpText(
      'after',
      `
Example:
  $ secsli prune --reports s3://acme-secsli/history --keep-days 400 --dry-run

Days count back from the newest run's as-of, not from today: a clock behind cannot empty the
history, and the newest run always stays. A run dated after now (written by a clock that ran
ahead) is kept, named in a warning, and never sets the window: the days count back from the
newest run not after now. The last run that measured everything stays too (\`score --fail-on
worse\` judges the next run against it). \`secsli review\` compares a quarter with the one before
it: keep 200 days or more for it. Sync state and anything that is not a complete run are left alone.
Exit 0; 2 when a run could not be removed (the others still are).`,
    )
    .action(async (flags: LogFlags & { reports: string; keepDays: number; dryRun?: boolean }) => {
      const log = historyLogger(flags, io);
      const [{ pruneRuns, bytesText, REVIEW_DAYS }, { openRunStore }] = await Promise.all([import('../history/prune.js'), import('../store/index.js')]);
      const store = await openRunStore(flags.reports, { env: io.env });
      if (flags.keepDays < REVIEW_DAYS)
        log.warn(`--keep-days ${flags.keepDays}: \`secsli review\` needs the quarter before the one it covers; keep ${REVIEW_DAYS} days or more for it`);
      // Runs dated after the wall clock were written by a clock ahead: they never set the window.
      const r = await pruneRuns(store, flags.keepDays, log, { dryRun: Boolean(flags.dryRun), now: io.now().getTime(), nowIs: 'now' });
      if (r.keep.length === 0) {
        io.stdout.write(`No runs under ${store.location}: nothing to remove.\n`);
        return setExit(EXIT.OK);
      }
      if (r.anchor === undefined) {
        io.stdout.write(`Every run under ${store.location} is dated after now: nothing removed (${r.keep.length} kept).\n`);
        return setExit(EXIT.OK);
      }
      const ahead = r.future.length ? `; ${r.future.length} run(s) dated after now kept` : '';
      const lines = [`Keeping runs as of ${r.cutoff} or later (${flags.keepDays} days before the newest not after now, ${r.anchor}${ahead}).`];
      for (const run of r.remove) if (!r.failed.some((f) => f.run === run)) lines.push(`${flags.dryRun ? 'would remove' : 'removed'}  ${run}`);
      const done = r.remove.length - r.failed.length;
      lines.push(
        flags.dryRun
          ? `Would remove ${r.remove.length} run(s); ${r.keep.length} kept (oldest ${r.keep[0]}).`
          : `Removed ${done} run(s) (${bytesText(r.bytes)}); ${r.keep.length} kept (oldest ${r.keep[0]}).`,
      );
      io.stdout.write(lines.join('\n') + '\n');
      if (r.failed.length) {
        throw new SecsliError(
          `could not remove ${r.failed.length} run(s) under ${store.location}: ${r.failed.map((f) => `${f.run} (${f.reason})`).join('; ')}`,
          EXIT.USAGE,
          'Check that secsli may delete under --reports (folder permissions; s3:DeleteObject on the prefix). The other runs were removed.',
        );
      }
      setExit(EXIT.OK);
    });
}

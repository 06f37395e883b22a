import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { unknownIdHint } from '../inventory/did-you-mean.js';
import { countFlag, type Io } from './options.js';
import { leftOutExit, noRunsText } from './left-out.js';
import { addLogOptions, historyLogger, type LogFlags } from './review.js';

/** `--last -5`, `0` or `abc` showed one run and exited 0: a usage error instead, as `--limit` is. */
function lastFlag(v: string): number {
  const n = countFlag('--last')(v);
  if (n < 1) throw new UsageError(`--last: "${v}" is not a whole number ≥ 1`, 'Example: --last 13');
  return n;
}

export function registerTrend(program: Command, io: Io, setExit: (n: number) => void): void {
  addLogOptions(program.command('trend').argument('<asset>', 'asset id').description("show one asset's history: status, risk, budget used, remediation SLI, open findings"))
    .option('--reports <dir>', 'folder of run folders, or s3://bucket/prefix (what `secsli score --out` writes)', 'reports')
    .option('--last <n>', 'show only the last n runs (a whole number ≥ 1)', lastFlag)
    .addHelpText(
      'after',
      `
Example:
  $ secsli trend payments-api --reports reports --last 13

Run folders that cannot be used are skipped with a warning naming them. Exit codes: 0 shown;
2 usage error, or no readable run has the asset; 3 shown, but a run it needed could not be read
(corrupt, invalid, a newer schemaVersion, an abandoned S3 upload): a closing stderr line names
it. Narrowed runs (score --asset), S3 uploads still in progress and runs before the --last ones
shown are left out by design (exit 0).`,
    )
    .action(async (assetId: string, flags: LogFlags & { reports: string; last?: number }) => {
      const log = historyLogger(flags, io);
      const [{ leftOut, loadHistory }, { renderTrend, trendRows }, { openRunStore }] = await Promise.all([
        import('../history/load.js'),
        import('../history/trend.js'),
        import('../store/index.js'),
      ]);
      const history = await loadHistory(await openRunStore(flags.reports, { env: io.env }), log, { findings: false });
      const rows = trendRows(history.runs, assetId);
      if (rows.length === 0) {
        const known = [...new Set(history.runs.flatMap((r) => r.snapshot.assets.map((a) => a.id)))].sort();
        throw new UsageError(
          history.runs.length ? `asset "${assetId}" is in no run under ${flags.reports}` : `${noRunsText(history.skipped.length)} under ${flags.reports}`,
          known.length
            ? unknownIdHint(assetId, known, 'assets', flags.reports)
            : history.skipped.length
              ? 'Fix or remove those run folders, or point --reports at the folder `secsli score --out` writes.'
              : 'Run `secsli score` first, or point --reports at its --out folder.',
        );
      }
      io.stdout.write(renderTrend(assetId, rows, flags.last ? { limit: flags.last } : {}));
      // With --last, a run before the oldest row shown is outside what was asked for (its name is its as-of, to the second).
      const oldest = flags.last ? Math.floor(Date.parse(rows.slice(-flags.last)[0]!.asOf) / 1000) * 1000 : Number.NEGATIVE_INFINITY;
      setExit(
        leftOutExit(
          log,
          leftOut(history.skipped, (ms) => ms >= oldest),
          `the trend of ${assetId} was shown`,
          flags,
        ),
      );
    });
}

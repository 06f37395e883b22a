import type { Command } from 'commander';
import { EXIT, UsageError } from '../errors.js';
import { unknownIdHint } from '../inventory/did-you-mean.js';
import { countFlag, type Io } from './options.js';
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
  $ secsli trend payments-api --reports reports --last 13`,
    )
    .action(async (assetId: string, flags: LogFlags & { reports: string; last?: number }) => {
      const log = historyLogger(flags, io);
      const [{ loadHistory }, { renderTrend, trendRows }, { openRunStore }] = await Promise.all([
        import('../history/load.js'),
        import('../history/trend.js'),
        import('../store/index.js'),
      ]);
      const history = await loadHistory(await openRunStore(flags.reports, { env: io.env }), log, { findings: false });
      const rows = trendRows(history.runs, assetId);
      if (rows.length === 0) {
        const known = [...new Set(history.runs.flatMap((r) => r.snapshot.assets.map((a) => a.id)))].sort();
        throw new UsageError(
          history.runs.length ? `asset "${assetId}" is in no run under ${flags.reports}` : `no readable runs under ${flags.reports}`,
          known.length ? unknownIdHint(assetId, known, 'assets', flags.reports) : 'Run `secsli score` first, or point --reports at its --out folder.',
        );
      }
      io.stdout.write(renderTrend(assetId, rows, flags.last ? { limit: flags.last } : {}));
      setExit(EXIT.OK);
    });
}

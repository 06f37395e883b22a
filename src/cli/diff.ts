import { Option, type Command } from 'commander';
import { EXIT } from '../errors.js';
import { countFlag, type Io } from './options.js';
import { addLogOptions, historyLogger, type LogFlags } from './review.js';

export function registerDiff(program: Command, io: Io, setExit: (n: number) => void): void {
  addLogOptions(
    program
      .command('diff')
      .argument('<runA>', 'earlier run folder (or its snapshot.json), or s3://bucket/prefix/<run>')
      .argument('<runB>', 'later run folder (or its snapshot.json), or s3://bucket/prefix/<run>')
      .description("attribute each asset's change in risk between two runs: new, fixed, exceptions, inventory, policy, re-scored"),
  )
    .addOption(new Option('--format <format>', 'output format on stdout').choices(['text', 'markdown']).default('text'))
    .option('--drivers <n>', 'findings listed under each changed asset (text format)', countFlag('--drivers'), 3)
    .addHelpText(
      'after',
      `
Example:
  $ secsli diff reports/2026-11-20T000000Z reports/2026-11-27T000000Z

Each row's parts add up to its change in risk points. Rules: docs/review.md ("Attribution").`,
    )
    .action(async (pathA: string, pathB: string, flags: LogFlags & { format: 'text' | 'markdown'; drivers: number }) => {
      const log = historyLogger(flags, io);
      const [{ renderAttributionMarkdown, renderAttributionText }, { diffRuns }] = await Promise.all([
        import('../history/attribution-render.js'),
        import('../history/diff-runs.js'),
      ]);
      const { a, b, rows } = await diffRuns(pathA, pathB, log, { env: io.env });
      if (a.snapshot.asOf > b.snapshot.asOf) log.warn(`${a.name} (${a.snapshot.asOf}) is later than ${b.name}; showing the change from the first to the second as given`);
      const opts = { labelA: a.name, labelB: b.name };
      io.stdout.write(
        flags.format === 'markdown'
          ? renderAttributionMarkdown(a.snapshot, b.snapshot, rows, opts)
          : renderAttributionText(a.snapshot, b.snapshot, rows, { ...opts, drivers: flags.drivers }),
      );
      setExit(EXIT.OK);
    });
}

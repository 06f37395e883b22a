import type { Command } from 'commander';
import { addCollectOptions, loggerFor, type CollectFlags, type Io } from './options.js';

export function registerBaseline(program: Command, io: Io, setExit: (n: number) => void): void {
  addCollectOptions(program.command('baseline').description('propose budgets and remediation targets from what is achieved today (prints YAML; never edits assets.yaml)'))
    .option('--reports <dir>', 'also learn from the history: every complete run under this folder or s3://bucket/prefix (what `secsli score --out` writes)')
    .addHelpText(
      'after',
      `
Examples:
  $ secsli baseline --from securityhub=sh.json --from dependabot=alerts.json --as-of 2026-11-27T00:00:00Z
  $ secsli baseline --reports reports        # this run plus the history under reports/

An earlier run under --reports that cannot be read is skipped with a warning: the proposal is
printed without it, its header says so, and the exit code is 3.`,
    )
    .action(async (flags: CollectFlags & { reports?: string }) => {
      // The implementation (yaml, the policy schema, scoring) loads only when the command runs: --help stays light.
      const { runBaseline } = await import('./baseline-run.js');
      await runBaseline(flags, io, loggerFor(flags, io), setExit);
    });
}

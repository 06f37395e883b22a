import { Option, type Command } from 'commander';
import type { InitFlags } from './init-flags.js';
import type { Io } from './options.js';

const many = (v: string, prev: string[] = []) => [...prev, v];

/**
 * `secsli init`: propose an assets.yaml from discovery (the APIs assets.yaml or --org/--region
 * name) or from exported files. Never overwrites: writes assets.proposed.yaml beside --config
 * (or --output, refused when it exists), or prints it (--stdout); --diff compares it with --config.
 */

export function registerInit(program: Command, io: Io, setExit: (n: number) => void): void {
  program
    .command('init')
    .description('propose an assets.yaml from discovery (or exported files); never edits yours')
    .option('-c, --config <file>', 'the current inventory: its sources and discovery: mapping are used; --diff compares against it', 'assets.yaml')
    .option('--org <org>', 'GitHub organization to discover (repeatable; default: sources.dependabot of --config)', many)
    .option('--region <region>', 'Security Hub Region for DescribeHub / ListMembers (repeatable; default: sources.securityhub)', many)
    .option('--repos <file>', 'offline: `gh api --paginate /orgs/X/repos` output (repeatable)', many)
    .option('--properties <file>', 'offline: `gh api --paginate /orgs/X/properties/values` output (repeatable)', many)
    .option('--accounts <file>', 'offline: `aws organizations list-accounts` output (repeatable)', many)
    .option('--from <source=file>', 'findings exports, to map and to suggest values; alone, with nothing live to discover, what they name is proposed (repeatable)', many)
    .option('--group-by <spec>', 'property:NAME | topic:PREFIX | tag:KEY | prefix (default: discovery.groupBy, else name prefix)')
    .option('-o, --output <file>', 'where to write the proposal (default: assets.proposed.yaml beside --config); never overwritten')
    .option('--stdout', 'print the proposal instead of writing it')
    .option('--diff', 'print what the proposal adds, drops or changes against --config; writes nothing')
    .option('--as-of <time>', 'time written in the header (default: now)')
    .addOption(new Option('--log-format <format>', 'log format on stderr').choices(['text', 'json']).default('text'))
    .option('-q, --quiet', 'only warnings and errors on stderr')
    .option('-v, --verbose', 'debug logs on stderr')
    .addHelpText(
      'after',
      `
Examples:
  $ secsli init --config assets.yaml                         # discovery from the sources assets.yaml names
  $ secsli init --org acme --region eu-west-1 --stdout       # no assets.yaml yet
  $ secsli init --repos repos.json --properties props.json --accounts accounts.json --from securityhub=sh.json
  $ secsli init --config assets.yaml --diff
  $ secsli init --config assets.yaml --from securityhub=examples/securityhub-findings.json \\
      --from dependabot=examples/dependabot-alerts.json --diff  # the bundled example: its sources are file: exports

Exit codes: 0 proposal written (or printed), 2 usage error (or the output file exists), 70 internal error.`,
    )
    .action(async (flags: InitFlags) => {
      // The implementation (discovery, the AWS SDK) is loaded only when init runs.
      const { runInit } = await import('./init-run.js');
      setExit(await runInit(flags, io));
    });
}

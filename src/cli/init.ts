import { access, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Option, type Command } from 'commander';
import { discover } from '../discovery/index.js';
import type { Discovery } from '../discovery/types.js';
import { EXIT, formatProblem, SecsliError, UsageError } from '../errors.js';
import type { GroupBy } from '../inventory/discovery-schema.js';
import { loadInventory, parseInventory } from '../inventory/load.js';
import { compileInventory } from '../inventory/match.js';
import type { Inventory } from '../inventory/types.js';
import { diffProposal, renderDiff } from '../init/diff.js';
import { readAccountExports, readFindingExports, readRepoExports } from '../init/offline.js';
import { propose } from '../init/propose.js';
import { renderProposal } from '../init/render.js';
import { loggerFor, parseAsOf, parseFrom, type CollectFlags, type Io } from './options.js';

/**
 * `secsli init`: propose an assets.yaml from discovery (the APIs assets.yaml or --org/--region
 * name) or from exported files. Never overwrites: writes assets.proposed.yaml beside --config
 * (or --output, refused when it exists), or prints it (--stdout); --diff compares it with --config.
 */

interface InitFlags extends Omit<CollectFlags, 'kev'> {
  org?: string[];
  region?: string[];
  repos?: string[];
  properties?: string[];
  accounts?: string[];
  groupBy?: string;
  output?: string;
  stdout?: boolean;
  diff?: boolean;
}

const many = (v: string, prev: string[] = []) => [...prev, v];

export function parseGroupBy(spec: string | undefined): GroupBy | undefined {
  if (spec === undefined) return undefined;
  const m = /^(property|topic|tag):(.+)$/.exec(spec);
  if (m) return m[1] === 'topic' ? { topicPrefix: m[2]! } : { [m[1]!]: m[2]! };
  if (spec === 'prefix') return { namePrefix: true };
  throw new UsageError(`--group-by "${spec}": expected property:NAME, topic:PREFIX, tag:KEY or prefix`, 'Example: --group-by property:service');
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

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
    .option('--from <source=file>', 'findings exports, to map and to suggest values (repeatable)', many)
    .option('--group-by <spec>', 'property:NAME | topic:PREFIX | tag:KEY | prefix (default: discovery.groupBy, else name prefix)')
    .option('-o, --output <file>', 'where to write the proposal (default: assets.proposed.yaml beside --config); never overwritten')
    .option('--stdout', 'print the proposal instead of writing it')
    .option('--diff', 'print what the proposal adds, drops or changes against --config; writes nothing')
    .option('--as-of <time>', 'time written in the header (default: now)')
    .addOption(new Option('--log-format <format>', 'log format on stderr').choices(['text', 'json']).default('text'))
    .option('-q, --quiet', 'only warnings and errors on stderr')
    .option('-v, --verbose', 'debug logs on stderr')
    .addHelpText('after', `
Examples:
  $ secsli init --config assets.yaml                         # discovery from the sources assets.yaml names
  $ secsli init --org acme --region eu-west-1 --stdout       # no assets.yaml yet
  $ secsli init --repos repos.json --properties props.json --accounts accounts.json --from securityhub=sh.json
  $ secsli init --config assets.yaml --diff

Exit codes: 0 proposal written (or printed), 2 usage error (or the output file exists), 70 internal error.`)
    .action(async (flags: InitFlags) => {
      const log = loggerFor({ ...flags }, io);
      const asOf = parseAsOf(flags.asOf, io.now);
      const current = (await exists(flags.config)) ? await loadInventory(flags.config, { now: asOf }) : undefined;
      if (flags.diff && !current) throw new UsageError(`--diff: ${flags.config} does not exist`, 'Pass the current inventory with --config FILE.');
      const groupBy = parseGroupBy(flags.groupBy) ?? current?.discovery?.groupBy;
      const config = { ...current?.discovery, ...(groupBy ? { groupBy } : {}) };
      const offline = !!(flags.repos?.length || flags.properties?.length || flags.accounts?.length);
      const { findings, evidence } = await readFindingExports(parseFrom(flags.from), log);
      let discovery: Discovery;
      let from: string;
      if (offline) {
        discovery = {
          ...(flags.repos?.length ? { github: await readRepoExports(flags.repos, flags.properties ?? []) } : {}),
          ...(flags.accounts?.length ? { aws: await readAccountExports(flags.accounts) } : {}),
        };
        from = 'exported files';
      } else {
        const inventory = liveInventory(current, flags);
        discovery = await discover({ inventory, env: io.env, log, probeAll: true, seen: { repos: [], accounts: [] } });
        from = 'discovery';
      }
      const proposal = propose({ discovery, findings, evidence, config });
      const sources = offline ? undefined : current?.sources ?? liveInventory(current, flags).sources;
      const text = renderProposal(proposal, { asOf: asOf.toISOString(), from, ...(sources ? { sources } : {}), ...(Object.keys(config).length ? { discovery: config } : {}) });
      const target = flags.output ?? join(dirname(flags.config), 'assets.proposed.yaml');
      const parsed = parseInventory(text, target, { now: asOf });
      if (!parsed.inventory) throw new Error(`the proposal does not validate:\n${parsed.problems.map(formatProblem).join('\n')}`);
      if (!proposal.assets.length) log.warn('nothing discovered (an empty organization, or nothing the token can see): the proposal is a minimal file with one placeholder asset');
      log.info(`proposal: ${proposal.assets.length} assets; ${mapped(parsed.inventory, findings)}`);

      if (flags.diff) {
        io.stdout.write(renderDiff(diffProposal(proposal, current!.assets), { current: flags.config, proposal: flags.stdout ? '(proposal)' : target }));
      } else if (flags.stdout) {
        io.stdout.write(text);
      } else {
        try {
          await writeFile(target, text, { flag: 'wx' });
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${target} exists: secsli init never overwrites`, 'Remove or rename it, or pass --output FILE or --stdout.');
          throw new SecsliError(`cannot write ${target}: ${(e as Error).message}`, EXIT.USAGE, 'Check that the folder is writable.');
        }
        io.stdout.write(target + '\n');
      }
      setExit(EXIT.OK);
    });
}

/** Open findings the proposal maps, as a sentence for the log. */
function mapped(inv: Inventory, findings: readonly { status: string }[]): string {
  const matcher = compileInventory(inv);
  const open = findings.filter((f) => f.status === 'open') as Parameters<typeof matcher.match>[0][];
  const hit = open.filter((f) => matcher.match(f).assetIds.length > 0).length;
  return open.length ? `${hit} of ${open.length} open findings map to an asset` : 'no findings given (--from) to check the mapping against';
}

/** The sources discovery reads: assets.yaml's, with --org / --region added. */
function liveInventory(current: Inventory | undefined, flags: InitFlags): Inventory {
  const s = current?.sources ?? {};
  const orgs = [...new Set([...(s.dependabot?.org ? [s.dependabot.org] : []), ...(s.dependabot?.orgs ?? []), ...(flags.org ?? [])])];
  const regions = [...new Set([...(s.securityhub?.regions ?? []), ...(s.securityhub?.aggregationRegion ? [s.securityhub.aggregationRegion] : []), ...(flags.region ?? [])])];
  if (!orgs.length && !regions.length) {
    throw new UsageError('init: nothing to discover from', 'Give --org and/or --region, an assets.yaml with sources:, or exported files (--repos, --accounts).');
  }
  const { org: _org, orgs: _orgs, ...dbRest } = s.dependabot ?? {};
  return {
    file: current?.file ?? '(init)',
    assets: current?.assets ?? [],
    owners: current?.owners ?? {},
    exceptions: [],
    warnings: [],
    sources: {
      ...(regions.length ? { securityhub: { ...s.securityhub, regions } } : {}),
      ...(orgs.length ? { dependabot: { ...dbRest, orgs } } : {}),
    },
  };
}

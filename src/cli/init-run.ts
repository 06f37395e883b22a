import { access, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { resolveFrom } from '../collectors/select.js';
import { discover } from '../discovery/index.js';
import type { Discovery } from '../discovery/types.js';
import { EXIT, formatProblem, SecsliError, UsageError } from '../errors.js';
import { loadInventory, parseInventory } from '../inventory/load.js';
import { compileInventory } from '../inventory/match.js';
import type { Inventory } from '../config/inventory.js';
import { diffProposal, renderDiff } from '../init/diff.js';
import { readAccountExports, readFindingExports, readRepoExports } from '../init/offline.js';
import { propose } from '../init/propose.js';
import { renderProposal } from '../init/render.js';
import { parseGroupBy, type InitFlags } from './init-flags.js';
import { loggerFor, parseAsOf, parseFrom, type Io } from './options.js';

/** `secsli init`'s implementation (registered in init.ts): discovery or exports → proposal → file, stdout or diff. */

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

export async function runInit(flags: InitFlags, io: Io): Promise<number> {
  const log = loggerFor({ ...flags }, io);
  const asOf = parseAsOf(flags.asOf, io.now);
  const current = (await exists(flags.config)) ? await loadInventory(flags.config, { now: asOf }) : undefined;
  if (flags.diff && !current) throw new UsageError(`--diff: ${flags.config} does not exist`, 'Pass the current inventory with --config FILE.');
  const groupBy = parseGroupBy(flags.groupBy) ?? current?.discovery?.groupBy;
  const config = { ...current?.discovery, ...(groupBy ? { groupBy } : {}) };
  const from = parseFrom(flags.from);
  // Findings exports alone are enough when there is nothing live to discover: init proposes what they name.
  const offline = !!(flags.repos?.length || flags.properties?.length || flags.accounts?.length) || (from.length > 0 && !hasLiveSources(current, flags));
  const { findings, evidence, incomplete } = await readFindingExports(from, log);
  let discovery: Discovery;
  let origin: string;
  if (offline) {
    discovery = {
      ...(flags.repos?.length ? { github: await readRepoExports(flags.repos, flags.properties ?? []) } : {}),
      ...(flags.accounts?.length ? { aws: await readAccountExports(flags.accounts) } : {}),
    };
    origin = 'exported files';
  } else {
    const inventory = liveInventory(current, flags);
    discovery = await discover({ inventory, env: io.env, log, probeAll: true, seen: { repos: [], accounts: [] } });
    origin = 'discovery';
  }
  const proposal = propose({ discovery, findings, evidence, config });
  // discover() warned its own notes; the exports' (records refused) and the proposal's refusals are warned here.
  const refused = offline ? proposal.notes : proposal.refused;
  for (const n of refused) log.warn(n);
  const sources = offline ? undefined : (current?.sources ?? liveInventory(current, flags).sources);
  const text = renderProposal(proposal, { asOf: asOf.toISOString(), from: origin, ...(sources ? { sources } : {}), ...(Object.keys(config).length ? { discovery: config } : {}) });
  const target = flags.output ?? join(dirname(flags.config), 'assets.proposed.yaml');
  const parsed = parseInventory(text, target, { now: asOf });
  if (!parsed.inventory) throw new Error(`the proposal does not validate:\n${parsed.problems.map(formatProblem).join('\n')}`);
  if (!proposal.assets.length)
    log.warn(
      `${refused.length ? 'nothing to propose (every record read was refused, above)' : 'nothing discovered (an empty organization, or nothing the token can see)'}: the proposal is a minimal file with one placeholder asset`,
    );
  log.info(`proposal: ${proposal.assets.length} assets; ${mapped(parsed.inventory, findings, from.length > 0)}`);

  if (flags.diff) {
    io.stdout.write(renderDiff(diffProposal(proposal, current!.assets), { current: flags.config, proposal: flags.stdout ? '(proposal)' : target }));
  } else if (flags.stdout) {
    io.stdout.write(text);
  } else {
    try {
      await writeFile(target, text, { flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST')
        throw new UsageError(`${target} exists: secsli init never overwrites`, 'Remove or rename it, or pass --output FILE or --stdout.');
      throw new SecsliError(`cannot write ${target}: ${(e as Error).message}`, EXIT.USAGE, 'Check that the folder is writable.');
    }
    io.stdout.write(target + '\n');
  }
  // As score exits for the same file: the proposal is out, from less than was given.
  if (incomplete.length)
    log.warn(`${incomplete.length} --from file(s) could not be read whole (above): ${incomplete.join(', ')}; the proposal was made without what they hold (exit 3)`);
  // And for discovery that could not list what it was asked to: a proposal missing repositories or
  // accounts nobody was told about must not exit as a whole one.
  const unlisted = offline ? [] : unlistedBy(discovery, liveTargets(current, flags));
  if (unlisted.length) log.warn(`discovery could not list everything it was asked to: ${unlisted.join('; ')}; the proposal was made without them (exit 3)`);
  return incomplete.length || unlisted.length ? EXIT.SOURCE : EXIT.OK;
}

/**
 * What discovery was asked to list and could not: an organization's repositories (no token, or a
 * list cut short) and an AWS organization's accounts (Organizations refused or not in use: only
 * the accounts assets.yaml, the findings and the Security Hub members name were seen). Each discover() note above says why.
 */
function unlistedBy(discovery: Discovery, asked: { orgs: string[]; regions: string[] }): string[] {
  const out: string[] = [];
  const gh = discovery.github;
  if (asked.orgs.length && !gh) out.push(`the repositories of ${asked.orgs.join(', ')} (no GitHub token)`);
  if (gh && !gh.complete) out.push(`part of the repositories of ${gh.orgs.join(', ')} (a repository list was cut short)`);
  const aws = discovery.aws;
  // A standalone account (in no organization) has no other accounts to list: nothing is missing.
  if (aws?.from === 'fallback' && !aws.standalone)
    out.push("the organization's AWS accounts (Organizations did not list them: only the accounts assets.yaml, the findings and the Security Hub members name)");
  return out;
}

/** Open findings the proposal maps, as a sentence for the log. */
function mapped(inv: Inventory, findings: readonly { status: string }[], given: boolean): string {
  const matcher = compileInventory(inv);
  const open = findings.filter((f) => f.status === 'open') as Parameters<typeof matcher.match>[0][];
  const hit = open.filter((f) => matcher.match(f).assetIds.length > 0).length;
  if (open.length) return `${hit} of ${open.length} open findings map to an asset`;
  return given ? 'no open finding read from --from to check the mapping against' : 'no findings given (--from) to check the mapping against';
}

/** The organizations and Regions discovery reads: assets.yaml's live sources, with --org / --region added. */
function liveTargets(current: Inventory | undefined, flags: InitFlags): { orgs: string[]; regions: string[] } {
  const s = current?.sources ?? {};
  const orgs = [...new Set([...(s.dependabot?.org ? [s.dependabot.org] : []), ...(s.dependabot?.orgs ?? []), ...(flags.org ?? [])])];
  const regions = [...new Set([...(s.securityhub?.regions ?? []), ...(s.securityhub?.aggregationRegion ? [s.securityhub.aggregationRegion] : []), ...(flags.region ?? [])])];
  return { orgs, regions };
}

function hasLiveSources(current: Inventory | undefined, flags: InitFlags): boolean {
  const { orgs, regions } = liveTargets(current, flags);
  return orgs.length > 0 || regions.length > 0;
}

/**
 * Nothing live to discover and no exports given: say which, and how to go on. assets.yaml's
 * `file:` sources are findings exports (what the bundled example has): init reads them only
 * through --from, so the hint spells that command out.
 */
function nothingToDiscover(current: Inventory | undefined, flags: InitFlags): UsageError {
  const files = (['securityhub', 'dependabot'] as const).flatMap((source) => {
    const file = current?.sources?.[source]?.file;
    return (file === undefined ? [] : Array.isArray(file) ? file : [file]).map((f) => `--from ${source}=${relative(process.cwd(), resolveFrom(flags.config, f))}`);
  });
  const live = '--org ORG / --region REGION (or sources.dependabot.org / sources.securityhub.regions in assets.yaml)';
  const exports = '--repos, --accounts or --from SOURCE=FILE exports';
  if (files.length)
    return new UsageError(
      `init: nothing to discover from: the sources of ${flags.config} are exported files (file:), not live ones, and no ${exports} were given`,
      `To propose from those exports: secsli init --config ${flags.config} ${files.join(' ')} --diff (or --stdout). To discover: ${live}.`,
    );
  const why = current ? `${flags.config} names no live sources` : `${flags.config} does not exist`;
  return new UsageError(`init: nothing to discover from: ${why}, and no ${exports} were given`, `Give ${live} to discover, or ${exports}.`);
}

/** The sources discovery reads: assets.yaml's, with --org / --region added. */
function liveInventory(current: Inventory | undefined, flags: InitFlags): Inventory {
  const s = current?.sources ?? {};
  const { orgs, regions } = liveTargets(current, flags);
  if (!orgs.length && !regions.length) throw nothingToDiscover(current, flags);
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

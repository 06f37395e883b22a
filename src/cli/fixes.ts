import type { Command } from 'commander';
import { EXIT, UsageError } from '../errors.js';
import { textTable } from '../history/text-table.js';
import { fixed } from '../report/format.js';
import type { Fix } from '../scoring/types.js';
import type { ScoreResult } from '../scoring/types.js';
import { addCollectOptions, collectOptions, countFlag, exitCodeFor, loggerFor, unmeasuredReasons, type CollectFlags, type Io } from './options.js';

/** `secsli fixes`: the next actions on a terminal, most urgent first (the same list as fixes.csv). */

const cut = (s: string, max: number) => (s.length > max ? s.slice(0, max - 1) + '…' : s);

function renderFixesText(r: ScoreResult, fixes: readonly Fix[], limit: number): string {
  if (fixes.length === 0) return 'No fixes: nothing open counts against the selected assets.\n';
  const shown = fixes.slice(0, limit);
  const rows = shown.map((f, i) => [
    String(i + 1),
    f.urgency,
    cut(f.action, 90),
    cut(f.assetIds.join(', '), 40),
    String(f.findingIds.length),
    f.kind === 'incident' ? '—' : `−${fixed(f.riskRemoved)}`,
    cut(f.why.join(', '), 60),
  ]);
  const more = fixes.length > shown.length ? `…and ${fixes.length - shown.length} more (--limit, or fixes.csv in the run folder)\n` : '';
  return (
    `Next actions as of ${r.asOf} (policy ${r.policyHash}): ${fixes.length} fixes\n\n` +
    textTable(['#', 'Urgency', 'Do', 'Asset(s)', 'Closes', 'Risk removed', 'Why now'], rows, ['r', 'l', 'l', 'l', 'r', 'r', 'l']) +
    more
  );
}

export function registerFixes(program: Command, io: Io, setExit: (n: number) => void): void {
  addCollectOptions(program.command('fixes').description('list the next actions: fixes ordered by urgency, then by the risk they remove'))
    .option('--asset <id>', 'only fixes on this asset')
    .option('--owner <name>', 'only fixes on assets of this owner')
    .option('--limit <n>', 'fixes to list', countFlag('--limit'), 20)
    .addHelpText(
      'after',
      `
Example:
  $ secsli fixes --owner team-payments --from securityhub=sh.json --from dependabot=alerts.json --as-of 2026-11-27T00:00:00Z

A fix is what one change removes: a package upgrade in one manifest or on one resource, one
control across its resources, one incident to respond to. Writes nothing; exit code as for score.`,
    )
    .action(async (flags: CollectFlags & { asset?: string; owner?: string; limit: number }) => {
      const log = loggerFor(flags, io);
      const { collectAndScore } = await import('../pipeline.js');
      const { inventory, result } = await collectAndScore({ ...collectOptions(flags, io, log), ...(flags.asset ? { asset: flags.asset } : {}) });
      let keep: Set<string> | undefined;
      if (flags.owner !== undefined) {
        keep = new Set(inventory.assets.filter((a) => a.owner === flags.owner).map((a) => a.id));
        if (keep.size === 0) {
          const owners = [...new Set(inventory.assets.map((a) => a.owner))].sort();
          throw new UsageError(`no asset in ${inventory.file} has owner "${flags.owner}"`, `Owners: ${owners.join(', ')}`);
        }
      }
      const fixes = result.fixes.filter((f) => (!flags.asset || f.assetIds.includes(flags.asset)) && (!keep || f.assetIds.some((id) => keep.has(id))));
      io.stdout.write(renderFixesText(result, fixes, Number.isFinite(flags.limit) && flags.limit > 0 ? flags.limit : 20));
      // Exactly as for score: 3 whenever something an asset expects was not measured, each gap named.
      const code = exitCodeFor(result);
      if (code === EXIT.SOURCE) for (const line of unmeasuredReasons(result)) log.warn(`not measured: ${line}`);
      setExit(code);
    });
}

import type { Command } from 'commander';
import { EXIT } from '../errors.js';
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
      // The whole run is scored, then its fixes filtered: a fix is one change, and one that spans
      // other assets (a control on four functions) reads as fixes.csv has it, the same under
      // --asset as under --owner, not as the part a narrowed run would see.
      const expect = { ...(flags.asset !== undefined ? { asset: flags.asset } : {}), ...(flags.owner !== undefined ? { owner: flags.owner } : {}) };
      const { inventory, result } = await collectAndScore({ ...collectOptions(flags, io, log), expect });
      const keep = new Set(
        inventory.assets.filter((a) => (flags.asset === undefined || a.id === flags.asset) && (flags.owner === undefined || a.owner === flags.owner)).map((a) => a.id),
      );
      const fixes = result.fixes.filter((f) => f.assetIds.some((id) => keep.has(id)));
      io.stdout.write(renderFixesText(result, fixes, Number.isFinite(flags.limit) && flags.limit > 0 ? flags.limit : 20));
      // As for score of the selected assets: 3 whenever something one of them expects was not
      // measured (or a source was incomplete), each gap named; another owner's gap is not theirs.
      const selected = { ...result, assets: result.assets.filter((a) => keep.has(a.asset.id)) };
      const code = exitCodeFor(selected);
      if (code === EXIT.SOURCE) for (const line of unmeasuredReasons(selected)) log.warn(`not measured: ${line}`);
      setExit(code);
    });
}

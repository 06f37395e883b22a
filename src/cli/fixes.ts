import type { Command } from 'commander';
import { EXIT } from '../errors.js';
import { fixed, termSafe } from '../report/format.js';
import type { Fix } from '../scoring/types.js';
import type { ScoreResult } from '../scoring/types.js';
import { addCollectOptions, collectOptions, countFlag, exitCodeFor, loggerFor, unmeasuredReasons, type CollectFlags, type Io } from './options.js';

/** `secsli fixes`: the next actions on a terminal, most urgent first (the same list as fixes.csv). */

/** Assets named on a fix's first line; the rest are counted (fixes.csv names them all). */
const ASSETS_SHOWN = 5;

/**
 * One block per fix: its rank, urgency, the risk it removes, what it closes and where, then the
 * action whole on a line of its own (the package, version and manifest or resource are what the
 * engineer acts on: never cut), then why now. Blocks read at any terminal width; a table cut its
 * action at 90 characters, so two fixes on different resources could not be told apart.
 */
function renderFixesText(r: ScoreResult, fixes: readonly Fix[], limit: number): string {
  if (fixes.length === 0) return 'No fixes: nothing open counts against the selected assets.\n';
  const shown = fixes.slice(0, limit);
  const pad = String(shown.length).length;
  const blocks = shown.map((f, i) => {
    const assets = f.assetIds.slice(0, ASSETS_SHOWN).join(', ') + (f.assetIds.length > ASSETS_SHOWN ? ` and ${f.assetIds.length - ASSETS_SHOWN} more` : '');
    const removes = f.kind === 'incident' ? 'risk — (an incident: response time, not risk)' : `risk −${fixed(f.riskRemoved)}`;
    const indent = ' '.repeat(pad + 2);
    return [
      `${String(i + 1).padStart(pad)}. ${f.urgency} — ${removes}; closes ${f.findingIds.length} on ${termSafe(assets, 400)}`,
      `${indent}${termSafe(f.action, 2000)}`,
      ...(f.why.length ? [`${indent}why now: ${termSafe(f.why.join(', '), 400)}`] : []),
    ].join('\n');
  });
  const more = fixes.length > shown.length ? `\n…and ${fixes.length - shown.length} more (--limit N, --limit 0 for all; \`secsli score\` writes every one to fixes.csv)\n` : '';
  return `Next actions as of ${r.asOf} (policy ${r.policyHash}): ${fixes.length} fixes\n\n${blocks.join('\n\n')}\n${more}`;
}

export function registerFixes(program: Command, io: Io, setExit: (n: number) => void): void {
  addCollectOptions(program.command('fixes').description('list the next actions: fixes ordered by urgency, then by the risk they remove'))
    .option('--asset <id>', 'only fixes on this asset')
    .option('--owner <name>', 'only fixes on assets of this owner')
    .option('--limit <n>', 'fixes to list (0: all)', countFlag('--limit'), 20)
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
      io.stdout.write(renderFixesText(result, fixes, flags.limit === 0 ? fixes.length : flags.limit));
      // As for score of the selected assets: 3 whenever something one of them expects was not
      // measured (or a source was incomplete), each gap named; another owner's gap is not theirs.
      const selected = { ...result, assets: result.assets.filter((a) => keep.has(a.asset.id)) };
      const code = exitCodeFor(selected);
      if (code === EXIT.SOURCE) for (const line of unmeasuredReasons(selected)) log.warn(`not measured: ${line}`);
      setExit(code);
    });
}

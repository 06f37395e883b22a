import type { Command } from 'commander';
import { EXIT } from '../errors.js';
import { addCollectOptions, collectOptions, countFlag, exitCodeFor, loggerFor, unmeasuredReasons, type CollectFlags, type Io } from './options.js';

export function registerExplain(program: Command, io: Io, setExit: (n: number) => void): void {
  addCollectOptions(program.command('explain').argument('<asset>', 'asset id from assets.yaml').description('show why one asset scores what it scores'))
    .option('--limit <n>', 'findings to list one by one', countFlag('--limit'), 50)
    .addHelpText(
      'after',
      `
Example:
  $ secsli explain payments-api --from securityhub=sh.json --from dependabot=alerts.json --as-of 2026-11-27T00:00:00Z

Every counted finding is listed with severity × likelihood × context × exposure; the
contributions add up to the asset's risk. Writes nothing; exit code as for score (3 when PARTIAL).`,
    )
    .action(async (assetId: string, flags: CollectFlags & { limit: number }) => {
      const log = loggerFor(flags, io);
      const [{ collectAndScore, unknownAsset }, { explainLive, renderExplain }] = await Promise.all([import('../pipeline.js'), import('../report/explain.js')]);
      const { inventory, result } = await collectAndScore({ ...collectOptions(flags, io, log), asset: assetId });
      const asset = result.assets.find((a) => a.asset.id === assetId);
      if (!asset) throw unknownAsset(assetId, inventory);
      const view = explainLive(result, asset);
      io.stdout.write(renderExplain(view.run, view.asset, { limit: flags.limit }));
      // Exactly as for score: 3 whenever something the asset expects was not measured.
      const code = exitCodeFor(result);
      if (code === EXIT.SOURCE) for (const line of unmeasuredReasons(result)) log.warn(`not measured: ${line}`);
      setExit(code);
    });
}

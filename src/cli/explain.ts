import type { Command } from 'commander';
import { EXIT, UsageError } from '../errors.js';
import { addCollectOptions, collectOptions, countFlag, exitCodeFor, loggerFor, unmeasuredReasons, type CollectFlags, type Io } from './options.js';

type ExplainFlags = CollectFlags & { limit: number; run?: string; reports?: string };

/** Flags that collect or score: meaningless when explaining a saved run (it was scored already). */
const COLLECT_ONLY = [
  ['from', '--from'],
  ['kev', '--kev'],
  ['asOf', '--as-of'],
] as const;

export function registerExplain(program: Command, io: Io, setExit: (n: number) => void): void {
  const cmd = addCollectOptions(program.command('explain').argument('<asset>', 'asset id from assets.yaml').description('show why one asset scores what it scores'))
    .option('--limit <n>', 'findings to list one by one', countFlag('--limit'), 50)
    .option(
      '--run <run>',
      'explain the asset as a saved run scored it, collecting nothing: a run folder, its snapshot.json, s3://bucket/prefix/<run>, or a run name or "latest" under --reports',
    )
    .option('--reports <dir>', 'with --run latest or a run name: folder of run folders, or s3://bucket/prefix (what `secsli score --out` writes); alone it means --run latest')
    .addHelpText(
      'after',
      `
Examples:
  $ secsli explain payments-api --from securityhub=sh.json --from dependabot=alerts.json --as-of 2026-11-27T00:00:00Z
  $ secsli explain payments-api --run reports/2026-11-27T000000Z        # as that run scored it
  $ secsli explain payments-api --run latest --reports s3://acme-secsli/history

Every counted finding is listed with severity × likelihood × context × exposure; the
contributions add up to the asset's risk. Writes nothing; exit code as for score (3 when PARTIAL
or the asset's coverage has a gap; from a saved run, as that run measured it).`,
    );
  cmd.action(async (assetId: string, flags: ExplainFlags) => {
    const log = loggerFor(flags, io);
    if (flags.run !== undefined || flags.reports !== undefined) {
      for (const [key, flag] of COLLECT_ONLY) {
        if (flags[key] !== undefined) {
          throw new UsageError(`${flag} cannot be used with --run/--reports: a saved run is explained as it was scored`, 'Drop --run/--reports to collect and score now.');
        }
      }
      setExit(await explainSaved(assetId, flags, io));
      return;
    }
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

async function explainSaved(assetId: string, flags: ExplainFlags, io: Io): Promise<number> {
  const log = loggerFor(flags, io);
  const [{ explainSavedRun }, { renderExplain }] = await Promise.all([import('../history/explain-run.js'), import('../report/explain.js')]);
  const saved = await explainSavedRun(assetId, { run: flags.run, reports: flags.reports }, { env: io.env }, log);
  const tool = saved.snapshot.tool.version ? `, written by secsli ${saved.snapshot.tool.version}` : '';
  io.stdout.write(`run ${saved.where} (snapshot schemaVersion ${saved.snapshot.schemaVersion}${tool})\n`);
  io.stdout.write(renderExplain(saved.run, saved.asset, { limit: flags.limit }));
  // As the run measured it: 3 when it was PARTIAL or the asset's coverage had a gap.
  const gaps = (saved.asset.coverage ?? []).filter((c) => c.status === 'gap');
  if (saved.snapshot.partial) log.warn(`not measured: run ${saved.where} was PARTIAL (its report.md says why)`);
  for (const c of gaps) log.warn(`not measured: ${assetId}: ${c.source} did not answer for it${c.reasons.length ? ` — ${c.reasons.join('; ')}` : ''}`);
  return saved.snapshot.partial || gaps.length ? EXIT.SOURCE : EXIT.OK;
}

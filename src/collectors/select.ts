import { dirname, isAbsolute, resolve } from 'node:path';
import type { Inventory } from '../config/inventory.js';
import { UsageError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Source } from '../model/finding.js';
import { createFileCollector } from './file.js';
import { parallelFrom } from './parallel/options.js';
import type { ServerErrorStreaks } from './dependabot/server-errors.js';
import { liveCollectorFactories, type LiveCollectorFactory } from './live.js';
import type { Collector } from './types.js';

/** Which collectors a run uses: the caller's, `--from` files, or the inventory's `sources:` block. */

export interface FromFile {
  source: Source;
  file: string;
}

interface SelectOptions {
  configPath: string;
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** Collectors built by the caller (tests); bypass `from` and config. */
  collectors?: Collector[];
  /** Offline input; when given, replaces the config's `sources:` entirely. */
  from?: FromFile[];
  /** Turns a live collector factory into the collector to run (incremental sync); default: a full pull. */
  live?: (factory: LiveCollectorFactory) => Collector;
  /** The run's count of GitHub 5xx in a row, for the Dependabot client (GithubClientOptions.serverErrors). */
  githubServerErrors?: ServerErrorStreaks;
}

/** A path from assets.yaml: relative to the file's folder. */
export function resolveFrom(configPath: string, file: string): string {
  return isAbsolute(file) ? file : resolve(dirname(configPath), file);
}

export function collectorsFor(inv: Inventory, opts: SelectOptions): Collector[] {
  if (opts.collectors) return opts.collectors;
  const parallel = parallelFrom(opts.env);
  if (opts.from?.length) return opts.from.map((f) => createFileCollector(f.source, f.file, { parallel }));
  const out: Collector[] = [];
  const s = inv.sources;
  for (const source of ['securityhub', 'dependabot'] as const) {
    const file = s[source]?.file;
    for (const f of file === undefined ? [] : Array.isArray(file) ? file : [file]) out.push(createFileCollector(source, resolveFrom(opts.configPath, f), { parallel }));
  }
  const factories = liveCollectorFactories(
    {
      ...(s.securityhub && !s.securityhub.file ? { securityhub: s.securityhub } : {}),
      ...(s.dependabot && !s.dependabot.file ? { dependabot: s.dependabot } : {}),
    },
    {
      env: opts.env,
      claimedRepos: inv.assets.flatMap((a) => a.github?.repos ?? []),
      accountsFromInventory: [...new Set(inv.assets.flatMap((a) => a.aws?.accounts ?? []))].sort(),
      log: opts.log,
      ...(opts.githubServerErrors ? { dependabot: { serverErrors: opts.githubServerErrors } } : {}),
    },
  );
  const live = opts.live ?? ((f: LiveCollectorFactory) => f.create());
  out.push(...factories.map(live));
  if (out.length === 0) {
    throw new UsageError(
      `${inv.file}: no sources to collect from`,
      'Pass exported files with --from securityhub=FILE / --from dependabot=FILE, or configure `sources:` in assets.yaml.',
    );
  }
  return out;
}

import { readdir, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { createFileCollector } from './collectors/file.js';
import { createLiveCollectors } from './collectors/live.js';
import { normalizeRecord } from './collectors/normalize.js';
import type { Collector, SourceStatus } from './collectors/types.js';
import { UsageError } from './errors.js';
import { loadInventory } from './inventory/load.js';
import { compileInventory } from './inventory/match.js';
import type { Inventory } from './inventory/types.js';
import type { Logger } from './log.js';
import type { Finding, Rejected, Source } from './model/finding.js';
import { toolVersion } from './package-root.js';
import { renderAssetsCsv, renderFindingsCsv, renderUnmappedCsv } from './report/csv.js';
import { renderMarkdown } from './report/markdown.js';
import { renderSnapshot } from './report/snapshot.js';
import { runFolderName, writeRun } from './report/write.js';
import { loadKev } from './scoring/kev.js';
import { resolvePolicy } from './scoring/policy.js';
import { score } from './scoring/score.js';
import type { ScoreResult } from './scoring/types.js';

/**
 * All I/O happens here, then one pure call to score(), then the renderers and the one writer.
 */

export interface FromFile {
  source: Source;
  file: string;
}

export interface CollectOptions {
  configPath: string;
  asOf: Date;
  /** Offline input; when given, replaces the config's `sources:` entirely. */
  from?: FromFile[];
  kevPath?: string;
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** Collectors built by the caller (tests); bypass `from` and config. */
  collectors?: Collector[];
  saveRaw?: boolean;
}

export interface Collected {
  inventory: Inventory;
  result: ScoreResult;
  /** NDJSON of what each source returned, for --save-raw (replayable with --from). */
  raw?: Map<Source, string[]>;
}

function resolveFrom(configPath: string, file: string): string {
  return isAbsolute(file) ? file : resolve(dirname(configPath), file);
}

function collectorsFor(inv: Inventory, opts: CollectOptions): Collector[] {
  if (opts.collectors) return opts.collectors;
  if (opts.from?.length) return opts.from.map((f) => createFileCollector(f.source, f.file));
  const out: Collector[] = [];
  const s = inv.sources;
  for (const source of ['securityhub', 'dependabot'] as const) {
    const file = s[source]?.file;
    for (const f of file === undefined ? [] : Array.isArray(file) ? file : [file]) out.push(createFileCollector(source, resolveFrom(opts.configPath, f)));
  }
  const live = createLiveCollectors(
    {
      ...(s.securityhub && !s.securityhub.file ? { securityhub: s.securityhub } : {}),
      ...(s.dependabot && !s.dependabot.file ? { dependabot: s.dependabot } : {}),
    },
    {
      env: opts.env,
      claimedRepos: inv.assets.flatMap((a) => a.github?.repos ?? []),
      accountsFromInventory: [...new Set(inv.assets.flatMap((a) => a.aws?.accounts ?? []))].sort(),
      log: opts.log,
    },
  );
  out.push(...live);
  if (out.length === 0) {
    throw new UsageError(
      `${inv.file}: no sources to collect from`,
      'Pass exported files with --from securityhub=FILE / --from dependabot=FILE, or configure `sources:` in assets.yaml.',
    );
  }
  return out;
}

/** Collect every source, normalize, de-duplicate by id (the most recently updated copy wins), score. */
export async function collectAndScore(opts: CollectOptions, previousRisk?: ReadonlyMap<string, number>): Promise<Collected> {
  const inventory = await loadInventory(opts.configPath, { now: opts.asOf });
  for (const w of inventory.warnings) opts.log.warn(`${w.file}:${w.line ?? 0}:${w.col ?? 0} ${w.path}: ${w.message}`);
  const policy = resolvePolicy(inventory.policy);
  const kevPath = opts.kevPath ?? (inventory.policy?.kev ? resolveFrom(opts.configPath, inventory.policy.kev) : undefined);
  const kev = loadKev(kevPath);
  const collectors = collectorsFor(inventory, opts);

  const byId = new Map<string, Finding>();
  const rejected: Rejected[] = [];
  const raw = opts.saveRaw ? new Map<Source, string[]>() : undefined;
  const sources: { status: SourceStatus; describe: string }[] = [];

  for (const c of collectors) {
    opts.log.info(`collecting ${c.describe}`);
    let n = 0;
    const status = await c.collect(
      {
        record(value, where) {
          n++;
          if (raw) {
            let lines = raw.get(c.source);
            if (!lines) raw.set(c.source, (lines = []));
            lines.push(JSON.stringify(value));
          }
          const r = normalizeRecord(c.source, value);
          if (!r.ok) {
            rejected.push({ source: c.source, ...where, ...(r.nativeId ? { nativeId: r.nativeId } : {}), reason: r.reason });
            return;
          }
          const prev = byId.get(r.finding.id);
          if (!prev || r.finding.updatedAt > prev.updatedAt) byId.set(r.finding.id, r.finding);
          if (n % 10_000 === 0) opts.log.progress(`${c.describe}: ${n} records`);
        },
        reject(r) {
          rejected.push({ source: c.source, ...r });
        },
      },
      opts.log,
    );
    sources.push({ status, describe: c.describe });
    const level = status.complete ? 'info' : 'warn';
    opts.log[level](`${c.describe}: ${status.records} records${status.complete ? '' : ` — INCOMPLETE: ${status.problems.join('; ')}`}`);
  }

  const result = score({
    findings: [...byId.values()],
    inventory,
    matcher: compileInventory(inventory),
    policy,
    kev,
    now: opts.asOf,
    sources,
    rejected,
    ...(previousRisk ? { previousRisk } : {}),
  });
  return { inventory, result, ...(raw ? { raw } : {}) };
}

/** The latest earlier run under `outDir` (as-of strictly before `asOf`), or undefined. */
export async function findPreviousRun(outDir: string, asOf: Date, log: Logger): Promise<{ name: string; risk: Map<string, number> } | undefined> {
  let names: string[];
  try {
    names = await readdir(outDir);
  } catch {
    return undefined;
  }
  const current = runFolderName(asOf);
  const candidates = names.filter((n) => /^\d{4}-\d{2}-\d{2}T\d{6}Z(-\d+)?$/.test(n) && n.replace(/-\d+$/, '') < current).sort().reverse();
  for (const name of candidates) {
    try {
      const snap = JSON.parse(await readFile(join(outDir, name, 'snapshot.json'), 'utf8')) as { assets?: { id: string; risk: number }[] };
      if (!Array.isArray(snap.assets)) throw new Error('no assets array');
      return { name, risk: new Map(snap.assets.map((a) => [a.id, a.risk])) };
    } catch (e) {
      log.warn(`skipping earlier run ${name}: unreadable snapshot.json (${(e as Error).message})`);
    }
  }
  return undefined;
}

export interface ScoreOptions extends CollectOptions {
  out: string;
  asset?: string;
}

export interface ScoreOutcome {
  runDir: string;
  result: ScoreResult;
}

export async function runScore(opts: ScoreOptions): Promise<ScoreOutcome> {
  const previous = await findPreviousRun(opts.out, opts.asOf, opts.log);
  const { inventory, result, raw } = await collectAndScore(opts, previous?.risk);
  if (opts.asset) {
    const one = result.assets.filter((a) => a.asset.id === opts.asset);
    if (one.length === 0) throw unknownAsset(opts.asset, inventory);
    result.assets = one;
  }
  const meta = { toolVersion: toolVersion(), inventoryFile: opts.configPath, ...(previous ? { previousRun: previous.name } : {}) };
  const files: Record<string, string> = {
    'assets.csv': renderAssetsCsv(result),
    'findings.csv': renderFindingsCsv(result),
    'unmapped.csv': renderUnmappedCsv(result),
    'report.md': renderMarkdown(result, meta),
    'snapshot.json': renderSnapshot(result, meta),
  };
  if (raw) {
    for (const [source, lines] of raw) files[`raw/${source}.ndjson`] = lines.join('\n') + (lines.length ? '\n' : '');
  }
  const runDir = await writeRun(opts.out, opts.asOf, files);
  return { runDir, result };
}

export function unknownAsset(id: string, inv: Inventory): UsageError {
  const ids = inv.assets.map((a) => a.id);
  return new UsageError(`unknown asset "${id}" in ${inv.file}`, `Known assets: ${ids.join(', ')}`);
}

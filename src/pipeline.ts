import { readdir, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { createFileCollector } from './collectors/file.js';
import { liveCollectorFactories } from './collectors/live.js';
import { normalizeRecord } from './collectors/normalize.js';
import { collectUntil, stopOf } from './collectors/stop.js';
import { CompactFinding, Interner } from './collectors/read/compact.js';
import type { Collector, SourceStatus } from './collectors/types.js';
import { UsageError } from './errors.js';
import { loadInventory } from './inventory/load.js';
import { compileInventory } from './inventory/match.js';
import type { Inventory } from './inventory/types.js';
import type { Logger } from './log.js';
import type { Rejected, Source } from './model/finding.js';
import { toolVersion } from './package-root.js';
import { findingsCsvChunks, renderAssetsCsv, renderUnmappedCsv } from './report/csv.js';
import { renderMarkdown } from './report/markdown.js';
import { renderSnapshot, snapshotChunks } from './report/snapshot.js';
import { renderAttributionMarkdown } from './history/attribution-render.js';
import { loadRun } from './history/load.js';
import { snapshotFromText } from './history/schema.js';
import { buildSummary, renderSummary, type FailOn, type Summary } from './report/summary.js';
import { RunFolder, runFolderName, writeRun, type FileContent } from './report/write.js';
import { loadKev } from './scoring/kev.js';
import { resolvePolicy } from './scoring/policy.js';
import { score } from './scoring/score.js';
import { createIncrementalCollector } from './sync/incremental.js';
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
  /**
   * Incremental sync of the live sources (`score`): state files in `dir` (`syncStateDir(out)`);
   * `full` forces a full pull. Absent: every live source is pulled in full and nothing is stored.
   */
  sync?: { dir: string; full?: boolean };
  /** Score for one asset: checked against the inventory before anything is collected. */
  asset?: string;
  /** Aborted with a RunStopped: `--timeout` cuts collection short, SIGTERM abandons the run (src/collectors/stop.ts). */
  stop?: AbortSignal;
}

export interface Collected {
  inventory: Inventory;
  result: ScoreResult;
  /** NDJSON of what each source returned, for --save-raw (replayable with --from). */
  raw?: Map<Source, string[]>;
  /** The --timeout deadline cut collection short. */
  timedOut?: boolean;
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
    },
  );
  const sync = opts.sync;
  out.push(...factories.map((f) => (sync ? createIncrementalCollector(f, { dir: sync.dir, ...(sync.full ? { full: true } : {}), ...(opts.stop ? { signal: opts.stop } : {}) }) : f.create())));
  if (out.length === 0) {
    throw new UsageError(
      `${inv.file}: no sources to collect from`,
      'Pass exported files with --from securityhub=FILE / --from dependabot=FILE, or configure `sources:` in assets.yaml.',
    );
  }
  return out;
}

/** Collect every source, normalize, de-duplicate by id (the most recently updated copy wins), score. */
/** Where `--save-raw` lines go while collecting (one NDJSON line per raw record, without the newline). */
export interface CollectHooks {
  rawLine?: (source: Source, line: string) => void;
}

/**
 * Streams every record through normalize into a compact store (see CompactFinding): only the
 * de-duplicated, interned findings are held, never the raw records (`--save-raw` streams them out
 * through `hooks.rawLine`; without it, the raw lines are kept in `Collected.raw`).
 */
export async function collectAndScore(opts: CollectOptions, previousRisk?: ReadonlyMap<string, number>, hooks: CollectHooks = {}): Promise<Collected> {
  const inventory = await loadInventory(opts.configPath, { now: opts.asOf });
  // A mistyped asset id must not cost a full live collection before it is reported.
  if (opts.asset && !inventory.assets.some((a) => a.id === opts.asset)) throw unknownAsset(opts.asset, inventory);
  for (const w of inventory.warnings) opts.log.warn(`${w.file}:${w.line ?? 0}:${w.col ?? 0} ${w.path}: ${w.message}`);
  const policy = resolvePolicy(inventory.policy);
  const kevPath = opts.kevPath ?? (inventory.policy?.kev ? resolveFrom(opts.configPath, inventory.policy.kev) : undefined);
  const kev = loadKev(kevPath);
  const collectors = collectorsFor(inventory, opts);

  const byId = new Map<string, CompactFinding>();
  const pool = new Interner();
  const rejected: Rejected[] = [];
  const raw = opts.saveRaw && !hooks.rawLine ? new Map<Source, string[]>() : undefined;
  const rawLine = opts.saveRaw ? hooks.rawLine : undefined;
  const sources: { status: SourceStatus; describe: string; findings: number; rejected: number }[] = [];

  for (const c of collectors) {
    opts.log.info(`collecting ${c.describe}`);
    let n = 0;
    let good = 0;
    let bad = 0;
    const status = await collectUntil(
      c,
      {
        record(value, where) {
          n++;
          if (rawLine) rawLine(c.source, JSON.stringify(value));
          else if (raw) {
            let lines = raw.get(c.source);
            if (!lines) raw.set(c.source, (lines = []));
            lines.push(JSON.stringify(value));
          }
          const r = normalizeRecord(c.source, value);
          if (!r.ok) {
            bad++;
            rejected.push({ source: c.source, ...where, ...(r.nativeId ? { nativeId: r.nativeId } : {}), reason: r.reason });
            return;
          }
          good++;
          const f = new CompactFinding(r.finding, pool);
          const prev = byId.get(f.id);
          if (!prev || f.newerThan(prev)) byId.set(f.id, f);
          if (n % 10_000 === 0) opts.log.progress(`${c.describe}: ${n} records`);
        },
        reject(r) {
          bad++;
          rejected.push({ source: c.source, ...r });
        },
      },
      opts.log,
      opts.stop,
    );
    sources.push({ status, describe: c.describe, findings: good, rejected: bad });
    const level = status.complete ? 'info' : 'warn';
    opts.log[level](`${c.describe}: ${status.records} records${status.complete ? '' : ` — INCOMPLETE: ${status.problems.join('; ')}`}`);
  }

  const timedOut = opts.stop?.aborted === true && stopOf(opts.stop).kind === 'timeout';
  const findings = [...byId.values()];
  byId.clear(); // its hash table is as large as the findings array: not kept while scoring
  const result = score({
    findings,
    inventory,
    matcher: compileInventory(inventory),
    policy,
    kev,
    now: opts.asOf,
    sources,
    rejected,
    ...(previousRisk ? { previousRisk } : {}),
  });
  return { inventory, result, ...(raw ? { raw } : {}), ...(timedOut ? { timedOut } : {}) };
}

/** The latest earlier run under `outDir` (as-of strictly before `asOf`), or undefined. */
export interface PreviousRun {
  name: string;
  dir: string;
  risk: Map<string, number>;
  /** Each asset's status in that run (`--fail-on worse`, summary.json's changes). */
  status: Map<string, string>;
  policyHash?: string;
  /** snapshot.json's size, to decide whether attributing the change is affordable. */
  bytes: number;
}

/**
 * The latest earlier complete-inventory run under `outDir` (as-of strictly before `asOf`), or
 * undefined. Runs narrowed with --asset are skipped: they say nothing about the other assets.
 */
export async function findPreviousRun(outDir: string, asOf: Date, log: Logger): Promise<PreviousRun | undefined> {
  let names: string[];
  try {
    names = await readdir(outDir);
  } catch {
    return undefined;
  }
  const current = runFolderName(asOf);
  const candidates = names.filter((n) => /^\d{4}-\d{2}-\d{2}T\d{6}Z(-\d+)?$/.test(n) && n.replace(/-\d+$/, '') < current).sort().reverse();
  for (const name of candidates) {
    const dir = join(outDir, name);
    try {
      const text = await readFile(join(dir, 'snapshot.json'), 'utf8');
      const snap = JSON.parse(text) as { assets?: { id: string; risk: number; status: string }[]; policyHash?: string; scope?: { asset?: string } | null };
      if (!Array.isArray(snap.assets)) throw new Error('no assets array');
      if (snap.scope?.asset) continue;
      const status = new Map(snap.assets.map((a) => [a.id, a.status]));
      return { name, dir, risk: new Map(snap.assets.map((a) => [a.id, a.risk])), status, bytes: text.length, ...(snap.policyHash ? { policyHash: snap.policyHash } : {}) };
    } catch (e) {
      log.warn(`skipping earlier run ${name}: unreadable snapshot.json (${(e as Error).message})`);
    }
  }
  return undefined;
}

/** Above this, attributing the change in report.md is left to `secsli diff` (it re-reads both snapshots). */
const ATTRIBUTION_MAX_FINDINGS = 200_000;

/** "What changed since the previous run", or a note saying why it is not there. */
async function changesSince(previous: PreviousRun, result: ScoreResult, snapshot: () => string, log: Logger): Promise<string> {
  if (result.totalFindings > ATTRIBUTION_MAX_FINDINGS || previous.bytes > 256 * 1024 * 1024) {
    return `## What changed since ${previous.name}\n\nToo many findings to attribute here; run \`secsli diff ${previous.dir} <this run>\`.\n`;
  }
  try {
    const prev = await loadRun(previous.dir, log);
    const now = snapshotFromText(snapshot());
    const ids = new Set(result.assets.map((a) => a.asset.id));
    const before = now.scope?.asset ? { ...prev.snapshot, assets: prev.snapshot.assets.filter((a) => ids.has(a.id)) } : prev.snapshot;
    return renderAttributionMarkdown(before, now, undefined, { labelA: previous.name });
  } catch (e) {
    log.warn(`no change attribution against ${previous.name}: ${(e as Error).message}`);
    return '';
  }
}

export interface ScoreOptions extends CollectOptions {
  out: string;
  failOn?: FailOn;
}

export interface ScoreOutcome {
  runDir: string;
  result: ScoreResult;
  /** What summary.json holds (exit code and reason included). */
  summary: Summary;
}

export async function runScore(opts: ScoreOptions): Promise<ScoreOutcome> {
  const previous = await findPreviousRun(opts.out, opts.asOf, opts.log);
  // With --save-raw the run folder is opened first and the raw records stream into it while
  // collecting; it is renamed into place only when every report is written (or removed on failure).
  const folder = opts.saveRaw ? await RunFolder.create(opts.out, opts.asOf) : undefined;
  const rawSinks = new Map<Source, ReturnType<RunFolder['lineSink']>>();
  try {
    const hooks: CollectHooks = folder
      ? {
          rawLine(source, line) {
            let sink = rawSinks.get(source);
            if (!sink) rawSinks.set(source, (sink = folder.lineSink(`raw/${source}.ndjson`)));
            sink.line(line);
          },
        }
      : {};
    const { inventory, result, raw, timedOut } = await collectAndScore(opts, previous?.risk, hooks);
    for (const sink of rawSinks.values()) sink.close();
    if (opts.asset) narrowTo(result, opts.asset);
    const meta = {
      toolVersion: toolVersion(),
      inventoryFile: opts.configPath,
      ...(opts.asset ? { scope: { asset: opts.asset } } : {}),
      ...(previous ? { previousRun: previous.name } : {}),
      ...(previous?.policyHash ? { previousPolicyHash: previous.policyHash } : {}),
    };
    const changes = previous ? await changesSince(previous, result, () => renderSnapshot(result, meta), opts.log) : undefined;
    // findings.csv and snapshot.json grow with the findings: they are written as they are rendered.
    const files: Record<string, FileContent> = {
      'assets.csv': renderAssetsCsv(result),
      'findings.csv': findingsCsvChunks(result),
      'unmapped.csv': renderUnmappedCsv(result),
      'report.md': renderMarkdown(result, { ...meta, ...(changes ? { changes } : {}) }),
      'snapshot.json': snapshotChunks(result, meta),
    };
    if (raw) {
      for (const [source, lines] of raw) files[`raw/${source}.ndjson`] = lines.join('\n') + (lines.length ? '\n' : '');
    }
    if (opts.stop?.aborted && stopOf(opts.stop).kind === 'cancelled') throw stopOf(opts.stop);
    let summary: Summary | undefined;
    const named = (name: string) => {
      summary = buildSummary(result, { inventory, failOn: opts.failOn, previousStatus: previous?.status, previousRun: previous?.name, run: { name, location: join(opts.out, name) }, timedOut });
      return { 'summary.json': renderSummary(summary) };
    };
    const runDir = folder ? await folder.commit(files, named) : await writeRun(opts.out, opts.asOf, files, named);
    return { runDir, result, summary: summary! };
  } catch (e) {
    for (const sink of rawSinks.values()) sink.close();
    await folder?.abort();
    throw e;
  }
}

/** A report about one asset: the other assets, and findings and exceptions that concern only them, are left out. */
function narrowTo(result: ScoreResult, assetId: string): void {
  result.assets = result.assets.filter((a) => a.asset.id === assetId);
  result.ambiguous = result.ambiguous.filter((a) => a.assetIds.includes(assetId));
  result.exceptions = result.exceptions.filter((e) => e.exception.asset === assetId);
  result.unmapped = [];
}

export function unknownAsset(id: string, inv: Inventory): UsageError {
  const ids = inv.assets.map((a) => a.id);
  return new UsageError(`unknown asset "${id}" in ${inv.file}`, `Known assets: ${ids.join(', ')}`);
}

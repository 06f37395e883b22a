import type { Inventory } from './config/inventory.js';
import { resolvePolicy } from './config/policy.js';
import { normalizeRecord } from './sources/index.js';
import { guardRecord } from './collectors/read/record-guard.js';
import { liveSecrets } from './collectors/secrets.js';
import { collectorsFor, resolveFrom, type FromFile } from './collectors/select.js';
import { collectUntil, stopOf } from './collectors/stop.js';
import { FindingStore } from './collectors/store.js';
import type { Collector, SourceStatus } from './collectors/types.js';
import { UsageError } from './errors.js';
import { renderAttributionMarkdown, renderChangesTooLarge } from './history/attribution-render.js';
import { findPreviousRun, loadStoredRun, type PreviousRun } from './history/load.js';
import { snapshotOfRun, type SnapshotV1 } from './history/schema.js';
import { unknownIdHint } from './inventory/did-you-mean.js';
import { loadInventory } from './inventory/load.js';
import { loadKev } from './inventory/kev.js';
import { compileInventory } from './inventory/match.js';
import type { Logger } from './log.js';
import type { Finding, Rejected, Source } from './model/finding.js';
import { toolVersion } from './package-root.js';
import { findingsCsvChunks, renderAssetsCsv, renderUnmappedCsv } from './report/csv.js';
import { renderFixesCsv } from './report/fixes-csv.js';
import { renderMarkdown } from './report/markdown.js';
import { buildSnapshot, snapshotFiles } from './report/snapshot.js';
import { buildSummary, renderSummary, type FailOn, type Summary } from './report/summary.js';
import { runFolderName, type FileContent } from './report/write.js';
import { score } from './scoring/score.js';
import { createEvidenceCollector, discoverable, inventoryTruth } from './drift/live.js';
import type { ScoreResult } from './scoring/types.js';
import { openRunStore } from './store/index.js';
import type { RunStore, RunWriter, StateStore } from './store/types.js';
import { createIncrementalCollector } from './sync/incremental.js';
import { PendingStates } from './sync/pending.js';

/**
 * All I/O happens here, then one pure call to score(), then the renderers and the one writer.
 * The rules live elsewhere: which collectors run (collectors/select.ts), one finding per id
 * (collectors/store.ts), which earlier run to compare with (history/load.ts), what the report says.
 * (A little over 250 lines: the record guard and the raw-write fault handling sit where records flow.)
 */

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
   * Incremental sync of the live sources (`score`): state in `store`, new states collected in
   * `pending` (published once the run is written); `full` forces a full pull. Absent: every live
   * source is pulled in full and nothing is stored.
   */
  sync?: { store: StateStore; pending?: PendingStates; full?: boolean };
  /** Score for one asset: checked against the inventory before anything is collected. */
  asset?: string;
  /** Aborted with a RunStopped: `--timeout` cuts collection short, SIGTERM abandons the run (src/collectors/stop.ts). */
  stop?: AbortSignal;
  /** false: no inventory truth (discovery and drift) in a live run (`score --no-discovery`). */
  discovery?: boolean;
}

export interface Collected {
  inventory: Inventory;
  result: ScoreResult;
  /** NDJSON of what each source returned, for --save-raw (replayable with --from). */
  raw?: Map<Source, string[]>;
  /** The --timeout deadline cut collection short. */
  timedOut?: boolean;
}

/** Where `--save-raw` lines go while collecting (one NDJSON line per raw record, without the newline). */
export interface CollectHooks {
  rawLine?: (source: Source, line: string) => void;
  /** Every normalized finding with its raw record (inventory truth's exposure evidence). */
  finding?: (finding: Finding, raw: unknown) => void;
}

/**
 * Collect every source, normalize, keep one finding per id, score. Streams every record through
 * normalize into the finding store: only the de-duplicated, interned findings are held, never the
 * raw records (`--save-raw` streams them out through `hooks.rawLine`; without it, the raw lines are
 * kept in `Collected.raw`).
 */
export async function collectAndScore(opts: CollectOptions, previousRisk?: ReadonlyMap<string, number>, hooks: CollectHooks = {}): Promise<Collected> {
  const inventory = await loadInventory(opts.configPath, { now: opts.asOf });
  // A mistyped asset id must not cost a full live collection before it is reported.
  if (opts.asset && !inventory.assets.some((a) => a.id === opts.asset)) throw unknownAsset(opts.asset, inventory);
  for (const w of inventory.warnings) opts.log.warn(`${w.file}:${w.line ?? 0}:${w.col ?? 0} ${w.path}: ${w.message}`);
  const policy = resolvePolicy(inventory.policy);
  const kevPath = opts.kevPath ?? (inventory.policy?.kev ? resolveFrom(opts.configPath, inventory.policy.kev) : undefined);
  const kev = loadKev(kevPath);
  const sync = opts.sync;
  const collectors = collectorsFor(inventory, {
    ...opts,
    ...(sync ? { live: (f) => createIncrementalCollector(f, { store: sync.store, ...(sync.pending ? { pending: sync.pending } : {}), ...(sync.full ? { full: true } : {}), ...(opts.stop ? { signal: opts.stop } : {}) }) } : {}),
  });

  const store = new FindingStore();
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
          // The record guard: anything this one record makes fail (serialising it, normalizing,
          // interning) becomes its rejection reason; the run goes on.
          const g = guardRecord(value, () => {
            const line = rawLine || raw ? JSON.stringify(value) : undefined;
            const r = normalizeRecord(c.source, value);
            if (r.ok) {
              hooks.finding?.(r.finding, value);
              store.add(r.finding);
            }
            return { line, r };
          });
          const line = g.ok ? g.value.line : undefined;
          if (line !== undefined && rawLine) rawLine(c.source, line);
          else if (line !== undefined && raw) {
            let lines = raw.get(c.source);
            if (!lines) raw.set(c.source, (lines = []));
            lines.push(line);
          }
          const r = g.ok ? g.value.r : { ok: false as const, reason: g.reason };
          if (!r.ok) {
            bad++;
            rejected.push({ source: c.source, ...where, ...(r.nativeId ? { nativeId: r.nativeId } : {}), reason: r.reason });
            return;
          }
          good++;
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
  const result = score({
    findings: store.drain(),
    inventory,
    matcher: compileInventory(inventory),
    policy,
    kev,
    now: opts.asOf,
    sources,
    rejected,
    ...(previousRisk ? { previousRisk } : {}),
    ...(opts.asset ? { scope: { asset: opts.asset } } : {}),
  });
  return { inventory, result, ...(raw ? { raw } : {}), ...(timedOut ? { timedOut } : {}) };
}

/** Above this, attributing the change in report.md is left to `secsli diff` (it re-reads both snapshots). */
const ATTRIBUTION_MAX_FINDINGS = 200_000;

/** "What changed since the previous run" against this run's snapshot, or '' when it cannot be attributed. */
async function changesSince(store: RunStore, previous: PreviousRun, now: SnapshotV1, result: ScoreResult, log: Logger): Promise<string> {
  try {
    const prev = await loadStoredRun(store, previous.name, log);
    const ids = new Set(result.assets.map((a) => a.asset.id));
    const before = now.scope?.asset ? { ...prev.snapshot, assets: prev.snapshot.assets.filter((a) => ids.has(a.id)) } : prev.snapshot;
    return renderAttributionMarkdown(before, now, undefined, { labelA: previous.name });
  } catch (e) {
    log.warn(`no change attribution against ${previous.name}: ${(e as Error).message}`);
    return '';
  }
}

export interface ScoreOptions extends Omit<CollectOptions, 'sync'> {
  /** A folder, or s3://bucket/prefix: run folders and the sync state. */
  out: string;
  /** Live sources: pull everything, ignoring the sync state (`--full`). */
  full?: boolean;
  /** SSE-KMS key for what is written to S3. */
  sseKmsKeyId?: string;
  failOn?: FailOn;
}

export interface ScoreOutcome {
  runDir: string;
  result: ScoreResult;
  /** What summary.json holds (exit code and reason included). */
  summary: Summary;
  /** Sources whose sync state another run replaced while this one ran: not saved (the run folder was). */
  stateConflicts: Source[];
}

export async function runScore(opts: ScoreOptions): Promise<ScoreOutcome> {
  const store = await openRunStore(opts.out, { env: opts.env, ...(opts.sseKmsKeyId ? { sseKmsKeyId: opts.sseKmsKeyId } : {}) });
  const base = runFolderName(opts.asOf);
  const previous = await findPreviousRun(store, base, opts.log);
  // With --save-raw the run is opened first and the raw records stream into it while collecting;
  // it is published only when every report is written (or removed on failure).
  // Every file the writer writes is redacted of the secrets this environment holds.
  const guard = { secrets: liveSecrets(opts.env) };
  const folder = opts.saveRaw ? await store.createRun(base, guard) : undefined;
  const rawSinks = new Map<Source, ReturnType<RunWriter['lineSink']>>();
  const pending = new PendingStates();
  try {
    // A write that fails (a full disk) stops the run with its own error after collecting: a
    // collector must not mistake it for its source failing.
    let writeFailure: unknown;
    // Inventory truth runs in live runs only (not for --from, not for one --asset): only those
    // pay for looking at every finding for exposure evidence.
    const mayDiscover = opts.discovery !== false && !opts.from?.length && !opts.collectors && !opts.asset;
    const evidence = createEvidenceCollector();
    const evidenceHook = mayDiscover ? { finding: evidence.record } : {};
    const hooks: CollectHooks = folder
      ? {
          ...evidenceHook,
          rawLine(source, line) {
            if (writeFailure !== undefined) return;
            try {
              let sink = rawSinks.get(source);
              if (!sink) rawSinks.set(source, (sink = folder.lineSink(`raw/${source}.ndjson`)));
              sink.line(line);
            } catch (e) {
              writeFailure = e;
            }
          },
        }
      : evidenceHook;
    const sync = { store: store.state, pending, ...(opts.full ? { full: true } : {}) };
    const { inventory, result, raw, timedOut } = await collectAndScore({ ...opts, sync }, previous?.risk, hooks);
    if (writeFailure !== undefined) throw writeFailure;
    const live = mayDiscover && discoverable(inventory);
    const truth = live ? await inventoryTruth(inventory, result, evidence.evidence, { env: opts.env, log: opts.log }) : undefined;
    for (const sink of rawSinks.values()) sink.close();
    const meta = {
      toolVersion: toolVersion(),
      inventoryFile: opts.configPath,
      ...(opts.asset ? { scope: { asset: opts.asset } } : {}),
      ...(previous ? { previousRun: previous.name } : {}),
      ...(previous?.policyHash ? { previousPolicyHash: previous.policyHash } : {}),
      ...(truth ? { inventoryTruth: truth.snapshot } : {}),
    };
    // The snapshot is held whole only to attribute the change; its files are written as they are rendered.
    const attribute = previous !== undefined && result.totalFindings <= ATTRIBUTION_MAX_FINDINGS && previous.findings <= ATTRIBUTION_MAX_FINDINGS;
    let changes: string | undefined;
    if (previous) changes = attribute ? await changesSince(store, previous, snapshotOfRun(buildSnapshot(result, meta)), result, opts.log) : renderChangesTooLarge(previous.name, previous.dir);
    // findings.csv and the snapshot grow with the findings: they are written as they are rendered.
    const files: Record<string, FileContent> = {
      ...snapshotFiles(result, meta),
      'assets.csv': renderAssetsCsv(result),
      'findings.csv': findingsCsvChunks(result),
      'unmapped.csv': renderUnmappedCsv(result),
      'fixes.csv': renderFixesCsv(result),
      'report.md': renderMarkdown(result, { ...meta, ...(changes ? { changes } : {}), ...(truth ? { inventory: { summary: truth.summaryLine, section: truth.section } } : {}) }),
      ...(truth ? { 'inventory.csv': truth.csv } : {}),
    };
    if (raw) {
      for (const [source, lines] of raw) files[`raw/${source}.ndjson`] = lines.join('\n') + (lines.length ? '\n' : '');
    }
    if (opts.stop?.aborted && stopOf(opts.stop).kind === 'cancelled') throw stopOf(opts.stop);
    // summary.json names the run's final location: written just before the step that claims it.
    let summary: Summary | undefined;
    const named = (name: string) => {
      summary = buildSummary(result, { inventory, failOn: opts.failOn, previousStatus: previous?.status, previousRun: previous?.name, run: { name, location: store.runLocation(name) }, timedOut });
      return { 'summary.json': renderSummary(summary) };
    };
    const runDir = await (folder ?? (await store.createRun(base, guard))).commit(files, named);
    // The sync state moves on only now that the run is complete, and only if no other run moved it meanwhile.
    const stateConflicts = await pending.publish(opts.log);
    await store.tidy(opts.log);
    return { runDir, result, summary: summary!, stateConflicts };
  } catch (e) {
    // abort() closes what is open and removes the folder without throwing: the first error is the one to report.
    await folder?.abort();
    await pending.discard();
    throw e;
  } finally {
    await store.state.close();
  }
}

export function unknownAsset(id: string, inv: Inventory): UsageError {
  return new UsageError(`unknown asset "${id}" in ${inv.file}`, unknownIdHint(id, inv.assets.map((a) => a.id), 'assets', inv.file));
}

import { EXIT, SecsliError } from './errors.js';
import { ServerErrorStreaks } from './collectors/dependabot/server-errors.js';
import { liveSecrets } from './collectors/secrets.js';
import { parallelFrom } from './collectors/parallel/options.js';
import { RunStopped, stopOf, untilStopped } from './collectors/stop.js';
import { renderAttributionMarkdown, renderChangesTooLarge } from './history/attribution-render.js';
import { findPreviousRun, loadStoredRun, type PreviousRun } from './history/load.js';
import { snapshotOfRun, type SnapshotV1 } from './history/schema.js';
import type { Logger } from './log.js';
import type { Source } from './model/finding.js';
import { collectGarbage } from './io/gc.js';
import { toolVersion } from './package-root.js';
import { findingsCsvChunks, renderAssetsCsv, renderUnmappedCsv } from './report/csv.js';
import { fixesCsvChunks } from './report/fixes-csv.js';
import { renderMarkdown } from './report/markdown.js';
import { findingFiles } from './report/finding-files.js';
import { buildSnapshot, snapshotFiles } from './report/snapshot.js';
import { buildSummary, renderSummary, type FailOn, type Summary } from './report/summary.js';
import { runFolderName, type FileContent } from './report/write.js';
import { createEvidenceCollector, discoverable, inventoryTruth } from './drift/live.js';
import type { ScoreResult } from './scoring/types.js';
import { openRunStore } from './store/index.js';
import type { RunStore, RunWriter } from './store/types.js';
import { PendingStates } from './sync/pending.js';
import { collectAndScore, type CollectHooks, type CollectOptions } from './pipeline.js';

/**
 * `secsli score` as a run: find the previous run, collect and score (pipeline.ts), attribute the
 * change, then write every report of the run folder through the one writer, and publish the sync
 * state only after the run is written.
 */

/**
 * From this many finding rows on, the per-finding files are rendered on two threads
 * (report/finding-files.ts), unless SECSLI_WORKERS=0 (or one core), and scoring's garbage is
 * collected before writing (io/gc.ts): below it, the worker costs about what it saves.
 */
const BIG_RUN_ROWS = 20_000;

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
  /** History retention (`--keep-days`): once this run is published, runs older than this many days before the newest go (history/prune.ts). */
  keepDays?: number;
  /** The wall clock (`--keep-days`: a run dated after both it and this run's as-of does not set the window). */
  now?: () => Date;
}

export interface ScoreOutcome {
  runDir: string;
  result: ScoreResult;
  /** What summary.json holds (exit code and reason included). */
  summary: Summary;
  /** Sources whose sync state another run replaced while this one ran: not saved (the run folder was). */
  stateConflicts: Source[];
  /**
   * Those of them found only as the state was published, after the run folder (the other run
   * published its state while this one was publishing its folder): summary.json, written
   * before, does not count them, and the run exits as summary.json says.
   */
  lateStateConflicts: Source[];
}

export async function runScore(opts: ScoreOptions): Promise<ScoreOutcome> {
  const store = await openRunStore(opts.out, { env: opts.env, ...(opts.sseKmsKeyId ? { sseKmsKeyId: opts.sseKmsKeyId } : {}) });
  const base = runFolderName(opts.asOf);
  // S3 that accepts connections and never answers held the run past --timeout and SIGTERM: these
  // reads end with the run's stop (a deadline here is S3 failing: exit 2, nothing written).
  const s3Read = <T>(what: string, work: Promise<T>) =>
    untilStopped(work, opts.stop).catch((e: unknown) => {
      if (e instanceof RunStopped && e.kind === 'timeout')
        throw new SecsliError(
          `${store.location}: ${what} did not answer before the --timeout deadline; nothing was written`,
          EXIT.USAGE,
          'Check the route and the endpoint to the history store.',
        );
      throw e;
    });
  await s3Read('the history store (checking it)', Promise.resolve(store.preflight?.()));
  const previous = await s3Read('the history store (reading the previous run)', findPreviousRun(store, base, opts.log));
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
    // One count of GitHub 5xx for the run: once collection has cut GitHub off, discovery does not
    // wait through the first requests' retries again (collectors/dependabot/server-errors.ts).
    const githubServerErrors = opts.githubServerErrors ?? new ServerErrorStreaks();
    const { inventory, result, raw, timedOut } = await collectAndScore({ ...opts, sync, githubServerErrors }, previous?.risk, hooks);
    if (writeFailure !== undefined) throw writeFailure;
    const live = mayDiscover && discoverable(inventory);
    const truth = live
      ? await truthUntilStopped(
          () => inventoryTruth(inventory, result, evidence.evidence, { env: opts.env, log: opts.log, discover: { github: { serverErrors: githubServerErrors } } }),
          opts,
        )
      : undefined;
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
    if (previous)
      changes = attribute ? await changesSince(store, previous, snapshotOfRun(buildSnapshot(result, meta)), result, opts.log) : renderChangesTooLarge(previous.name, previous.dir);
    // findings.csv and the snapshot grow with the findings: they are written as they are rendered.
    const rows = result.assets.reduce((n, a) => n + a.findings.length, 0);
    const big = rows >= BIG_RUN_ROWS;
    const twoThreads = big && parallelFrom(opts.env).workers > 0;
    const files: Record<string, FileContent> = {
      ...snapshotFiles(result, meta),
      'findings.csv': findingsCsvChunks(result),
      'fixes.csv': fixesCsvChunks(result),
      // With two threads, these four from one rendering each of the snapshot's lines.
      ...(twoThreads ? findingFiles(result, { guard }) : {}),
      'assets.csv': renderAssetsCsv(result),
      'unmapped.csv': renderUnmappedCsv(result),
      'report.md': renderMarkdown(result, { ...meta, ...(changes ? { changes } : {}), ...(truth ? { inventory: { summary: truth.summaryLine, section: truth.section } } : {}) }),
      ...(truth ? { 'inventory.csv': truth.csv } : {}),
    };
    if (raw) {
      for (const [source, lines] of raw) files[`raw/${source}.ndjson`] = lines.join('\n') + (lines.length ? '\n' : '');
    }
    // SIGTERM/SIGINT abandon the run until it is published (the rename): checked now, before each file and before the rename.
    const cancelled = () => {
      if (opts.stop?.aborted && stopOf(opts.stop).kind === 'cancelled') throw stopOf(opts.stop);
    };
    cancelled();
    // Another run that replaced the sync state meanwhile makes this one exit 3: found now, so that
    // summary.json says it (the state is published only after the run folder).
    const stateReplaced = await pending.replaced().catch((e: unknown) => {
      opts.log.debug(`could not check the sync state before publishing the run: ${(e as Error).message}`);
      return [] as Source[];
    });
    // summary.json names the run's final location: written just before the step that claims it.
    let summary: Summary | undefined;
    const named = (name: string) => {
      summary = buildSummary(result, {
        inventory,
        failOn: opts.failOn,
        // Status news is judged against the last run that measured everything (see PreviousRun.baseline).
        previousStatus: previous?.baseline?.status,
        measuredStatus: previous?.measured,
        previousRun: previous?.name,
        baselineRun: previous?.baseline?.name,
        run: { name, location: store.runLocation(name) },
        timedOut,
        stateReplaced,
      });
      return { 'summary.json': renderSummary(summary) };
    };
    // What scoring built and no report needs is garbage now: collect it before the writing grows the heap.
    if (big) collectGarbage();
    const runDir = await (folder ?? (await store.createRun(base, guard))).commit(files, named, cancelled);
    // The sync state moves on only now that the run is complete, and only if no other run moved it meanwhile.
    const stateConflicts = await pending.publish(opts.log);
    await store.tidy(opts.log);
    if (opts.keepDays !== undefined) await keepHistory(store, opts.keepDays, summary!.run.name, (opts.now?.() ?? new Date()).getTime(), opts.log);
    return { runDir, result, summary: summary!, stateConflicts, lateStateConflicts: stateConflicts.filter((c) => !stateReplaced.includes(c)) };
  } catch (e) {
    // abort() closes what is open and removes the folder without throwing: the first error is the one to report.
    await folder?.abort();
    await pending.discard();
    throw e;
  } finally {
    await store.state.close();
  }
}

/**
 * Inventory truth, within the run's stop: after the --timeout deadline (collection cut short, or
 * discovery still paging a large organization at 4 requests/s) the report goes out without it,
 * said in a warning; a signal abandons the run as everywhere else.
 */
async function truthUntilStopped<T>(work: () => Promise<T>, opts: Pick<ScoreOptions, 'stop' | 'log'>): Promise<T | undefined> {
  const skipped = 'inventory truth (discovery and drift) is not in this report';
  if (opts.stop?.aborted && stopOf(opts.stop).kind === 'timeout') {
    opts.log.warn(`--timeout deadline passed before discovery: ${skipped}`);
    return undefined;
  }
  try {
    return await untilStopped(work(), opts.stop);
  } catch (e) {
    if (!(e instanceof RunStopped) || e.kind !== 'timeout') throw e;
    opts.log.warn(`--timeout deadline passed during discovery: ${skipped}`);
    return undefined;
  }
}

/**
 * `--keep-days` after a published run: this run is never removed (a back-fill older than the
 * window stays), and a run that cannot be removed is a warning: the run itself is written and
 * its exit code stands. `now` (ms): the wall clock, never this run's as-of: a run dated after the
 * clock (an `--as-of` in the future, or a host whose clock ran ahead) is kept and does not set the
 * window, so a mistyped year cannot remove the history it is pruned against.
 */
async function keepHistory(store: RunStore, keepDays: number, run: string, now: number, log: Logger): Promise<void> {
  try {
    const { pruneRuns, bytesText } = await import('./history/prune.js');
    const r = await pruneRuns(store, keepDays, log, { spare: [run], now, nowIs: 'the clock' });
    const done = r.remove.length - r.failed.length;
    if (done) log.info(`--keep-days ${keepDays}: removed ${done} run(s) as of before ${r.cutoff} (${bytesText(r.bytes)})`);
  } catch (e) {
    log.warn(`--keep-days ${keepDays}: history not pruned: ${(e as Error).message}`);
  }
}

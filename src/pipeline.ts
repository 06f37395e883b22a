import type { Inventory } from './config/inventory.js';
import { resolvePolicy } from './config/policy.js';
import { guardRejection, normalizeRecord, rejectionFields } from './sources/index.js';
import { guardRecord } from './collectors/read/record-guard.js';
import { liveSecrets } from './collectors/secrets.js';
import type { ServerErrorStreaks } from './collectors/dependabot/server-errors.js';
import { collectorsFor, resolveFrom, type FromFile } from './collectors/select.js';
import { collectUntil, stopOf } from './collectors/stop.js';
import { FindingStore } from './collectors/store.js';
import type { Collector, RecordBatch, SourceStatus } from './collectors/types.js';
import { UsageError } from './errors.js';
import { unknownIdHint } from './inventory/did-you-mean.js';
import { loadInventory } from './inventory/load.js';
import { scrubTokens } from './text/tokens.js';
import { loadKev } from './inventory/kev.js';
import { compileInventory } from './inventory/match.js';
import type { Logger } from './log.js';
import type { Finding, Rejected, Source } from './model/finding.js';
import { score } from './scoring/score.js';
import type { ScoreResult } from './scoring/types.js';
import type { StateStore } from './store/types.js';
import { createIncrementalCollector } from './sync/incremental.js';
import type { PendingStates } from './sync/pending.js';

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
  /**
   * Only checked against the inventory before anything is collected, the score not narrowed
   * (`fixes --asset/--owner` list the whole run's fixes that touch these, as fixes.csv has them).
   */
  expect?: { asset?: string; owner?: string };
  /** Aborted with a RunStopped: `--timeout` cuts collection short, SIGTERM abandons the run (src/collectors/stop.ts). */
  stop?: AbortSignal;
  /** false: no inventory truth (discovery and drift) in a live run (`score --no-discovery`). */
  discovery?: boolean;
  /** The run's count of GitHub 5xx in a row, shared by the Dependabot collector and discovery (score-run.ts). */
  githubServerErrors?: ServerErrorStreaks;
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
  for (const id of [opts.asset, opts.expect?.asset]) if (id !== undefined && !inventory.assets.some((a) => a.id === id)) throw unknownAsset(id, inventory);
  const owner = opts.expect?.owner;
  if (owner !== undefined && !inventory.assets.some((a) => a.owner === owner)) throw unknownOwner(owner, inventory);
  const both = opts.expect?.asset !== undefined && owner !== undefined ? inventory.assets.find((a) => a.id === opts.expect!.asset) : undefined;
  // Both filters at once select nothing when they disagree: say so, rather than "no fixes".
  if (both && both.owner !== owner)
    throw new UsageError(`asset "${both.id}" is owned by "${both.owner}", not "${owner}"`, `Pass --owner ${both.owner}, or drop one of --asset and --owner.`);
  for (const w of inventory.warnings) opts.log.warn(`${w.file}:${w.line ?? 0}:${w.col ?? 0} ${w.path}: ${w.message}`);
  const policy = resolvePolicy(inventory.policy);
  const kevPath = opts.kevPath ?? (inventory.policy?.kev ? resolveFrom(opts.configPath, inventory.policy.kev) : undefined);
  const { catalog: kev, skipped } = loadKev(kevPath);
  if (skipped) opts.log.warn(`KEV catalog ${kev.origin}: ${skipped}`);
  const sync = opts.sync;
  const collectors = collectorsFor(inventory, {
    ...opts,
    ...(sync
      ? {
          live: (f) =>
            createIncrementalCollector(f, {
              store: sync.store,
              ...(sync.pending ? { pending: sync.pending } : {}),
              ...(sync.full ? { full: true } : {}),
              ...(opts.stop ? { signal: opts.stop } : {}),
              // The state holds every raw record: redacted of the environment's secrets like raw/ and the reports.
              guard: { secrets: liveSecrets(opts.env) },
            }),
        }
      : {}),
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
    const firstRejected = rejected.length;
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
          const r = g.ok ? g.value.r : guardRejection(c.source, value, g.reason);
          if (!r.ok) {
            bad++;
            rejected.push({ source: c.source, ...where, ...rejectionFields(r) });
            return;
          }
          good++;
          if (n % 10_000 === 0) opts.log.progress(`${c.describe}: ${n} records`);
        },
        reject(r) {
          bad++;
          rejected.push({ source: c.source, ...r });
        },
        // Normalized by parse workers: only when nothing here needs the raw records.
        ...(rawLine || raw || hooks.finding
          ? {}
          : {
              batch(b: RecordBatch) {
                good += store.addPacked(b.packed, b.unpacker);
                for (const r of b.rejected) {
                  bad++;
                  rejected.push({ source: c.source, ...r });
                }
              },
            }),
      },
      opts.log,
      opts.stop,
    );
    // A collector stopped from outside (--timeout) cannot count what it handed over: the sink
    // counted the findings it took, each from a record (at least that many were read; a line that
    // was not JSON is no record, so the refused are not added).
    if (status.records < good) status.records = good;
    // What a collector says went wrong is outside text (an API's error, a URL it names): credentials
    // by their shape never reach the reports, whichever collector worded it (text/tokens.ts).
    status.problems = status.problems.map(scrubTokens);
    for (const e of status.coverage) if (e.reason !== undefined) e.reason = scrubTokens(e.reason);
    sources.push({ status, describe: c.describe, findings: good, rejected: bad });
    const level = status.complete && bad === 0 ? 'info' : 'warn';
    const first = rejected[firstRejected];
    const where = first ? [first.record !== undefined ? `record ${first.record}` : '', first.line !== undefined ? `line ${first.line}` : ''].filter(Boolean).join(', ') : '';
    const rejects = first ? `, ${bad} rejected (first: ${where ? `${where}: ` : ''}${first.reason}; a score run lists every one in report.md, "Rejected records")` : '';
    opts.log[level](`${c.describe}: ${status.records} records${rejects}${status.complete ? '' : ` — INCOMPLETE: ${status.problems.join('; ')}`}`);
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
  // Routine in a live run (found while collecting: the next run has them), a mistake when it is all of them.
  if (result.afterAsOf > 0) {
    const all = result.afterAsOf === result.totalFindings;
    opts.log[all ? 'warn' : 'info'](
      `${result.afterAsOf} finding(s) first seen after the as-of (${result.asOf}) left out: they did not exist yet at the time this run measures${all ? ' — that is every finding read: is --as-of right?' : ''}`,
    );
  }
  return { inventory, result, ...(raw ? { raw } : {}), ...(timedOut ? { timedOut } : {}) };
}

function unknownOwner(owner: string, inv: Inventory): UsageError {
  const owners = [...new Set(inv.assets.map((a) => a.owner))].sort();
  return new UsageError(`no asset in ${inv.file} has owner "${owner}"`, `Owners: ${owners.join(', ')}`);
}

export function unknownAsset(id: string, inv: Inventory): UsageError {
  return new UsageError(
    `unknown asset "${id}" in ${inv.file}`,
    unknownIdHint(
      id,
      inv.assets.map((a) => a.id),
      'assets',
      inv.file,
    ),
  );
}

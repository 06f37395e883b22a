import { EXIT } from '../errors.js';
import type { Inventory } from '../config/inventory.js';
import type { AssetResult, AssetStatus, ScoreResult } from '../scoring/types.js';

/**
 * summary.json: the run in the few facts a scheduler routes alerts on (exit code and reason,
 * counts by status, status changes with owners and contacts, next actions, where the run is).
 * `--log-format json` ends with the same object as one line. Pure: same inputs → same bytes.
 *
 * The exit decision for `score` lives here (not in src/cli) because summary.json must carry it and
 * is written before the CLI exits; src/cli/options.ts `exitCodeFor` is this function's code.
 */
const SUMMARY_SCHEMA_VERSION = 1;

export const FAIL_ON = ['breached', 'at-risk', 'unknown', 'worse'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** Which statuses trip each level mode of --fail-on. */
const FAILING: Record<Exclude<FailOn, 'worse'>, readonly AssetStatus[]> = {
  breached: ['BREACHED'],
  'at-risk': ['BREACHED', 'AT RISK'],
  unknown: ['BREACHED', 'AT RISK', 'UNKNOWN'],
};

/**
 * How bad a *measured* status is, for `--fail-on worse`. UNKNOWN is not a measurement: a run with
 * an UNKNOWN asset exits 3 anyway, and an asset that was UNKNOWN last time has no status to get
 * worse than (it is judged like a new asset: only BREACHED trips).
 */
const RANK: Partial<Record<AssetStatus, number>> = { OK: 0, 'AT RISK': 1, BREACHED: 2 };

type ExitReason = 'ok' | 'fail-on' | 'worse' | 'incomplete' | 'timeout' | 'cancelled';

export interface Outcome {
  exitCode: number;
  exitReason: ExitReason;
  /** One sentence: why this exit code. */
  message: string;
  /**
   * Exit 3 wins over exit 1, but not in silence: what `--fail-on` found among what was measured
   * (statuses the run could judge: a measured breach, a status that got worse) when the run also
   * could not measure everything. One asset that is never measured (a vendor repository, Dependabot
   * off on one repository) would otherwise hide every owner's news for as long as it lasts.
   */
  failOnMeasured?: { exitReason: 'fail-on' | 'worse'; message: string };
}

export interface OutcomeInput {
  failOn?: FailOn | undefined;
  /** Status of each asset in the previous complete-inventory run (absent: no previous run). */
  previousStatus?: ReadonlyMap<string, string> | undefined;
  /** Each asset's status in the latest earlier run that measured it (history/load.ts PreviousRun.measured): what `failOnMeasured` judges "worse" against. */
  measuredStatus?: ReadonlyMap<string, string> | undefined;
  /** The whole-run deadline (--timeout) ended collection. */
  timedOut?: boolean;
  /**
   * Sources whose sync state another run replaced while this one ran (found before the run folder
   * is published): this run saves no state, and says so with exit 3.
   */
  stateReplaced?: readonly string[] | undefined;
}

/** What a run that lost the race for the sync state says (summary.json, the log). */
export const STATE_CONFLICT = "another run updated the sync state; this run's results are kept, state not saved";

/** Did this asset's status get worse (or start BREACHED without a measured previous status)? */
export function gotWorse(a: Pick<AssetResult, 'status'> & { asset: { id: string } }, previous: ReadonlyMap<string, string> | undefined): boolean {
  const now = RANK[a.status];
  if (now === undefined) return false;
  const before = RANK[previous?.get(a.asset.id) as AssetStatus];
  return before === undefined ? a.status === 'BREACHED' : now > before;
}

/**
 * Rejected records that say nothing of what they are about (a line that is not JSON, a record too
 * large to read, one without an account, resource or repository that can be read): any asset the
 * source measures may be missing a finding — a KEV critical as likely as anything — so the run
 * did not measure everything (exit 3), though no one asset can be named UNKNOWN for it.
 */
export function unplacedRejected(result: Pick<ScoreResult, 'rejected'>): ScoreResult['rejected'] {
  return result.rejected.filter((r) => !r.claims);
}

/**
 * 3 whenever the measurement is incomplete, so 0 and 1 always describe a complete measurement; an
 * exit 3 also says what `--fail-on` found among what was measured (`failOnMeasured`).
 */
export function decideOutcome(result: ScoreResult, o: OutcomeInput): Outcome {
  const incomplete = (exitReason: 'incomplete' | 'timeout', message: string): Outcome => {
    // Judged against each asset's last measured status, and UNKNOWN is never among what was measured.
    const measured = failOnTripped(result, { ...o, previousStatus: o.measuredStatus ?? o.previousStatus }, true);
    return measured
      ? { exitCode: EXIT.SOURCE, exitReason, message: `${message}; and among what was measured, ${measured.message}`, failOnMeasured: measured }
      : { exitCode: EXIT.SOURCE, exitReason, message };
  };
  const gaps = result.assets.filter((a) => a.coverage.some((c) => c.status === 'gap')).length;
  if (o.timedOut) return incomplete('timeout', 'the --timeout deadline ended collection: what was read is scored, the report is PARTIAL');
  if (result.partial || gaps) {
    const failed = result.sources.filter((s) => !s.complete).map((s) => s.describe);
    const why = failed.length ? `source(s) incomplete: ${failed.join('; ')}` : `coverage incomplete for ${gaps} asset(s)`;
    return incomplete('incomplete', `could not measure everything (${why})`);
  }
  const unplaced = unplacedRejected(result);
  if (unplaced.length) {
    const sources = [...new Set(unplaced.map((r) => r.origin))].sort();
    return incomplete(
      'incomplete',
      `could not measure everything (${unplaced.length} record(s) of ${sources.join(', ')} could not be read and name no asset: any asset they measure may miss findings)`,
    );
  }
  if (o.stateReplaced?.length) return incomplete('incomplete', `${STATE_CONFLICT} (${o.stateReplaced.join(', ')})`);
  const tripped = failOnTripped(result, o, false);
  if (tripped) return { exitCode: EXIT.FAIL_ON, exitReason: tripped.exitReason, message: tripped.message };
  return { exitCode: EXIT.OK, exitReason: 'ok', message: o.failOn ? `no asset at --fail-on ${o.failOn}` : 'complete' };
}

/**
 * What `--fail-on` finds: a status that got worse (UNKNOWN is no status: see RANK), or an asset at
 * the level. `measuredOnly` (an exit-3 run's `failOnMeasured`): never an UNKNOWN asset, which was
 * not measured (a gap asset is there only by a measured breach).
 */
function failOnTripped(result: ScoreResult, o: OutcomeInput, measuredOnly: boolean): Outcome['failOnMeasured'] {
  if (o.failOn === 'worse') {
    const worse = result.assets.filter((a) => gotWorse(a, o.previousStatus)).sort((a, b) => (a.asset.id < b.asset.id ? -1 : 1));
    const what = worse.map((a) => `${a.asset.id} (${o.previousStatus?.get(a.asset.id) ?? 'new'} → ${a.status})`);
    return worse.length ? { exitReason: 'worse', message: `status got worse: ${what.join(', ')}` } : undefined;
  }
  if (!o.failOn) return undefined;
  const at = result.assets
    .filter((a) => FAILING[o.failOn as Exclude<FailOn, 'worse'>].includes(a.status) && !(measuredOnly && a.status === 'UNKNOWN'))
    .map((a) => a.asset.id)
    .sort();
  return at.length ? { exitReason: 'fail-on', message: `${at.length} asset(s) at --fail-on ${o.failOn} or worse: ${at.join(', ')}` } : undefined;
}

/** How many next actions summary.json lists. */
const NEXT_ACTIONS = 5;

export interface SummaryInput extends OutcomeInput {
  inventory: Pick<Inventory, 'owners'>;
  /** The previous run's folder name, when there is one. */
  previousRun?: string | undefined;
  /** The run `previousStatus` comes from: the latest earlier one that measured everything (history/load.ts). */
  baselineRun?: string | undefined;
  /** The run folder's final name and location (`<out>/<name>`; later `s3://bucket/prefix/<name>`). */
  run: { name: string; location: string };
}

export function buildSummary(result: ScoreResult, s: SummaryInput) {
  const outcome = decideOutcome(result, s);
  const contact = (owner: string) => s.inventory.owners[owner]?.contact ?? null;
  const count = (st: AssetStatus) => result.assets.filter((a) => a.status === st).length;
  const owners = new Map(result.assets.map((a) => [a.asset.id, a.asset.owner]));
  const byId = [...result.assets].sort((a, b) => (a.asset.id < b.asset.id ? -1 : 1));
  // Against a previous run: every asset whose status differs (a newly declared one comes `from: null`).
  // On the first run: the assets that start BREACHED, the ones `--fail-on worse` trips on.
  const prev = s.previousStatus;
  const changes = byId
    .filter((a) => (prev ? prev.get(a.asset.id) !== a.status : a.status === 'BREACHED'))
    .map((a) => ({
      asset: a.asset.id,
      owner: a.asset.owner,
      contact: contact(a.asset.owner),
      from: prev?.get(a.asset.id) ?? null,
      to: a.status,
      worse: gotWorse(a, prev),
      reasons: a.statusReasons,
    }));
  return {
    secsliSummary: SUMMARY_SCHEMA_VERSION,
    asOf: result.asOf,
    exitCode: outcome.exitCode,
    exitReason: outcome.exitReason,
    message: outcome.message,
    failOn: s.failOn ?? null,
    // Exit 3 only: what --fail-on found among what was measured (null: nothing, or not exit 3).
    failOnMeasured: outcome.failOnMeasured ?? null,
    partial: result.partial || Boolean(s.timedOut),
    run: s.run,
    previousRun: s.previousRun ?? null,
    baselineRun: s.baselineRun ?? null,
    assets: result.assets.length,
    byStatus: { BREACHED: count('BREACHED'), UNKNOWN: count('UNKNOWN'), 'AT RISK': count('AT RISK'), OK: count('OK') },
    changes,
    // The fixes report.md opens with (scoring/fixes.ts): one change each, most urgent first.
    nextActions: {
      basis: 'fixes' as const,
      items: result.fixes.slice(0, NEXT_ACTIONS).map((f) => ({
        fix: f.id,
        kind: f.kind,
        action: f.action,
        urgency: f.urgency,
        severity: f.severity,
        why: f.why,
        riskRemoved: round(f.riskRemoved),
        closes: f.findingIds.length,
        assets: f.assetIds.map((id) => {
          const owner = owners.get(id) ?? '';
          return { asset: id, owner, contact: contact(owner) };
        }),
        url: f.url ?? null,
      })),
    },
    sources: result.sources.map((x) => ({ source: x.source, describe: x.describe, complete: x.complete, problems: x.problems })),
  };
}
export type Summary = ReturnType<typeof buildSummary>;

/** How many status changes the `--log-format json` summary line lists (summary.json lists all). */
const LOG_CHANGES = 100;

/**
 * The summary as the last `--log-format json` line carries it: summary.json's facts, with at
 * most LOG_CHANGES status changes (the worse ones first, then in summary.json's order), so a run
 * over thousands of assets does not print one line of hundreds of KB. When some are left out,
 * `changesLeftOut` says how many and `changesWorse` how many of all the changes are for the worse.
 */
export function summaryLogFields<S extends Pick<Summary, 'changes'>>(s: S): S & { changesLeftOut?: number; changesWorse?: number } {
  if (s.changes.length <= LOG_CHANGES) return s;
  const worse = s.changes.filter((c) => c.worse);
  const keep = new Set([...worse, ...s.changes.filter((c) => !c.worse)].slice(0, LOG_CHANGES));
  return { ...s, changes: s.changes.filter((c) => keep.has(c)), changesLeftOut: s.changes.length - keep.size, changesWorse: worse.length };
}

const round = (n: number) => Math.round(n * 100) / 100;

export const renderSummary = (s: Summary): string => JSON.stringify(s, null, 2) + '\n';

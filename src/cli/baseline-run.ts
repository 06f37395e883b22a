import { stringify } from '../vendor/yaml.js';
import { EXIT } from '../errors.js';
import { propose, statusCounts, type BaselineSample, type Proposal } from '../scoring/baseline.js';
import { DEFAULT_POLICY, type CriticalityMap, type Policy } from '../config/policy.js';
import type { ScoreResult } from '../scoring/types.js';
import { CRITICALITIES } from '../config/schema.js';
import type { Skipped } from '../history/load.js';
import type { Logger } from '../log.js';
import { leftOutExit } from './left-out.js';
import { collectOptions, exitCodeFor, type CollectFlags, type Io } from './options.js';

/**
 * `secsli baseline` (registered in baseline.ts, loaded when it runs): a proposed `policy:` block
 * (budgets and remediation targets per criticality)
 * at the level the estate reaches today, printed as YAML beside the defaults and the policy in
 * force, with how many assets each would put in each status. It never edits assets.yaml.
 */

const counts = (r: ScoreResult, budgets: CriticalityMap, targets: CriticalityMap, policy: Policy) => {
  const c = statusCounts(r.assets, budgets, targets, policy);
  return `${c.BREACHED} BREACHED, ${c.UNKNOWN} UNKNOWN, ${c['AT RISK']} AT RISK, ${c.OK} OK`;
};

function renderBaseline(r: ScoreResult, p: Proposal, from: string): string {
  const pol = r.policy;
  const pct = (x: number) => `${Math.round(x * 100)} %`;
  const L: string[] = [
    `# secsli baseline — as of ${r.asOf}, from ${from}`,
    '# Budgets: 75th percentile of asset risk per criticality (rounded up); remediation targets: 25th',
    '# percentile of the achieved SLI, floored to a multiple of 5 % and kept within 50–99 % (an SLI of',
    '# 100 % proposes 99 %). Start where you are; tighten each quarter.',
    '#',
    `# ${'setting'.padEnd(28)} ${'default'.padStart(8)} ${'in force'.padStart(8)} ${'proposed'.padStart(8)}  samples`,
  ];
  for (const c of CRITICALITIES) {
    L.push(
      `# ${`riskBudget.${c}`.padEnd(28)} ${String(DEFAULT_POLICY.riskBudget[c]).padStart(8)} ${String(pol.riskBudget[c]).padStart(8)} ${String(p.riskBudget[c]).padStart(8)}  ${p.samples[c].risk}`,
    );
  }
  for (const c of CRITICALITIES) {
    L.push(
      `# ${`remediationTarget.${c}`.padEnd(28)} ${pct(DEFAULT_POLICY.remediationTarget[c]).padStart(8)} ${pct(pol.remediationTarget[c]).padStart(8)} ${pct(p.remediationTarget[c]).padStart(8)}  ${p.samples[c].sli}`,
    );
  }
  L.push('#', `# Status of the ${r.assets.length} assets in this run:`);
  L.push(`#   defaults: ${counts(r, DEFAULT_POLICY.riskBudget, DEFAULT_POLICY.remediationTarget, pol)}`);
  L.push(`#   in force: ${counts(r, pol.riskBudget, pol.remediationTarget, pol)}`);
  L.push(`#   proposed: ${counts(r, p.riskBudget, p.remediationTarget, pol)}`);
  L.push('# Paste under `policy:` in assets.yaml (secsli never edits it).');
  return L.join('\n') + '\n' + stringify({ policy: { riskBudget: p.riskBudget, remediationTarget: p.remediationTarget } });
}

export async function runBaseline(flags: CollectFlags & { reports?: string }, io: Io, log: Logger, setExit: (n: number) => void): Promise<void> {
  const [{ collectAndScore }, { leftOut, loadHistory }, { openRunStore }, { isCovered }] = await Promise.all([
    import('../pipeline.js'),
    import('../history/load.js'),
    import('../store/index.js'),
    import('../history/schema.js'),
  ]);
  const { result } = await collectAndScore(collectOptions(flags, io, log));
  // An asset nobody fully looked at has a risk that is a lower bound (often 0): it says nothing about a budget.
  const measured = result.assets.filter((a) => a.coverage.every((c) => c.status === 'covered'));
  let unmeasured = result.assets.length - measured.length;
  const samples: BaselineSample[] = measured.map((a) => ({ criticality: a.asset.criticality, risk: a.risk, sli: a.remediation.sli }));
  let runs = 0;
  let left: Skipped[] = [];
  if (flags.reports) {
    // Each run's asset summaries are all it needs: a history of million-finding runs is not read whole.
    const history = await loadHistory(await openRunStore(flags.reports, { env: io.env }), log, { findings: false });
    const asOf = Date.parse(result.asOf);
    // Only complete runs before this one, scored the same way: a linear-sum risk says nothing about a damped budget.
    const same = history.runs.filter(
      (run) => !run.snapshot.scope && !run.snapshot.partial && Date.parse(run.snapshot.asOf) < asOf && (run.snapshot.policy?.aggregation ?? 'sum') === result.policy.aggregation,
    );
    for (const run of same) {
      for (const a of run.snapshot.assets) {
        if (!CRITICALITIES.includes(a.criticality as never)) continue;
        if (!isCovered(a)) {
          unmeasured++;
          continue;
        }
        samples.push({ criticality: a.criticality as BaselineSample['criticality'], risk: a.risk, sli: a.remediation?.sli ?? null });
      }
    }
    runs = same.length;
    // An earlier run that could not be read is samples missing; a later one would not have been one.
    left = leftOut(history.skipped, (ms) => ms < asOf);
  }
  const notes = [
    ...(unmeasured ? [`${unmeasured} asset-run(s) not fully measured left out`] : []),
    ...(left.length ? [`${left.length} earlier run(s) that could not be read left out`] : []),
  ];
  const from = (runs ? `this run and ${runs} earlier complete run(s) under ${flags.reports}` : 'this run') + (notes.length ? ` (${notes.join('; ')})` : '');
  io.stdout.write(renderBaseline(result, propose(samples, result.policy), from));
  const code = result.partial ? exitCodeFor(result) : EXIT.OK;
  // Exit 3 wins over 1, as for score: the proposal was printed, from less than the history holds.
  const missing = leftOutExit(log, left, 'the proposal was printed', flags);
  setExit(missing === EXIT.OK ? code : missing);
}

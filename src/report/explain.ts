import type { AssetResult, ScoreResult, ScoredFinding } from '../scoring/types.js';
import { exclusionText } from './csv.js';
import { budgetUsedText } from './budget-chart.js';
import { fixed, pct, termSafe } from './format.js';

/**
 * `secsli explain <asset>`: every number of one asset traced to the findings and weights that
 * made it. Plain text for a terminal; control characters in outside text are made visible.
 */

/** Every piece of text that came from outside goes through this before reaching a terminal. */
const clean = (s: string | undefined, max = 200) => termSafe(s, max);

function factorLine(s: ScoredFinding): string {
  const f = s.factors;
  return `${fixed(f.severityPoints, 3)} (${clean(f.severityBasis)}) × ${fixed(f.likelihood, 3)} (${clean(f.likelihoodBasis)}) × ${fixed(f.context, 2)} (${clean(f.contextBasis)}) × exposure ${s.exposure}`;
}

export function renderExplain(r: ScoreResult, a: AssetResult, opts: { limit?: number } = {}): string {
  const limit = opts.limit ?? 50;
  const counted = a.findings.filter((s) => s.excluded === undefined);
  const excluded = a.findings.filter((s) => s.excluded !== undefined);
  const L: string[] = [];
  L.push(`${a.asset.id} — ${a.status}${r.partial ? ' (PARTIAL run)' : ''}   as of ${r.asOf}, policy ${r.policyHash}`);
  L.push(`owner ${a.asset.owner}, criticality ${a.asset.criticality} (budget ${a.budget}), exposure ${a.asset.exposure} (×${a.exposure})`);
  L.push(`status rule: ${a.statusReason}`);
  for (const reason of a.statusReasons) L.push(`  because: ${clean(reason, 400)}`);
  L.push('');
  const damped = r.policy.aggregation !== 'sum';
  L.push(
    damped
      ? `Risk SLI  R = exposure × Σₖ risk(f₍ₖ₎) / k, heaviest first (damped) = ${a.exposure} × ${fixed(a.risk / (a.exposure || 1), 4)} = ${fixed(a.risk, 4)}`
      : `Risk SLI  R = exposure × Σ risk(f) (linear sum) = ${a.exposure} × ${fixed(a.risk / (a.exposure || 1), 4)} = ${fixed(a.risk, 4)}`,
  );
  L.push(`          budget used = ${fixed(a.risk, 4)} / ${a.budget} = ${budgetUsedText(a.budgetUsed)} (SLO: ≤ 100 %)`);
  L.push('');
  L.push(
    `Counted findings (${counted.length}), heaviest first — contribution = severity × likelihood × context × exposure${damped ? ' / rank' : ''}; "if fixed" = R − R without it:`,
  );
  let shown = 0;
  let sum = 0;
  for (const s of counted) {
    sum += s.contribution;
    if (shown++ >= limit) continue;
    L.push(`  ${fixed(s.contribution, 4).padStart(9)}  ${s.finding.severity.padEnd(8)} ${clean(s.finding.title, 100)}`);
    L.push(`             = ${factorLine(s)}${damped ? ` / ${shown}` : ''};  if fixed −${fixed(s.ifFixed, 4)}`);
    const since = s.ageFrom ? ` since ${clean(s.ageFrom)} saw it first` : '';
    const due = `due ${s.dueAt.slice(0, 10)} (${s.dueRule}, ${s.slaDays} d)`;
    L.push(`             ${clean(s.finding.id)}${s.overdue ? `  OVERDUE (${fixed(s.ageDays, 1)} d${since}; ${due})` : `  age ${fixed(s.ageDays, 1)} d${since}, ${due}`}`);
  }
  if (counted.length > limit) {
    const rest = counted.slice(limit).reduce((t, s) => t + s.contribution, 0);
    L.push(`  ${fixed(rest, 4).padStart(9)}  …${counted.length - limit} more findings (--limit to show them)`);
  }
  L.push(`  ${'─'.repeat(9)}`);
  L.push(`  ${fixed(sum, 4).padStart(9)}  total = R`);
  L.push('');
  const rem = a.remediation;
  L.push(
    `Remediation SLI = risk-weighted good events / all events (an event: a due date, or a close before it, in the last ${r.policy.remediationWindowDays} days; open past due stays bad)`,
  );
  L.push(
    rem.sli === null
      ? `          = not enough events (${rem.events} < ${r.policy.remediationMinEvents})  (target ${pct(rem.target)}); ${rem.backlog} open, not yet due`
      : `          = ${fixed(rem.good, 4)} / ${fixed(rem.valid, 4)} = ${pct(rem.sli)} over ${rem.events} events  (target ${pct(rem.target)}); ${rem.backlog} open, not yet due`,
  );
  // Heaviest first: what moves the SLI most is what to fix first.
  const late = a.findings
    .filter((s) => s.remediation && !s.remediation.withinSla)
    .sort((x, y) => y.remediation!.weight - x.remediation!.weight || (x.finding.id < y.finding.id ? -1 : 1));
  for (const s of late.slice(0, 10))
    L.push(`  outside SLA: ${clean(s.finding.id)} (${s.finding.severity}, ${fixed(s.ageDays, 1)} d > ${s.slaDays} d, weight ${fixed(s.remediation!.weight, 3)})`);
  if (late.length > 10) L.push(`  …and ${late.length - 10} more outside SLA`);
  L.push('');
  L.push(
    `Incidents (threat detections; not risk): ${a.incidents.open.length} open, ${a.incidents.pastTarget} past response time; responded within target ${a.incidents.withinTarget} of ${a.incidents.events} in the window`,
  );
  for (const i of a.incidents.open.slice(0, 10)) {
    const state = i.responseHours !== null ? `responded in ${fixed(i.responseHours, 1)} h` : i.pastTarget ? 'NO RESPONSE, past target' : 'no response yet';
    L.push(`  ${i.row.finding.severity.padEnd(8)} ${fixed(i.ageHours, 1)} h old, respond within ${i.targetHours} h — ${state}: ${clean(i.row.finding.title, 100)}`);
  }
  L.push('');
  L.push('Coverage:');
  if (a.coverage.length === 0) L.push('  no sources expected (the asset has no aws or github selectors)');
  for (const c of a.coverage) L.push(`  ${c.source}: ${c.status}${c.reasons.length ? ' — ' + clean(c.reasons.join('; '), 400) : ''}`);
  if (excluded.length) {
    L.push('');
    const groups = new Map<string, number>();
    for (const s of excluded) {
      const key = s.excluded!.kind === 'closed' ? exclusionText(s.excluded) : s.excluded!.kind === 'excepted' ? exclusionText(s.excluded) : s.excluded!.kind;
      groups.set(key, (groups.get(key) ?? 0) + 1);
    }
    L.push(
      `Not counted (${excluded.length}): ` +
        [...groups.entries()]
          .sort(([x], [y]) => (x < y ? -1 : 1))
          .map(([k, n]) => `${n} ${k}`)
          .join(', '),
    );
    for (const s of excluded.filter((x) => x.excluded!.kind === 'duplicate' || x.excluded!.kind === 'excepted').slice(0, 10)) {
      L.push(`  ${clean(s.finding.id)}: ${clean(exclusionText(s.excluded))}`);
    }
  }
  return L.join('\n') + '\n';
}

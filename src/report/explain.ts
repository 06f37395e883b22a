import type { AssetResult, ScoreResult, ScoredFinding } from '../scoring/types.js';
import { exclusionText } from './csv.js';
import { INCIDENTS_CLOSED_LISTED } from '../scoring/incidents.js';
import { budgetUsedText } from './budget-chart.js';
import { fixed, pct, termSafe } from './format.js';
import { hoursText } from '../model/time.js';

/**
 * `secsli explain <asset>`: every number of one asset traced to the findings and weights that
 * made it. Plain text for a terminal; control characters in outside text are made visible.
 *
 * The renderer reads an ExplainAsset: built here from a live ScoreResult, or from a saved run's
 * snapshot (history/explain-snapshot.ts). A field left undefined is one the snapshot did not
 * record (written by an earlier secsli): the text says so instead of guessing it.
 */

const NOT_RECORDED = 'not in this snapshot';

/** One finding of the asset; `excluded` undefined when it counts against the risk. */
export interface ExplainFinding {
  id: string;
  severity: string;
  title: string;
  contribution: number;
  /** severity × likelihood × context (before the asset's exposure). */
  risk: number;
  factors: { severityPoints: number; severityBasis: string; likelihood: number; likelihoodBasis: string; context: number; contextBasis: string } | undefined;
  ifFixed: number | undefined;
  /** `of`: for a duplicate, the id of the report that counts in its place. */
  excluded: { kind: string; text: string; of?: string } | undefined;
  overdue: boolean;
  ageDays: number | undefined;
  ageFrom: string | undefined;
  due: { at: string; rule: string } | undefined;
  slaDays: number | undefined;
  /** Its remediation event in the window; null: none; undefined: not recorded. */
  remediation: { weight: number; withinSla: boolean } | null | undefined;
  /** The other assets that claim it too (an ambiguous match: it counts on each). */
  alsoOn?: readonly string[];
}

/** An exception of the asset: what it accepts, and until when (DESIGN.md: expired exceptions count again). */
interface ExplainException {
  id: string;
  state: string;
  expires: string | null;
  matched: number;
}

export interface ExplainIncident {
  severity: string;
  title: string;
  ageHours: number;
  targetHours: number;
  responseHours: number | null;
  pastTarget: boolean;
}

/** A closed detection among the asset's incident events: when it was answered, against its target. */
interface ClosedIncident {
  severity: string;
  title: string;
  targetHours: number;
  responseHours: number | null;
}

export interface ExplainAsset {
  id: string;
  owner: string;
  criticality: string;
  exposure: string;
  exposureWeight: number;
  budget: number | null;
  budgetUsed: number | null;
  status: string;
  statusReason: string | undefined;
  statusReasons: string[];
  risk: number;
  remediation: { good: number; valid: number; sli: number | null; target: number | null; events: number | undefined; backlog: number | undefined } | null;
  incidents: { open: ExplainIncident[]; pastTarget: number; events: number; withinTarget: number; closed?: ClosedIncident[] } | undefined;
  coverage: { source: string; status: string; reasons: string[] }[] | null;
  /** Every finding of the asset: contribution desc, then risk desc, then id (the scorer's order). */
  findings: ExplainFinding[];
  exceptions?: ExplainException[];
}

export interface ExplainRun {
  asOf: string;
  partial: boolean;
  policyHash: string;
  /** The CISA KEV catalog's version the run used. */
  kevVersion?: string;
  /** policy.aggregation: 'sum' is the linear sum, anything else the damped one. */
  aggregation: string | undefined;
  remediationWindowDays: number | undefined;
  remediationMinEvents: number | undefined;
}

function fromScored(s: ScoredFinding, alsoOn: readonly string[] | undefined): ExplainFinding {
  const { severityPoints, severityBasis, likelihood, likelihoodBasis, context, contextBasis, risk } = s.factors;
  return {
    id: s.finding.id,
    severity: s.finding.severity,
    title: s.finding.title,
    contribution: s.contribution,
    risk,
    factors: { severityPoints, severityBasis, likelihood, likelihoodBasis, context, contextBasis },
    ifFixed: s.ifFixed,
    excluded: s.excluded ? { kind: s.excluded.kind, text: exclusionText(s.excluded), ...(s.excluded.kind === 'duplicate' ? { of: s.excluded.of } : {}) } : undefined,
    overdue: s.overdue,
    ageDays: s.ageDays,
    ageFrom: s.ageFrom,
    due: { at: s.dueAt, rule: s.dueRule },
    slaDays: s.slaDays,
    remediation: s.remediation ?? null,
    ...(alsoOn?.length ? { alsoOn } : {}),
  };
}

/** The other assets each ambiguous finding is on, seen from `assetId`. */
export function othersClaiming(ambiguous: readonly { findingId: string; assetIds: readonly string[] }[], assetId: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const x of ambiguous)
    if (x.assetIds.includes(assetId))
      out.set(
        x.findingId,
        x.assetIds.filter((id) => id !== assetId),
      );
  return out;
}

/** A live run's asset as the renderer reads it. */
export function explainLive(r: ScoreResult, a: AssetResult): { run: ExplainRun; asset: ExplainAsset } {
  const p = r.policy;
  const run = {
    asOf: r.asOf,
    partial: r.partial,
    policyHash: r.policyHash,
    kevVersion: r.kev.version,
    aggregation: p.aggregation,
    remediationWindowDays: p.remediationWindowDays,
    remediationMinEvents: p.remediationMinEvents,
  };
  const i = a.incidents;
  const open = i.open.map((x) => ({ ...x, severity: x.row.finding.severity, title: x.row.finding.title }));
  const others = othersClaiming(
    r.ambiguous.map((x) => ({ findingId: x.finding.id, assetIds: x.assetIds })),
    a.asset.id,
  );
  const { id, owner, criticality, exposure } = a.asset;
  const asset = {
    ...{ id, owner, criticality, exposure, exposureWeight: a.exposure, budget: a.budget, budgetUsed: a.budgetUsed, status: a.status },
    ...{ statusReason: a.statusReason, statusReasons: a.statusReasons, risk: a.risk, remediation: a.remediation, coverage: a.coverage },
    incidents: {
      open,
      pastTarget: i.pastTarget,
      events: i.events,
      withinTarget: i.withinTarget,
      closed: i.closed
        .slice(0, INCIDENTS_CLOSED_LISTED)
        .map((x) => ({ severity: x.row.finding.severity, title: x.row.finding.title, targetHours: x.targetHours, responseHours: x.responseHours })),
    },
    findings: a.findings.map((s) => fromScored(s, others.get(s.finding.id))),
    exceptions: r.exceptions
      .filter((e) => e.exception.asset === a.asset.id)
      .map((e) => ({ id: e.exception.id, state: e.state, expires: e.exception.expires ?? null, matched: e.matched })),
  };
  return { run, asset };
}

/** Every piece of text that came from outside goes through this before reaching a terminal. */
const clean = (s: string | undefined, max = 200) => termSafe(s, max);
const orMissing = (n: number | undefined, digits: number) => (n === undefined ? NOT_RECORDED : fixed(n, digits));

function factorLine(s: ExplainFinding, exposure: number): string {
  const f = s.factors;
  if (!f) return `${fixed(s.risk, 3)} (severity × likelihood × context; the factors are ${NOT_RECORDED}) × exposure ${exposure}`;
  return `${fixed(f.severityPoints, 3)} (${clean(f.severityBasis)}) × ${fixed(f.likelihood, 3)} (${clean(f.likelihoodBasis)}) × ${fixed(f.context, 2)} (${clean(f.contextBasis)}) × exposure ${exposure}`;
}

function ageLine(s: ExplainFinding): string {
  const since = s.ageFrom ? ` since ${clean(s.ageFrom)} saw it first` : '';
  const age = s.ageDays === undefined ? `age ${NOT_RECORDED}` : `${fixed(s.ageDays, 1)} d${since}`;
  const due = s.due ? `due ${s.due.at.slice(0, 10)} (${clean(s.due.rule)}, ${s.slaDays ?? '?'} d)` : `due date ${NOT_RECORDED} (SLA ${s.slaDays ?? '?'} d)`;
  return s.overdue ? `  OVERDUE (${age}; ${due})` : `  ${s.ageDays === undefined ? age : `age ${age}`}, ${due}`;
}

export function renderExplain(r: ExplainRun, a: ExplainAsset, opts: { limit?: number } = {}): string {
  const limit = opts.limit ?? 50;
  const counted = a.findings.filter((s) => s.excluded === undefined);
  const excluded = a.findings.filter((s) => s.excluded !== undefined);
  const L: string[] = [];
  const budget = a.budget ?? NOT_RECORDED;
  L.push(`${a.id} — ${a.status}${r.partial ? ' (PARTIAL run)' : ''}   as of ${r.asOf}, policy ${r.policyHash}${r.kevVersion ? `, KEV catalog ${clean(r.kevVersion)}` : ''}`);
  L.push(`owner ${clean(a.owner)}, criticality ${clean(a.criticality)} (budget ${budget}), exposure ${clean(a.exposure)} (×${a.exposureWeight})`);
  L.push(`status rule: ${a.statusReason === undefined ? NOT_RECORDED : clean(a.statusReason)}`);
  for (const reason of a.statusReasons) L.push(`  because: ${clean(reason, 400)}`);
  L.push('');
  const damped = r.aggregation !== 'sum';
  L.push(
    damped
      ? `Risk SLI  R = exposure × Σₖ risk(f₍ₖ₎) / k, heaviest first (damped) = ${a.exposureWeight} × ${fixed(a.risk / (a.exposureWeight || 1), 4)} = ${fixed(a.risk, 4)}`
      : `Risk SLI  R = exposure × Σ risk(f) (linear sum) = ${a.exposureWeight} × ${fixed(a.risk / (a.exposureWeight || 1), 4)} = ${fixed(a.risk, 4)}`,
  );
  L.push(`          budget used = ${fixed(a.risk, 4)} / ${budget} = ${a.budgetUsed === null ? NOT_RECORDED : budgetUsedText(a.budgetUsed)} (SLO: ≤ 100 %)`);
  L.push('');
  L.push(
    `Counted findings (${counted.length}), heaviest first — contribution = severity × likelihood × context × exposure${damped ? ' / rank' : ''}; "if fixed" = R − R without it (and without another source's report of the same vulnerability, its duplicate, which would count in its place):`,
  );
  const duplicates = new Map<string, string[]>();
  for (const x of a.findings) {
    const of = x.excluded?.kind === 'duplicate' ? x.excluded.of : undefined;
    if (of !== undefined) duplicates.set(of, [...(duplicates.get(of) ?? []), x.id]);
  }
  let shown = 0;
  let sum = 0;
  for (const s of counted) {
    sum += s.contribution;
    if (shown++ >= limit) continue;
    L.push(`  ${fixed(s.contribution, 4).padStart(9)}  ${clean(s.severity).padEnd(8)} ${clean(s.title, 100)}`);
    L.push(`             = ${factorLine(s, a.exposureWeight)}${damped ? ` / ${shown}` : ''};  if fixed ${s.ifFixed === undefined ? NOT_RECORDED : `−${fixed(s.ifFixed, 4)}`}`);
    L.push(`             ${clean(s.id)}${ageLine(s)}`);
    const dups = duplicates.get(s.id);
    if (dups) L.push(`             fixing it fixes its duplicate${dups.length > 1 ? 's' : ''} too: ${dups.map((d) => clean(d)).join(', ')}`);
    if (s.alsoOn) L.push(`             ambiguous: also claimed by ${s.alsoOn.map((x) => clean(x)).join(', ')}, and counted on each (narrow a selector in assets.yaml)`);
  }
  if (counted.length > limit) {
    const rest = counted.slice(limit).reduce((t, s) => t + s.contribution, 0);
    L.push(`  ${fixed(rest, 4).padStart(9)}  …${counted.length - limit} more findings (--limit to show them)`);
  }
  L.push(`  ${'─'.repeat(9)}`);
  L.push(`  ${fixed(sum, 4).padStart(9)}  total = R`);
  L.push('');
  remediationLines(r, a, L);
  L.push('');
  incidentLines(a, L);
  L.push('');
  exceptionLines(r, a, L);
  L.push('Coverage:');
  if (a.coverage === null) L.push(`  ${NOT_RECORDED}`);
  else if (a.coverage.length === 0) L.push('  no sources expected (the asset has no aws or github selectors)');
  for (const c of a.coverage ?? []) L.push(`  ${clean(c.source)}: ${clean(c.status)}${c.reasons.length ? ' — ' + clean(c.reasons.join('; '), 400) : ''}`);
  if (excluded.length) {
    L.push('');
    const groups = new Map<string, number>();
    for (const s of excluded) {
      const key = s.excluded!.kind === 'closed' || s.excluded!.kind === 'excepted' ? s.excluded!.text : s.excluded!.kind;
      groups.set(key, (groups.get(key) ?? 0) + 1);
    }
    L.push(
      `Not counted (${excluded.length}): ` +
        [...groups.entries()]
          .sort(([x], [y]) => (x < y ? -1 : 1))
          .map(([k, n]) => `${n} ${clean(k)}`)
          .join(', '),
    );
    // One by one: accepted risk first (an exception is a decision someone must renew), then
    // duplicates (counted under another report); as many as --limit, the rest counted.
    const listed = [...excluded.filter((x) => x.excluded!.kind === 'excepted'), ...excluded.filter((x) => x.excluded!.kind === 'duplicate')];
    for (const s of listed.slice(0, limit)) L.push(`  ${clean(s.id)}: ${clean(s.excluded!.text)}`);
    if (listed.length > limit) L.push(`  …and ${listed.length - limit} more excepted or duplicate (--limit to show them)`);
  }
  return L.join('\n') + '\n';
}

function remediationLines(r: ExplainRun, a: ExplainAsset, L: string[]): void {
  const rem = a.remediation;
  const window = r.remediationWindowDays ?? '?';
  L.push(`Remediation SLI = risk-weighted good events / all events (an event: a due date, or a close before it, in the last ${window} days; open past due stays bad)`);
  if (!rem) {
    L.push(`          = ${NOT_RECORDED}`);
    return;
  }
  const backlog = rem.backlog === undefined ? `open not yet due: ${NOT_RECORDED}` : `${rem.backlog} open, not yet due`;
  const events = rem.events === undefined ? `(event count ${NOT_RECORDED})` : `over ${rem.events} events`;
  L.push(
    rem.sli === null
      ? `          = ${rem.events === 0 && !r.remediationMinEvents ? 'no events' : `not enough events (${rem.events ?? '?'} < ${r.remediationMinEvents ?? '?'})`}  (target ${pct(rem.target)}); ${backlog}`
      : `          = ${fixed(rem.good, 4)} / ${fixed(rem.valid, 4)} = ${pct(rem.sli)} ${events}  (target ${pct(rem.target)}); ${backlog}`,
  );
  if (a.findings.some((s) => s.remediation === undefined)) {
    L.push(`  which findings were outside SLA: ${NOT_RECORDED}`);
    return;
  }
  // Heaviest first: what moves the SLI most is what to fix first.
  const late = a.findings.filter((s) => s.remediation && !s.remediation.withinSla).sort((x, y) => y.remediation!.weight - x.remediation!.weight || (x.id < y.id ? -1 : 1));
  for (const s of late.slice(0, 10))
    L.push(`  outside SLA: ${clean(s.id)} (${clean(s.severity)}, ${orMissing(s.ageDays, 1)} d > ${s.slaDays ?? '?'} d, weight ${fixed(s.remediation!.weight, 3)})`);
  if (late.length > 10) L.push(`  …and ${late.length - 10} more outside SLA`);
}

function incidentLines(a: ExplainAsset, L: string[]): void {
  const i = a.incidents;
  if (!i) {
    L.push(`Incidents (threat detections; not risk): ${NOT_RECORDED}`);
    return;
  }
  L.push(
    `Incidents (threat detections; not risk): ${i.open.length} open, ${i.pastTarget} past response time; responded within target ${i.withinTarget} of ${i.events} in the window`,
  );
  for (const x of i.open.slice(0, 10)) {
    const state = x.responseHours !== null ? `responded in ${hoursText(x.responseHours)} h` : x.pastTarget ? 'NO RESPONSE, past target' : 'no response yet';
    L.push(`  ${clean(x.severity).padEnd(8)} ${hoursText(x.ageHours)} h old, respond within ${x.targetHours} h — ${state}: ${clean(x.title, 100)}`);
  }
  // The events the open list does not show: detections closed in the window (a snapshot written before them has none listed).
  for (const x of i.closed ?? []) {
    const late = x.responseHours !== null && x.responseHours > x.targetHours;
    L.push(
      `  ${clean(x.severity).padEnd(8)} closed, answered in ${x.responseHours === null ? '?' : hoursText(x.responseHours)} h against ${x.targetHours} h${late ? ' (LATE)' : ''}: ${clean(x.title, 100)}`,
    );
  }
}

/** The asset's exceptions: which accept findings now, which expire soon, which expired (their findings count again). */
function exceptionLines(r: ExplainRun, a: ExplainAsset, L: string[]): void {
  if (!a.exceptions?.length) return;
  const asOf = Date.parse(r.asOf);
  L.push('Exceptions:');
  for (const e of a.exceptions) {
    const what = e.state === 'expired' ? 'what it accepted counts again' : `accepts ${e.matched} finding${e.matched === 1 ? '' : 's'}`;
    if (e.state === 'expired') L.push(`  ${clean(e.id)} expired ${clean(e.expires ?? '')}: ${what}`);
    else if (e.expires === null) L.push(`  ${clean(e.id)} ${clean(e.state)}, no expiry: ${what}`);
    else {
      const left = Math.max(0, Math.ceil((Date.parse(`${e.expires}T23:59:59.999Z`) - asOf) / 86_400_000));
      L.push(`  ${clean(e.id)} ${clean(e.state)} until ${clean(e.expires)} (${left} d left): ${what}`);
    }
  }
  L.push('');
}

import * as z from '../vendor/zod.js';
import { exclusionText } from '../report/csv.js';
import { type ExplainAsset, type ExplainFinding, type ExplainIncident, type ExplainRun, othersClaiming } from '../report/explain.js';
import type { ExclusionReason } from '../scoring/types.js';
import { asFinding } from './snapshot-stream.js';
import { contributionOf, exposureWeightOf, findingV1, isCounted, type AssetV1, type SnapshotV1 } from './schema.js';

/**
 * A saved run's asset as `explain` reads it (report/explain.ts renders it): the per-asset numbers
 * from snapshot.json, the findings from the entries asset-lines.ts kept. Snapshots are validated
 * here (they are files on disk); what an earlier secsli did not record stays undefined and the
 * renderer says so.
 */

const num = z.number().finite();
const str = z.string();

const entrySchema = findingV1.extend({
  excludedText: str.optional(),
  dueRule: str.optional(),
  ifFixed: num.optional(),
  factors: z.looseObject({ severityPoints: num, severityBasis: str, likelihood: num, likelihoodBasis: str, context: num, contextBasis: str }).optional(),
  ageDays: num.optional(),
  ageFrom: str.optional(),
  remediation: z.looseObject({ weight: num, withinSla: z.boolean() }).nullable().optional(),
});
type Entry = z.infer<typeof entrySchema>;

const incidentsSchema = z
  .looseObject({
    pastTarget: num,
    events: num,
    withinTarget: num,
    open: z.array(z.looseObject({ findingId: str, severity: str, ageHours: num, targetHours: num, responseHours: num.nullable(), pastTarget: z.boolean() })),
    /** Absent in snapshots written before closed incidents were listed. */
    closed: z.array(z.looseObject({ findingId: str, severity: str, targetHours: num, responseHours: num.nullable() })).optional(),
  })
  .optional();

const assetExtras = z.looseObject({
  remediation: z.looseObject({ events: num.optional(), backlog: num.optional() }).nullable().optional(),
  incidents: incidentsSchema,
});

const isNum = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const optional = (v: unknown, ok: (v: unknown) => boolean) => v === undefined || ok(v);
const isStr = (v: unknown) => typeof v === 'string';

/** The explain fields checked by hand (an asset can hold 10,000 entries; zod explains a failure). */
function extrasOk(e: Record<string, unknown>): boolean {
  const f = e.factors as Record<string, unknown> | undefined;
  const r = e.remediation as Record<string, unknown> | null | undefined;
  return (
    optional(e.excludedText, isStr) &&
    optional(e.dueRule, isStr) &&
    optional(e.ifFixed, isNum) &&
    optional(e.ageDays, isNum) &&
    optional(e.ageFrom, isStr) &&
    (f === undefined ||
      (typeof f === 'object' &&
        f !== null &&
        isNum(f.severityPoints) &&
        isStr(f.severityBasis) &&
        isNum(f.likelihood) &&
        isStr(f.likelihoodBasis) &&
        isNum(f.context) &&
        isStr(f.contextBasis))) &&
    (r === undefined || r === null || (typeof r === 'object' && isNum(r.weight) && typeof r.withinSla === 'boolean'))
  );
}

/** An entry as the writer produces it, checked without zod; anything else through the schema. */
function entryOf(raw: unknown): Entry | z.ZodError {
  const base = asFinding(raw);
  if (typeof base !== 'string' && extrasOk(base as Record<string, unknown>)) return base as Entry;
  const r = entrySchema.safeParse(raw);
  return r.success ? r.data : r.error;
}

/** Why an entry or the asset's record is not what a snapshot holds, as `path: message`. */
function problem(e: z.ZodError, where: string): string {
  const first = e.issues[0];
  return `${where}${first?.path.length ? `.${first.path.join('.')}` : ''}: ${first?.message ?? 'invalid'}`;
}

function toFinding(s: SnapshotV1, a: AssetV1, f: Entry, others: ReadonlyMap<string, string[]>): ExplainFinding {
  const counted = isCounted(f);
  const ex = f.excluded ?? { kind: 'closed', status: f.status };
  return {
    id: f.id,
    severity: f.severity,
    title: f.title,
    contribution: contributionOf(s, a, f),
    risk: f.risk,
    factors: f.factors,
    ifFixed: counted ? f.ifFixed : (f.ifFixed ?? 0),
    excluded: counted
      ? undefined
      : {
          kind: ex.kind,
          text: f.excludedText ?? (exclusionText(ex as ExclusionReason) || ex.kind),
          ...(ex.kind === 'duplicate' && typeof (ex as { of?: unknown }).of === 'string' ? { of: (ex as { of: string }).of } : {}),
        },
    overdue: f.overdue,
    ageDays: f.ageDays,
    ageFrom: f.ageFrom,
    due: f.dueAt !== null && f.dueRule !== undefined ? { at: f.dueAt, rule: f.dueRule } : undefined,
    slaDays: f.slaDays ?? undefined,
    // A line that records its age records its remediation event too: none when absent.
    remediation: f.ageDays === undefined ? f.remediation : (f.remediation ?? null),
    ...(others.get(f.id)?.length ? { alsoOn: others.get(f.id)! } : {}),
  };
}

/** The scorer's order: contribution desc, then risk desc, then id. */
const scorerOrder = (x: ExplainFinding, y: ExplainFinding) => y.contribution - x.contribution || y.risk - x.risk || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);

/** 'sum' or 'damped' as the policy says; a policy from before the setting had the linear sum, which its contributions show. */
function aggregationOf(s: SnapshotV1, a: ExplainAsset): string | undefined {
  const said = s.policy?.aggregation;
  if (typeof said === 'string') return said;
  const linear = a.findings.every((f) => f.excluded !== undefined || Math.abs(f.contribution - a.exposureWeight * f.risk) <= 1e-9 * Math.max(1, f.contribution));
  return linear ? 'sum' : 'damped';
}

export type ExplainRead = { ok: true; run: ExplainRun; asset: ExplainAsset } | { ok: false; reason: string };

/** `entries`: the asset's finding entries as read (asset-lines.ts), any order. */
export function explainFromSnapshot(s: SnapshotV1, a: AssetV1, entries: unknown[]): ExplainRead {
  const findings: ExplainFinding[] = [];
  const others = othersClaiming(s.ambiguous, a.id);
  for (const [i, raw] of entries.entries()) {
    const e = entryOf(raw);
    if (e instanceof z.ZodError) return { ok: false, reason: problem(e, `finding ${i + 1} of asset ${a.id}`) };
    findings.push(toFinding(s, a, e, others));
  }
  findings.sort(scorerOrder);
  const extras = assetExtras.safeParse(a);
  if (!extras.success) return { ok: false, reason: problem(extras.error, `asset ${a.id}`) };
  const x = extras.data;
  const titles = new Map(findings.map((f) => [f.id, f.title]));
  const closedOf = (list: NonNullable<NonNullable<typeof x.incidents>['closed']>) =>
    list.map((i) => ({
      severity: i.severity,
      title: titles.get(i.findingId) ?? `${i.findingId} (title not in this snapshot)`,
      targetHours: i.targetHours,
      responseHours: i.responseHours,
    }));
  const incidents = x.incidents && {
    open: x.incidents.open.map((i): ExplainIncident => ({ ...i, title: titles.get(i.findingId) ?? `${i.findingId} (title not in this snapshot)` })),
    pastTarget: x.incidents.pastTarget,
    events: x.incidents.events,
    withinTarget: x.incidents.withinTarget,
    ...(x.incidents.closed ? { closed: closedOf(x.incidents.closed) } : {}),
  };
  const rem = a.remediation && { ...a.remediation, events: x.remediation?.events, backlog: x.remediation?.backlog };
  const asset: ExplainAsset = {
    ...{ id: a.id, owner: a.owner, criticality: a.criticality, exposure: a.exposure, exposureWeight: exposureWeightOf(s, a), budget: a.budget, budgetUsed: a.budgetUsed },
    ...{ status: a.status, statusReason: a.statusReason ?? undefined, statusReasons: a.statusReasons, risk: a.risk, remediation: rem, incidents, coverage: a.coverage, findings },
    exceptions: s.exceptions.filter((e) => e.asset === a.id).map((e) => ({ id: e.id, state: e.state, expires: e.expires, matched: e.matched })),
  };
  const policyNumber = (k: string) => (typeof s.policy?.[k] === 'number' ? (s.policy[k] as number) : undefined);
  const run: ExplainRun = {
    ...{ asOf: s.asOf, partial: s.partial, policyHash: s.policyHash, kevVersion: s.kev.version, aggregation: aggregationOf(s, asset) },
    ...{ remediationWindowDays: policyNumber('remediationWindowDays'), remediationMinEvents: policyNumber('remediationMinEvents') },
  };
  return { ok: true, run, asset };
}

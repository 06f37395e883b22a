import { createHash } from 'node:crypto';
import * as z from '../vendor/zod.js';

/**
 * Scoring policy: every weight DESIGN.md names, with its default. assets.yaml `policy:` overrides
 * any subset; the resolved policy is printed in every report with a hash so two runs can be compared.
 */

// Bounded so that no value the schema allows can break scoring: a due date stays a real date
// (times are years 0000–9999, src/time.ts), a risk stays a finite number.
const MAX_DAYS = 36_500;
const MAX_WEIGHT = 1e6;
const days = z.number().positive().max(MAX_DAYS, `at most ${MAX_DAYS} days (100 years)`);
const positive = z.number().positive().max(MAX_WEIGHT, `at most ${MAX_WEIGHT}`);
const nonNegative = z.number().nonnegative().max(MAX_WEIGHT, `at most ${MAX_WEIGHT}`);
const fraction = z.number().min(0).max(1);
const bySeverity = <T extends z.ZodType>(t: T) => z.strictObject({ critical: t.optional(), high: t.optional(), medium: t.optional(), low: t.optional(), info: t.optional() });
const byCriticality = <T extends z.ZodType>(t: T) => z.strictObject({ critical: t.optional(), high: t.optional(), medium: t.optional(), low: t.optional() });

export const policySchema = z.strictObject({
  /**
   * Days to remediate, by severity (default critical 7, high 30, medium 90, low 180, info 365), and
   * optionally by exposure over that table (`internet: { critical: 15, high: 30 }`, after CISA BOD 19-02).
   */
  slaDays: bySeverity(days)
    .extend({ internet: bySeverity(days).optional(), internal: bySeverity(days).optional(), isolated: bySeverity(days).optional() })
    .optional(),
  /** Days to remediate a known-exploited weakness (CISA BOD 22-01: 14 days). Default 14. */
  kevSlaDays: days.optional(),
  /** `damped` (default): the k-th heaviest finding weighs 1/k; `sum`: the plain linear sum. */
  aggregation: z.enum(['damped', 'sum']).optional(),
  /** Hours to respond to a threat detection (leave NEW), by severity. Default critical 4, high 24, medium 72, low 168, info 336. */
  incidentResponseHours: bySeverity(positive).optional(),
  /** Below this many remediation events in the window the SLI reads "not enough events". Default 5. */
  remediationMinEvents: z.number().int().nonnegative().optional(),
  /** Points when no CVSS score is known. Default critical 10, high 5, medium 2, low 0.5, info 0. */
  severityPoints: bySeverity(nonNegative).optional(),
  /** Points from CVSS: `scale × (cvss/10)^exponent`. Default scale 10, exponent 2. */
  cvss: z.strictObject({ scale: positive.optional(), exponent: z.number().positive().max(10, 'at most 10').optional() }).optional(),
  likelihood: z
    .strictObject({
      /** Known exploited (CISA KEV, Inspector LastKnownExploitAt). Default 3. */
      knownExploited: nonNegative.optional(),
      /** Shown as the likelihood of threat detections; they are incidents (response time) and add nothing to risk. Default 3. */
      threat: nonNegative.optional(),
      /** EPSS: `epssBase + percentile`. Default 0.5 (so 0.5 … 1.5). */
      epssBase: nonNegative.optional(),
      /** A public exploit exists and nothing better is known. Default 1.5. */
      publicExploit: nonNegative.optional(),
      /** Nothing known. Default 1. */
      default: nonNegative.optional(),
    })
    .optional(),
  /** Multiplier by dependency scope. Default development 0.2, runtime 1. */
  context: z.strictObject({ development: nonNegative.optional(), runtime: nonNegative.optional() }).optional(),
  /** Multiplier by asset exposure. Default internet 2, internal 1, isolated 0.5. */
  exposure: z.strictObject({ internet: nonNegative.optional(), internal: nonNegative.optional(), isolated: nonNegative.optional() }).optional(),
  /** Risk budget by asset criticality. Default critical 40, high 60, medium 90, low 135. */
  riskBudget: byCriticality(positive).optional(),
  /** Remediation SLO target by criticality, 0–1. Default critical 0.9, high 0.85, medium 0.8, low 0.7. */
  remediationTarget: byCriticality(fraction).optional(),
  /** Remediation events (a due date, or an earlier close) count when inside this many days. Default 90. */
  remediationWindowDays: days.optional(),
  /** AT RISK when budget used exceeds this share. Default 0.8. */
  atRiskBudgetUsed: positive.optional(),
  /** AT RISK when the remediation SLI is within this many points (0–1) of its target. Default 0.01. */
  atRiskSlaMargin: fraction.optional(),
  /** Exceptions expiring within this many days are listed as "expiring soon". Default 30. */
  exceptionWarnDays: days.optional(),
  /** Path to a CISA KEV catalog JSON; default: the bundled snapshot. */
  kev: z.string().min(1).optional(),
});
export type PolicyInput = z.infer<typeof policySchema>;

type SeverityMap = Record<'critical' | 'high' | 'medium' | 'low' | 'info', number>;
export type CriticalityMap = Record<'critical' | 'high' | 'medium' | 'low', number>;

export type Aggregation = 'damped' | 'sum';

// A type rather than an interface: a snapshot holding it must read as history's record-typed `policy`.
export type Policy = {
  slaDays: SeverityMap & { internet?: Partial<SeverityMap>; internal?: Partial<SeverityMap>; isolated?: Partial<SeverityMap> };
  kevSlaDays: number;
  aggregation: Aggregation;
  incidentResponseHours: SeverityMap;
  remediationMinEvents: number;
  severityPoints: SeverityMap;
  cvss: { scale: number; exponent: number };
  likelihood: { knownExploited: number; threat: number; epssBase: number; publicExploit: number; default: number };
  context: { development: number; runtime: number };
  exposure: { internet: number; internal: number; isolated: number };
  riskBudget: CriticalityMap;
  remediationTarget: CriticalityMap;
  remediationWindowDays: number;
  atRiskBudgetUsed: number;
  atRiskSlaMargin: number;
  exceptionWarnDays: number;
};

export const DEFAULT_POLICY: Policy = {
  slaDays: { critical: 7, high: 30, medium: 90, low: 180, info: 365 },
  kevSlaDays: 14,
  aggregation: 'damped',
  incidentResponseHours: { critical: 4, high: 24, medium: 72, low: 168, info: 336 },
  remediationMinEvents: 5,
  severityPoints: { critical: 10, high: 5, medium: 2, low: 0.5, info: 0 },
  cvss: { scale: 10, exponent: 2 },
  likelihood: { knownExploited: 3, threat: 3, epssBase: 0.5, publicExploit: 1.5, default: 1 },
  context: { development: 0.2, runtime: 1 },
  exposure: { internet: 2, internal: 1, isolated: 0.5 },
  riskBudget: { critical: 40, high: 60, medium: 90, low: 135 },
  remediationTarget: { critical: 0.9, high: 0.85, medium: 0.8, low: 0.7 },
  remediationWindowDays: 90,
  atRiskBudgetUsed: 0.8,
  atRiskSlaMargin: 0.01,
  exceptionWarnDays: 30,
};

function merge<T extends object>(base: T, over: Partial<Record<keyof T, unknown>> | undefined): T {
  if (!over) return base;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const b = (base as Record<string, unknown>)[k];
    out[k] = b && typeof b === 'object' && v && typeof v === 'object' ? merge(b as object, v as never) : v;
  }
  return out as T;
}

export function resolvePolicy(input: PolicyInput | undefined): Policy {
  const { kev: _kev, ...weights } = input ?? {};
  return merge(DEFAULT_POLICY, weights as Partial<Record<keyof Policy, unknown>>);
}

/** JSON with keys sorted at every level, so the hash does not depend on key order in assets.yaml. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return '[' + value.map(canonicalJson).join(',') + ']';
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return '{' + entries.map(([k, v]) => JSON.stringify(k) + ':' + canonicalJson(v)).join(',') + '}';
  }
  return JSON.stringify(value);
}

/** Short hash of the policy in force and the KEV catalog version it was scored with. */
export function policyHash(policy: Policy, kevVersion: string): string {
  return createHash('sha256').update(canonicalJson({ policy, kevVersion })).digest('hex').slice(0, 12);
}

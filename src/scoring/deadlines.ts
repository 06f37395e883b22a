import type { Exposure } from '../config/schema.js';
import { SEVERITIES, type Severity } from '../model/finding.js';
import type { Policy } from '../config/policy.js';

/**
 * Deadlines that follow the evidence (DESIGN.md "Scoring"): a weakness is due at first seen plus
 * the earliest of its severity SLA, the known-exploited deadline (CISA BOD 22-01: 14 days) and,
 * where configured, the SLA for the asset's exposure (BOD 19-02 style). The rule that set the date
 * is named, so findings.csv and explain can say why a date is what it is. A threat detection is
 * not a weakness: its deadline is its response time (`incidentResponseHours`, in days here).
 */

export type DeadlineRule = 'severity SLA' | 'known exploited' | 'exposure SLA' | 'incident response';

export interface Deadline {
  days: number;
  rule: DeadlineRule;
}

/** One asset's deadlines: by severity, for a weakness that is not / is known exploited, and for an incident. */
export type DeadlineTable = Readonly<Record<Severity, readonly [Deadline, Deadline, Deadline]>>;

function deadlineFor(severity: Severity, knownExploited: boolean, exposure: Exposure, policy: Policy): Deadline {
  let best: Deadline = { days: policy.slaDays[severity], rule: 'severity SLA' };
  const byExposure = policy.slaDays[exposure]?.[severity];
  if (byExposure !== undefined && byExposure < best.days) best = { days: byExposure, rule: 'exposure SLA' };
  if (knownExploited && policy.kevSlaDays < best.days) best = { days: policy.kevSlaDays, rule: 'known exploited' };
  return best;
}

/** Every deadline of one asset, computed once (rows look theirs up by severity and exploited). */
export function deadlineTable(exposure: Exposure, policy: Policy): DeadlineTable {
  return Object.fromEntries(
    SEVERITIES.map((s) => [
      s,
      [deadlineFor(s, false, exposure, policy), deadlineFor(s, true, exposure, policy), { days: policy.incidentResponseHours[s] / 24, rule: 'incident response' }] as const,
    ]),
  ) as unknown as DeadlineTable;
}

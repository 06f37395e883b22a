import { endMs, firstSeenMs, SEVERITY_RANK, type Finding } from '../model/finding.js';
import type { Policy } from '../config/policy.js';
import type { Incident, IncidentSummary, ScoredFinding } from './types.js';

/**
 * Threat detections are incidents, not weaknesses (DESIGN.md "Scoring"): something is happening,
 * so they add nothing to R; what matters is how fast someone responds. Response time runs from
 * first seen until the workflow leaves NEW (NOTIFIED: `acknowledged`, its time the record's last
 * update) or the record is closed/archived, against `incidentResponseHours` by severity.
 */

const HOUR = 3_600_000;

/** How many of an asset's closed incidents the snapshot and explain list (the rest are in findings.csv). */
export const INCIDENTS_CLOSED_LISTED = 10;

export const isIncident = (f: Finding): boolean => f.kind === 'threat';

export function incidentOf(row: ScoredFinding, policy: Policy, nowMs: number): Incident {
  const f = row.finding;
  const first = firstSeenMs(f);
  const targetHours = policy.incidentResponseHours[f.severity];
  const open = f.status === 'open';
  const responded = !open || f.acknowledged === true;
  const responseHours = responded ? Math.max(0, (endMs(f) - first) / HOUR) : null;
  const ageHours = Math.max(0, (nowMs - first) / HOUR);
  return { row, targetHours, ageHours, responseHours, open, pastTarget: pastResponseTime(f, policy, nowMs) };
}

/** `incidentOf(…).pastTarget` without the rest: open, nobody responded, older than its response time (a row's `overdue`). */
export function pastResponseTime(f: Finding, policy: Policy, nowMs: number): boolean {
  return f.status === 'open' && f.acknowledged !== true && nowMs - firstSeenMs(f) > policy.incidentResponseHours[f.severity] * HOUR;
}

/** Most urgent first: past target, then severity, then the oldest, then id. */
function compareIncidents(a: Incident, b: Incident): number {
  return (
    Number(b.pastTarget) - Number(a.pastTarget) ||
    SEVERITY_RANK[b.row.finding.severity] - SEVERITY_RANK[a.row.finding.severity] ||
    b.ageHours - a.ageHours ||
    (a.row.finding.id < b.row.finding.id ? -1 : a.row.finding.id > b.row.finding.id ? 1 : 0)
  );
}

/**
 * The asset's incidents. `rows`: its threat detections that are not excepted or duplicates (open
 * or closed). An event is a response inside the window, or a silence that ran past its target.
 */
export function summarizeIncidents(rows: readonly ScoredFinding[], policy: Policy, nowMs: number, windowStartMs: number): IncidentSummary {
  const open: Incident[] = [];
  const closed: Incident[] = [];
  let events = 0;
  let withinTarget = 0;
  let pastTarget = 0;
  let openHighCritical = 0;
  for (const row of rows) {
    const i = incidentOf(row, policy, nowMs);
    if (i.open) {
      open.push(i);
      if (i.pastTarget) pastTarget++;
      if (SEVERITY_RANK[row.finding.severity] >= SEVERITY_RANK.high) openHighCritical++;
    }
    const first = firstSeenMs(row.finding);
    const eventMs = i.responseHours === null ? first + i.targetHours * HOUR : first + i.responseHours * HOUR;
    if (i.responseHours === null && !i.pastTarget) continue;
    if (eventMs < windowStartMs && !i.pastTarget) continue;
    events++;
    if (i.responseHours !== null && i.responseHours <= i.targetHours) withinTarget++;
    if (!i.open) closed.push(i);
  }
  open.sort(compareIncidents);
  closed.sort((a, b) => endMs(b.row.finding) - endMs(a.row.finding) || (a.row.finding.id < b.row.finding.id ? -1 : a.row.finding.id > b.row.finding.id ? 1 : 0));
  return { open, pastTarget, openHighCritical, events, withinTarget, closed };
}

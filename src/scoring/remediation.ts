/**
 * Remediation SLI as SRE events (DESIGN.md "Scoring"): each weakness is one event at its due date,
 * or at its close if that came first — good when closed by the due date, bad when open past it or
 * closed after it (open at the due instant itself is not late yet: the same rule as `overdue`). Events inside the rolling window count, risk-weighted; a weakness not yet due is
 * no event yet (it is the backlog).
 *
 * One deliberate reading of the contract: a weakness still open past its due date stays a bad event
 * for as long as it is open, however long ago the due date fell. Otherwise ignoring a finding for a
 * whole window would take it out of the SLI — the SLO would reward neglect.
 */

export interface RemediationEvent {
  good: boolean;
}

export type RemediationState = RemediationEvent | 'backlog' | undefined;

// Shared (never mutated): one event object per row would be garbage a million times over.
const GOOD: RemediationEvent = Object.freeze({ good: true });
const BAD: RemediationEvent = Object.freeze({ good: false });

export function remediationState(open: boolean, dueMs: number, closedMs: number, nowMs: number, windowStartMs: number): RemediationState {
  // Open at the very instant of its deadline: not late yet (it may close by it), as `overdue` says (totals.ts).
  if (open) return dueMs >= nowMs ? 'backlog' : BAD;
  const good = closedMs <= dueMs;
  const at = good ? closedMs : dueMs;
  return at >= windowStartMs && at <= nowMs ? (good ? GOOD : BAD) : undefined;
}

/** The SLI, or null ("not enough events") below `minEvents`. */
export const remediationSli = (good: number, valid: number, events: number, minEvents: number): number | null =>
  events < Math.max(1, minEvents) || valid <= 0 ? null : good / valid;

import type { Asset, RiskException } from '../config/schema.js';
import type { Finding, Rejected, Severity, Source } from '../model/finding.js';
import type { Policy } from '../config/policy.js';
import type { DeadlineRule } from './deadlines.js';

export const ASSET_STATUSES = ['BREACHED', 'UNKNOWN', 'AT RISK', 'OK'] as const;
/** Worst first: the order reports sort by. */
export type AssetStatus = (typeof ASSET_STATUSES)[number];

/** Every factor behind one finding's weight, with the reason each factor has its value. */
export interface Factors {
  severityPoints: number;
  /** "CVSS 9.8 (v3.1)" or "label high". */
  severityBasis: string;
  likelihood: number;
  /** "CISA KEV", "known exploited (source)", "threat detection", "EPSS percentile 0.87", "public exploit", "nothing known". */
  likelihoodBasis: string;
  context: number;
  contextBasis: string;
  /** severityPoints × likelihood × context (before the asset's exposure). */
  risk: number;
}

/** Why a finding on an asset adds nothing to its risk. Absent when it counts. */
export type ExclusionReason =
  | { kind: 'closed'; status: Finding['status'] }
  /** A threat detection: tracked by response time (AssetResult.incidents), never added to R. */
  | { kind: 'incident' }
  | { kind: 'passed-control' }
  | { kind: 'excepted'; exceptionId: string }
  | { kind: 'duplicate'; of: string };

export interface ScoredFinding {
  finding: Finding;
  assetId: string;
  factors: Factors;
  exposure: number;
  /** This finding's term of the asset's risk (damped: exposure × risk / rank) when counted, else 0. Sums to R. */
  contribution: number;
  /** R minus R re-scored without this finding (0 ≤ ifFixed ≤ contribution), when counted, else 0. */
  ifFixed: number;
  excluded?: ExclusionReason;
  /** Listed in the KEV catalog (by any of its CVEs) or known exploited by the source. */
  knownExploited: boolean;
  matchedBy?: string;
  ambiguous: boolean;
  /** Days from first seen to due, and the rule that set them (the earliest of severity SLA, known exploited, exposure SLA). */
  slaDays: number;
  dueRule: DeadlineRule;
  /** Days open (to now, or to closedAt when closed); from the earliest sighting of the same vulnerability by any source. */
  ageDays: number;
  /** Set when another source saw the same vulnerability earlier: that report's id (its first sighting sets the age). */
  ageFrom?: string | undefined;
  /** ISO date the SLA runs out. */
  dueAt: string;
  /** Open, counted, and past its SLA. */
  overdue: boolean;
  /** Its remediation event when inside the window (see remediation.ts): weight and whether it was good. */
  remediation?: { weight: number; withinSla: boolean };
}

// A type rather than an interface, so a built snapshot type-checks against history's reader schema.
export type CoverageStatus = {
  source: Source;
  status: 'covered' | 'gap';
  reasons: string[];
};

export interface AssetResult {
  asset: Asset;
  exposure: number;
  risk: number;
  budget: number;
  budgetUsed: number;
  /**
   * Remediation SLI over events in the window: `good`/`valid` risk-weighted, `events` counted;
   * sli is null below policy.remediationMinEvents ("not enough events"). `backlog`: open, not yet due.
   */
  remediation: { good: number; valid: number; sli: number | null; target: number; events: number; backlog: number };
  /** Threat detections of the asset, their response times and the response SLI. */
  incidents: IncidentSummary;
  coverage: CoverageStatus[];
  status: AssetStatus;
  /** The rule that set the status (assets.csv `status_reason`). */
  statusReason: StatusRule;
  /** Plain-language reasons for the status, the deciding one first, e.g. "risk budget used 1.4× > 1×". */
  statusReasons: string[];
  openBySeverity: Record<Severity, number>;
  overdue: number;
  openThreats: number;
  /** Every finding mapped to the asset, counted or not: sorted by contribution desc, then id. */
  findings: ScoredFinding[];
  /** Risk in the previous run (undefined when no previous run or the asset is new). */
  previousRisk?: number;
}

export interface ExceptionState {
  exception: RiskException;
  state: 'active' | 'expiring' | 'expired';
  /** Findings it currently suppresses. */
  matched: number;
  expiresAt?: string;
}

export interface SourceSummary {
  source: Source;
  describe: string;
  origins: string[];
  complete: boolean;
  problems: string[];
  records: number;
  findings: number;
  rejected: number;
}

export interface ScoreResult {
  asOf: string;
  /** Worst first (status, budget used, id). */
  assets: AssetResult[];
  /** Open findings no asset claims. */
  unmapped: Finding[];
  /** Findings claimed by several assets at the same specificity (scored against each). */
  ambiguous: { finding: Finding; assetIds: string[] }[];
  rejected: Rejected[];
  exceptions: ExceptionState[];
  sources: SourceSummary[];
  partial: boolean;
  policy: Policy;
  policyHash: string;
  kev: { version: string; count: number; origin: string };
  /** Findings read after de-duplication by id. */
  totalFindings: number;
  /** Of those, first seen after the as-of: left out of everything else (they did not exist yet). */
  afterAsOf: number;
  /** Every fix (fixes.ts), most urgent first. */
  fixes: Fix[];
}

/** The rule that set an asset's status (assets.csv `status_reason`); status.ts decides, worst first. */
export type StatusRule =
  | 'incident response'
  | 'known exploited past due'
  | 'risk budget'
  | 'remediation SLO'
  | 'coverage'
  | 'open incident'
  | 'known exploited on internet-facing'
  | 'risk budget nearly used'
  | 'remediation SLO at risk'
  | 'within targets';

/** Threat detections (incidents.ts): response time, never risk. */
export interface Incident {
  row: ScoredFinding;
  targetHours: number;
  /** Hours from first seen to now. */
  ageHours: number;
  /** Hours to the response, or null while nobody has responded (workflow still NEW). */
  responseHours: number | null;
  /** Not closed (NEW or NOTIFIED). */
  open: boolean;
  /** Nobody responded and the target has passed: the asset is BREACHED. */
  pastTarget: boolean;
}

export interface IncidentSummary {
  /** Open detections, past their response time first, then severity, then age. */
  open: Incident[];
  /** Open and past the response target without a response. */
  pastTarget: number;
  /** Open high or critical detections (AT RISK at least). */
  openHighCritical: number;
  /** Responses (or overdue silences) inside the window: all, and those within target. */
  events: number;
  withinTarget: number;
  /** The closed detections among those events (the open ones are in `open`), most recent response first. */
  closed: Incident[];
}

/** "Fix this first" (fixes.ts). */
export type FixKind = 'incident' | 'dependency upgrade' | 'package upgrade' | 'control' | 'finding';

/** Most urgent first (fixes.ts orders by it). */
export type Urgency = 'incident past response time' | 'known exploited past due' | 'open incident' | 'known exploited' | 'overdue' | 'when due';

/**
 * A planned fix (fixes.ts builds them as CompactFix, which derives most of these on read: read-only).
 * JSON.stringify gives these keys in this order, `ageHours` and `url` only when present.
 */
export interface Fix {
  /** Stable key: kind and what it changes. */
  readonly id: string;
  readonly kind: FixKind;
  /** What to do, in words (contains outside text: renderers escape it). */
  readonly action: string;
  /** Sorted, each once. */
  readonly assetIds: readonly string[];
  /** Findings it closes (counted weaknesses, or the incident's detection); sorted, each once. */
  readonly findingIds: readonly string[];
  readonly riskRemoved: number;
  readonly urgency: Urgency;
  /** The highest severity among what it closes. */
  readonly severity: Severity;
  /** Incidents: hours since first seen. */
  readonly ageHours?: number;
  /** Why now: "incident 30 h > 4 h", "known exploited", "overdue", "internet-facing"… */
  readonly why: readonly string[];
  readonly url?: string;
}

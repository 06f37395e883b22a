import type { Asset, RiskException } from '../config/schema.js';
import type { Finding, Rejected, Severity, Source } from '../model/finding.js';
import type { Policy } from '../config/policy.js';

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
  | { kind: 'passed-control' }
  | { kind: 'excepted'; exceptionId: string }
  | { kind: 'duplicate'; of: string };

export interface ScoredFinding {
  finding: Finding;
  assetId: string;
  factors: Factors;
  exposure: number;
  /** exposure × factors.risk when counted, else 0. Sums to the asset's risk. */
  contribution: number;
  excluded?: ExclusionReason;
  /** Listed in the KEV catalog (by any of its CVEs) or known exploited by the source. */
  knownExploited: boolean;
  matchedBy?: string;
  ambiguous: boolean;
  slaDays: number;
  /** Days open (to now, or to closedAt when closed); from the earliest sighting of the same vulnerability by any source. */
  ageDays: number;
  /** Set when another source saw the same vulnerability earlier: that report's id (its first sighting sets the age). */
  ageFrom?: string | undefined;
  /** ISO date the SLA runs out. */
  dueAt: string;
  /** Open, counted, and past its SLA. */
  overdue: boolean;
  /** Whether it counts toward the remediation SLI, and if so whether it was/is within SLA. */
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
  remediation: { good: number; valid: number; sli: number | null; target: number };
  coverage: CoverageStatus[];
  status: AssetStatus;
  /** Plain-language reasons for the status, e.g. "risk budget used 140 % > 100 %". */
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
}

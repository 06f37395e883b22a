/**
 * The one normalized finding every source is turned into (DESIGN.md, "The normalized finding").
 * Normalizers build it; everything after them (mapping, scoring, reports) reads only this.
 */

export const SOURCES = ['securityhub', 'dependabot'] as const;
export type Source = (typeof SOURCES)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const KINDS = ['vulnerability', 'misconfiguration', 'threat', 'other'] as const;
export type Kind = (typeof KINDS)[number];

export const STATUSES = ['open', 'resolved', 'suppressed', 'dismissed', 'fixed'] as const;
export type FindingStatus = (typeof STATUSES)[number];

export type DependencyScope = 'runtime' | 'development';

export interface Cvss {
  /** Base score 0–10. A score of 0 with no vector ("not scored" on GitHub) is never stored: the field is absent instead. */
  score: number;
  version: string;
  vector?: string;
}

export interface Epss {
  /** Probability of exploitation in the next 30 days, 0–1. */
  probability: number;
  /** Percentile among all scored CVEs, 0–1. */
  percentile: number;
}

/** An AWS account id as AWS writes it: exactly 12 ASCII digits (the one test every reader of account ids uses). */
export const isAwsAccountId = (s: string): boolean => s.length === 12 && /^\d{12}$/.test(s);

export interface AwsResource {
  id: string;
  type: string;
  region?: string;
  tags: Record<string, string>;
}

export interface AwsLocation {
  accountId: string;
  region?: string;
  resources: AwsResource[];
}

export interface GithubLocation {
  /** "owner/name", lower-cased. */
  repo: string;
  manifestPath?: string;
  package?: string;
  ecosystem?: string;
  scope?: DependencyScope;
}

export interface Finding {
  /** Stable across runs: `${source}:${nativeId}`. */
  id: string;
  source: Source;
  /** The source's own id: ASFF `Id`, or `owner/repo#number` for Dependabot. */
  nativeId: string;
  kind: Kind;
  title: string;
  severity: Severity;
  cvss?: Cvss;
  epss?: Epss;
  /** The source itself says it was exploited in the wild (e.g. Inspector `LastKnownExploitAt`). KEV catalog look-up happens in scoring. */
  knownExploited: boolean;
  exploitAvailable: boolean;
  fixAvailable?: boolean;
  /** The version that fixes it, when the source says (Dependabot first_patched_version, Inspector FixedInVersion). */
  fixedIn?: string;
  /** Upper-case CVE ids, sorted, unique. */
  cves: string[];
  ghsa?: string;
  /** Security Hub control id (e.g. "S3.8") for control findings. */
  controlId?: string;
  /** Lower-cased names of vulnerable packages, sorted: used to recognise the same vulnerability reported by two sources. */
  packages: string[];
  status: FindingStatus;
  /** Why a closed finding was closed, when the source says (e.g. Dependabot `dismissed_reason`). */
  closeReason?: string;
  /** Security Hub control result; PASSED is evidence of coverage, not risk. */
  compliance?: 'passed' | 'failed' | 'warning' | 'not_available';
  /** Open, but the source's workflow left NEW (Security Hub NOTIFIED): for an incident, the response. Absent otherwise. */
  acknowledged?: boolean;
  firstSeen: string;
  updatedAt: string;
  closedAt?: string;
  /** Product that reported it ("Inspector", "GuardDuty", "Security Hub", "Dependabot"). */
  product: string;
  aws?: AwsLocation;
  github?: GithubLocation;
  url?: string;
  /**
   * Epoch ms of `firstSeen`, and of `closedAt ?? updatedAt`, when the holder keeps times as numbers
   * (the finding store does); read them through firstSeenMs()/endMs(), which parse the text otherwise.
   */
  readonly firstSeenMs?: number;
  readonly endMs?: number;
}

/** Epoch ms of a finding's first sighting. */
export const firstSeenMs = (f: Finding): number => f.firstSeenMs ?? Date.parse(f.firstSeen);
/** Epoch ms at which a finding's clock stopped: `closedAt`, else `updatedAt`. */
export const endMs = (f: Finding): number => f.endMs ?? Date.parse(f.closedAt ?? f.updatedAt);

/** A record a reader or normalizer could not turn into a Finding. It is counted and shown, never fatal. */
export interface Rejected {
  source: Source;
  /** File name (or "api") the record came from. */
  origin: string;
  /** 1-based record number within the origin, and the line when the format has lines (NDJSON). */
  record?: number;
  line?: number;
  /** The native id when one could be read. */
  nativeId?: string;
  reason: string;
  /** What the record says it is about, where that could be read: an asset it names is not fully measured (scoring/coverage.ts). */
  claims?: RecordClaims;
}

/** The account, resources or repository an unreadable record names. */
export interface RecordClaims {
  account?: string;
  resources?: string[];
  repo?: string;
}

/** Severities as numbers, worst highest, for ordering. */
export const SEVERITY_RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

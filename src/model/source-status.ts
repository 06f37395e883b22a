import type { Source } from './finding.js';

/** What each collector reports about its own answer: scoring's coverage SLI is computed from these. */

/**
 * Did a source answer for a scope? Live collectors emit one entry per account/region or repository
 * they tried; file readers emit one `{}`-scoped entry per file they could read, or one per
 * repository (a repository-level Dependabot export) or per organization (an organization listing).
 */
export interface CoverageEntry {
  source: Source;
  /** Empty scope = the whole source. `org`: every repository of that GitHub organization or user (an organization's alert listing). */
  scope: { account?: string; region?: string; repo?: string; org?: string };
  status: 'covered' | 'gap';
  /** Why it is a gap ("Dependabot alerts are disabled for this repository.", "401 not subscribed", …). */
  reason?: string;
  /**
   * A gap the service answered: asked, it has nothing to show (Security Hub: no findings and no
   * passed control for the account). What was read is all there is, so the incremental sync may
   * trust it; any other gap did not answer, and its records are missing or stale.
   */
  answered?: true;
  /**
   * A repository-scoped answer that speaks for that repository alone (a repository-level export:
   * its alerts carry no `repository`): it cannot say which other repositories a glob claims, so it
   * vouches for an exact name, never for a glob (scoring/coverage.ts). A live collector's
   * repository entries come from listing the owner's repositories and vouch for globs too.
   */
  alone?: true;
}

export interface SourceStatus {
  source: Source;
  /** Files read, or API scopes asked ("securityhub ap-northeast-1"). */
  origins: string[];
  /** False when the source failed or was cut short: the run is PARTIAL. */
  complete: boolean;
  /** Human-readable reasons the source is incomplete (never containing secrets). */
  problems: string[];
  coverage: CoverageEntry[];
  /** Number of raw records pushed to the sink. */
  records: number;
}

import type { ConfigProblem } from './problem.js';
import type { Finding } from '../model/finding.js';
import type { PolicyInput } from '../config/policy.js';
import type { DiscoveryConfig } from './discovery-schema.js';
import type { Asset, RiskException, SourcesConfig } from '../config/schema.js';

/** assets.yaml after schema validation and cross-checks. */
export interface Inventory {
  /** The path as the user gave it, used in every message. */
  file: string;
  /** Sorted by id. */
  assets: Asset[];
  owners: Record<string, { contact?: string; name?: string }>;
  /** In file order; expired ones are kept (reports list them) but scoring ignores them. */
  exceptions: RiskException[];
  sources: SourcesConfig;
  policy?: PolicyInput;
  /** The `discovery:` block (attribute mappings, grouping for init). */
  discovery?: DiscoveryConfig;
  /** Non-fatal problems (expired exception, …), located like errors. */
  warnings: ConfigProblem[];
}

export interface MatchResult {
  /** Empty: unmapped. More than one: ambiguous (tied at the same specificity), sorted. */
  assetIds: string[];
  ambiguous: boolean;
  /** Which selector won, for `explain` and findings.csv: "aws.resources arn:aws:ecs:*:111122223333:service/payments/*". */
  matchedBy?: string;
  /** When ambiguous: each asset's own winning selector, in `assetIds` order (`matchedBy` is the first's). */
  matchedByAsset?: string[];
}

/** The inventory compiled once for fast look-ups; `match` is pure. */
export interface Matcher {
  match(finding: Finding): MatchResult;
  /** Assets whose github.repos globs claim this repository ("owner/name", any case). */
  assetsForRepo(repo: string): string[];
}

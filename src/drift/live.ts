import type { DiscoverOptions } from '../discovery/index.js';
import type { Inventory } from '../config/inventory.js';
import type { Logger } from '../log.js';
import type { Finding } from '../model/finding.js';
import type { ScoreResult } from '../scoring/types.js';
import { computeDrift, type Drift } from './drift.js';
import { exposureEvidence, type ExposurePattern } from './exposure.js';
import { driftSnapshot, driftSummaryLine, renderDriftMarkdown, renderInventoryCsv } from './render.js';

/**
 * The live run's inventory-truth step: collects exposure evidence while the findings stream past,
 * then (after scoring) discovers what exists and renders the drift. Used by pipeline.ts only.
 */

export interface InventoryTruth {
  drift: Drift;
  summaryLine: string;
  section: string;
  csv: string;
  snapshot: ReturnType<typeof driftSnapshot>;
}

/** Finding id → exposure pattern, filled by `record` as each normalized finding is read. */
export function createEvidenceCollector() {
  const evidence = new Map<string, ExposurePattern>();
  return {
    evidence,
    record(finding: Finding, raw: unknown) {
      const p = exposureEvidence(finding, raw);
      if (p) evidence.set(finding.id, p);
      else evidence.delete(finding.id);
    },
  };
}

/** Does assets.yaml configure a live source discovery can list? */
export function discoverable(inv: Inventory): boolean {
  const db = inv.sources.dependabot;
  const sh = inv.sources.securityhub;
  return !!((db && !db.file && (db.org || db.orgs?.length)) || (sh && !sh.file && (sh.regions?.length || sh.aggregationRegion)));
}

function namesInFindings(result: ScoreResult): { repos: string[]; accounts: string[] } {
  const repos = new Set<string>();
  const accounts = new Set<string>();
  const add = (f: Finding) => {
    if (f.github?.repo) repos.add(f.github.repo);
    if (f.aws?.accountId) accounts.add(f.aws.accountId);
  };
  result.unmapped.forEach(add);
  for (const a of result.assets) for (const s of a.findings) add(s.finding);
  return { repos: [...repos].sort(), accounts: [...accounts].sort() };
}

export async function inventoryTruth(
  inventory: Inventory,
  result: ScoreResult,
  evidence: ReadonlyMap<string, ExposurePattern>,
  o: { env: NodeJS.ProcessEnv; log: Logger; discover?: Partial<DiscoverOptions> },
): Promise<InventoryTruth> {
  o.log.info('discovery: listing repositories and accounts');
  // Loaded here: discovery brings in the AWS SDK clients, which offline runs never need.
  const { discover } = await import('../discovery/index.js');
  const discovery = await discover({ inventory, env: o.env, log: o.log, seen: namesInFindings(result), ...o.discover });
  const drift = computeDrift({ inventory, discovery, result, evidence });
  return { drift, summaryLine: driftSummaryLine(drift), section: renderDriftMarkdown(drift), csv: renderInventoryCsv(drift), snapshot: driftSnapshot(drift) };
}

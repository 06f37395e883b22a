import type { SourceStatus } from '../collectors/types.js';
import type { Asset } from '../inventory/schema.js';
import type { Source } from '../model/finding.js';
import type { CoverageStatus } from './types.js';

/**
 * Coverage SLI: did every source the asset expects answer for it? An asset with `aws` selectors
 * expects Security Hub; one with `github.repos` expects Dependabot. Zero findings because nobody
 * looked is not zero risk, so any doubt is a gap.
 */

export function expectedSources(asset: Asset): Source[] {
  const out: Source[] = [];
  if (asset.aws) out.push('securityhub');
  if (asset.github) out.push('dependabot');
  return out;
}

const SOURCE_NAME: Record<Source, string> = { securityhub: 'Security Hub', dependabot: 'Dependabot' };

export function assetCoverage(
  asset: Asset,
  statuses: readonly SourceStatus[],
  repoClaimedBy: (repo: string, assetId: string) => boolean,
): CoverageStatus[] {
  return expectedSources(asset).map((source) => {
    const mine = statuses.filter((s) => s.source === source);
    if (mine.length === 0) {
      return { source, status: 'gap', reasons: [`no ${SOURCE_NAME[source]} input was collected`] };
    }
    const reasons: string[] = [];
    for (const s of mine) {
      if (!s.complete) {
        const scoped = s.coverage.some((c) => c.status === 'gap' && Object.keys(c.scope).length > 0);
        // A failure nobody pinned to a scope could have hidden anything: it affects every asset.
        if (!scoped) reasons.push(`${SOURCE_NAME[source]} incomplete: ${s.problems.join('; ') || 'unknown reason'}`);
      }
      for (const c of s.coverage) {
        if (c.status !== 'gap') continue;
        const { account, region, repo } = c.scope;
        let applies: boolean;
        if (repo) applies = repoClaimedBy(repo, asset.id);
        else if (account) applies = !asset.aws?.accounts?.length || asset.aws.accounts.includes(account);
        else applies = true; // a whole region or the whole source
        if (applies) {
          const where = [account, region, repo].filter(Boolean).join(' ');
          reasons.push(`${SOURCE_NAME[source]}${where ? ` ${where}` : ''}: ${c.reason ?? 'not covered'}`);
        }
      }
    }
    const unique = [...new Set(reasons)].sort();
    return { source, status: unique.length ? 'gap' : 'covered', reasons: unique };
  });
}

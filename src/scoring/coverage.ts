import type { CoverageEntry, SourceStatus } from '../model/source-status.js';
import { hasGlobSyntax, repoMatcher } from '../config/glob.js';
import type { Asset } from '../config/schema.js';
import type { Matcher } from '../config/inventory.js';
import type { Finding, Rejected, Source } from '../model/finding.js';
import type { CoverageStatus } from './types.js';

/**
 * Coverage SLI: did every source the asset expects answer for it? An asset with `aws` selectors
 * expects Security Hub; one with `github.repos` expects Dependabot. Zero findings because nobody
 * looked is not zero risk, so any doubt is a gap:
 * - some answer must vouch for each part of the asset (each declared account; each repo glob),
 *   either for the whole source or for that account / a repository that glob matches;
 * - and no gap may apply to it (a denied account or region, a repo with alerts disabled, a
 *   source that failed without saying where).
 */

function expectedSources(asset: Asset): Source[] {
  const out: Source[] = [];
  if (asset.aws) out.push('securityhub');
  if (asset.github) out.push('dependabot');
  return out;
}

const SOURCE_NAME: Record<Source, string> = { securityhub: 'Security Hub', dependabot: 'Dependabot' };

/** Is a repo glob about that organization's repositories? (One whose owner part is itself a pattern, such as `*`, is about any.) */
function globInOrg(glob: string, org: string): boolean {
  const owner = glob.slice(0, Math.max(0, glob.indexOf('/')));
  return hasGlobSyntax(owner) || owner.toLowerCase() === org.toLowerCase();
}

/** Does a coverage entry speak about this asset? `repoClaimedBy` answers for repo-scoped entries. */
function applies(c: CoverageEntry, asset: Asset, repoClaimedBy: (repo: string, assetId: string) => boolean): boolean {
  const { account, repo, org } = c.scope;
  if (repo) return repoClaimedBy(repo, asset.id);
  if (org) return (asset.github?.repos ?? []).some((g) => globInOrg(g, org));
  if (account) return !asset.aws?.accounts?.length || asset.aws.accounts.includes(account);
  return true; // a whole region or the whole source
}

/** The parts of an asset some answer must vouch for. */
function parts(asset: Asset, source: Source): { label: string; vouched: (c: CoverageEntry) => boolean; why?: (covered: readonly CoverageEntry[]) => string }[] {
  if (source === 'securityhub') {
    const accounts = asset.aws?.accounts ?? [];
    if (accounts.length === 0) return [{ label: 'its resources', vouched: (c) => !c.scope.repo }];
    return accounts.map((a) => ({
      label: `account ${a}`,
      vouched: (c) => !c.scope.repo && (!c.scope.account || c.scope.account === a),
      why: () =>
        ' (no finding of this account was read: an export from another account, or filtered to others, names none of it — export from the administrator account without an account filter, or collect live)',
    }));
  }
  // A repository-level answer vouches for the glob that claims that repository, not for every glob
  // of the asset: an export of acme/identity-service says nothing of acme/auth-sdk-js.
  // An organization's listing vouches for the globs of that organization. An export of single
  // repositories (`alone`) vouches for exact names only: it cannot tell which other repositories
  // `acme/payments-*` claims (acme/payments-sdk-java, exported or not, is not in it).
  return (asset.github?.repos ?? []).map((glob) => {
    const claims = repoMatcher(glob);
    const pattern = hasGlobSyntax(glob);
    return {
      label: glob,
      vouched: (c: CoverageEntry) =>
        !c.scope.account &&
        !c.scope.region &&
        (c.scope.org !== undefined ? globInOrg(glob, c.scope.org) : !c.scope.repo || c.scope.repo === glob || (claims(c.scope.repo) && !(pattern && c.alone))),
      why: (covered: readonly CoverageEntry[]) => {
        if (!pattern) return '';
        const alone = covered.filter((c) => c.alone && c.scope.repo && claims(c.scope.repo)).map((c) => c.scope.repo!);
        return alone.length
          ? ` (an export of single repositories vouches for those alone — ${alone.slice(0, 3).join(', ')}${alone.length > 3 ? ', …' : ''} — not for every repository the glob claims: an organization listing or live collection can)`
          : '';
      },
    };
  });
}

/** The accounts of the ARNs among `ids` (`arn:partition:service:region:account:…`), each once. */
function arnAccounts(ids: readonly string[]): string[] {
  const out = new Set<string>();
  for (const id of ids) {
    const m = /^arn:[^:]*:[^:]*:[^:]*:(\d{12}):/.exec(id);
    if (m) out.add(m[1]!);
  }
  return [...out];
}

/**
 * The rejected records each asset is named by (its account, one of its resources, a repository it
 * claims): a record that could not be read is a part of the asset nobody measured, so the asset is
 * not "covered" by that source (it reads UNKNOWN unless a measured breach holds, and the run exits 3).
 */
export function rejectedByAsset(rejected: readonly Rejected[], matcher: Matcher, assets: readonly Asset[]): Map<string, Rejected[]> {
  const out = new Map<string, Rejected[]>();
  const add = (id: string, r: Rejected) => {
    const list = out.get(id);
    if (list) list.push(r);
    else out.set(id, [r]);
  };
  // Account → the assets that declare it, built once: a file of many bad records costs one look-up each.
  const byAccount = new Map<string, string[]>();
  if (rejected.some((r) => r.claims?.account || r.claims?.resources?.length)) {
    for (const a of assets) for (const acct of a.aws?.accounts ?? []) byAccount.set(acct, [...(byAccount.get(acct) ?? []), a.id]);
  }
  for (const r of rejected) {
    const c = r.claims;
    if (!c) continue;
    const ids = new Set<string>();
    if (c.repo) for (const id of matcher.assetsForRepo(c.repo)) ids.add(id);
    if (c.account || c.resources?.length) {
      // As a finding of that account on those resources would map (tags are unknown: an asset
      // selected by tags in the account is named by the account below). A record whose account
      // field could not be read still names its account in its resources' ARNs.
      const resources = (c.resources ?? []).map((id) => ({ id, type: '', tags: {} }));
      const accounts = c.account ? [c.account] : arnAccounts(c.resources ?? []);
      for (const accountId of accounts.length ? accounts : ['']) {
        const probe = { source: r.source, aws: { accountId, resources } } as unknown as Finding;
        for (const id of matcher.match(probe).assetIds) ids.add(id);
        for (const id of byAccount.get(accountId) ?? []) ids.add(id);
      }
    }
    for (const id of ids) add(id, r);
  }
  return out;
}

function rejectedReason(source: Source, list: readonly Rejected[]): string {
  const first = list[0]!;
  const where = [first.record !== undefined ? `record ${first.record}` : '', first.line !== undefined ? `line ${first.line}` : ''].filter(Boolean).join(', ');
  return `${SOURCE_NAME[source]}: ${list.length} record(s) about it could not be read (first: ${where ? `${where}: ` : ''}${first.reason})`;
}

export function assetCoverage(
  asset: Asset,
  statuses: readonly SourceStatus[],
  repoClaimedBy: (repo: string, assetId: string) => boolean,
  rejected: readonly Rejected[] = [],
): CoverageStatus[] {
  return expectedSources(asset).map((source) => {
    const mine = statuses.filter((s) => s.source === source);
    if (mine.length === 0) {
      return { source, status: 'gap', reasons: [`no ${SOURCE_NAME[source]} input was collected`] };
    }
    const reasons: string[] = [];
    const entries = mine.flatMap((s) => s.coverage);
    for (const s of mine) {
      // A failure the source did not pin to a scope could have hidden anything.
      if (!s.complete && !s.coverage.some((c) => c.status === 'gap')) {
        reasons.push(`${SOURCE_NAME[source]} incomplete: ${s.problems.join('; ') || 'unknown reason'}`);
      }
    }
    for (const c of entries) {
      if (c.status !== 'gap' || !applies(c, asset, repoClaimedBy)) continue;
      const where = [c.scope.account, c.scope.region, c.scope.org, c.scope.repo].filter(Boolean).join(' ');
      reasons.push(`${SOURCE_NAME[source]}${where ? ` ${where}` : ''}: ${c.reason ?? 'not covered'}`);
    }
    const unread = rejected.filter((r) => r.source === source);
    if (unread.length) reasons.push(rejectedReason(source, unread));
    const covered = entries.filter((c) => c.status === 'covered');
    for (const part of parts(asset, source)) {
      if (!covered.some(part.vouched)) reasons.push(`${SOURCE_NAME[source]}: no answer covers ${part.label}${part.why?.(covered) ?? ''}`);
    }
    const unique = [...new Set(reasons)].sort();
    return { source, status: unique.length ? 'gap' : 'covered', reasons: unique };
  });
}

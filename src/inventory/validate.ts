import { exceptionExpiresAt } from '../config/expiry.js';
import type { ConfigProblem } from '../errors.js';
import { isAwsAccountId } from '../model/finding.js';
import { didYouMeanSuffix } from './did-you-mean.js';
import { globProblems, hasGlobSyntax, type GlobKind } from '../config/glob.js';
import { formatPath, type Locator, type PathKey } from './positions.js';
import type { Asset, InventoryFile } from '../config/schema.js';

export interface ValidateOptions {
  /** The path as the user gave it, used in every message. */
  file: string;
  /** Exceptions that expired before this instant are reported as warnings. */
  now: Date;
  /** Where a path sits in the file; without it problems carry no line and column. */
  locate?: Locator;
  /**
   * The file failed the schema and `data` holds only the parts that passed (sparse lists, file
   * indexes kept, fields the schema rejected left out): skip checks those gaps would mislead.
   * `assetsRead: false` when the asset list itself could not be read (so every id is unknown).
   */
  partial?: { assetsRead: boolean };
}

/** True when the asset has at least one selector that can claim a finding. */
function hasSelectors(asset: Asset): boolean {
  const aws = asset.aws;
  const awsAny = !!aws && ((aws.accounts?.length ?? 0) > 0 || (aws.resources?.length ?? 0) > 0 || (aws.resourceTypes?.length ?? 0) > 0 || Object.keys(aws.tags ?? {}).length > 0);
  return awsAny || (asset.github?.repos.length ?? 0) > 0;
}

/** Why `account` cannot be declared as an AWS account id; undefined when it can. Also `secsli init`'s test of what it may propose. */
export function accountIdProblem(account: string): string | undefined {
  return isAwsAccountId(account) ? undefined : `an AWS account id is exactly 12 digits, got "${account}"${/^\d+$/.test(account) ? ` (${account.length} digits)` : ''}`;
}

/**
 * Cross-checks the schema cannot express. Runs on a file that passed the schema, collects every
 * problem (errors and warnings) and never stops at the first.
 */
export function validateInventory(data: InventoryFile, opts: ValidateOptions): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const where = (path: PathKey[]) => opts.locate?.(path);
  const report = (severity: ConfigProblem['severity'], path: PathKey[], message: string) =>
    problems.push({ file: opts.file, ...where(path), path: formatPath(path), message, severity });
  const error = (path: PathKey[], message: string) => report('error', path, message);
  const lineOf = (path: PathKey[]) => {
    const line = where(path)?.line;
    return line ? ` (first declared on line ${line})` : ' (declared twice)';
  };
  const checkGlob = (path: PathKey[], pattern: string, kind: GlobKind) => {
    for (const message of globProblems(pattern, kind)) error(path, `invalid pattern "${pattern}": ${message}`);
  };
  const checkAccount = (path: PathKey[], account: string) => {
    const problem = accountIdProblem(account);
    if (problem) error(path, problem);
  };

  // A Set: `includes` on the owner list made a large inventory O(assets × owners) to validate.
  const owners = data.owners ? new Set(Object.keys(data.owners)) : undefined;
  const assetIds = new Map<string, number>();
  data.assets.forEach((asset, i) => {
    const at = (...rest: PathKey[]): PathKey[] => ['assets', i, ...rest];
    const first = assetIds.get(asset.id);
    if (first === undefined) assetIds.set(asset.id, i);
    else error(at('id'), `duplicate asset id \`${asset.id}\`${lineOf(['assets', first, 'id'])}`);
    if (owners && asset.owner !== undefined && !owners.has(asset.owner))
      error(at('owner'), `owner \`${asset.owner}\` is not declared under owners${didYouMeanSuffix(asset.owner, owners)}`);
    for (const [j, a] of (asset.aws?.accounts ?? []).entries()) checkAccount(at('aws', 'accounts', j), a);
    for (const [j, r] of (asset.aws?.resources ?? []).entries()) checkGlob(at('aws', 'resources', j), r, 'arn');
    for (const [j, t] of (asset.aws?.resourceTypes ?? []).entries()) checkGlob(at('aws', 'resourceTypes', j), t, 'type');
    for (const [key, value] of Object.entries(asset.aws?.tags ?? {})) if (hasGlobSyntax(value)) checkGlob(at('aws', 'tags', key), value, 'tag');
    for (const [j, r] of (asset.github?.repos ?? []).entries()) checkGlob(at('github', 'repos', j), r, 'repo');
    if (!opts.partial && !hasSelectors(asset))
      report('warning', at(), `asset \`${asset.id}\` claims no findings: give it aws (accounts, resources, tags, resourceTypes) or github.repos selectors`);
  });
  for (const [j, a] of (data.sources?.securityhub?.accounts ?? []).entries()) checkAccount(['sources', 'securityhub', 'accounts', j], a);

  const exceptionIds = new Map<string, number>();
  (data.exceptions ?? []).forEach((ex, i) => {
    const at = (...rest: PathKey[]): PathKey[] => ['exceptions', i, ...rest];
    const first = exceptionIds.get(ex.id);
    if (first === undefined) exceptionIds.set(ex.id, i);
    else error(at('id'), `duplicate exception id \`${ex.id}\`${lineOf(['exceptions', first, 'id'])}`);
    if (ex.asset !== undefined && opts.partial?.assetsRead !== false && !assetIds.has(ex.asset))
      error(at('asset'), `exception \`${ex.id}\` names unknown asset \`${ex.asset}\`${didYouMeanSuffix(ex.asset, assetIds.keys())}`);
    if (ex.reason !== undefined && ex.reason.trim() === '') error(at('reason'), 'every exception needs a reason');
    if (ex.match?.resource !== undefined) checkGlob(at('match', 'resource'), ex.match.resource, 'arn');
    if (ex.match?.repo !== undefined) checkGlob(at('match', 'repo'), ex.match.repo, 'repo');
    if (ex.expires === undefined) {
      error(at(), `exception \`${ex.id}\` has no expiry: risk acceptance always ends; add expires: YYYY-MM-DD`);
    } else if (exceptionExpiresAt(ex.expires).getTime() <= opts.now.getTime()) {
      report('warning', at('expires'), `exception \`${ex.id}\` expired on ${ex.expires} and no longer applies; renew or remove it`);
    }
  });
  return problems;
}

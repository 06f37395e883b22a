import { isAwsAccountId } from '../../model/finding.js';
import { repoOf } from '../../sources/dependabot.js';
import { guardRecord } from './record-guard.js';

/**
 * What a Dependabot export answers for: the repositories of its alerts, and how many alerts name
 * their repository (an organization listing does; a repository-level export does not, and then
 * vouches only for the repositories in it). Filled record by record, or from a parse worker's tally.
 */
export class RepoCoverage {
  readonly repos = new Set<string>();
  withRepository = 0;

  /** One raw alert; a record too broken to read is the normalizer's to reject, not this tally's. */
  note(raw: unknown): void {
    guardRecord(raw, () => {
      if (!raw || typeof raw !== 'object') return;
      if ('repository' in raw && raw.repository) this.withRepository++;
      const repo = repoOf(raw as Parameters<typeof repoOf>[0]);
      if (repo) this.repos.add(repo);
    });
  }

  /** A tally made elsewhere (a parse worker's, for its records). */
  add(repos: Iterable<string>, withRepository: number): void {
    for (const r of repos) this.repos.add(r);
    this.withRepository += withRepository;
  }
}

/**
 * What a Security Hub export answers for: the AWS accounts its findings name (ASFF `AwsAccountId`,
 * OCSF `cloud.account.uid`). An export from one member account, or filtered to some accounts, says
 * nothing of the others an asset claims. Filled record by record, or from a parse worker's tally.
 */
export class AccountCoverage {
  readonly accounts = new Set<string>();

  note(raw: unknown): void {
    if (!raw || typeof raw !== 'object') return;
    const r = raw as { AwsAccountId?: unknown; cloud?: { account?: { uid?: unknown } } };
    const account = typeof r.AwsAccountId === 'string' ? r.AwsAccountId : typeof r.cloud === 'object' && r.cloud ? r.cloud.account?.uid : undefined;
    if (typeof account === 'string' && isAwsAccountId(account)) this.accounts.add(account);
  }

  add(accounts: Iterable<string>): void {
    for (const a of accounts) this.accounts.add(a);
  }
}

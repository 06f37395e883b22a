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

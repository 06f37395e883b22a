/**
 * What exists, as discovery saw it (src/discovery/{github,aws}.ts for the APIs, src/init/offline.ts
 * for exported files). Pure data: drift (src/drift) and `init` (src/init) read only this.
 */

export interface DiscoveredRepo {
  /** GitHub's numeric id: the same repository under a new name is the same id. */
  id?: number;
  /** "owner/name" as GitHub spells it now. */
  fullName: string;
  /** Lower-cased earlier names under which findings or claims named it (a rename). */
  aliases: string[];
  archived: boolean;
  /** public | private | internal (absent: not reported). */
  visibility?: string;
  topics: string[];
  /** Custom property values (multi-select values joined with ","). */
  properties: Record<string, string>;
  /** Dependabot alerts readable? Absent: not probed (claimed repositories are covered by the collector). */
  dependabot?: { on: boolean; reason?: string };
}

/** What a look-up of a name outside the listings found (a claim or a finding naming it). */
export interface RepoLookup {
  /** Lower-cased name asked for. */
  name: string;
  /** renamed: GitHub redirected to `to`; missing: 404. */
  state: 'renamed' | 'missing' | 'found' | 'unknown';
  to?: string;
  id?: number;
  reason?: string;
}

export interface GithubDiscovery {
  orgs: string[];
  /** Sorted by lower-cased full name. */
  repos: DiscoveredRepo[];
  lookups: RepoLookup[];
  /** False when an org's repository list could not be read completely. */
  complete: boolean;
  /** False when custom properties could not be read for some org (attribute drift is then skipped there). */
  propertiesReadable: boolean;
  notes: string[];
}

export interface DiscoveredAccount {
  id: string;
  name?: string;
  /** ACTIVE | SUSPENDED | PENDING_CLOSURE | CLOSED | PENDING_ACTIVATION (`State ?? Status`), or UNKNOWN when only named by the inventory or findings. */
  state: string;
  tags: Record<string, string>;
  /** "Root/Workloads/Prod", when Organizations could say. */
  ouPath?: string;
  /** Security Hub member status (ListMembers), when the caller is the administrator. */
  memberStatus?: string;
  /** Fallback evidence probe: did Security Hub return any finding for the account? */
  evidence?: boolean;
}

export interface HubState {
  region: string;
  enabled: boolean;
  reason?: string;
  /** Not enabled, and Security Hub said so (not a refused credential or a network failure). */
  answered?: boolean;
}

export interface AwsDiscovery {
  /** organizations: the org's account list; fallback: only accounts the inventory and findings name. */
  from: 'organizations' | 'fallback';
  /** Fallback because the account is in no organization (AWSOrganizationsNotInUseException): nothing is missing from the list. */
  standalone?: boolean;
  /** Sorted by id. */
  accounts: DiscoveredAccount[];
  hubs: HubState[];
  /** True when ListMembers answered (the caller is the Security Hub administrator). */
  membersRead: boolean;
  notes: string[];
}

export interface Discovery {
  github?: GithubDiscovery;
  aws?: AwsDiscovery;
}

/**
 * A name → value record for custom properties and tags. Their names come from whoever administers
 * a repository or account: on an ordinary object `constructor` or `toString` read as a function
 * and `__proto__` was never stored (init exited 70, or wrote `owner: undefined`). No prototype: only
 * the names set are there.
 */
export const textRecord = (): Record<string, string> => Object.create(null) as Record<string, string>;

export const ACTIVE_ACCOUNT = (a: DiscoveredAccount) => a.state === 'ACTIVE' || a.state === 'UNKNOWN';

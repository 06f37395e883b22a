/**
 * Builders for GitHub Dependabot alert objects (`dependabot-alert` and, with `repository`,
 * `dependabot-alert-with-repository`), shaped like the samples in test/fixtures/dependabot/ (see its SOURCE.md).
 */
import { ORG, repoId, type Manifest, type RepoDef } from './acme.js';
import type { Json } from './asff.js';
import type { LangVuln } from './catalog.js';
import { isoSeconds } from './time.js';

const API = 'https://api.github.com';
const WEB = 'https://github.com';

export interface GhUser {
  login: string;
  id: number;
  type: 'User' | 'Organization' | 'Bot';
}

function nodeId(prefix: string, id: number): string {
  return Buffer.from(`${prefix}${id}`).toString('base64');
}

function simpleUser(u: GhUser): Json {
  const api = `${API}/users/${u.login}`;
  return {
    login: u.login,
    id: u.id,
    node_id: nodeId(u.type === 'Organization' ? '012:Organization' : '04:User', u.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${u.id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: `${WEB}/${u.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: u.type,
    site_admin: false,
  };
}

const ORG_USER: GhUser = { login: ORG, id: 81_234_567, type: 'Organization' };

export const PEOPLE: readonly GhUser[] = [
  { login: 'mika-tanaka', id: 5_811_001, type: 'User' },
  { login: 'priya-raman', id: 7_302_448, type: 'User' },
  { login: 'dan-whitfield', id: 2_990_173, type: 'User' },
  { login: 'kenji-sato', id: 10_442_871, type: 'User' },
  { login: 'sofia-almeida', id: 9_120_334, type: 'User' },
];

function simpleRepository(repo: RepoDef): Json {
  const full = `${ORG}/${repo.name}`;
  const api = `${API}/repos/${full}`;
  const id = repoId(repo.name);
  return {
    id,
    node_id: nodeId('010:Repository', id),
    name: repo.name,
    full_name: full,
    owner: simpleUser(ORG_USER),
    private: repo.private,
    html_url: `${WEB}/${full}`,
    description: repo.description,
    fork: false,
    url: api,
    archive_url: `${api}/{archive_format}{/ref}`,
    assignees_url: `${api}/assignees{/user}`,
    blobs_url: `${api}/git/blobs{/sha}`,
    branches_url: `${api}/branches{/branch}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    comments_url: `${api}/comments{/number}`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    contents_url: `${api}/contents/{+path}`,
    contributors_url: `${api}/contributors`,
    deployments_url: `${api}/deployments`,
    downloads_url: `${api}/downloads`,
    events_url: `${api}/events`,
    forks_url: `${api}/forks`,
    git_commits_url: `${api}/git/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    hooks_url: `${api}/hooks`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    issue_events_url: `${api}/issues/events{/number}`,
    issues_url: `${api}/issues{/number}`,
    keys_url: `${api}/keys{/key_id}`,
    labels_url: `${api}/labels{/name}`,
    languages_url: `${api}/languages`,
    merges_url: `${api}/merges`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    pulls_url: `${api}/pulls{/number}`,
    releases_url: `${api}/releases{/id}`,
    stargazers_url: `${api}/stargazers`,
    statuses_url: `${api}/statuses/{sha}`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    tags_url: `${api}/tags`,
    teams_url: `${api}/teams`,
    trees_url: `${api}/git/trees{/sha}`,
  };
}

export type AlertState = 'open' | 'fixed' | 'dismissed' | 'auto_dismissed';
export type DismissReason = 'fix_started' | 'inaccurate' | 'no_bandwidth' | 'not_used' | 'tolerable_risk';

export interface AlertSpec {
  repo: RepoDef;
  number: number;
  vuln: LangVuln;
  manifest: Manifest;
  scope: 'runtime' | 'development' | null;
  relationship: 'direct' | 'transitive' | 'unknown' | 'inconclusive';
  state: AlertState;
  createdMs: number;
  updatedMs: number;
  fixedMs?: number;
  dismissedMs?: number;
  autoDismissedMs?: number;
  dismissedBy?: GhUser;
  dismissedReason?: DismissReason;
  dismissedComment?: string | null;
  /** Recorded before GitHub added relationship/epss/cvss_severities/classification/assignees/dismissal_request. */
  legacyShape: boolean;
  /** EPSS percentile as a string like "0.16001e0" (as in GitHub's docs example). */
  epssAsString: boolean;
  /** CVSS v4 score and vector when the advisory has one. */
  cvssV4?: { score: number; vector: string };
  assignee?: GhUser;
  /** Hostile-input test records: overrides the package name and/or the summary. */
  packageNameOverride?: string;
  summaryOverride?: string;
  /** Scripted role, for the summary only (never written). */
  role?: string;
}

function epssBlock(v: LangVuln, asString: boolean): Json {
  const [probability, percentile] = v.epss;
  return { percentage: probability, percentile: asString ? `${percentile}e0` : percentile };
}

export function dependabotAlert(a: AlertSpec, withRepository: boolean): Json {
  const v = a.vuln;
  const full = `${ORG}/${a.repo.name}`;
  const pkgName = a.packageNameOverride ?? v.pkg;
  const pkg = { ecosystem: v.ecosystem, name: pkgName };
  const secVuln: Json = {
    package: pkg,
    severity: v.severity,
    vulnerable_version_range: v.range,
    first_patched_version: v.patched ? { identifier: v.patched } : null,
  };
  const dependency: { [key: string]: Json } = { package: pkg, manifest_path: a.manifest.path, scope: a.scope };
  if (!a.legacyShape) dependency.relationship = a.relationship;

  const identifiers: Json[] = [{ type: 'GHSA', value: v.ghsa }];
  if (v.cve) identifiers.push({ type: 'CVE', value: v.cve });
  for (const c of v.alsoCves ?? []) identifiers.push({ type: 'CVE', value: c });
  const references: Json[] = [];
  if (v.cve) references.push({ url: `https://nvd.nist.gov/vuln/detail/${v.cve}` });
  references.push({ url: `https://github.com/advisories/${v.ghsa}` });

  const summary = a.summaryOverride ?? v.summary;
  const advisory: { [key: string]: Json } = {
    ghsa_id: v.ghsa,
    cve_id: v.cve,
    summary,
    description:
      `### Impact\n${summary}.\n\nAffected versions of \`${pkgName}\`: ${v.range}.\n\n` +
      (v.patched ? `### Patches\nFixed in ${v.patched}.\n` : '### Patches\nNo patched version is available yet.\n'),
    vulnerabilities: [secVuln],
    severity: v.severity,
    cvss: { vector_string: v.vector, score: v.score },
  };
  if (!a.legacyShape) {
    advisory.cvss_severities = {
      cvss_v3: { vector_string: v.vector, score: v.score },
      cvss_v4: a.cvssV4 ? { vector_string: a.cvssV4.vector, score: a.cvssV4.score } : { vector_string: null, score: 0 },
    };
    advisory.epss = epssBlock(v, a.epssAsString);
  }
  advisory.cwes = [{ cwe_id: v.cwe[0], name: v.cwe[1] }];
  advisory.identifiers = identifiers;
  advisory.references = references;
  advisory.published_at = v.published;
  advisory.updated_at = v.published.replace(/^(\d{4})/, (y) => String(Math.min(Number(y) + 1, 2026)));
  advisory.withdrawn_at = null;
  if (!a.legacyShape) advisory.classification = 'general';

  const out: { [key: string]: Json } = {
    number: a.number,
    state: a.state,
    dependency,
    security_advisory: advisory,
    security_vulnerability: secVuln,
    url: `${API}/repos/${full}/dependabot/alerts/${a.number}`,
    html_url: `${WEB}/${full}/security/dependabot/${a.number}`,
    created_at: isoSeconds(a.createdMs),
    updated_at: isoSeconds(a.updatedMs),
    dismissed_at: a.dismissedMs !== undefined ? isoSeconds(a.dismissedMs) : null,
    dismissed_by: a.dismissedBy ? simpleUser(a.dismissedBy) : null,
    dismissed_reason: a.dismissedReason ?? null,
    dismissed_comment: a.dismissedComment ?? null,
    fixed_at: a.fixedMs !== undefined ? isoSeconds(a.fixedMs) : null,
    auto_dismissed_at: a.autoDismissedMs !== undefined ? isoSeconds(a.autoDismissedMs) : null,
  };
  if (!a.legacyShape) {
    out.dismissal_request = null;
    out.assignees = a.assignee ? [simpleUser(a.assignee)] : [];
  }
  if (withRepository) out.repository = simpleRepository(a.repo);
  return out;
}

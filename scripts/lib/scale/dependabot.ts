/**
 * Dependabot alerts as the organization listing returns them (`GET /orgs/{org}/dependabot/alerts`:
 * each alert carries its `repository`). Alert i is a pure function of (seed, i).
 */
import { manifestFor, type Vuln } from './catalog.js';
import { iso, REF_MS, type Pools } from './asff.js';
import { hashString, rngFor } from './prng.js';
import { ORG } from './world.js';

const DAY = 86_400_000;
const API = 'https://api.github.com';

/** The `repository` object of an org listing, serialized once per repository. */
const repoCache = new Map<string, string>();
function repositoryJson(fullName: string): string {
  let s = repoCache.get(fullName);
  if (s === undefined) {
    const name = fullName.split('/')[1]!;
    const id = 400_000_000 + (hashString(fullName) % 300_000_000);
    const u = `${API}/repos/${fullName}`;
    s = JSON.stringify({
      id,
      node_id: Buffer.from(`010:Repository${id}`).toString('base64'),
      name,
      full_name: fullName,
      owner: {
        login: ORG,
        id: 81234567,
        node_id: 'MDEyOk9yZ2FuaXphdGlvbjgxMjM0NTY3',
        avatar_url: 'https://avatars.githubusercontent.com/u/81234567?v=4',
        gravatar_id: '',
        url: `${API}/users/${ORG}`,
        html_url: `https://github.com/${ORG}`,
        type: 'Organization',
        site_admin: false,
      },
      private: true,
      html_url: `https://github.com/${fullName}`,
      description: `${name} service`,
      fork: false,
      url: u,
      archive_url: `${u}/{archive_format}{/ref}`,
      branches_url: `${u}/branches{/branch}`,
      commits_url: `${u}/commits{/sha}`,
      contents_url: `${u}/contents/{+path}`,
      hooks_url: `${u}/hooks`,
      issues_url: `${u}/issues{/number}`,
      pulls_url: `${u}/pulls{/number}`,
      releases_url: `${u}/releases{/id}`,
      tags_url: `${u}/tags`,
      teams_url: `${u}/teams`,
    });
    repoCache.set(fullName, s);
  }
  return s;
}

/** One NDJSON line (without the newline). */
export function dependabotAlertLine(seed: number, i: number, p: Pools): string {
  const r = rngFor(seed, 3, i);
  const owners = p.repoAssets;
  const repo = r.chance(0.05) || owners.length === 0 ? r.pick(p.world.orphanRepos) : r.pick(owners[Math.floor(owners.length * r.next() ** 1.6)]!.repos);
  const v: Vuln = r.chance(0.003) ? r.pick(p.kevLang) : r.pick(p.lang);
  const number = i + 1;
  const created = REF_MS - Math.floor(r.next() * 500 * DAY) - 60_000;
  const state = r.weighted([
    ['open', 65],
    ['fixed', 22],
    ['dismissed', 10],
    ['auto_dismissed', 3],
  ] as const);
  const closed = state === 'open' ? undefined : iso(Math.min(REF_MS - 1000, created + Math.floor(r.next() * (REF_MS - created))));
  const updated = closed ?? iso(created + Math.floor(r.next() * (REF_MS - created)));
  const scope = r.chance(0.2) ? 'development' : 'runtime';
  const pkg = { ecosystem: v.ecosystem, name: v.pkg };
  const first = v.fixed ? { identifier: v.fixed } : null;
  const vuln = { package: pkg, severity: v.sev, vulnerable_version_range: `< ${v.fixed ?? '99.0.0'}`, first_patched_version: first };
  const cvss = { vector_string: v.vector, score: v.score };
  const alert = {
    number,
    state,
    dependency: { package: pkg, manifest_path: manifestFor(v.ecosystem!), scope, relationship: r.pick(['direct', 'transitive', 'transitive']) },
    security_advisory: {
      ghsa_id: v.ghsa,
      cve_id: v.cve,
      summary: v.summary,
      description: `### Impact\n${v.summary}.\n\n### Patches\n${v.fixed ? `Fixed in ${v.fixed}.` : 'No patched version is available yet.'}\n`,
      vulnerabilities: [vuln],
      severity: v.sev,
      cvss,
      cvss_severities: { cvss_v3: cvss, cvss_v4: { vector_string: null, score: 0 } },
      ...(r.chance(0.85) ? { epss: { percentage: v.epss, percentile: v.percentile } } : {}),
      cwes: [{ cwe_id: 'CWE-20', name: 'Improper Input Validation' }],
      identifiers: [
        { type: 'GHSA', value: v.ghsa },
        { type: 'CVE', value: v.cve },
      ],
      references: [{ url: `https://nvd.nist.gov/vuln/detail/${v.cve}` }, { url: `https://github.com/advisories/${v.ghsa}` }],
      published_at: iso(created - 30 * DAY),
      updated_at: iso(created - 10 * DAY),
      withdrawn_at: null,
    },
    security_vulnerability: vuln,
    url: `${API}/repos/${repo}/dependabot/alerts/${number}`,
    html_url: `https://github.com/${repo}/security/dependabot/${number}`,
    created_at: iso(created),
    updated_at: updated,
    dismissed_at: state === 'dismissed' ? closed : null,
    dismissed_by: state === 'dismissed' ? { login: 'octocat', id: 583231, type: 'User', site_admin: false } : null,
    dismissed_reason: state === 'dismissed' ? r.pick(['tolerable_risk', 'no_bandwidth', 'inaccurate', 'not_used', 'fix_started']) : null,
    dismissed_comment: null,
    fixed_at: state === 'fixed' ? closed : null,
    auto_dismissed_at: state === 'auto_dismissed' ? closed : null,
  };
  const json = JSON.stringify(alert);
  return `${json.slice(0, -1)},"repository":${repositoryJson(repo)}}`;
}

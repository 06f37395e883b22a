/**
 * Dependabot alert (repository, organization or enterprise listing) → Finding. Pure: no I/O, no
 * clock. The record (schema and fast reader) is in dependabot-record.ts.
 */
import type { Cvss, DependencyScope, Epss, FindingStatus, Severity } from '../model/finding.js';
import { alertSchema, readAlert, type Alert } from './dependabot-record.js';
import { cvesIn, cvssScore, cvssVersionOf, isObj, isoTime, nonEmpty, reject, toNumber, webUrl } from './rules.js';
import { scrubTokens } from '../text/tokens.js';
import type { NormalizeResult, SourceAdapter } from './types.js';

const STATES: Record<string, FindingStatus> = { open: 'open', fixed: 'fixed', dismissed: 'dismissed', auto_dismissed: 'dismissed' };
const SEVERITIES: Record<string, Severity> = { critical: 'critical', high: 'high', medium: 'medium', moderate: 'medium', low: 'low' };

/** The host of an http(s) URL, lower-cased: the authority less any user:password@ and :port. Not `new URL` (two per alert, 200k alerts a run). */
function hostOf(u: string | null | undefined): string | undefined {
  const authority = u ? /^https?:\/\/([^/?#\\]*)/i.exec(u)?.[1] : undefined;
  if (!authority) return undefined;
  const host = authority.slice(authority.lastIndexOf('@') + 1).replace(/:\d*$/, '');
  return host ? host.toLowerCase() : undefined;
}

/**
 * The alert's page, the link back in every report: `html_url` when it is on GitHub's web host —
 * github.com, a GHE.com tenant, or the host of the alert's API `url` (GitHub Enterprise Server:
 * both on one host). A link anywhere else (an export someone edited) is no link: reports would
 * send readers to that host under a trusted-looking title.
 */
function alertLink(html: string | null | undefined, api: string | null | undefined): string | undefined {
  const url = webUrl(html);
  const host = hostOf(url);
  if (!url || !host) return undefined;
  const apiHost = hostOf(api);
  return host === 'github.com' || host.endsWith('.ghe.com') || apiHost === host || apiHost === `api.${host}` ? url : undefined;
}

/** The one mapping. */
function toFinding(a: Alert): NormalizeResult {
  const repo = repoOf(a);
  if (!repo) return reject(`cannot tell the repository: no repository.full_name and html_url is not …/OWNER/REPO/security/dependabot/N (${NAME_RULE})`);
  const nativeId = `${repo}#${a.number}`;
  const url = alertLink(a.html_url, a.url);

  const status = STATES[a.state];
  if (!status) return reject(`state must be one of open, fixed, dismissed, auto_dismissed; got ${JSON.stringify(a.state)}`, nativeId);
  const adv = a.security_advisory;
  const vuln = a.security_vulnerability ?? undefined;
  const severity = SEVERITIES[adv.severity?.toLowerCase() ?? ''] ?? SEVERITIES[vuln?.severity?.toLowerCase() ?? ''];
  if (!severity) return reject(`security_advisory.severity must be low, medium, high or critical; got ${JSON.stringify(adv.severity ?? null)}`, nativeId);
  const firstSeen = isoTime(a.created_at);
  const updatedAt = isoTime(a.updated_at);
  if (!firstSeen) return reject(`created_at is not a timestamp: ${JSON.stringify(a.created_at)}`, nativeId);
  if (!updatedAt) return reject(`updated_at is not a timestamp: ${JSON.stringify(a.updated_at)}`, nativeId);

  const pkg = a.dependency?.package ?? vuln?.package ?? undefined;
  const cvss = bestCvss(adv);
  const epss = epssOf(adv.epss);
  const malware = adv.classification?.toLowerCase() === 'malware';
  const ghsa = adv.ghsa_id ?? adv.identifiers?.find((i) => i.type === 'GHSA')?.value ?? undefined;
  const cves = cvesIn([adv.cve_id, ...(adv.identifiers ?? []).filter((i) => i.type?.toUpperCase() === 'CVE').map((i) => i.value)]);
  const closedAt = closedAtOf(a, updatedAt);
  // Unknown scope (null, or alerts recorded before GitHub sent it) counts as runtime: never under-weigh.
  const scope: DependencyScope = a.dependency?.scope === 'development' ? 'development' : 'runtime';

  return {
    ok: true,
    finding: {
      id: `dependabot:${nativeId}`,
      source: 'dependabot',
      nativeId,
      kind: 'vulnerability',
      title: scrubTokens(adv.summary || ghsa || cves[0] || `Dependabot alert #${a.number}`),
      severity,
      ...(cvss ? { cvss } : {}),
      ...(epss ? { epss } : {}),
      // A malicious package is exploitation by definition: whoever installed it ran the attacker's code.
      knownExploited: malware,
      exploitAvailable: malware,
      ...(vuln ? { fixAvailable: Boolean(vuln.first_patched_version?.identifier) } : {}),
      ...(vuln?.first_patched_version?.identifier ? { fixedIn: vuln.first_patched_version.identifier } : {}),
      cves,
      ...(ghsa ? { ghsa } : {}),
      packages: pkg?.name ? [pkg.name.toLowerCase()] : [],
      status,
      ...(a.state === 'auto_dismissed' ? { closeReason: 'auto_dismissed' } : a.state === 'dismissed' && a.dismissed_reason ? { closeReason: a.dismissed_reason } : {}),
      firstSeen,
      updatedAt,
      ...(closedAt ? { closedAt } : {}),
      product: 'Dependabot',
      github: {
        repo,
        ...(a.dependency?.manifest_path ? { manifestPath: a.dependency.manifest_path } : {}),
        ...(pkg?.name ? { package: pkg.name } : {}),
        ...(pkg?.ecosystem ? { ecosystem: pkg.ecosystem } : {}),
        scope,
      },
      ...(url ? { url } : {}), // the link back (`link`)
    },
  };
}

/**
 * An owner or repository name as a path segment holds it: no slash, space, control or format
 * character (a newline or a bidi override decoded from `%0A`/`%E2%80%AE` names no repository, and
 * would be matched, keyed and written as one).
 */
const NAME = /^[^/\s\p{Cc}\p{Cf}]+$/u;
const NAME_RULE = 'names without slashes, spaces or control characters';

/** "owner/name", lower-cased: `repository.full_name` (org/enterprise listings), else parsed from `html_url` or the API `url`. */
export function repoOf(a: Partial<Alert>): string | undefined {
  const full = typeof a.repository?.full_name === 'string' ? a.repository.full_name : undefined;
  const slash = full ? full.indexOf('/') : -1;
  if (full && slash > 0 && NAME.test(full.slice(0, slash)) && NAME.test(full.slice(slash + 1))) return full.toLowerCase();
  for (const [url, re] of [
    [a.html_url, /\/([^/]+)\/([^/]+)\/security\/dependabot\/\d+\/?$/],
    [a.url, /\/repos\/([^/]+)\/([^/]+)\/dependabot\/alerts\/\d+\/?$/],
  ] as const) {
    if (typeof url !== 'string') continue;
    let path: string;
    try {
      path = new URL(url).pathname; // any host: github.com or a GHES server
    } catch {
      continue;
    }
    const m = re.exec(path);
    const owner = m && safeDecode(m[1] ?? '');
    const name = m && safeDecode(m[2] ?? '');
    if (owner && name && NAME.test(owner) && NAME.test(name)) return `${owner}/${name}`.toLowerCase();
  }
  return undefined;
}

/** A path segment's text; undefined for a malformed %-escape (no repository can be named that). */
function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

type AdvisoryCvss = { score?: unknown; vector_string?: string | null | undefined } | null | undefined;

/** CVSS v4, then v3, then the legacy `cvss`; a score of 0 (or null) with no vector means "not scored". */
function bestCvss(adv: Alert['security_advisory']): Cvss | undefined {
  const candidates: [AdvisoryCvss, string][] = [
    [adv.cvss_severities?.cvss_v4, '4.0'],
    [adv.cvss_severities?.cvss_v3, '3.x'],
    [adv.cvss, 'unknown'],
  ];
  for (const [c, fallbackVersion] of candidates) {
    const vector = c?.vector_string || undefined;
    const score = cvssScore(c?.score, vector);
    if (score === undefined) continue;
    return { score, version: cvssVersionOf(vector) ?? fallbackVersion, ...(vector ? { vector } : {}) };
  }
  return undefined;
}

/**
 * GitHub documents both values as 0–100 but sends 0–1 (even as strings: "0.16001e0"). A value above 1
 * can only be a percentage and is divided by 100. Both are needed: the model requires a percentile.
 */
function epssOf(epss: { percentage?: unknown; percentile?: unknown } | null | undefined): Epss | undefined {
  const scale = (v: unknown) => {
    const n = toNumber(v);
    if (n === undefined || n < 0 || n > 100) return undefined;
    return n > 1 ? n / 100 : n;
  };
  const probability = scale(epss?.percentage);
  const percentile = scale(epss?.percentile);
  return probability === undefined || percentile === undefined ? undefined : { probability, percentile };
}

function closedAtOf(a: Alert, updatedAt: string): string | undefined {
  switch (a.state) {
    case 'fixed':
      return isoTime(a.fixed_at) ?? updatedAt;
    case 'dismissed':
      return isoTime(a.dismissed_at) ?? updatedAt;
    case 'auto_dismissed':
      return isoTime(a.auto_dismissed_at) ?? isoTime(a.dismissed_at) ?? updatedAt;
    default:
      return undefined;
  }
}

export const dependabot: SourceAdapter<Alert> = {
  id: 'dependabot',
  format: 'GitHub Dependabot alert (REST)',
  source: 'dependabot',
  recognise: (raw) => isObj(raw) && 'number' in raw && 'security_advisory' in raw,
  read: readAlert,
  schema: alertSchema,
  idOf(raw) {
    if (!isObj(raw)) return undefined;
    const repo = repoOf(raw as Partial<Alert>);
    return repo && typeof raw.number === 'number' ? `${repo}#${raw.number}` : undefined;
  },
  toFinding,
  claimsOf(raw) {
    const repo = isObj(raw) ? repoOf(raw as Partial<Alert>) : undefined;
    return repo ? { repo } : undefined;
  },
  link: (a) => alertLink(a.html_url || undefined, a.url),
  facts(raw) {
    const r = (isObj(raw) ? raw : {}) as { html_url?: unknown; url?: unknown; updated_at?: unknown };
    // Every alert is kept whatever its state: closed alerts still count (their dates give MTTR).
    return { id: nonEmpty(r.html_url) ?? nonEmpty(r.url), updatedAt: String(r.updated_at ?? ''), keep: true };
  },
};

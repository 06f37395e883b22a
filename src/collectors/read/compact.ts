import type { AwsLocation, AwsResource, Cvss, Epss, Finding, GithubLocation } from '../../model/finding.js';
import { consoleUrl } from '../securityhub/normalize.js';

/**
 * Compact storage for normalized findings, so a million of them fit in a few hundred MB.
 * A CompactFinding reads like a Finding, but: repeated values (titles, products, resources,
 * locations, CVE lists, CVSS/EPSS) are shared between findings through an Interner; times are
 * kept as numbers; `nativeId` is derived from `id`; and a Security Hub console URL that the
 * normalizer derived from the finding's own fields is rebuilt when read instead of stored.
 * Absent optional fields read as undefined, as on a Finding.
 */

/** ISO times from normalizers are canonical (`new Date(ms).toISOString()`): keep the number when it round-trips. */
const packTime = (iso: string): number | string => {
  const ms = Date.parse(iso);
  return new Date(ms).toISOString() === iso ? ms : iso;
};
const unpackTime = (t: number | string): string => (typeof t === 'number' ? new Date(t).toISOString() : t);

const arnPart = (arn: string, i: number) => (arn.startsWith('arn:') ? arn.split(':')[i] || undefined : undefined);

export class CompactFinding implements Finding {
  readonly id: string;
  readonly source: Finding['source'];
  readonly kind: Finding['kind'];
  readonly title: string;
  readonly severity: Finding['severity'];
  readonly cvss: Cvss | undefined;
  readonly epss: Epss | undefined;
  readonly knownExploited: boolean;
  readonly exploitAvailable: boolean;
  readonly fixAvailable: boolean | undefined;
  readonly cves: string[];
  readonly ghsa: string | undefined;
  readonly controlId: string | undefined;
  readonly packages: string[];
  readonly status: Finding['status'];
  readonly closeReason: string | undefined;
  readonly compliance: Finding['compliance'];
  readonly product: string;
  readonly aws: AwsLocation | undefined;
  readonly github: GithubLocation | undefined;
  /** Epoch ms (or the original text when it is not canonical ISO). */
  readonly firstSeenAt: number | string;
  readonly updatedAtMs: number | string;
  readonly closedAtMs: number | string | undefined;
  /** The URL when it is not the derived Security Hub console URL; null: derived. */
  private readonly storedUrl: string | undefined | null;

  constructor(f: Finding, pool: Interner) {
    this.id = f.id;
    this.source = f.source;
    this.kind = f.kind;
    this.title = pool.str(f.title);
    this.severity = f.severity;
    this.cvss = f.cvss && pool.cvss(f.cvss);
    this.epss = f.epss && pool.epss(f.epss);
    this.knownExploited = f.knownExploited;
    this.exploitAvailable = f.exploitAvailable;
    this.fixAvailable = f.fixAvailable;
    this.cves = pool.list(f.cves);
    this.ghsa = f.ghsa === undefined ? undefined : pool.str(f.ghsa);
    this.controlId = f.controlId === undefined ? undefined : pool.str(f.controlId);
    this.packages = pool.list(f.packages);
    this.status = f.status;
    this.closeReason = f.closeReason === undefined ? undefined : pool.str(f.closeReason);
    this.compliance = f.compliance;
    this.product = pool.str(f.product);
    this.aws = f.aws && pool.aws(f.aws);
    this.github = f.github && pool.github(f.github);
    this.firstSeenAt = packTime(f.firstSeen);
    this.updatedAtMs = packTime(f.updatedAt);
    this.closedAtMs = f.closedAt === undefined ? undefined : packTime(f.closedAt);
    this.storedUrl = f.url !== undefined && f.source === 'securityhub' && f.url === this.derivedUrl() ? null : f.url;
  }

  get nativeId(): string {
    return this.id.slice(this.source.length + 1);
  }
  get firstSeen(): string {
    return unpackTime(this.firstSeenAt);
  }
  get updatedAt(): string {
    return unpackTime(this.updatedAtMs);
  }
  get closedAt(): string | undefined {
    return this.closedAtMs === undefined ? undefined : unpackTime(this.closedAtMs);
  }
  get url(): string | undefined {
    return this.storedUrl === null ? this.derivedUrl() : this.storedUrl;
  }
  /** Newer than `other` by updatedAt (the copy that wins de-duplication). */
  newerThan(other: CompactFinding): boolean {
    const a = this.updatedAtMs;
    const b = other.updatedAtMs;
    return typeof a === 'number' && typeof b === 'number' ? a > b : this.updatedAt > other.updatedAt;
  }
  private derivedUrl(): string {
    const nid = this.nativeId;
    return consoleUrl(nid, this.aws?.region ?? arnPart(nid, 3), arnPart(nid, 1));
  }
}

/**
 * Shares equal values between findings. Values are filed under a cheap key (an ARN, a repository,
 * a CVSS vector: strings the record already holds) in small buckets, and shared only when a
 * field-by-field comparison says they are equal. Shared values are never mutated.
 */
export class Interner {
  private readonly strings = new Map<string, string>();
  private readonly buckets = new Map<unknown, unknown[]>();
  private size = 0;

  str(s: string): string {
    const hit = this.strings.get(s);
    if (hit !== undefined) return hit;
    if (this.strings.size < 1_000_000) this.strings.set(s, s);
    return s;
  }

  /** The shared copy of `value` filed under `key` (compared with `same`), or `value` itself, now shared. */
  obj<T>(key: unknown, value: T, same: (a: T, b: T) => boolean): T {
    const bucket = this.buckets.get(key) as T[] | undefined;
    if (bucket) {
      for (const x of bucket) if (same(x, value)) return x;
      if (bucket.length < 8) bucket.push(value);
      return value;
    }
    if (this.size++ < 2_000_000) this.buckets.set(key, [value]);
    return value;
  }

  list(items: string[]): string[] {
    return this.obj(items.length === 0 ? '' : items.length === 1 ? items[0] : items.join('\u0000'), items, sameList);
  }

  private resource(r: AwsResource): AwsResource {
    return this.obj(r.id, r, sameResource);
  }

  aws(a: AwsLocation): AwsLocation {
    const resources = a.resources.length === 1 ? [this.resource(a.resources[0]!)] : a.resources.map((r) => this.resource(r));
    const first = resources[0];
    const hit = first && (this.buckets.get(first) as AwsLocation[] | undefined);
    if (hit) for (const x of hit) if (x.accountId === a.accountId && x.region === a.region && sameResources(x.resources, resources)) return x;
    const value: AwsLocation = { accountId: this.str(a.accountId), ...(a.region !== undefined ? { region: this.str(a.region) } : {}), resources };
    return first ? this.obj(first, value, sameAws) : value;
  }

  github(g: GithubLocation): GithubLocation {
    return this.obj(`g:${g.repo}`, g, sameGithub);
  }

  cvss(c: Cvss): Cvss {
    return this.obj(c.vector ?? `v:${c.version}`, c, sameCvss);
  }

  epss(e: Epss): Epss {
    return this.obj(e.probability, e, sameEpss);
  }
}

const sameResources = (a: AwsResource[], b: AwsResource[]) => a.length === b.length && a.every((r, i) => r === b[i]);
const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const sameCvss = (a: Cvss, b: Cvss) => a.score === b.score && a.version === b.version && a.vector === b.vector;
const sameEpss = (a: Epss, b: Epss) => a.probability === b.probability && a.percentile === b.percentile;
const sameGithub = (a: GithubLocation, b: GithubLocation) =>
  a.repo === b.repo && a.manifestPath === b.manifestPath && a.package === b.package && a.ecosystem === b.ecosystem && a.scope === b.scope;
function sameResource(a: AwsResource, b: AwsResource): boolean {
  if (a.id !== b.id || a.type !== b.type || a.region !== b.region) return false;
  const ka = Object.keys(a.tags);
  return ka.length === Object.keys(b.tags).length && ka.every((k) => a.tags[k] === b.tags[k]);
}
const sameAws = (a: AwsLocation, b: AwsLocation) => a.accountId === b.accountId && a.region === b.region && sameResources(a.resources, b.resources);

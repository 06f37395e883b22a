import { KINDS, SEVERITIES, SOURCES, STATUSES, type AwsLocation, type AwsResource, type Cvss, type Epss, type Finding, type GithubLocation } from '../../model/finding.js';
import { canonicalIsoMs, isoOf } from '../../model/time.js';
import { consoleUrl } from '../../sources/asff-rules.js';
import { arnField } from '../../sources/rules.js';

/**
 * Compact storage for normalized findings, so a million of them fit in a few hundred MB.
 * A CompactFinding reads like a Finding, but:
 * - repeated values (titles, products, resources, locations, CVE lists, CVSS/EPSS, CVSS vectors)
 *   are shared between findings through an Interner;
 * - the enums and booleans are packed into one small integer (`bits`);
 * - times are kept as small integers (seconds since 2000 plus packed milliseconds, see packTime),
 *   not strings or boxed doubles;
 * - `nativeId` is derived from `id`, and a console / Dependabot URL that the normalizer derived from
 *   the finding's own fields is rebuilt when read instead of stored.
 * Absent optional fields read as undefined, as on a Finding.
 * (Over 250 lines on purpose: the packing and every accessor of it belong in one reading.)
 */

/** Seconds from the epoch to 2000-01-01: times are stored relative to it so they fit a V8 small integer. */
const BASE_S = 946_684_800;
const SMALL = 2 ** 30;
/**
 * A time as whole seconds since 2000 (a small integer, no heap box) plus its milliseconds (0–999,
 * kept by the caller in `CompactFinding.millis`), or the original text when it is not the canonical
 * ISO text of its instant (`new Date(ms).toISOString()`) or is out of range.
 */
const packTime = (iso: string): { t: number | string; ms: number } => {
  const fast = canonicalIsoMs(iso);
  const ms = fast ?? Date.parse(iso);
  if (!Number.isFinite(ms) || (fast === undefined && new Date(ms).toISOString() !== iso)) return { t: iso, ms: 0 };
  const rest = ((ms % 1000) + 1000) % 1000;
  const t = (ms - rest) / 1000 - BASE_S;
  // `| 0`: an int32, so V8 keeps the field a small integer instead of boxing a double.
  return Math.abs(t) < SMALL ? { t: t | 0, ms: rest | 0 } : { t: iso, ms: 0 };
};
const timeMs = (t: number | string, ms: number): number => (typeof t === 'number' ? (t + BASE_S) * 1000 + ms : Date.parse(t));
const unpackTime = (t: number | string, ms: number): string => (typeof t === 'number' ? isoOf(timeMs(t, ms)) : t);

const COMPLIANCE = [undefined, 'passed', 'failed', 'warning', 'not_available'] as const;
// bits: source 1 | kind 2 | severity 3 | status 3 | compliance 3 | knownExploited 1 | exploitAvailable 1 | fixAvailable 2 | url 2 | acknowledged 1 | ref 1 | loc 1
const S_SOURCE = 0,
  S_KIND = 1,
  S_SEV = 3,
  S_STATUS = 6,
  S_COMPL = 9,
  B_KEV = 1 << 12,
  B_EXPL = 1 << 13,
  S_FIX = 14,
  S_URL = 16,
  B_ACK = 1 << 18,
  /** `ref` is the GHSA id (else the control id); `loc` is the GitHub location (else the AWS one). */
  B_REF_GHSA = 1 << 19,
  B_LOC_GITHUB = 1 << 20;

/**
 * Fields few findings have, kept out of every finding's own fields (8 bytes each at a million
 * findings is 9 MB a field): a closing reason, a URL that is not the derived one, and the second
 * of a pair that one field holds (a GHSA id beside a control id, a GitHub beside an AWS location).
 */
interface Rare {
  closeReason?: string;
  storedUrl?: string;
  controlId?: string;
  github?: GithubLocation;
}
const URL_NONE = 0,
  URL_STORED = 1,
  URL_DERIVED = 2;
const idx = <T>(list: readonly T[], v: T, what: string): number => {
  const i = list.indexOf(v);
  if (i < 0) throw new Error(`unknown ${what}: ${String(v)}`);
  return i;
};

export class CompactFinding implements Finding {
  readonly id: string;
  /** Enums and flags, see S_* / B_*. */
  private readonly bits: number;
  readonly title: string;
  readonly product: string;
  readonly cvss: Cvss | undefined;
  readonly epss: Epss | undefined;
  readonly cves: string[];
  readonly packages: string[];
  /** The GHSA id when B_REF_GHSA is set, else the control id (see `ghsa`, `controlId`). */
  private readonly ref: string | undefined;
  /** The GitHub location when B_LOC_GITHUB is set, else the AWS one (see `aws`, `github`). */
  private readonly loc: AwsLocation | GithubLocation | undefined;
  /** What few findings have (see Rare). */
  private readonly rare: Rare | undefined;
  readonly fixedIn: string | undefined;
  /** Seconds since 2000 (see packTime), or the original text when it is not canonical ISO. */
  private readonly first: number | string;
  private readonly updated: number | string;
  private readonly closed: number | string | undefined;
  /** The milliseconds of first, updated and closed, 10 bits each. */
  private readonly millis: number;

  constructor(p: CompactParts) {
    this.id = p.id;
    this.title = p.title;
    this.product = p.product;
    this.cvss = p.cvss;
    this.epss = p.epss;
    this.cves = p.cves;
    this.packages = p.packages;
    // One field for two that a finding rarely has both of: the second of a pair goes to `rare`.
    let bits = p.bits;
    let rare: Rare | undefined;
    const more = (): Rare => (rare ??= {});
    if (p.ghsa !== undefined) {
      bits |= B_REF_GHSA;
      this.ref = p.ghsa;
      if (p.controlId !== undefined) more().controlId = p.controlId;
    } else this.ref = p.controlId;
    if (p.aws === undefined && p.github !== undefined) {
      bits |= B_LOC_GITHUB;
      this.loc = p.github;
    } else {
      this.loc = p.aws;
      if (p.github !== undefined) more().github = p.github;
    }
    if (p.closeReason !== undefined) more().closeReason = p.closeReason;
    if (p.storedUrl !== undefined) more().storedUrl = p.storedUrl;
    this.bits = bits;
    this.rare = rare;
    this.fixedIn = p.fixedIn;
    this.first = p.first;
    this.updated = p.updated;
    this.closed = p.closed;
    this.millis = p.millis;
  }

  /** The compact, interned copy of a finding. */
  static of(f: Finding, pool: Interner): CompactFinding {
    return new CompactFinding(compactParts(f, pool));
  }

  get ghsa(): string | undefined {
    return this.bits & B_REF_GHSA ? this.ref : undefined;
  }
  get controlId(): string | undefined {
    return this.bits & B_REF_GHSA ? this.rare?.controlId : this.ref;
  }
  get aws(): AwsLocation | undefined {
    return this.bits & B_LOC_GITHUB ? undefined : (this.loc as AwsLocation | undefined);
  }
  get github(): GithubLocation | undefined {
    return this.bits & B_LOC_GITHUB ? (this.loc as GithubLocation) : this.rare?.github;
  }
  get closeReason(): string | undefined {
    return this.rare?.closeReason;
  }
  get source(): Finding['source'] {
    return SOURCES[(this.bits >> S_SOURCE) & 1]!;
  }
  get kind(): Finding['kind'] {
    return KINDS[(this.bits >> S_KIND) & 3]!;
  }
  get severity(): Finding['severity'] {
    return SEVERITIES[(this.bits >> S_SEV) & 7]!;
  }
  get status(): Finding['status'] {
    return STATUSES[(this.bits >> S_STATUS) & 7]!;
  }
  get compliance(): Finding['compliance'] {
    return COMPLIANCE[(this.bits >> S_COMPL) & 7];
  }
  get acknowledged(): true | undefined {
    return (this.bits & B_ACK) !== 0 ? true : undefined;
  }
  get knownExploited(): boolean {
    return (this.bits & B_KEV) !== 0;
  }
  get exploitAvailable(): boolean {
    return (this.bits & B_EXPL) !== 0;
  }
  get fixAvailable(): boolean | undefined {
    const fix = (this.bits >> S_FIX) & 3;
    return fix === 0 ? undefined : fix === 1;
  }
  /** True when open (cheaper than comparing `status`). */
  get isOpen(): boolean {
    return ((this.bits >> S_STATUS) & 7) === 0;
  }
  get nativeId(): string {
    return this.id.slice(this.source.length + 1);
  }
  get firstSeen(): string {
    return unpackTime(this.first, this.millis & 1023);
  }
  get updatedAt(): string {
    return unpackTime(this.updated, (this.millis >> 10) & 1023);
  }
  get closedAt(): string | undefined {
    return this.closed === undefined ? undefined : unpackTime(this.closed, this.millis >> 20);
  }
  /** Epoch ms of firstSeen. */
  get firstSeenMs(): number {
    return timeMs(this.first, this.millis & 1023);
  }
  /** Epoch ms of closedAt, else updatedAt (when a closed finding's clock stopped). */
  get endMs(): number {
    return this.closed === undefined ? timeMs(this.updated, (this.millis >> 10) & 1023) : timeMs(this.closed, this.millis >> 20);
  }
  get url(): string | undefined {
    const url = (this.bits >> S_URL) & 3;
    return url === URL_DERIVED ? this.derivedUrl() : url === URL_STORED ? this.rare?.storedUrl : undefined;
  }
  /**
   * Newer than `other` by updatedAt (the copy that wins de-duplication). Copies updated at the same
   * instant are ordered by their content (`tieKey`), so the winner never depends on which file
   * came first on the command line; the copy that counts (open, more severe) wins.
   */
  newerThan(other: CompactFinding): boolean {
    const a = this.updated;
    const b = other.updated;
    if (typeof a !== 'number' || typeof b !== 'number') {
      return this.updatedAt > other.updatedAt || (this.updatedAt === other.updatedAt && this.tieKey() < other.tieKey());
    }
    const ma = (this.millis >> 10) & 1023;
    const mb = (other.millis >> 10) & 1023;
    return a > b || (a === b && (ma > mb || (ma === mb && this.tieKey() < other.tieKey())));
  }
  /** Every field, status and severity first (in model order: open and critical sort first). */
  private tieKey(): string {
    const b = this.bits & ~(B_REF_GHSA | B_LOC_GITHUB); // the tie order predates these two bits
    return JSON.stringify([
      (b >> S_STATUS) & 7,
      (b >> S_SEV) & 7,
      b & B_KEV ? 0 : 1,
      b & B_EXPL ? 0 : 1,
      b,
      this.firstSeen,
      this.closedAt ?? '',
      this.title,
      this.cvss ?? null,
      this.epss ?? null,
      this.cves,
      this.packages,
      this.aws ?? null,
      this.github ?? null,
      this.closeReason ?? '',
      this.controlId ?? '',
      this.ghsa ?? '',
      this.product,
      this.url ?? '',
    ]);
  }
  private derivedUrl(): string | undefined {
    return derivedUrl(this.source, this.nativeId, this.aws, this.github);
  }
}

/** Security Hub: the console URL; Dependabot: the alert's page (`owner/repo#N`); undefined when not derivable. */
function derivedUrl(source: Finding['source'], nid: string, aws: AwsLocation | undefined, github: GithubLocation | undefined): string | undefined {
  if (source === 'securityhub') return consoleUrl(nid, aws?.region ?? arnField(nid, 3), arnField(nid, 1));
  const repo = github?.repo;
  if (repo === undefined || nid.length <= repo.length + 1 || !nid.startsWith(repo) || nid[repo.length] !== '#') return undefined;
  return `https://github.com/${repo}/security/dependabot/${nid.slice(repo.length + 1)}`;
}

/** Every field of a CompactFinding, computed from a Finding (see the class comment). */
export interface CompactParts {
  id: string;
  bits: number;
  title: string;
  product: string;
  cvss: Cvss | undefined;
  epss: Epss | undefined;
  cves: string[];
  packages: string[];
  ghsa: string | undefined;
  controlId: string | undefined;
  aws: AwsLocation | undefined;
  github: GithubLocation | undefined;
  closeReason: string | undefined;
  fixedIn: string | undefined;
  first: number | string;
  updated: number | string;
  closed: number | string | undefined;
  millis: number;
  storedUrl: string | undefined;
}

const SAME: Pick<Interner, 'str' | 'list' | 'cvss' | 'epss' | 'aws' | 'github'> = {
  str: (s) => s,
  list: (l) => l,
  cvss: (c) => c,
  epss: (e) => e,
  aws: (a) => a,
  github: (g) => g,
};

/**
 * A finding's compact fields: packed enums and times, the URL kept only when it is not the derived
 * one. Shared through `pool` when given (the finding store); as they are otherwise (a parse worker
 * packs them for the main thread, which interns them there: src/collectors/parallel).
 */
export function compactParts(f: Finding, pool: Pick<Interner, 'str' | 'list' | 'cvss' | 'epss' | 'aws' | 'github'> = SAME): CompactParts {
  const first = packTime(f.firstSeen);
  const updated = packTime(f.updatedAt);
  const closed = f.closedAt === undefined ? undefined : packTime(f.closedAt);
  const fix = f.fixAvailable === undefined ? 0 : f.fixAvailable ? 1 : 2;
  const bits =
    (idx(SOURCES, f.source, 'source') << S_SOURCE) |
    (idx(KINDS, f.kind, 'kind') << S_KIND) |
    (idx(SEVERITIES, f.severity, 'severity') << S_SEV) |
    (idx(STATUSES, f.status, 'status') << S_STATUS) |
    (idx(COMPLIANCE, f.compliance, 'compliance') << S_COMPL) |
    (f.knownExploited ? B_KEV : 0) |
    (f.exploitAvailable ? B_EXPL : 0) |
    (fix << S_FIX) |
    (f.acknowledged ? B_ACK : 0);
  const aws = f.aws && pool.aws(f.aws);
  const github = f.github && pool.github(f.github);
  let url = URL_NONE;
  if (f.url !== undefined) url = f.url === derivedUrl(f.source, f.id.slice(f.source.length + 1), aws, github) ? URL_DERIVED : URL_STORED;
  return {
    id: f.id,
    bits: bits | (url << S_URL),
    title: pool.str(f.title),
    product: pool.str(f.product),
    cvss: f.cvss && pool.cvss(f.cvss),
    epss: f.epss && pool.epss(f.epss),
    cves: pool.list(f.cves),
    packages: pool.list(f.packages),
    ghsa: f.ghsa === undefined ? undefined : pool.str(f.ghsa),
    controlId: f.controlId === undefined ? undefined : pool.str(f.controlId),
    aws,
    github,
    closeReason: f.closeReason === undefined ? undefined : pool.str(f.closeReason),
    fixedIn: f.fixedIn === undefined ? undefined : pool.str(f.fixedIn),
    first: first.t,
    updated: updated.t,
    closed: closed?.t,
    millis: first.ms | (updated.ms << 10) | ((closed?.ms ?? 0) << 20),
    storedUrl: url === URL_STORED ? f.url : undefined,
  };
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
  obj<T>(key: unknown, value: T, same: (a: T, b: T) => boolean, perKey = 8): T {
    const buckets = this.buckets;
    const bucket = buckets.get(key) as T[] | undefined;
    if (bucket) {
      for (const x of bucket) if (same(x, value)) return x;
      if (bucket.length < perKey) bucket.push(value);
      return value;
    }
    if (this.size++ < 2_000_000) buckets.set(key, [value]);
    return value;
  }

  list(items: string[]): string[] {
    return this.obj(listKey(items), items, sameList);
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
    // Scores vary under one vector: the vector text is shared even when the object is not.
    if (c.vector === undefined) return this.obj(`v:${c.version}`, c, sameCvss);
    const vector = this.str(c.vector);
    return this.obj(vector, { ...c, vector }, sameCvss);
  }

  epss(e: Epss): Epss {
    return this.obj(e.probability, e, sameEpss);
  }
}

/**
 * Keys and field-by-field equality of the values findings share: the Interner's, and the parse
 * workers' tables (src/collectors/parallel/packed.ts), which file the same values the same way.
 */
const sameResources = (a: AwsResource[], b: AwsResource[]) => a.length === b.length && a.every((r, i) => r === b[i]);
/** A list's key: its one item, or its items joined (a forged join, `["a\u0000b"]`, is told apart by `sameList`). */
export const listKey = (items: readonly string[]) => (items.length === 0 ? '' : items.length === 1 ? items[0]! : items.join('\u0000'));
/** Same strings in the same order. */
export const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
export const sameCvss = (a: Cvss, b: Cvss) => a.score === b.score && a.version === b.version && a.vector === b.vector;
export const sameEpss = (a: Epss, b: Epss) => a.probability === b.probability && a.percentile === b.percentile;
export const sameGithub = (a: GithubLocation, b: GithubLocation) =>
  a.repo === b.repo && a.manifestPath === b.manifestPath && a.package === b.package && a.ecosystem === b.ecosystem && a.scope === b.scope;
/** Same id, type and Region, and the same tags (the readers put tags in one key order). */
export function sameResource(a: AwsResource, b: AwsResource): boolean {
  if (a.id !== b.id || a.type !== b.type || a.region !== b.region) return false;
  const ka = Object.keys(a.tags);
  return ka.length === Object.keys(b.tags).length && ka.every((k) => a.tags[k] === b.tags[k]);
}
const sameAws = (a: AwsLocation, b: AwsLocation) => a.accountId === b.accountId && a.region === b.region && sameResources(a.resources, b.resources);

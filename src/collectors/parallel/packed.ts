/**
 * Findings as bytes, for the trip from a parse worker to the main thread. A worker that posted
 * Finding objects would pay structured cloning per object (measured to cost as much as parsing):
 * instead one batch is one JSON text, transferred as a buffer, in which every value repeated in the
 * batch (titles, products, CVE lists, locations, CVSS) is written once in a table and rows refer to
 * it by index. The main thread decodes a batch with one JSON.parse, interns each table entry once
 * (not once per finding) and builds the CompactFindings from the rows.
 */
import type { AwsLocation, Cvss, Epss, Finding, GithubLocation } from '../../model/finding.js';
import { CompactFinding, compactParts, type Interner, listKey, sameCvss, sameEpss, sameGithub, sameList, sameResource } from '../read/compact.js';

/** Values per row: see `add`. */
const W = 19;
const NONE = -1;

interface Wire {
  /** Table entries new since the worker's previous batch, in id order. */
  s: string[];
  l: string[][];
  c: Cvss[];
  e: Epss[];
  a: AwsLocation[];
  g: GithubLocation[];
  r: (number | string | null)[];
}

/**
 * One table of distinct strings; ids run on across the batches of one worker and file, so a value
 * is sent once, not once per batch. Past `cap` strings the index starts over (memory stays bounded;
 * a string seen again then gets a new id and is sent again).
 */
class StringTable {
  private index = new Map<string, number>();
  private fresh: string[] = [];
  private nextId = 0;
  constructor(private readonly cap = 200_000) {}
  ref(v: string | undefined): number {
    if (v === undefined) return NONE;
    const hit = this.index.get(v);
    if (hit !== undefined) return hit;
    if (this.index.size >= this.cap) this.index = new Map();
    const id = this.nextId++;
    this.fresh.push(v);
    this.index.set(v, id);
    return id;
  }
  /** The values added since the last call. */
  take(): string[] {
    const out = this.fresh;
    this.fresh = [];
    return out;
  }
}

/** Values filed under one key, at most (the last one replaced when full). */
const PER_KEY = 8;

/**
 * One table of distinct values (lists, CVSS, EPSS, locations), ids as in StringTable. A value is
 * filed under a cheap key made of what it holds (a resource ARN, a CVSS score and vector),
 * and takes an earlier value's id only when `same` says it is equal field by field (the store's
 * comparisons, compact.ts), so that what the main thread rebuilds is what was read.
 * (Keys that were a value's JSON text cost more than parsing the record: measured, docs/benchmarks.md.)
 */
class ValueTable<T> {
  private index = new Map<unknown, { id: number; v: T }[]>();
  private fresh: T[] = [];
  private nextId = 0;
  constructor(
    private readonly key: (v: T) => unknown,
    private readonly same: (a: T, b: T) => boolean,
    private readonly cap = 200_000,
  ) {}
  ref(v: T | undefined): number {
    if (v === undefined) return NONE;
    const k = this.key(v);
    let bucket = this.index.get(k);
    if (bucket) {
      for (let i = 0; i < bucket.length; i++) {
        const e = bucket[i]!;
        if (e.v === v || this.same(e.v, v)) return e.id;
      }
    } else if (this.index.size >= this.cap) this.index = new Map();
    const id = this.nextId++;
    this.fresh.push(v);
    if (!bucket) this.index.set(k, (bucket = []));
    if (bucket.length < PER_KEY) bucket.push({ id, v });
    else bucket[PER_KEY - 1] = { id, v };
    return id;
  }
  take(): T[] {
    const out = this.fresh;
    this.fresh = [];
    return out;
  }
}

/** Field by field: the resources are not shared yet, as they are in the store (the Interner's `sameAws` compares them by identity). */
function sameAws(a: AwsLocation, b: AwsLocation): boolean {
  if (a.accountId !== b.accountId || a.region !== b.region || a.resources.length !== b.resources.length) return false;
  for (let i = 0; i < a.resources.length; i++) if (!sameResource(a.resources[i]!, b.resources[i]!)) return false;
  return true;
}

/** Worker side: packs normalized findings into batches; one packer per worker and file. */
export class FindingPacker {
  private readonly s = new StringTable();
  private readonly l = new ValueTable<string[]>(listKey, sameList);
  private readonly c = new ValueTable<Cvss>((c) => `${c.score} ${c.vector ?? c.version}`, sameCvss);
  private readonly e = new ValueTable<Epss>((e) => e.probability, sameEpss);
  private readonly a = new ValueTable<AwsLocation>((a) => a.resources[0]?.id ?? a.accountId, sameAws);
  private readonly g = new ValueTable<GithubLocation>((g) => g.repo, sameGithub);
  private r: (number | string | null)[] = [];
  count = 0;

  add(f: Finding): void {
    const p = compactParts(f);
    const s = this.s;
    this.r.push(
      p.id,
      p.bits,
      s.ref(p.title),
      s.ref(p.product),
      this.c.ref(p.cvss),
      this.e.ref(p.epss),
      this.l.ref(p.cves),
      this.l.ref(p.packages),
      s.ref(p.ghsa),
      s.ref(p.controlId),
      this.a.ref(p.aws),
      this.g.ref(p.github),
      s.ref(p.closeReason),
      s.ref(p.fixedIn),
      p.first,
      p.updated,
      p.closed ?? null,
      p.millis,
      p.storedUrl ?? null,
    );
    this.count++;
  }

  /** The findings added since the last call, and the table entries they introduced, as UTF-8 bytes (a buffer of its own, to transfer). */
  bytes(): { bytes: Uint8Array; count: number } {
    const wire: Wire = { s: this.s.take(), l: this.l.take(), c: this.c.take(), e: this.e.take(), a: this.a.take(), g: this.g.take(), r: this.r };
    const count = this.count;
    this.r = [];
    this.count = 0;
    return { bytes: new TextEncoder().encode(JSON.stringify(wire)), count };
  }
}

const decoder = new TextDecoder();

/**
 * Main thread: the batches of one worker for one file, taken in the order the worker packed them
 * (each may use table entries sent in an earlier one); shared values interned in `pool` once.
 */
export class FindingUnpacker {
  private readonly s: string[] = [];
  private readonly l: string[][] = [];
  private readonly c: Cvss[] = [];
  private readonly e: Epss[] = [];
  private readonly a: AwsLocation[] = [];
  private readonly g: GithubLocation[] = [];

  unpack(bytes: Uint8Array, pool: Interner, each: (f: CompactFinding) => void): number {
    const w = JSON.parse(decoder.decode(bytes)) as Wire;
    const { s, l, c, e, a, g } = this;
    for (const x of w.s) s.push(pool.str(x));
    for (const x of w.l) l.push(pool.list(x));
    for (const x of w.c) c.push(pool.cvss(x));
    for (const x of w.e) e.push(pool.epss(x));
    for (const x of w.a) a.push(pool.aws(x));
    for (const x of w.g) g.push(pool.github(x));
    const r = w.r;
    const at = <T>(table: T[], i: number | string | null): T | undefined => (i === NONE ? undefined : table[i as number]);
    let n = 0;
    for (let i = 0; i < r.length; i += W) {
      each(
        new CompactFinding({
          id: r[i] as string,
          bits: r[i + 1] as number,
          title: s[r[i + 2] as number]!,
          product: s[r[i + 3] as number]!,
          cvss: at(c, r[i + 4]!),
          epss: at(e, r[i + 5]!),
          cves: l[r[i + 6] as number]!,
          packages: l[r[i + 7] as number]!,
          ghsa: at(s, r[i + 8]!),
          controlId: at(s, r[i + 9]!),
          aws: at(a, r[i + 10]!),
          github: at(g, r[i + 11]!),
          closeReason: at(s, r[i + 12]!),
          fixedIn: at(s, r[i + 13]!),
          first: r[i + 14] as number | string,
          updated: r[i + 15] as number | string,
          closed: (r[i + 16] ?? undefined) as number | string | undefined,
          millis: r[i + 17] as number,
          storedUrl: (r[i + 18] ?? undefined) as string | undefined,
        }),
      );
      n++;
    }
    return n;
  }
}

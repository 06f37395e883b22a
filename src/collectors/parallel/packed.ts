/**
 * Findings as bytes, for the trip from a parse worker to the main thread. A worker that posted
 * Finding objects would pay structured cloning per object (measured to cost as much as parsing):
 * instead one batch is one JSON text, transferred as a buffer, in which every value repeated in the
 * batch (titles, products, CVE lists, locations, CVSS) is written once in a table and rows refer to
 * it by index. The main thread decodes a batch with one JSON.parse, interns each table entry once
 * (not once per finding) and builds the CompactFindings from the rows.
 */
import type { AwsLocation, Cvss, Epss, Finding, GithubLocation } from '../../model/finding.js';
import { CompactFinding, compactParts, sameList, type Interner } from '../read/compact.js';

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
 * One table: each distinct value once; ids run on across the batches of one worker and file, so a
 * value is sent once, not once per batch. Values are filed under a key and confirmed `equal` where
 * the key is not the whole value (a list's joined key could be forged: `["a\u0000b"]`, `["a","b"]`).
 * The last value seen under each key is kept; past `cap` keys the index starts over (memory stays
 * bounded; a value seen again then gets a new id and is sent again).
 */
class Table<T> {
  private index = new Map<string, { id: number; v: T | undefined }>();
  private fresh: T[] = [];
  private nextId = 0;
  constructor(
    private readonly key: (v: T) => string,
    /** Absent: the key is the whole value, and the value need not be kept to compare. */
    private readonly equal?: (a: T, b: T) => boolean,
    private readonly cap = 200_000,
  ) {}
  ref(v: T | undefined): number {
    if (v === undefined) return NONE;
    const k = this.key(v);
    const hit = this.index.get(k);
    if (hit && (!this.equal || hit.v === v || this.equal(hit.v as T, v))) return hit.id;
    if (!hit && this.index.size >= this.cap) this.index = new Map();
    const id = this.nextId++;
    this.fresh.push(v);
    this.index.set(k, { id, v: this.equal ? v : undefined });
    return id;
  }
  /** The values added since the last call. */
  take(): T[] {
    const out = this.fresh;
    this.fresh = [];
    return out;
  }
}

/** Worker side: packs normalized findings into batches; one packer per worker and file. */
export class FindingPacker {
  private readonly s = new Table<string>((s) => s);
  private readonly l = new Table<string[]>((l) => l.join('\u0000'), sameList);
  private readonly c = new Table<Cvss>((c) => JSON.stringify(c));
  private readonly e = new Table<Epss>((e) => JSON.stringify(e));
  private readonly a = new Table<AwsLocation>((a) => JSON.stringify(a));
  private readonly g = new Table<GithubLocation>((g) => JSON.stringify(g));
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

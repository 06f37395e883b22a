import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { SecsliError } from '../errors.js';
import { RunFileChanged } from '../store/types.js';
import { findingV1, parseSnapshot, type FindingV1, type ParseResult } from './schema.js';
import { SnapshotScanError, scanSnapshot } from './snapshot-scan.js';

/**
 * Reads a run's snapshot of any size, as streams: snapshot.json through the scanner (its
 * skeleton is parsed whole, its inline findings one by one) and, for version 2, the findings file
 * it names line by line. Where the bytes live is the caller's: `RunFiles` opens a file of the run
 * as a Readable (a local folder here; object storage can supply its own).
 */

export interface RunFiles {
  /** Where the run is, for messages. */
  readonly where: string;
  /** A file of the run as a stream; rejects (or the stream errors) with code ENOENT when absent. */
  open(name: string): Promise<Readable>;
  /** A file that can be read at any offset (local files): explain seeks to one asset's lines. */
  seekable?(name: string): Promise<Seekable>;
}

/** Random access to one file; `close` once done (a stream from `from` closes with it). */
export interface Seekable {
  size: number;
  read(position: number, length: number): Promise<Buffer>;
  from(position: number): Readable;
  close(): Promise<void>;
}

/** Opened without blocking and checked on the same descriptor: a FIFO or device is refused (ENOTREG). */
async function openRegular(path: string): Promise<FileHandle> {
  const fh = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  if (!(await fh.stat()).isFile()) {
    await fh.close();
    throw Object.assign(new Error(`${path} is not a regular file`), { code: 'ENOTREG' });
  }
  return fh;
}

// Bytes in 1 MiB chunks: the JSON readers decode (text()), explain's line filter compares bytes.
const CHUNK = 1 << 20;

/**
 * A run folder on the local disk. Like io/read-regular.ts, a FIFO, socket or device under a
 * snapshot's name is refused (code ENOTREG) instead of blocking or never ending.
 */
export function localRunFiles(dir: string): RunFiles {
  return {
    where: dir,
    open: async (name) => (await openRegular(join(dir, name))).createReadStream({ highWaterMark: CHUNK }),
    seekable: async (name) => {
      const fh = await openRegular(join(dir, name));
      const size = (await fh.stat()).size;
      return {
        size,
        read: async (position, length) => {
          const buf = Buffer.alloc(Math.max(0, Math.min(length, size - position)));
          const { bytesRead } = await fh.read(buf, 0, buf.length, position);
          return buf.subarray(0, bytesRead);
        },
        from: (position) => fh.createReadStream({ start: position, highWaterMark: CHUNK, autoClose: false }),
        close: () => fh.close(),
      };
    },
  };
}

export interface ReadOptions {
  /** Read the findings too (attribution, review); without, every asset's `findings` is empty. */
  findings: boolean;
  /** The summary file's name (a snapshot given by its path). Default snapshot.json. */
  file?: string;
  /** Stop reading snapshot.json once these top-level keys are read (snapshot-scan.ts); the rest gets the schema's defaults. */
  until?: readonly string[];
}

/** How many (asset, finding) entries the run holds, read or not. */
export type SnapshotRead = ParseResult & { findings: number };

/** A snapshot that cannot be read, and why. */
export type BadSnapshot = SnapshotRead & { ok: false };

const fail = (reason: string, detail?: string): BadSnapshot => ({ ok: false, reason, ...(detail ? { detail } : {}), findings: 0 });

function openError(e: unknown, name: string): BadSnapshot {
  // A storage error that is the user's to fix (S3 access denied) stops the command, as before.
  if (e instanceof SecsliError) throw e;
  const code = (e as NodeJS.ErrnoException).code;
  // Changed since its run wrote it (S3: not the manifest's bytes): the message names the object and says how.
  if (e instanceof RunFileChanged) return fail(e.message);
  return code === 'ENOENT' ? fail(`no ${name}`) : fail(`cannot read ${name} (${code === 'ENOTREG' ? 'not a regular file' : (code ?? (e as Error).message)})`);
}

async function* text(stream: Readable): AsyncGenerator<string> {
  stream.setEncoding('utf8');
  for await (const chunk of stream) yield chunk as string;
}

/**
 * A finding entry exactly as the writer produces it is used as is (a million zod parses would
 * cost more than the JSON); anything else goes through the loose schema for its defaults.
 */
export function asFinding(v: unknown): FindingV1 | string {
  const f = v as Record<string, unknown>;
  if (
    typeof f === 'object' &&
    f !== null &&
    typeof f.id === 'string' &&
    typeof f.source === 'string' &&
    typeof f.kind === 'string' &&
    typeof f.severity === 'string' &&
    typeof f.title === 'string' &&
    typeof f.status === 'string' &&
    (f.closeReason === null || typeof f.closeReason === 'string') &&
    typeof f.counted === 'boolean' &&
    (f.excluded === null || (typeof f.excluded === 'object' && typeof (f.excluded as { kind?: unknown }).kind === 'string')) &&
    Number.isFinite(f.risk) &&
    (f.contribution === undefined || Number.isFinite(f.contribution)) &&
    typeof f.knownExploited === 'boolean' &&
    (f.firstSeen === null || typeof f.firstSeen === 'string') &&
    (f.closedAt === null || typeof f.closedAt === 'string') &&
    (f.slaDays === null || Number.isFinite(f.slaDays)) &&
    (f.dueAt === undefined || f.dueAt === null || typeof f.dueAt === 'string') &&
    typeof f.overdue === 'boolean' &&
    Array.isArray(f.cves) &&
    f.cves.every((c) => typeof c === 'string') &&
    (f.url === null || typeof f.url === 'string')
  ) {
    // Lines written before the run's deadline was kept read as the schema's default says.
    if (f.dueAt === undefined) f.dueAt = null;
    return f as FindingV1;
  }
  const r = findingV1.safeParse(v);
  if (r.success) return r.data;
  const first = r.error.issues[0];
  return `${first?.path.join('.') || '(root)'}: ${first?.message ?? 'invalid'}`;
}

export async function readSnapshot(files: RunFiles, opts: ReadOptions): Promise<SnapshotRead> {
  const name = opts.file ?? 'snapshot.json';
  let stream: Readable;
  try {
    stream = await files.open(name);
  } catch (e) {
    return openError(e, name);
  }
  // Version 1 keeps its findings inline: parsed as they pass, attached once the skeleton is read.
  const inline: { asset: number; f: FindingV1 }[] = [];
  let bad: string | undefined;
  const onFinding = (asset: number, t: string) => {
    const f = parseFinding(t);
    if (typeof f !== 'string') inline.push({ asset, f });
    else bad ??= `assets.${asset}.findings.${inline.filter((x) => x.asset === asset).length}: ${f}`;
  };
  let scanned: Awaited<ReturnType<typeof scanSnapshot>>;
  try {
    scanned = await scanSnapshot(text(stream), opts.findings ? onFinding : undefined, opts.until);
  } catch (e) {
    if (e instanceof SnapshotScanError) return fail('corrupt JSON', e.message);
    if ((e as NodeJS.ErrnoException).code) return openError(e, name);
    throw e;
  }
  const r = parseSnapshot(scanned.skeleton);
  if (!r.ok) return { ...r, findings: 0 };
  const snap = r.snapshot;
  if (bad) return fail(`not a valid snapshot: ${bad}`);
  for (const { asset, f } of inline) snap.assets[asset]!.findings.push(f);
  inline.length = 0;
  if (!snap.findingsFile) return { ...r, findings: scanned.findings };
  const file = snap.findingsFile;
  if (!opts.findings) return { ...r, findings: file.lines };
  const byId = new Map(snap.assets.map((a) => [a.id, a]));
  try {
    for await (const batch of findingEntriesOf(files, file, byId)) for (const { asset, f } of batch) asset.findings.push(f);
  } catch (e) {
    if (e instanceof BadLine) return e.read;
    throw e;
  }
  return { ...r, findings: file.lines };
}

function parseFinding(t: string): FindingV1 | string {
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch (e) {
    return `corrupt JSON (${(e as Error).message})`;
  }
  return asFinding(v);
}

/** A findings file with fewer (or more) lines than snapshot.json counted. */
const cutShort = (file: string, read: number, lines: number): BadSnapshot => fail(`not a valid snapshot: ${file} has ${read} findings, snapshot.json says ${lines} (truncated?)`);

/** The asset a findings-file line names, which snapshot.json must list. */
function assetOfLine<T>(f: FindingV1, assets: ReadonlyMap<string, T>, file: string, n: number): { ok: true; asset: T } | { ok: false; bad: BadSnapshot } {
  const assetId = (f as { asset?: unknown }).asset;
  const a = typeof assetId === 'string' ? assets.get(assetId) : undefined;
  return a ? { ok: true, asset: a } : { ok: false, bad: fail(`not a valid snapshot: ${file} line ${n}: asset ${JSON.stringify(assetId)} is not in snapshot.json`) };
}

/** Why a findings file cannot be read, as readSnapshot would answer. */
export class BadLine extends Error {
  constructor(readonly read: BadSnapshot) {
    super(read.reason);
  }
}

/** The non-blank lines of a run's file, a chunk's worth at a time; an unreadable file throws BadLine. */
async function* linesOf(files: RunFiles, file: string): AsyncGenerator<string[]> {
  let rest = '';
  try {
    for await (const chunk of text(await files.open(file))) {
      const out: string[] = [];
      let start = 0;
      for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
        const line = rest + chunk.slice(start, nl);
        if (line) out.push(line);
        rest = '';
        start = nl + 1;
      }
      rest += chunk.slice(start);
      if (out.length) yield out;
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code) throw new BadLine(openError(e, file));
    throw e;
  }
  if (rest) yield [rest];
}

/** Each line of a findings file as its finding entry, in file order; a line that is not one throws BadLine naming it. */
async function* findingLinesOf(files: RunFiles, file: string): AsyncGenerator<FindingV1[]> {
  let n = 0;
  for await (const lines of linesOf(files, file)) {
    const out: FindingV1[] = [];
    for (const line of lines) {
      n++;
      const f = parseFinding(line);
      if (typeof f === 'string') {
        // The lines before it first: a problem the consumer finds in one of them is the one to report.
        if (out.length) yield out;
        throw new BadLine(fail(`not a valid snapshot: ${file} line ${n}: ${f}`));
      }
      out.push(f);
    }
    yield out;
  }
}

/**
 * The (asset, finding) entries of a run's findings file, a chunk's worth at a time, in file
 * order, checked as every reader of it checks them (the whole reader, `diff`, `review`): each
 * line a finding entry of an asset snapshot.json lists, and as many lines as it counts. A
 * problem throws BadLine, with readSnapshot's reason.
 */
export async function* findingEntriesOf<A>(files: RunFiles, file: { name: string; lines: number }, assets: ReadonlyMap<string, A>): AsyncGenerator<{ asset: A; f: FindingV1 }[]> {
  let n = 0;
  for await (const batch of findingLinesOf(files, file.name)) {
    const out: { asset: A; f: FindingV1 }[] = [];
    for (const f of batch) {
      n++;
      const a = assetOfLine(f, assets, file.name, n);
      if (!a.ok) throw new BadLine(a.bad);
      out.push({ asset: a.asset, f });
    }
    yield out;
  }
  if (n !== file.lines) throw new BadLine(cutShort(file.name, n, file.lines));
}

import type { Readable } from 'node:stream';
import { SecsliError } from '../errors.js';
import { RunFileChanged } from '../store/types.js';
import type { SnapshotV1 } from './schema.js';
import { SnapshotScanError, scanSnapshot } from './snapshot-scan.js';
import type { RunFiles, Seekable } from './snapshot-stream.js';

/**
 * One asset's finding entries of a run, read as a stream with only that asset's entries kept
 * (`explain --run`: memory follows the asset, not the run). Version 2: one pass over the findings
 * file as bytes; a line is decoded and parsed only when it starts with the asset's key as the
 * writer puts it (`{"asset":"<id>",`), so the other 999,000 lines of a 1M-finding run cost a
 * memchr each. The writer groups lines by asset (report/snapshot.ts), so the pass ends at the
 * first other asset after this one's lines. Version 1: a second pass over snapshot.json with the
 * scanner, keeping the findings of the asset's index.
 */

export type AssetLines = { ok: true; entries: unknown[] } | { ok: false; file: string; reason: string };

const NL = 10;

export async function readAssetLines(files: RunFiles, snap: SnapshotV1, assetId: string, summaryFile: string): Promise<AssetLines> {
  if (snap.findingsFile) return readFindingsFile(files, snap.findingsFile, assetId);
  const index = snap.assets.findIndex((a) => a.id === assetId);
  const entries: unknown[] = [];
  let bad: string | undefined;
  try {
    await scanSnapshot(text(await files.open(summaryFile)), (asset, t) => {
      if (asset !== index || bad) return;
      try {
        entries.push(JSON.parse(t));
      } catch (e) {
        bad = `finding ${entries.length + 1} of asset ${assetId}: corrupt JSON (${(e as Error).message})`;
      }
    });
  } catch (e) {
    return failed(e, summaryFile);
  }
  return bad ? { ok: false, file: summaryFile, reason: bad } : { ok: true, entries };
}

function failed(e: unknown, file: string): AssetLines {
  if (e instanceof SecsliError) throw e;
  if (e instanceof SnapshotScanError) return { ok: false, file, reason: `corrupt JSON (${e.message})` };
  if (e instanceof RunFileChanged) return { ok: false, file, reason: e.message };
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return { ok: false, file, reason: 'missing' };
  if (code) return { ok: false, file, reason: `cannot read it (${code === 'ENOTREG' ? 'not a regular file' : code})` };
  throw e;
}

async function* text(stream: Readable): AsyncGenerator<string> {
  stream.setEncoding('utf8');
  for await (const chunk of stream) yield chunk as string;
}

/** A byte loop, not Buffer.compare: a million native calls cost more than the bytes they compare. */
export function startsWith(buf: Buffer, start: number, end: number, p: Buffer): boolean {
  if (end - start < p.length) return false;
  for (let i = 0; i < p.length; i++) if (buf[start + i] !== p[i]) return false;
  return true;
}

/**
 * Keeps one asset's lines. `seeking`: reading from where the asset's lines start (seekAsset), so
 * the first line of another asset ends them; else from the top, the first after them does.
 */
function lineFilter(assetId: string, seeking: boolean) {
  const prefix = Buffer.from(`{"asset":${JSON.stringify(assetId)},`);
  const state = { entries: [] as unknown[], n: 0, problem: undefined as string | undefined };
  let inBlock = seeking;
  /** Handles one line; returns true when the asset's lines are over. */
  const take = (buf: Buffer, start: number, end: number): boolean => {
    if (end <= start) return false;
    state.n++;
    const ours = startsWith(buf, start, end, prefix);
    if (!ours && startsWith(buf, start, end, ANY_ASSET)) return inBlock;
    let v: unknown;
    try {
      v = JSON.parse(buf.toString('utf8', start, end));
    } catch (e) {
      state.problem = `${seeking ? `line ${state.n} of asset ${assetId}` : `line ${state.n}`}: corrupt JSON (${(e as Error).message})`;
      return true;
    }
    // A line written some other way (keys in another order): its asset decides.
    if (ours || (v as { asset?: unknown } | null)?.asset === assetId) {
      state.entries.push(v);
      inBlock = true;
      return false;
    }
    return inBlock;
  };
  return { state, take };
}

/** The start of every line as the writer puts it (report/snapshot.ts `lineEntry`: the asset's id first). */
export const ANY_ASSET = Buffer.from('{"asset":"');

/** Feeds each line of `stream` to `take` until it returns true; returns whether it did. */
export async function scanLines(stream: Readable, take: (buf: Buffer, start: number, end: number) => boolean): Promise<boolean> {
  let rest: Buffer | undefined;
  for await (const raw of stream) {
    const chunk: Buffer = typeof raw === 'string' ? Buffer.from(raw) : (raw as Buffer);
    let start = 0;
    if (rest) {
      // The line the previous chunk ended inside: only it is copied.
      const nl = chunk.indexOf(NL);
      if (nl < 0) {
        rest = Buffer.concat([rest, chunk]);
        continue;
      }
      const line = Buffer.concat([rest, chunk.subarray(0, nl)]);
      rest = undefined;
      if (take(line, 0, line.length)) {
        stream.destroy();
        return true;
      }
      start = nl + 1;
    }
    for (let nl = chunk.indexOf(NL, start); nl >= 0; nl = chunk.indexOf(NL, start)) {
      if (take(chunk, start, nl)) {
        stream.destroy();
        return true;
      }
      start = nl + 1;
    }
    if (start < chunk.length) rest = Buffer.from(chunk.subarray(start));
  }
  return rest ? take(rest, 0, rest.length) : false;
}

/** The asset of the first line starting at or after `pos`: null at the end, undefined when the line is not as the writer puts it. */
async function lineAt(sk: Seekable, pos: number): Promise<{ start: number; asset: string } | null | undefined> {
  let start = pos;
  if (pos > 0) {
    // The line starts after the first newline at or after pos - 1.
    for (let at = pos - 1; ; at += 1 << 16) {
      if (at >= sk.size) return null;
      const buf = await sk.read(at, 1 << 16);
      const nl = buf.indexOf(NL);
      if (nl >= 0) {
        start = at + nl + 1;
        break;
      }
    }
  }
  if (start >= sk.size) return null;
  const head = await sk.read(start, 1024);
  if (!startsWith(head, 0, head.length, ANY_ASSET)) return undefined;
  const end = head.indexOf('"', ANY_ASSET.length);
  const id = end < 0 ? '' : head.toString('utf8', ANY_ASSET.length, end);
  return end < 0 || id.includes('\\') ? undefined : { start, asset: id };
}

/**
 * Where the asset's lines start in a file the writer sorted by asset id (binary search over byte
 * offsets, a few dozen small reads), or undefined when a probed line is not in the writer's form.
 */
async function seekAsset(sk: Seekable, assetId: string): Promise<number | undefined> {
  let lo = 0;
  let hi = sk.size;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const p = await lineAt(sk, mid);
    if (p === undefined) return undefined;
    if (p === null || p.asset >= assetId) hi = mid;
    else lo = p.start + 1;
  }
  const p = await lineAt(sk, lo);
  return p === undefined ? undefined : p === null ? sk.size : p.start;
}

async function readFindingsFile(files: RunFiles, findingsFile: { name: string; lines: number }, assetId: string): Promise<AssetLines> {
  const file = findingsFile.name;
  try {
    const sk = files.seekable ? await files.seekable(file) : undefined;
    let at: number | undefined;
    if (sk) {
      try {
        at = await seekAsset(sk, assetId);
      } catch (e) {
        await sk.close();
        throw e;
      }
    }
    if (sk && at !== undefined) {
      const { state, take } = lineFilter(assetId, true);
      try {
        if (at < sk.size) await scanLines(sk.from(at), take);
      } finally {
        await sk.close();
      }
      return state.problem ? { ok: false, file, reason: state.problem } : { ok: true, entries: state.entries };
    }
    await sk?.close();
    const { state, take } = lineFilter(assetId, false);
    const done = await scanLines(await files.open(file), take);
    if (state.problem) return { ok: false, file, reason: state.problem };
    // Read to the end: the count says whether the file was cut short.
    if (!done && state.n !== findingsFile.lines) return { ok: false, file, reason: `${state.n} findings, snapshot.json says ${findingsFile.lines} (truncated?)` };
    return { ok: true, entries: state.entries };
  } catch (e) {
    return failed(e, file);
  }
}

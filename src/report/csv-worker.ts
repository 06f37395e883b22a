/**
 * The worker of report/finding-files.ts. It is sent each finding's snapshot line with the cells the
 * line lacks, in snapshot order (by finding id within an asset), and each line's row position
 * within its asset. The lines go on to snapshot-findings.ndjson; each CSV row is rendered from its
 * line (csv.ts `findingRowOf`) and an asset's rows put in findings.csv order. Then each fix's
 * snapshot line, in rank order: the lines go on to snapshot-fixes.ndjson, the rows rendered from
 * them (fixes-csv.ts `fixRow`) to fixes.csv. It writes the four files itself, every byte through
 * the file guard every report file goes through.
 */
import { closeSync, openSync, write } from 'node:fs';
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import type { Cell } from './csv-encode.js';
import { type FindingRecord, findingRowOf } from './csv.js';
import { fixesCsvHeader, fixRow } from './fixes-csv.js';
import type { Fix } from '../scoring/types.js';
import { createFileGuard, type GuardOptions } from './file-guard.js';
import { TEXT_CHUNK } from './write.js';

export type Output = 'csv' | 'ndjson' | 'fixesCsv' | 'fixesNdjson';

/** Main thread → this thread. */
export type CsvRequest =
  /** Whole snapshot lines (each ends in \n) of consecutive findings; `extras`: a JSON array, per line its cells or its rendered row; `pos`: per line, its row's position in its asset. */
  | { t: 'rows'; lines: string; extras: string; pos: Int32Array }
  /** Snapshot lines whose rows the main thread renders (an asset too big to hold here). */
  | { t: 'lines'; lines: string }
  /** findings.csv text the main thread rendered (the header; the rows of an asset too big to hold here). */
  | { t: 'text'; text: string }
  /**
   * Whole snapshot lines of consecutive fixes, after every finding's; `rows`: the fixes.csv lines
   * the main thread rendered for those whose snapshot line does not hold all their row says, by
   * their index in `lines`.
   */
  | { t: 'fixes'; lines: string; rows?: [number, string][] }
  | { t: 'end' };

/** This thread → main thread: an `ack` per request, `done` once both files are written and closed. `code`: the file system's error code. */
export type CsvReply = { t: 'ack' } | { t: 'done' } | { t: 'error'; message: string; code?: string };

/** The files' paths (the guard escapes by extension), and the guard's options. */
export type CsvWorkerData = Record<Output, string> & { guard: GuardOptions };

/** The size of the reused buffers text is encoded into (each written when the next piece does not fit). */
const BUFFER_BYTES = 1 << 18;
/**
 * Bytes waiting for the disk, over all four files, past which the worker holds back its acks (so
 * the main thread waits). Counted in buffers (4), with 256 KiB buffers holding one piece each,
 * the main thread waited often enough to cost ~1 s at 1M findings.
 */
const MAX_QUEUED_BYTES = 4 << 20;

/** What an Out tells the worker: a write finished (the backlog shrank), or failed. */
interface OutEvents {
  written(): void;
  failed(e: unknown): void;
}

/**
 * Guarded text on its way to one file. The text is encoded, about TEXT_CHUNK characters at a time,
 * into 256 KiB buffers (reused), and each full buffer is written by libuv's thread pool while this
 * thread renders the next rows. Written in line, the system calls took 6 of this thread's 16 s in
 * a profiled 1M-finding run; off it, the writing ended 0.9 s sooner (docs/benchmarks.md, thirteenth
 * pass). One write per file is in flight at a time, so the bytes reach the file in order.
 */
class Out {
  private text = '';
  private readonly guard;
  private readonly fd: number;
  private buf: Buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private used = 0;
  private readonly spare: Buffer[] = [];
  private readonly queue: { buf: Buffer; at: number; len: number }[] = [];
  private writing = false;
  private closed = false;
  private closeWhenIdle = false;
  private ended: (() => void) | undefined;
  constructor(
    path: string,
    guard: GuardOptions,
    private readonly events: OutEvents,
  ) {
    this.guard = createFileGuard(path, guard);
    this.fd = openSync(path, 'w');
  }
  /** Bytes submitted and not yet written. */
  get backlog(): number {
    return this.queued;
  }
  private queued = 0;
  add(text: string): void {
    this.text += this.guard.take(text);
    if (this.text.length >= TEXT_CHUNK) this.encode();
  }
  /** The rest, then `done` once every byte is written and the file closed. */
  end(done: () => void): void {
    this.text += this.guard.end();
    this.encode();
    if (this.used > 0) this.submit();
    this.ended = done;
    this.pump();
  }
  /** Closes the file (once, when no write is in flight); never throws: it also runs on the way out of a failure. */
  close(): void {
    if (this.closed) return;
    if (this.writing) {
      this.closeWhenIdle = true;
      return;
    }
    this.closed = true;
    try {
      closeSync(this.fd);
    } catch {
      // already unusable: the failure that brought us here is the one to report
    }
  }
  private encode(): void {
    const text = this.text;
    if (!text) return;
    this.text = '';
    // UTF-8 takes at most 3 bytes per UTF-16 unit (a surrogate pair: 4 bytes for 2 units); only
    // when that might not fit are the bytes counted, so a buffer holds several pieces of ASCII.
    let bytes = text.length * 3;
    if (this.used + bytes > BUFFER_BYTES) bytes = Buffer.byteLength(text, 'utf8');
    if (this.used + bytes > BUFFER_BYTES) this.submit();
    if (bytes > BUFFER_BYTES) this.enqueue(Buffer.from(text, 'utf8'), -1);
    else this.used += this.buf.write(text, this.used);
    this.pump();
  }
  private submit(): void {
    if (this.used === 0) return;
    this.enqueue(this.buf, this.used);
    this.buf = this.spare.pop() ?? Buffer.allocUnsafe(BUFFER_BYTES);
    this.used = 0;
  }
  /** `len` -1: a buffer of its own, written whole and not reused. */
  private enqueue(buf: Buffer, len: number): void {
    this.queue.push({ buf, at: 0, len });
    this.queued += len < 0 ? buf.length : len;
  }
  private pump(): void {
    if (this.writing || this.closed || this.closeWhenIdle) return;
    const head = this.queue[0];
    if (!head) {
      if (this.ended) {
        const done = this.ended;
        this.ended = undefined;
        this.close();
        done();
      }
      return;
    }
    const len = head.len < 0 ? head.buf.length : head.len;
    this.writing = true;
    write(this.fd, head.buf, head.at, len - head.at, null, (e, n) => {
      this.writing = false;
      if (this.closeWhenIdle) return this.close();
      if (e || n <= 0) return this.events.failed(e ?? Object.assign(new Error('write made no progress'), { code: 'EIO' }));
      // A write may take fewer bytes than offered (POSIX allows it): the rest follows.
      head.at += n;
      this.queued -= n;
      if (head.at >= len) {
        this.queue.shift();
        if (head.len >= 0) this.spare.push(head.buf);
      }
      this.events.written();
      this.pump();
    });
  }
}

const port = parentPort;
if (port) serve(port, workerData as CsvWorkerData);

function serve(port: MessagePort, data: CsvWorkerData): void {
  const post = (m: CsvReply) => port.postMessage(m);
  let failed = false;
  /** Requests handled whose ack waits for the backlog to shrink. */
  let held = 0;
  const all: Out[] = [];
  const fail = (e: unknown) => {
    if (failed) return;
    failed = true;
    for (const o of all) o.close();
    post(failure(e));
  };
  const backlog = () => all.reduce((n, o) => n + o.backlog, 0);
  const events: OutEvents = {
    written() {
      for (; held > 0 && !failed && backlog() <= MAX_QUEUED_BYTES; held--) post({ t: 'ack' });
    },
    failed: fail,
  };
  try {
    for (const path of [data.csv, data.ndjson, data.fixesCsv, data.fixesNdjson]) all.push(new Out(path, data.guard, events));
  } catch (e) {
    fail(e);
    return;
  }
  const [csv, ndjson, fixesCsv, fixesNdjson] = all as [Out, Out, Out, Out];
  let asset: string | undefined;
  let rows: string[] = [];
  let rank = 0;
  fixesCsv.add(fixesCsvHeader());
  // An asset's rows are complete when the next asset's first line (or text, or the end) arrives.
  // They go out about TEXT_CHUNK characters at a time: joined whole, an asset of 97,000 rows was
  // 73 MB of text, copied again by the guard and by encoding (a 1M-finding run against 20 assets
  // peaked there).
  const endAsset = () => {
    let text = '';
    for (const row of rows) {
      text += row;
      if (text.length >= TEXT_CHUNK) {
        csv.add(text);
        text = '';
      }
    }
    if (text) csv.add(text);
    rows = [];
    asset = undefined;
  };

  port.on('message', (m: CsvRequest) => {
    if (failed) return;
    try {
      if (m.t === 'rows') {
        ndjson.add(m.lines);
        const records = parseLines<FindingRecord>(m.lines);
        const extras = JSON.parse(m.extras) as (Cell[] | string)[];
        for (let i = 0; i < records.length; i++) {
          const r = records[i]!;
          if (r.asset !== asset) {
            endAsset();
            asset = r.asset;
          }
          const e = extras[i]!;
          rows[m.pos[i]!] = typeof e === 'string' ? e : findingRowOf(r, e);
        }
      } else if (m.t === 'lines') {
        endAsset();
        ndjson.add(m.lines);
      } else if (m.t === 'text') {
        endAsset();
        csv.add(m.text);
      } else if (m.t === 'fixes') {
        endAsset();
        fixesNdjson.add(m.lines);
        const fixes = parseLines<Fix>(m.lines);
        const theirs = new Map(m.rows);
        let text = '';
        for (let i = 0; i < fixes.length; i++) {
          rank++;
          text += theirs.get(i) ?? fixRow(rank, fixes[i]!);
          if (text.length >= TEXT_CHUNK) {
            fixesCsv.add(text);
            text = '';
          }
        }
        fixesCsv.add(text);
      } else {
        endAsset();
        let open = all.length;
        for (const o of all) o.end(() => --open === 0 && !failed && post({ t: 'done' }));
        return;
      }
      if (backlog() > MAX_QUEUED_BYTES) held++;
      else post({ t: 'ack' });
    } catch (e) {
      fail(e);
    }
  });
}

/** Whole snapshot lines, each ending in \n, as one JSON array: they hold no raw newline (JSON escapes it). */
const parseLines = <T>(lines: string): T[] => JSON.parse(`[${lines.slice(0, -1).replaceAll('\n', ',')}]`) as T[];

/** A file system error keeps its code (the output's fault, not secsli's); anything else is a bug, sent with its stack. */
function failure(e: unknown): CsvReply {
  const code = (e as NodeJS.ErrnoException).code;
  return code ? { t: 'error', message: (e as Error).message, code } : { t: 'error', message: (e as Error).stack ?? String(e) };
}

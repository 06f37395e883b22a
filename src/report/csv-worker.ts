/**
 * The worker of report/finding-files.ts. It is sent each finding's snapshot line with the cells the
 * line lacks, in snapshot order (by finding id within an asset), and each line's row position
 * within its asset. The lines go on to snapshot-findings.ndjson; each CSV row is rendered from its
 * line (csv.ts `findingRowOf`) and an asset's rows put in findings.csv order. Then each fix's
 * snapshot line, in rank order: the lines go on to snapshot-fixes.ndjson, the rows rendered from
 * them (fixes-csv.ts `fixRow`) to fixes.csv. It writes the four files itself, every byte through
 * the file guard every report file goes through.
 */
import { closeSync, openSync } from 'node:fs';
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import type { Cell } from './csv-encode.js';
import { type FindingRecord, findingRowOf } from './csv.js';
import { fixesCsvHeader, fixRow } from './fixes-csv.js';
import type { Fix } from '../scoring/types.js';
import { createFileGuard, type GuardOptions } from './file-guard.js';
import { TEXT_CHUNK, writeAllSync } from './write.js';

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

/** This thread → main thread: an `ack` per request, `done` once all four files are written and closed. `code`: the file system's error code. */
export type CsvReply = { t: 'ack' } | { t: 'done' } | { t: 'error'; message: string; code?: string };

/** The files' paths (the guard escapes by extension), and the guard's options. */
export type CsvWorkerData = Record<Output, string> & { guard: GuardOptions };

/** Guarded text on its way to one file, written about every TEXT_CHUNK characters. */
class Out {
  private text = '';
  private readonly guard;
  private readonly fd: number;
  private closed = false;
  constructor(path: string, guard: GuardOptions) {
    this.guard = createFileGuard(path, guard);
    this.fd = openSync(path, 'w');
  }
  add(text: string): void {
    this.text += this.guard.take(text);
    if (this.text.length >= TEXT_CHUNK) this.flush();
  }
  /**
   * Pieces joined about TEXT_CHUNK characters at a time, so the guard is called per chunk, not per
   * piece (a row). Joined whole, an asset of 97,000 rows was 73 MB of text, copied again by the
   * guard and by encoding (a 1M-finding run against 20 assets peaked there).
   */
  addAll(pieces: readonly string[]): void {
    let text = '';
    for (const piece of pieces) {
      text += piece;
      if (text.length >= TEXT_CHUNK) {
        this.add(text);
        text = '';
      }
    }
    if (text) this.add(text);
  }
  end(): void {
    this.text += this.guard.end();
    this.flush();
    this.close();
  }
  /** Closes the file (once); never throws: it also runs on the way out of a failure. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      closeSync(this.fd);
    } catch {
      // already unusable: the failure that brought us here is the one to report
    }
  }
  private flush(): void {
    if (!this.text) return;
    const bytes = encoder.encode(this.text);
    this.text = '';
    writeAllSync(this.fd, bytes);
  }
}

const encoder = new TextEncoder();
const port = parentPort;
if (port) {
  const data = workerData as CsvWorkerData;
  const opened: Out[] = [];
  try {
    for (const path of [data.csv, data.ndjson, data.fixesCsv, data.fixesNdjson]) opened.push(new Out(path, data.guard));
  } catch (e) {
    port.postMessage(stop(opened, e));
  }
  if (opened.length === 4) serve(port, opened as [Out, Out, Out, Out]);
}

function serve(port: MessagePort, all: [Out, Out, Out, Out]): void {
  const [csv, ndjson, fixesCsv, fixesNdjson] = all;
  const post = (m: CsvReply) => port.postMessage(m);
  let asset: string | undefined;
  let rows: string[] = [];
  let rank = 0;
  fixesCsv.add(fixesCsvHeader());
  // An asset's rows are complete when the next asset's first line (or text, or the end) arrives.
  const endAsset = () => {
    csv.addAll(rows);
    rows = [];
    asset = undefined;
  };

  port.on('message', (m: CsvRequest) => {
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
        fixesCsv.addAll(fixes.map((fix, i) => theirs.get(i) ?? fixRow(rank + i + 1, fix)));
        rank += fixes.length;
      } else {
        endAsset();
        for (const o of all) o.end();
        post({ t: 'done' });
        return;
      }
      post({ t: 'ack' });
    } catch (e) {
      post(stop(all, e));
    }
  });
}

/** Whole snapshot lines, each ending in \n, as one JSON array: they hold no raw newline (JSON escapes it). */
const parseLines = <T>(lines: string): T[] => JSON.parse(`[${lines.slice(0, -1).replaceAll('\n', ',')}]`) as T[];

/** Closes every file (the files open so far) and says what stopped the worker. */
function stop(outs: readonly Out[], e: unknown): CsvReply {
  for (const o of outs) o.close();
  return failure(e);
}

/** A file system error keeps its code (the output's fault, not secsli's); anything else is a bug, sent with its stack. */
function failure(e: unknown): CsvReply {
  const code = (e as NodeJS.ErrnoException).code;
  return code ? { t: 'error', message: (e as Error).message, code } : { t: 'error', message: (e as Error).stack ?? String(e) };
}

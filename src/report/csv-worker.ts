/**
 * The findings.csv thread (report/finding-files.ts): it is sent each finding's snapshot line with
 * the cells the line lacks, in snapshot order (by finding id within an asset), and each line's row
 * position within its asset; it renders the rows (csv.ts `findingRowOf`), puts each asset's rows
 * in findings.csv order, passes the text through the file guard every report file goes through,
 * and posts the bytes back (transferred) for the main thread to write.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Cell } from './csv-encode.js';
import { type FindingRecord, findingRowOf } from './csv.js';
import { createFileGuard, type GuardOptions } from './file-guard.js';

/** Main thread → this thread. */
export type CsvRequest =
  /** Whole snapshot lines (each ends in \n) of consecutive findings; `extras`: a JSON array, per line its cells or its rendered row; `pos`: per line, its row's position in its asset. */
  | { t: 'rows'; lines: string; extras: string; pos: Int32Array }
  /** Text of findings.csv the main thread rendered (the header; an asset too big to hold here). */
  | { t: 'text'; text: string }
  | { t: 'end' };

/** This thread → main thread: findings.csv bytes, one reply per request (`ack`), then `done` after `end`. */
export type CsvReply = { t: 'bytes'; bytes: Uint8Array } | { t: 'ack' } | { t: 'done' } | { t: 'error'; message: string };

export interface CsvWorkerData {
  /** The file's name (the guard escapes by its extension). */
  name: string;
  guard: GuardOptions;
}

const FLUSH_AT = 1 << 20;
const port = parentPort;
if (port) {
  const { name, guard: guardOptions } = workerData as CsvWorkerData;
  const guard = createFileGuard(name, guardOptions);
  const encoder = new TextEncoder();
  let out = '';
  let asset: string | undefined;
  let rows: string[] = [];

  const post = (m: CsvReply, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
  const emit = (text: string) => {
    out += guard.take(text);
    if (out.length >= FLUSH_AT) flush();
  };
  const flush = () => {
    if (!out) return;
    const bytes = encoder.encode(out);
    out = '';
    post({ t: 'bytes', bytes }, [bytes.buffer as ArrayBuffer]);
  };
  // An asset's rows are complete when the next asset's first line (or text, or the end) arrives.
  const endAsset = () => {
    if (rows.length) emit(rows.join(''));
    rows = [];
    asset = undefined;
  };

  port.on('message', (m: CsvRequest) => {
    try {
      if (m.t === 'rows') {
        // Snapshot lines hold no raw newline (JSON escapes it): the batch is one JSON array.
        const records = JSON.parse(`[${m.lines.slice(0, -1).replaceAll('\n', ',')}]`) as FindingRecord[];
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
      } else if (m.t === 'text') {
        endAsset();
        emit(m.text);
      } else {
        endAsset();
        out += guard.end();
        flush();
        post({ t: 'done' });
        return;
      }
      post({ t: 'ack' });
    } catch (e) {
      post({ t: 'error', message: (e as Error).stack ?? String(e) });
    }
  });
}

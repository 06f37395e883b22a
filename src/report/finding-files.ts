/**
 * findings.csv and snapshot-findings.ndjson of a big run, rendered on two threads. Both hold one
 * line per scored finding, and rendering them is most of a big run's writing, all of it on the
 * main thread while the other cores idle. Here the main thread renders each finding's snapshot
 * line once: it goes into snapshot-findings.ndjson and, with the few cells the line does not hold,
 * to a worker (report/csv-worker.ts) that renders the CSV row from it, guards it and hands back
 * bytes. The two files are written at the same time (write.ts `ParallelFile`), and byte for byte
 * as the one-thread renderers (`findingsCsvChunks`, `snapshotFiles`) write them.
 *
 * Memory stays bounded: a few batches are in flight each way, and the worker holds one asset's
 * rows at a time (findings.csv orders an asset's rows by contribution, the snapshot by id), so an
 * asset with more than `maxAssetRows` findings has its rows rendered by the main thread instead.
 */
import { Worker } from 'node:worker_threads';
import { workerUrl } from '../io/worker-url.js';
import type { AssetResult, ScoreResult } from '../scoring/types.js';
import { csvRow, type Cell } from './csv-encode.js';
import { FINDING_COLUMNS, findingExtras, findingRow } from './csv.js';
import type { CsvReply, CsvRequest, CsvWorkerData } from './csv-worker.js';
import type { GuardOptions } from './file-guard.js';
import { CHUNK, findingLine, jsonString, SNAPSHOT_FINDINGS_FILE } from './snapshot.js';
import { type FileContent, type ParallelFile, StoppedWithOthers } from './write.js';

export interface FindingFilesOptions {
  guard: GuardOptions;
  /** An asset with more findings has its CSV rows rendered in the main thread (default 100,000). */
  maxAssetRows?: number;
  /** Characters of snapshot lines per batch sent to the worker (default 256 Ki). */
  batchChars?: number;
}

const FINDINGS_CSV = 'findings.csv';
/** Requests not yet answered, and byte chunks not yet written, before the main thread waits. */
const WINDOW = 8;

/** The run's findings.csv and snapshot-findings.ndjson, to put in place of the one-thread renderers'. */
export function findingFiles(r: ScoreResult, opts: FindingFilesOptions): Record<string, FileContent> {
  const feed = new CsvFeed(opts.guard);
  const csv: ParallelFile = { guardedBytes: feed.bytes(), writeWith: [SNAPSHOT_FINDINGS_FILE], cancel: (e) => feed.cancel(e) };
  return { [FINDINGS_CSV]: csv, [SNAPSHOT_FINDINGS_FILE]: snapshotLines(r, feed, opts) };
}

async function* snapshotLines(r: ScoreResult, feed: CsvFeed, opts: FindingFilesOptions): AsyncGenerator<string> {
  const maxRows = opts.maxAssetRows ?? 100_000;
  const batchChars = opts.batchChars ?? 1 << 18;
  let buf = '';
  let lines = '';
  let extras: (Cell[] | string)[] = [];
  let pos: number[] = [];
  const send = async () => {
    if (!lines) return;
    await feed.send({ t: 'rows', lines, extras: JSON.stringify(extras), pos: Int32Array.from(pos) });
    lines = '';
    extras = [];
    pos = [];
  };
  let ended = false;
  try {
    await feed.send({ t: 'text', text: csvRow(FINDING_COLUMNS) });
    for (const a of [...r.assets].sort((x, y) => (x.asset.id < y.asset.id ? -1 : 1))) {
      const head = `{"asset":${jsonString(a.asset.id)},`;
      const order = byFindingIdOrder(a);
      const big = a.findings.length > maxRows;
      if (big) await send();
      let text = '';
      for (let k = 0; k < order.length; k++) {
        const at = order[k]!;
        const s = a.findings[at]!;
        const line = findingLine(head, s);
        buf += line;
        if (!big) {
          lines += line;
          extras.push(findingExtras(a, s));
          pos.push(at);
          if (lines.length >= batchChars) await send();
        } else {
          // In findings.csv order: row k while line k goes to the snapshot.
          text += findingRow(a, a.findings[k]!);
          if (text.length >= batchChars) {
            await feed.send({ t: 'text', text });
            text = '';
          }
        }
        if (buf.length >= CHUNK) {
          yield buf;
          buf = '';
        }
      }
      if (text) await feed.send({ t: 'text', text });
    }
    await send();
    await feed.send({ t: 'end' });
    ended = true;
    if (buf) yield buf;
  } finally {
    // Abandoned (the snapshot file could not be written): findings.csv cannot be finished either.
    if (!ended) feed.cancel(new StoppedWithOthers(`${SNAPSHOT_FINDINGS_FILE} was not written to the end`));
  }
}

/** The positions of `a.findings` sorted by finding id: the snapshot's order (snapshot.ts `byFindingId`). */
function byFindingIdOrder(a: AssetResult): number[] {
  const fs = a.findings;
  const order = Array.from({ length: fs.length }, (_, i) => i);
  return order.sort((x, y) => (fs[x]!.finding.id < fs[y]!.finding.id ? -1 : 1));
}

/**
 * The worker and both directions of its traffic: `send` waits while WINDOW requests are
 * unanswered or WINDOW byte chunks are unwritten; `bytes` yields the chunks in order.
 */
class CsvFeed {
  private worker: Worker | undefined;
  private unanswered = 0;
  private readonly chunks: Uint8Array[] = [];
  private done = false;
  private failure: Error | undefined;
  /** Whoever waits for the next change: the sender for room, the CSV writer for bytes. */
  private wakeSender: (() => void) | undefined;
  private wakeReader: (() => void) | undefined;

  constructor(private readonly guard: GuardOptions) {}

  private start(): Worker {
    const data: CsvWorkerData = { name: FINDINGS_CSV, guard: this.guard };
    const w = new Worker(workerUrl('./csv-worker.js', import.meta.url), { workerData: data });
    w.on('message', (m: CsvReply) => this.reply(m));
    w.on('error', (e) => this.cancel(e));
    w.on('exit', (code) => {
      if (!this.done) this.cancel(new Error(`findings.csv worker exited (code ${code}) before the end`));
    });
    return w;
  }

  async send(m: CsvRequest): Promise<void> {
    this.worker ??= this.start();
    while (!this.failure && (this.unanswered >= WINDOW || this.chunks.length >= WINDOW)) await new Promise<void>((r) => (this.wakeSender = r));
    if (this.failure) throw this.failure;
    this.unanswered++;
    this.worker.postMessage(m, m.t === 'rows' ? [m.pos.buffer as ArrayBuffer] : []);
  }

  async *bytes(): AsyncGenerator<Uint8Array> {
    try {
      for (;;) {
        const c = this.chunks.shift();
        if (c) {
          this.wakeSender?.();
          yield c;
          continue;
        }
        if (this.failure) throw this.failure;
        if (this.done) return;
        await new Promise<void>((r) => (this.wakeReader = r));
      }
    } finally {
      if (!this.done) this.cancel(new StoppedWithOthers('findings.csv was not written to the end'));
      else void this.worker?.terminate();
    }
  }

  cancel(e: Error): void {
    if (this.failure || (this.done && this.chunks.length === 0)) return;
    this.failure = e;
    void this.worker?.terminate();
    this.wake();
  }

  private reply(m: CsvReply): void {
    if (m.t === 'bytes') this.chunks.push(m.bytes);
    else if (m.t === 'ack') this.unanswered--;
    else if (m.t === 'done') this.done = true;
    else this.cancel(new Error(`findings.csv worker failed: ${m.message}`));
    this.wake();
  }

  private wake(): void {
    const s = this.wakeSender;
    const r = this.wakeReader;
    this.wakeSender = this.wakeReader = undefined;
    s?.();
    r?.();
  }
}

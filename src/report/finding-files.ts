/**
 * findings.csv and snapshot-findings.ndjson of a big run, rendered on two threads, and with them
 * fixes.csv and snapshot-fixes.ndjson. The first two hold one line per scored finding, and
 * rendering them is most of a big run's writing, all of it on the main thread while the other
 * cores idle. Here the main thread renders each finding's snapshot
 * line once and sends it, with the few cells the line does not hold, to a worker
 * (report/csv-worker.ts), which writes the lines to snapshot-findings.ndjson, renders each CSV row
 * from its line into findings.csv, and writes both files itself (through the file guard every
 * report goes through): the bytes never come back, so the main thread neither encodes nor holds
 * them (1 MiB buffers arriving by the thousand made its collector run full collections of the
 * whole heap). The fixes go the same way: the main thread renders each fix's snapshot line, the
 * worker its fixes.csv line from it (at 1M findings: 1.5 s less on the main thread, which sets the
 * end of the writing). The files are byte for byte what the one-thread renderers
 * (`findingsCsvChunks`, `fixesCsvChunks`, `snapshotFiles`) write.
 *
 * Memory stays bounded: a few batches are in flight each way, and the worker holds one asset's
 * rows at a time (findings.csv orders an asset's rows by contribution, the snapshot by id), so an
 * asset with more than `maxAssetRows` findings has its CSV rows rendered by the main thread.
 */
import { Worker } from 'node:worker_threads';
import { workerUrl } from '../io/worker-url.js';
import type { ScoreResult } from '../scoring/types.js';
import { csvRow, type Cell } from './csv-encode.js';
import { FINDING_COLUMNS, findingExtras, findingRow } from './csv.js';
import type { CsvReply, CsvRequest, CsvWorkerData, Output } from './csv-worker.js';
import type { GuardOptions } from './file-guard.js';
import { fixRow, fixRowFromLine } from './fixes-csv.js';
import { byAssetId, byFindingIdOrder, findingLine, SNAPSHOT_FINDINGS_FILE, SNAPSHOT_FIXES_FILE } from './snapshot.js';
import { type FileContent, type ParallelFile, TEXT_CHUNK } from './write.js';

export interface FindingFilesOptions {
  guard: GuardOptions;
  /** An asset with more findings has its CSV rows rendered in the main thread (default 100,000). */
  maxAssetRows?: number;
  /** Characters of snapshot lines per batch sent to the worker (default 64 Ki: write.ts TEXT_CHUNK). */
  batchChars?: number;
}

const FILES: Record<Output, string> = { csv: 'findings.csv', ndjson: SNAPSHOT_FINDINGS_FILE, fixesCsv: 'fixes.csv', fixesNdjson: SNAPSHOT_FIXES_FILE };
const OUTPUTS = Object.keys(FILES) as Output[];
/** Requests not yet answered before the main thread waits. */
const WINDOW = 8;
/**
 * The worker's young generation: its garbage is short-lived text, and a small one keeps the
 * writing's memory under scoring's peak (1M findings: ~40 MB less than V8's default).
 */
const YOUNG_MB = 8;

/** The run's findings.csv, fixes.csv and their snapshot files, to put in place of the one-thread renderers'. */
export function findingFiles(r: ScoreResult, opts: FindingFilesOptions): Record<string, FileContent> {
  const feed = new Feed(opts.guard, (f) => render(r, f, opts));
  const file = (out: Output): ParallelFile => ({
    write: (path, stop) => feed.write(out, path, stop),
    writeWith: OUTPUTS.filter((o) => o !== out).map((o) => FILES[o]),
    cancel: (e) => feed.cancel(e),
  });
  return Object.fromEntries(OUTPUTS.map((o) => [FILES[o], file(o)]));
}

/** Sends every finding's line (and its CSV cells, or rows) to the worker, assets by id, in snapshot order. */
async function render(r: ScoreResult, feed: Feed, opts: FindingFilesOptions): Promise<void> {
  const maxRows = opts.maxAssetRows ?? 100_000;
  const batchChars = opts.batchChars ?? TEXT_CHUNK;
  let lines = '';
  let extras: (Cell[] | string)[] = [];
  let pos: number[] = [];
  /** Whether `lines` are the snapshot's only (an asset too big for the worker: its rows go as text). */
  let snapshotOnly = false;
  const send = async () => {
    if (!lines) return;
    await feed.send(snapshotOnly ? { t: 'lines', lines } : { t: 'rows', lines, extras: JSON.stringify(extras), pos: Int32Array.from(pos) });
    lines = '';
    extras = [];
    pos = [];
  };
  await feed.send({ t: 'text', text: csvRow(FINDING_COLUMNS) });
  for (const a of byAssetId(r)) {
    const id = a.asset.id;
    const order = byFindingIdOrder(a);
    const big = a.findings.length > maxRows;
    if (big !== snapshotOnly) {
      await send();
      snapshotOnly = big;
    }
    let text = '';
    for (let k = 0; k < order.length; k++) {
      const at = order[k]!;
      const s = a.findings[at]!;
      lines += findingLine(id, s);
      if (!big) {
        extras.push(findingExtras(a, s));
        pos.push(at);
      } else {
        // In findings.csv order: row k while line k goes to the snapshot.
        text += findingRow(a, a.findings[k]!);
      }
      if (lines.length >= batchChars) await send();
      if (text.length >= batchChars) {
        await send(); // the snapshot's lines so far first: the worker takes requests in order
        await feed.send({ t: 'text', text });
        text = '';
      }
    }
    if (text) {
      await send();
      await feed.send({ t: 'text', text });
    }
  }
  await send();
  await sendFixes(r, feed, batchChars);
  await feed.send({ t: 'end' });
}

/** Every fix's snapshot line, in rank order, in batches; with the fixes.csv line of any the worker cannot render from its line. */
async function sendFixes(r: ScoreResult, feed: Feed, batchChars: number): Promise<void> {
  let lines = '';
  /** The index of the batch's first fix. */
  let first = 0;
  let rows: [number, string][] = [];
  for (let i = 0; i < r.fixes.length; i++) {
    const f = r.fixes[i]!;
    lines += `${JSON.stringify(f)}\n`;
    if (!fixRowFromLine(f)) rows.push([i - first, fixRow(i + 1, f)]);
    if (lines.length >= batchChars || i === r.fixes.length - 1) {
      await feed.send(rows.length ? { t: 'fixes', lines, rows } : { t: 'fixes', lines });
      lines = '';
      first = i + 1;
      rows = [];
    }
  }
}

/**
 * The worker and the traffic to it. It starts once the four files' paths are known; `send` waits
 * while WINDOW requests are unanswered; `write` settles when the worker has written and closed
 * them all, or with what stopped it (the first failure: the worker's, the renderer's, a cancel, or
 * the run's `stop` — asked before each batch, so SIGTERM ends the rendering within a batch or
 * eight, not after the last finding: at 200k findings that was 8–10 s, at 1M past ECS's 30 s
 * stopTimeout). A failure terminates the worker, and `write` settles only once it is gone, so the
 * run folder is removed when no thread writes into it any more.
 */
class Feed {
  private worker: Worker | undefined;
  private readonly paths: Partial<Record<Output, string>> = {};
  private unanswered = 0;
  private done = false;
  private failure: Error | undefined;
  private waiting: (() => void)[] = [];
  /** The run's stop check (`write`'s): throws to abandon the run. */
  private stop: (() => void) | undefined;
  private settle!: { resolve: () => void; reject: (e: Error) => void };
  private readonly finished = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));

  constructor(
    private readonly guard: GuardOptions,
    private readonly produce: (feed: Feed) => Promise<void>,
  ) {
    this.finished.catch(() => {}); // observed through write(); never an unhandled rejection
  }

  write(out: Output, path: string, stop?: () => void): Promise<void> {
    this.paths[out] = path;
    this.stop ??= stop;
    if (OUTPUTS.every((o) => this.paths[o] !== undefined) && !this.worker && !this.failure) this.start({ ...(this.paths as Record<Output, string>), guard: this.guard });
    return this.finished;
  }

  private start(data: CsvWorkerData): void {
    const w = new Worker(workerUrl('./csv-worker.js', import.meta.url), { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MB } });
    w.on('message', (m: CsvReply) => this.reply(m));
    w.on('error', (e) => this.cancel(e));
    w.on('exit', (code) => {
      if (!this.done) this.cancel(new Error(`findings.csv worker exited (code ${code}) before the end`));
    });
    this.worker = w;
    // A renderer that throws is a bug: it stops both files with its own error.
    this.produce(this).catch((e: unknown) => this.cancel(e instanceof Error ? e : new Error(String(e))));
  }

  async send(m: CsvRequest): Promise<void> {
    this.checkStop();
    while (!this.failure && this.unanswered >= WINDOW) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      this.checkStop(); // a signal arrives while waiting for the worker: the event loop ran
    }
    if (this.failure) throw this.failure;
    this.unanswered++;
    this.worker!.postMessage(m, m.t === 'rows' ? [m.pos.buffer as ArrayBuffer] : []);
  }

  cancel(e: Error): void {
    if (this.failure || this.done) return;
    this.failure = e;
    this.wake();
    const w = this.worker;
    if (!w) this.settle.reject(e);
    else
      w.terminate().then(
        () => this.settle.reject(e),
        () => this.settle.reject(e),
      );
  }

  private checkStop(): void {
    if (this.failure || !this.stop) return;
    try {
      this.stop();
    } catch (e) {
      this.cancel(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private reply(m: CsvReply): void {
    if (m.t === 'ack') this.unanswered--;
    else if (m.t === 'done') {
      this.done = true;
      this.settle.resolve();
      void this.worker?.terminate();
    } else {
      // The worker's own I/O (a full disk) is the output's fault and keeps its code; anything else is a bug.
      const e = m.code ? Object.assign(new Error(m.message), { code: m.code }) : new Error(`findings.csv worker failed: ${m.message}`);
      this.cancel(e);
    }
    this.wake();
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = [];
    for (const resolve of w) resolve();
  }
}

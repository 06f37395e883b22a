/**
 * A few parse workers (worker_threads) and a queue of jobs for them. Results come back as
 * promises, one per job, so the caller can take them in file order while the workers run ahead.
 */
import { Worker } from 'node:worker_threads';
import { workerUrl } from '../../io/worker-url.js';
import type { JobResult, JobSpec } from './job.js';
import type { JobReply, JobRequest } from './worker.js';

/** A worker's own I/O failed (the file vanished, EIO): the reader reports it like a failed read. */
export class JobReadError extends Error {}

/**
 * A parse worker's young generation, as V8 sizes it by default on Node 20 and 22 (a 32 MB new
 * space). Node 24's V8 defaults to four times that for every isolate: a parse worker then held
 * ~150 MB with ~19 MB live, and a 1M-finding run peaked ~25 MiB higher (docs/benchmarks.md).
 */
const YOUNG_MB = 48;

export class ParsePool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { resolve: (r: JobResult) => void; reject: (e: Error) => void; worker: number }>();
  private readonly load: number[] = [];
  private nextId = 0;
  private failed: Error | undefined;

  constructor(size: number) {
    const url = workerUrl('./worker.js', import.meta.url);
    for (let i = 0; i < size; i++) {
      const w = new Worker(url, { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MB } });
      w.on('message', (m: JobReply) => this.reply(m));
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => {
        if (this.pending.size > 0) this.fail(new Error(`parse worker exited (code ${code}) with jobs outstanding`));
      });
      this.workers.push(w);
      this.load.push(0);
    }
  }

  /** Queues a job on the least busy worker. */
  run(spec: JobSpec): Promise<JobResult> {
    if (this.failed) return Promise.reject(this.failed);
    let w = 0;
    for (let i = 1; i < this.load.length; i++) if (this.load[i]! < this.load[w]!) w = i;
    const id = this.nextId++;
    this.load[w]!++;
    return new Promise<JobResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker: w });
      this.workers[w]!.postMessage({ id, spec } satisfies JobRequest);
    });
  }

  get size(): number {
    return this.workers.length;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private reply(m: JobReply): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    this.load[p.worker]!--;
    if (m.ok) p.resolve({ ...m.result, worker: p.worker });
    else p.reject(m.io ? new JobReadError(m.message) : new Error(`parse worker failed: ${m.message}`));
  }

  private fail(e: Error): void {
    this.failed ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}

/**
 * Reading a large NDJSON export with parse workers. The file is cut into byte ranges at line
 * starts; workers parse and normalize each range (job.ts) and hand back packed findings; this
 * reader takes the results in file order and turns them into the serial reader's events, with
 * the same record and line numbers, messages and decisions (src/collectors/read/records.ts):
 * records are held back until one looks like the source, the file is refused when none does,
 * a cut last line is fatal, invalid UTF-8 is one note, an empty file is incomplete.
 * Findings come out as `batch` events; everything else as the serial reader's ReadEvents.
 */
import { open } from 'node:fs/promises';
import type { Rejected, Source } from '../../model/finding.js';
import { FILE_EXPECTATIONS } from '../read/expect.js';
import { type ReadEvent, SNIFF_LIMIT, say } from '../read/records.js';
import type { JobResult, JobSpec } from './job.js';
import { FindingUnpacker } from './packed.js';
import { JobReadError, type ParsePool } from './pool.js';

export interface BatchEvent {
  kind: 'batch';
  packed: Uint8Array;
  /** Decodes `packed`: the state of the worker that packed it, for this file. */
  unpacker: FindingUnpacker;
  findings: number;
  /** Record values read (what the serial reader yields as `record` events). */
  values: number;
  /** In file order: records the normalizer rejected and lines that could not be read. */
  rejected: Omit<Rejected, 'source'>[];
  /** Messages of the unreadable lines (logged at debug level, as the serial reader's are). */
  unreadable: string[];
  repos?: string[];
  withRepository?: number;
  accounts?: string[];
}

export interface ParallelOptions {
  pool: ParsePool;
  /** Bytes per job (default JOB_BYTES). */
  jobBytes?: number;
  maxRecordChars: number;
}

const PROBE = 64 * 1024;
/**
 * Bytes per job. A job's work makes a few large objects (its packed rows and their JSON text grow
 * with it), and V8 counts large objects against the old generation's limit, which stays small in a
 * parse worker (~20 MB live): with 4 MiB jobs each Security Hub worker collected its whole heap 115
 * times in a 1M-finding run, with 1 MiB jobs 6 times (user CPU ~78 → ~70 s, docs/benchmarks.md,
 * eleventh pass). Smaller jobs cost more than they save (256 KiB: 77 s).
 */
const JOB_BYTES = 1024 * 1024;

/** The first offset at or after `at` that starts a line (just after a newline), or `size`. */
export async function lineStart(handle: Awaited<ReturnType<typeof open>>, at: number, size: number): Promise<number> {
  if (at >= size) return size;
  const buf = Buffer.allocUnsafe(PROBE);
  for (let pos = at - 1; pos < size; pos += PROBE) {
    const { bytesRead } = await handle.read(buf, 0, PROBE, pos);
    if (bytesRead === 0) break;
    const nl = buf.subarray(0, bytesRead).indexOf(10);
    if (nl >= 0) return pos + nl + 1;
  }
  return size;
}

interface Arrived {
  r: JobResult;
  recordBase: number;
  lineBase: number;
}

export async function* readNdjsonParallel(path: string, size: number, source: Source, opts: ParallelOptions): AsyncGenerator<ReadEvent | BatchEvent, void, void> {
  const expect = FILE_EXPECTATIONS[source];
  const jobBytes = opts.jobBytes ?? JOB_BYTES;
  const window = 3 * opts.pool.size;
  const handle = await open(path, 'r');
  const queue: Promise<JobResult>[] = [];
  let next = 0;
  const fill = async () => {
    while (queue.length < window && next < size) {
      const start = next;
      const end = await lineStart(handle, Math.min(start + jobBytes, size), size);
      next = end;
      const spec: JobSpec = { path, source, start, end, last: end >= size, maxRecordChars: opts.maxRecordChars };
      const promise = opts.pool.run(spec);
      promise.catch(() => {}); // taken (and thrown) in order below
      queue.push(promise);
    }
  };

  let recordBase = 0;
  let lineBase = 0;
  let yielded = 0;
  let nonBlank = 0;
  let matched = false;
  let first: string | undefined;
  let utf8First: number | undefined;
  let utf8Count = 0;
  let stopped = false;
  let ioFailed = false;
  let held: Arrived[] | null = [];
  const unpackers = Array.from({ length: opts.pool.size }, () => new FindingUnpacker());
  let heldValues = 0;

  function* emit(a: Arrived): Generator<ReadEvent | BatchEvent> {
    const { r } = a;
    const rejected: Omit<Rejected, 'source'>[] = [];
    const unreadable: string[] = [];
    let cut: ReadEvent | undefined;
    for (const ev of r.events) {
      const record = a.recordBase + ev.record;
      const line = a.lineBase + ev.line;
      if (ev.k === 'reject') {
        rejected.push({ origin: path, record, line, ...(ev.nativeId ? { nativeId: ev.nativeId } : {}), reason: ev.reason, ...(ev.claims ? { claims: ev.claims } : {}) });
      } else if (ev.k === 'cut') {
        cut = { kind: 'error', message: say.cutLastLine(path, line), record, line, fatal: true };
      } else {
        const message = ev.k === 'oversize' ? say.oversize(record, line) : say.invalidJson(`line ${line}`, ev.why);
        rejected.push({ origin: path, record, line, reason: message });
        unreadable.push(message);
      }
    }
    yielded += r.values;
    yield {
      kind: 'batch',
      packed: r.packed,
      unpacker: unpackers[r.worker ?? 0]!,
      findings: r.findings,
      values: r.values,
      rejected,
      unreadable,
      ...(r.repos ? { repos: r.repos, withRepository: r.withRepository ?? 0 } : {}),
      ...(r.accounts ? { accounts: r.accounts } : {}),
    };
    if (cut) {
      stopped = true;
      yield cut;
    }
  }
  function* release(): Generator<ReadEvent | BatchEvent> {
    const h = held ?? [];
    held = null;
    for (const a of h) if (!stopped) yield* emit(a);
  }

  try {
    await fill();
    while (queue.length > 0 && !stopped) {
      const job = queue.shift()!;
      let r: JobResult;
      try {
        r = await job;
      } catch (err) {
        if (!(err instanceof JobReadError)) throw err;
        yield* release();
        yield { kind: 'error', message: say.readFailed(path, recordBase, err.message), fatal: true };
        stopped = ioFailed = true;
        break;
      }
      await fill();
      const a: Arrived = { r, recordBase, lineBase };
      recordBase += r.slots;
      lineBase += r.newlines;
      nonBlank += r.lines;
      if (first === undefined && r.first !== undefined) first = r.first;
      if (r.utf8) {
        utf8First ??= r.utf8.first;
        utf8Count += r.utf8.count;
      }
      if (r.matched) matched = true;
      if (!held) {
        yield* emit(a);
        continue;
      }
      held.push(a);
      heldValues += r.values;
      const cutHere = r.events.some((e) => e.k === 'cut');
      if (r.matched || heldValues >= SNIFF_LIMIT || cutHere) yield* release();
    }
    if (!ioFailed && utf8First !== undefined) yield { kind: 'note', message: say.invalidUtf8(path, utf8First, utf8Count) };
    if (!stopped && held) {
      if (first !== undefined) {
        held = null;
        stopped = true;
        yield { kind: 'error', message: say.refused(path, expect, first), fatal: true };
      } else {
        yield* release();
      }
    } else if (!stopped && !matched && first !== undefined) {
      stopped = true;
      yield { kind: 'error', message: say.refused(path, expect, first), fatal: true };
    }
    if (nonBlank === 0 && !stopped) yield { kind: 'incomplete', message: say.empty(path) };
    yield { kind: 'end', shape: nonBlank > 0 ? 'ndjson' : 'empty', records: yielded };
  } finally {
    await handle.close();
  }
}

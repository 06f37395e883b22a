/**
 * A parse worker (worker_threads): reads the byte ranges it is sent, parses and normalizes their
 * records (job.ts) and posts each result back with its packed findings transferred, not copied.
 */
import { open } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { type JobResult, type JobSpec, runJob } from './job.js';
import { FindingPacker } from './packed.js';

export interface JobRequest {
  id: number;
  spec: JobSpec;
}

export type JobReply = { id: number; ok: true; result: JobResult } | { id: number; ok: false; io: boolean; message: string };

async function read(spec: JobSpec): Promise<Buffer> {
  const handle = await open(spec.path, 'r');
  try {
    const buf = Buffer.allocUnsafe(spec.end - spec.start);
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await handle.read(buf, got, buf.length - got, spec.start + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return got === buf.length ? buf : buf.subarray(0, got);
  } finally {
    await handle.close();
  }
}

/** A worker reads one file (a pool per file collector): its table ids run across that file's batches. */
const packer = new FindingPacker();
const port = parentPort;
if (port) {
  // Jobs are packed in the order they were sent (table ids run on from batch to batch), so each
  // waits for the one before it; its read is started at once and overlaps the previous job's work.
  let previous: Promise<void> = Promise.resolve();
  port.on('message', (req: JobRequest) => {
    const bytes = read(req.spec);
    bytes.catch(() => {});
    previous = previous.then(async () => {
      let reply: JobReply;
      try {
        const data = await bytes;
        try {
          reply = { id: req.id, ok: true, result: runJob(req.spec, data, packer) };
        } catch (err) {
          reply = { id: req.id, ok: false, io: false, message: err instanceof Error ? (err.stack ?? err.message) : String(err) };
        }
      } catch (err) {
        reply = { id: req.id, ok: false, io: true, message: err instanceof Error ? err.message : String(err) };
      }
      port.postMessage(reply, reply.ok ? [reply.result.packed.buffer as ArrayBuffer] : []);
    });
  });
}

import { createServer, type Socket } from 'node:net';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { SDK_TIMEOUTS } from '../../src/io/sdk-timeouts.js';

/**
 * The AWS SDK clients' timeouts (src/io/sdk-timeouts.ts) are on an idle socket, not on the whole
 * request: a silent endpoint fails. That an upload slower than the limit completes while its bytes
 * keep moving was measured by hand (200 MB at 1.2 MB/s: 165 s with these timeouts, cut at 120 s
 * with the whole-request one): a test would need a body larger than the kernel's socket buffers,
 * whose size no test controls. The duration is shortened here; the real S3 client is used against
 * a local server.
 */

const closers: Array<() => void> = [];
afterEach(() => {
  for (const c of closers.splice(0)) c();
});

const client = (port: number, idleMs: number) =>
  new S3Client({
    ...SDK_TIMEOUTS,
    requestHandler: { ...SDK_TIMEOUTS.requestHandler, socketTimeout: idleMs },
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });

describe('SDK_TIMEOUTS', () => {
  it('sets no whole-request limit (that one cut a 1.2 GB upload at 2 minutes)', () => {
    expect(SDK_TIMEOUTS.requestHandler).not.toHaveProperty('requestTimeout');
    expect(SDK_TIMEOUTS.requestHandler.socketTimeout).toBeGreaterThan(0);
  });

  it('an endpoint that takes the connection and never answers fails after the idle time', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((s) => sockets.push(s)).listen(0);
    closers.push(() => {
      for (const s of sockets) s.destroy();
      silent.close();
    });
    await new Promise((r) => silent.once('listening', r));
    const t0 = Date.now();
    const err = await client((silent.address() as { port: number }).port, 300)
      .send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' }))
      .catch((e: Error) => e);
    expect((err as Error).name).toBe('TimeoutError');
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});

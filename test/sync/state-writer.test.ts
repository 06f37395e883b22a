import { existsSync, lstatSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StateWriter } from '../../src/sync/state.js';

/**
 * A full disk while the sync state is written: the state is only a cache, so the run must go on —
 * the failure kept for `commit` (which the collector turns into a warning), never thrown into the
 * record sink, where it became "internal error … exit 70".
 */
describe.runIf(existsSync('/dev/full'))('StateWriter on a full disk', () => {
  it('keeps taking records, drops its file, and commit throws the ENOSPC', () => {
    const dir = mkdtempSync(join(tmpdir(), 'secsli-state-'));
    // A link to /dev/full, which answers every write with ENOSPC; removing the link leaves the device alone.
    const tmp = join(dir, 'securityhub.ndjson.tmp-1');
    symlinkSync('/dev/full', tmp);
    const w = new StateWriter(tmp, { secsliSyncState: 2, source: 'securityhub', scope: '{}', lastSync: '2026-11-27T00:00:00Z', lastFull: '2026-11-27T00:00:00Z' });
    const raw = { Title: 'x'.repeat(10_000) };
    // 300 records of 10 kB: past the 1 MiB batch, so a write happens (and fails) inside add().
    expect(() => {
      for (let i = 0; i < 300; i++) w.add({ id: `f${i}`, updatedAt: '2026-11-27T00:00:00Z', raw });
    }).not.toThrow();
    expect(() => w.commit()).toThrow(expect.objectContaining({ code: 'ENOSPC' }));
    expect(() => lstatSync(tmp)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(existsSync('/dev/full')).toBe(true);
  });
});

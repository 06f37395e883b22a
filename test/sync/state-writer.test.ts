import { existsSync, lstatSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStateEntries, readStateIndex, StateWriter } from '../../src/sync/state.js';

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

describe('StateWriter and secrets', () => {
  it("redacts the run's secrets, in records and ids, across its 1 MiB batches, and the file reads back with the same values otherwise", async () => {
    const secret = 'fakeSecretKey/0123456789abcdefSECRET';
    const dir = mkdtempSync(join(tmpdir(), 'secsli-state-'));
    const tmp = join(dir, 'securityhub.ndjson.tmp-1');
    const w = new StateWriter(
      tmp,
      { secsliSyncState: 2, source: 'securityhub', scope: '{}', lastSync: '2026-11-27T00:00:00Z', lastFull: '2026-11-27T00:00:00Z' },
      { secrets: [secret] },
    );
    // Records of ~10 kB with the secret at their ends, so batch boundaries fall inside some of them.
    const raw = (i: number) => ({ Title: `${'x'.repeat(10_000 + (i % 37))} ${secret}`, Note: `bidi \u202e é 😀 #${i}` });
    for (let i = 0; i < 300; i++) w.add({ id: i === 7 ? `finding/${secret}` : `f${i}`, updatedAt: '2026-11-27T00:00:00Z', raw: raw(i) });
    w.commit();
    const text = readFileSync(tmp, 'utf8');
    expect(text).not.toContain(secret);
    expect(text).not.toContain('\u202e'); // a viewer's bidi override, spelt as a JSON escape
    const ids: string[] = [];
    await readStateIndex(tmp, (k) => ids.push(k.id));
    expect(ids).toHaveLength(300);
    expect(ids[7]).toBe('finding/***');
    let i = 0;
    for await (const e of readStateEntries(tmp)) {
      expect(e.raw).toEqual({ ...raw(i), Title: raw(i).Title.replace(secret, '***') });
      i++;
    }
    expect(i).toBe(300);
  });
});

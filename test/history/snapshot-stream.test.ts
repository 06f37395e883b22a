import { mkdtemp, readFile, rm, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadHistory, loadRun } from '../../src/history/load.js';
import type { SnapshotV1 } from '../../src/history/schema.js';
import { scanSnapshot } from '../../src/history/snapshot-scan.js';
import { localRunFiles, readSnapshot, type RunFiles } from '../../src/history/snapshot-stream.js';
import { memoryLogger } from '../fakes/sink.js';

/** Both snapshot layouts read as streams (src/history/snapshot-stream.ts). */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const V1 = join(ROOT, 'test/fixtures/history/v1-example');
const GOLDEN = join(ROOT, 'test/golden/example');
/** The v1 fixture's run in the version 2 layout, as snapshotFiles lays it out (beforeAll). */
let V2: string;

beforeAll(async () => {
  V2 = await mkdtemp(join(tmpdir(), 'secsli-snapshot-v2-'));
  const v1 = JSON.parse(await readFile(join(V1, 'snapshot.json'), 'utf8'));
  const lines = v1.assets.flatMap((a: { id: string; findings: object[] }) => a.findings.map((f) => `${JSON.stringify({ asset: a.id, ...f })}\n`));
  const { schemaVersion: _, assets, ...rest } = v1;
  const summary = {
    schemaVersion: 2,
    ...rest,
    findingsFile: { name: 'snapshot-findings.ndjson', lines: lines.length },
    assets: assets.map(({ findings: _f, ...a }: { findings: unknown }) => a),
  };
  await writeFile(join(V2, 'snapshot.json'), JSON.stringify(summary, null, 2));
  await writeFile(join(V2, 'snapshot-findings.ndjson'), lines.join(''));
});
afterAll(() => rm(V2, { recursive: true, force: true }));

/** A run whose files arrive in chunks of `size` characters: every boundary lands somewhere odd. */
function memoryRun(files: Record<string, string>, size: number): RunFiles {
  return {
    where: 'memory',
    open: async (name) => {
      const t = files[name];
      if (t === undefined) throw Object.assign(new Error(`no ${name}`), { code: 'ENOENT' });
      const parts: string[] = [];
      for (let i = 0; i < t.length; i += size) parts.push(t.slice(i, i + size));
      return Readable.from(parts);
    },
  };
}

/** What a reader returns with the layout's own bookkeeping left out. */
const comparable = (s: SnapshotV1) => ({
  ...s,
  schemaVersion: 0,
  findingsFile: undefined,
  assets: s.assets.map((a) => ({ ...a, findings: a.findings.map(({ asset: _, ...f }: Record<string, unknown>) => f) })),
});

const read = async (files: RunFiles, findings = true) => {
  const r = await readSnapshot(files, { findings });
  if (!r.ok) throw new Error(r.reason);
  return r;
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'secsli-snapshot-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('reading snapshots as streams', () => {
  it('reads a version 1 snapshot an earlier secsli wrote and the version 2 files of the same run alike', async () => {
    const v1 = await read(localRunFiles(V1));
    const v2 = await read(localRunFiles(V2));
    expect(v1.snapshot.schemaVersion).toBe(1);
    expect(v2.snapshot.schemaVersion).toBe(2);
    expect(v1.findings).toBe(589);
    expect(v2.findings).toBe(589);
    expect(comparable(v2.snapshot)).toEqual(comparable(v1.snapshot));
    // The v1 reader is the whole-document parse of before, only streamed.
    const whole = JSON.parse(await readFile(join(V1, 'snapshot.json'), 'utf8'));
    // (An entry written before the run's deadline was kept reads it as null, as the schema's default says.)
    expect(v1.snapshot.assets.map((a) => a.findings)).toEqual(whole.assets.map((a: { findings: object[] }) => a.findings.map((f) => ({ dueAt: null, ...f }))));
  });

  it('reads the files this secsli writes (the golden example run)', async () => {
    const r = await read(localRunFiles(GOLDEN));
    const { findingsFile } = JSON.parse(await readFile(join(GOLDEN, 'snapshot.json'), 'utf8'));
    expect(r.snapshot.schemaVersion).toBe(3);
    expect(r.findings).toBe(findingsFile.lines);
    expect(r.snapshot.assets.reduce((n, a) => n + a.findings.length, 0)).toBe(findingsFile.lines);
  });

  it('reads a version 2 run (fixes inline in snapshot.json) as the version 3 files of the same run', async () => {
    const v3 = JSON.parse(await readFile(join(GOLDEN, 'snapshot.json'), 'utf8'));
    const fixes = (await readFile(join(GOLDEN, 'snapshot-fixes.ndjson'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(fixes).toHaveLength(v3.fixesFile.lines);
    const { fixesFile: _, ...rest } = v3;
    await writeFile(join(dir, 'snapshot.json'), JSON.stringify({ ...rest, schemaVersion: 2, fixes }, null, 2));
    await cp(join(GOLDEN, 'snapshot-findings.ndjson'), join(dir, 'snapshot-findings.ndjson'));
    const v2 = await read(localRunFiles(dir));
    const now = await read(localRunFiles(GOLDEN));
    expect(v2.snapshot.schemaVersion).toBe(2);
    expect(v2.findings).toBe(now.findings);
    expect(comparable(v2.snapshot)).toEqual({ ...comparable(now.snapshot), fixes, fixesFile: undefined });
  });

  it('gives the same result whatever the chunk boundaries', async () => {
    const files = { 'snapshot.json': await readFile(join(V2, 'snapshot.json'), 'utf8'), 'snapshot-findings.ndjson': await readFile(join(V2, 'snapshot-findings.ndjson'), 'utf8') };
    const v1 = { 'snapshot.json': await readFile(join(V1, 'snapshot.json'), 'utf8') };
    const reference = comparable((await read(localRunFiles(V1))).snapshot);
    // Tiny chunks are the property test's (below); here, boundaries inside long real records.
    for (const size of [61, 4093]) {
      expect(comparable((await read(memoryRun(files, size))).snapshot)).toEqual(reference);
      expect(comparable((await read(memoryRun(v1, size))).snapshot)).toEqual(reference);
    }
  });

  it('without findings: every asset is read, no finding, and the count is still known', async () => {
    for (const d of [V1, V2]) {
      const r = await read(localRunFiles(d), false);
      expect(r.snapshot.assets.length).toBeGreaterThan(5);
      expect(r.snapshot.assets.every((a) => a.findings.length === 0)).toBe(true);
      expect(r.findings).toBe(589);
    }
  });

  it('the scanner splits out exactly assets[*].findings[*], whatever the keys and strings hold', async () => {
    const text = fc.string({ unit: fc.constantFrom('a', '"', '\\', '{', '}', '[', ']', ',', ':', 'é', '\n', 'findings', 'assets') });
    const finding = fc.dictionary(text, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });
    const asset = fc.record({ id: text, findings: fc.array(finding, { maxLength: 3 }), other: fc.jsonValue({ maxDepth: 2 }) });
    const doc = fc.record({ a: fc.jsonValue({ maxDepth: 2 }), assets: fc.array(asset, { maxLength: 3 }), z: fc.dictionary(text, fc.jsonValue({ maxDepth: 2 })) });
    await fc.assert(
      fc.asyncProperty(doc, fc.integer({ min: 1, max: 9 }), fc.boolean(), async (generated, size, pretty) => {
        const t = pretty ? JSON.stringify(generated, null, 2) : JSON.stringify(generated);
        const d = JSON.parse(t) as typeof generated; // -0 → 0, as any reader sees it
        const parts: string[] = [];
        for (let i = 0; i < t.length; i += size) parts.push(t.slice(i, i + size));
        const seen: [number, unknown][] = [];
        const r = await scanSnapshot(Readable.from(parts), (i, f) => seen.push([i, JSON.parse(f)]));
        expect(JSON.parse(r.skeleton)).toEqual({ ...d, assets: d.assets.map((a) => ({ ...a, findings: [] })) });
        expect(seen).toEqual(d.assets.flatMap((a, i) => a.findings.map((f) => [i, f])));
        expect(r.findings).toBe(seen.length);
      }),
      { numRuns: 300 },
    );
  });

  it('a truncated, missing or corrupt findings file makes the run unreadable, with the reason', async () => {
    await cp(V2, dir, { recursive: true });
    const lines = (await readFile(join(dir, 'snapshot-findings.ndjson'), 'utf8')).split('\n');
    await writeFile(join(dir, 'snapshot-findings.ndjson'), lines.slice(0, 100).join('\n'));
    expect(await readSnapshot(localRunFiles(dir), { findings: true })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/has 100 findings, snapshot.json says 589 \(truncated\?\)/),
    });
    await writeFile(join(dir, 'snapshot-findings.ndjson'), [...lines.slice(0, 3), '{"asset":', ...lines.slice(4)].join('\n'));
    expect(await readSnapshot(localRunFiles(dir), { findings: true })).toMatchObject({ ok: false, reason: expect.stringMatching(/line 4: corrupt JSON/) });
    await writeFile(join(dir, 'snapshot-findings.ndjson'), [lines[0]!.replace('"asset":"aws-foundation"', '"asset":"nope"'), ...lines.slice(1)].join('\n'));
    expect(await readSnapshot(localRunFiles(dir), { findings: true })).toMatchObject({ ok: false, reason: expect.stringMatching(/line 1: asset "nope" is not in snapshot.json/) });
    // Both in one chunk: the first problem in the file is the one named.
    await writeFile(
      join(dir, 'snapshot-findings.ndjson'),
      [lines[0]!.replace('"asset":"aws-foundation"', '"asset":"nope"'), ...lines.slice(1, 3), '{"asset":', ...lines.slice(4)].join('\n'),
    );
    expect(await readSnapshot(localRunFiles(dir), { findings: true })).toMatchObject({ ok: false, reason: expect.stringMatching(/line 1: asset "nope" is not in snapshot.json/) });
    await rm(join(dir, 'snapshot-findings.ndjson'));
    expect(await readSnapshot(localRunFiles(dir), { findings: true })).toMatchObject({ ok: false, reason: 'no snapshot-findings.ndjson' });
    // Reading without findings never opens the file.
    expect((await readSnapshot(localRunFiles(dir), { findings: false })).ok).toBe(true);
  });

  it('a version 1 snapshot cut inside its findings is corrupt, not silently short', async () => {
    const text = await readFile(join(V1, 'snapshot.json'), 'utf8');
    await writeFile(join(dir, 'snapshot.json'), text.slice(0, Math.floor(text.length / 2)));
    expect(await readSnapshot(localRunFiles(dir), { findings: false })).toMatchObject({ ok: false, reason: 'corrupt JSON' });
    expect(await readSnapshot(localRunFiles(dir), { findings: true })).toMatchObject({ ok: false, reason: 'corrupt JSON' });
  });

  it('a finding that does not validate names its place', async () => {
    const whole = JSON.parse(await readFile(join(V1, 'snapshot.json'), 'utf8'));
    whole.assets[1].findings[2].id = 42;
    await writeFile(join(dir, 'snapshot.json'), JSON.stringify(whole));
    expect(await readSnapshot(localRunFiles(dir), { findings: true })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^not a valid snapshot: assets\.1\.findings\.2: id: /),
    });
  });

  it('trend reads history without the findings files; review, which needs them, skips a run that lacks its file', async () => {
    await cp(V2, join(dir, '2026-11-27T000000Z'), { recursive: true });
    await cp(V1, join(dir, '2026-11-20T000000Z'), { recursive: true });
    // The v1 example is as of 11-27; as the 11-20 run it must say so (a name and an as-of that differ are no run).
    const older = join(dir, '2026-11-20T000000Z', 'snapshot.json');
    await writeFile(older, (await readFile(older, 'utf8')).replace('"asOf": "2026-11-27T00:00:00.000Z"', '"asOf": "2026-11-20T00:00:00.000Z"'));
    await rm(join(dir, '2026-11-27T000000Z', 'snapshot-findings.ndjson'));
    const light = await loadHistory(dir, memoryLogger(), { findings: false });
    expect(light.runs.map((r) => r.name)).toEqual(['2026-11-20T000000Z', '2026-11-27T000000Z']);
    expect(light.skipped).toEqual([]);
    const full = await loadHistory(dir, memoryLogger(), { findings: true });
    expect(full.skipped).toEqual([{ name: '2026-11-27T000000Z', reason: 'no snapshot-findings.ndjson', kind: 'unreadable' }]);
  });

  it('a run whose snapshot as-of is not its name is skipped, naming both (it would be "latest" with a year-9999 as-of)', async () => {
    await cp(V2, join(dir, '2026-11-27T000000Z'), { recursive: true });
    await cp(V2, join(dir, '2026-11-28T000000Z'), { recursive: true });
    const forged = join(dir, '2026-11-28T000000Z', 'snapshot.json');
    await writeFile(forged, (await readFile(forged, 'utf8')).replace(/"asOf": "[^"]*"/, '"asOf": "9999-12-31T23:59:59.999Z"'));
    const h = await loadHistory(dir, memoryLogger(), { findings: false });
    expect(h.runs.map((r) => r.name)).toEqual(['2026-11-27T000000Z']);
    expect(h.skipped[0]?.reason).toMatch(/its snapshot says as of 9999-12-31T23:59:59.999Z, its name says 2026-11-28T00:00:00.000Z/);
  });

  it('diff reads either layout (loadRun on a folder or on a snapshot.json path)', async () => {
    const a = await loadRun(V1, memoryLogger());
    const b = await loadRun(join(V2, 'snapshot.json'), memoryLogger());
    expect(comparable(b.snapshot)).toEqual(comparable(a.snapshot));
  });
});

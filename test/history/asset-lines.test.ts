import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readAssetLines } from '../../src/history/asset-lines.js';
import { localRunFiles, readSnapshot, type RunFiles } from '../../src/history/snapshot-stream.js';

/**
 * One asset's lines of a run: by binary search in a local file, by one streaming pass otherwise
 * (S3), and from a version 1 snapshot.json. All three must keep exactly the lines the full reader
 * gives that asset.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GOLDEN = join(ROOT, 'test/golden/example');
const V1 = join(ROOT, 'test/fixtures/history/v1-example');

/** The same files without random access: the streaming pass. */
const streamOnly = (f: RunFiles): RunFiles => ({ where: f.where, open: (name) => f.open(name) });

async function everyAsset(dir: string) {
  const full = await readSnapshot(localRunFiles(dir), { findings: true });
  const light = await readSnapshot(localRunFiles(dir), { findings: false });
  if (!full.ok || !light.ok) throw new Error('fixture unreadable');
  return { full: full.snapshot, light: light.snapshot };
}

const ids = (entries: unknown[]) => entries.map((e) => (e as { id: string }).id).sort();

describe('readAssetLines', () => {
  it.each([
    ['seeking a local file', (d: string) => localRunFiles(d)],
    ['streaming', (d: string) => streamOnly(localRunFiles(d))],
  ])('%s keeps exactly each asset its lines (version 2)', async (_name, files) => {
    const { full, light } = await everyAsset(GOLDEN);
    expect(light.findingsFile).toBeDefined();
    for (const a of [...full.assets, { id: 'zzz-not-there', findings: [] }, { id: '0-before-all', findings: [] }]) {
      const r = await readAssetLines(files(GOLDEN), light, a.id, 'snapshot.json');
      expect(r.ok, a.id).toBe(true);
      if (r.ok) expect(ids(r.entries), a.id).toEqual(a.findings.map((f) => f.id).sort());
    }
  });

  it('reads a version 1 snapshot.json for one asset', async () => {
    const { full, light } = await everyAsset(V1);
    for (const a of full.assets) {
      const r = await readAssetLines(localRunFiles(V1), light, a.id, 'snapshot.json');
      expect(r.ok && ids(r.entries), a.id).toEqual(a.findings.map((f) => f.id).sort());
    }
  });

  it('lines written with the keys in another order are found by their asset (seeking gives way to the pass)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'secsli-asset-lines-'));
    await writeFile(join(dir, 'snapshot.json'), await readFile(join(GOLDEN, 'snapshot.json')));
    const lines = (await readFile(join(GOLDEN, 'snapshot-findings.ndjson'), 'utf8')).trim().split('\n');
    const reordered = lines.map((l) => {
      const { asset, ...rest } = JSON.parse(l) as { asset: string };
      return JSON.stringify({ ...rest, asset });
    });
    await writeFile(join(dir, 'snapshot-findings.ndjson'), reordered.join('\n') + '\n');
    const { full, light } = await everyAsset(GOLDEN);
    const a = full.assets.find((x) => x.id === 'payments-api')!;
    const r = await readAssetLines(localRunFiles(dir), light, a.id, 'snapshot.json');
    expect(r.ok && ids(r.entries)).toEqual(a.findings.map((f) => f.id).sort());
  });

  it('a streaming pass that reaches the end counts the lines: a file cut short says so', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'secsli-asset-lines-'));
    await writeFile(join(dir, 'snapshot.json'), await readFile(join(GOLDEN, 'snapshot.json')));
    const lines = (await readFile(join(GOLDEN, 'snapshot-findings.ndjson'), 'utf8')).trim().split('\n');
    await writeFile(join(dir, 'snapshot-findings.ndjson'), lines.slice(0, -3).join('\n') + '\n');
    const { light } = await everyAsset(GOLDEN);
    const r = await readAssetLines(streamOnly(localRunFiles(dir)), light, 'zzz-not-there', 'snapshot.json');
    expect(r).toEqual({ ok: false, file: 'snapshot-findings.ndjson', reason: `${lines.length - 3} findings, snapshot.json says ${lines.length} (truncated?)` });
  });
});

describe('readSnapshot with until', () => {
  it('stops after the keys it waits for, with the same assets (any layout)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'secsli-until-'));
    // Compact, and with a corrupt tail after `assets`: never read.
    const doc = JSON.parse(await readFile(join(GOLDEN, 'snapshot.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(dir, 'snapshot.json'), `${JSON.stringify(doc).replace(/,"unmapped":\[.*$/s, ',"unmapped":[{"x": oops')}`);
    const whole = await readSnapshot(localRunFiles(GOLDEN), { findings: false });
    const cut = await readSnapshot(localRunFiles(dir), { findings: false, until: ['asOf', 'findingsFile', 'assets'] });
    expect(cut.ok && whole.ok).toBe(true);
    if (cut.ok && whole.ok) {
      expect(cut.snapshot.assets).toEqual(whole.snapshot.assets);
      expect(cut.snapshot.findingsFile).toEqual(whole.snapshot.findingsFile);
      expect(cut.snapshot.unmapped).toEqual([]);
    }
    expect((await readSnapshot(localRunFiles(dir), { findings: false })).ok).toBe(false);
  });
});

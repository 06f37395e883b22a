import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { localRunFiles, readSnapshot } from '../../src/history/snapshot-stream.js';
import { cli, tmp } from '../cli/run.js';

/**
 * Snapshots larger than V8's maximum string length (2^29 − 24 characters, ~512 MiB), in both
 * layouts, read back as streams; `secsli diff` of two such runs. The runs are the bundled
 * example's snapshot with its findings repeated under new ids until the files are big enough.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const V8_MAX_STRING = 2 ** 29 - 24;
const COPIES = 1400; // × 589 example findings ≈ 825k findings, ~590 MB per run

async function writeLines(path: string, chunks: Iterable<string>): Promise<number> {
  const fh = await open(path, 'w');
  let buf = '';
  try {
    for (const c of chunks) {
      buf += c;
      if (buf.length > 1 << 22) {
        await fh.write(buf);
        buf = '';
      }
    }
    await fh.write(buf);
  } finally {
    await fh.close();
  }
  return (await stat(path)).size;
}

/** The example's findings, `COPIES` times, each copy with its own ids, formatted per asset. */
function* copies(perAsset: Record<string, unknown>[][], format: (asset: number, f: Record<string, unknown>) => string): Generator<string> {
  for (let a = 0; a < perAsset.length; a++) {
    for (let k = 0; k < COPIES; k++) for (const f of perAsset[a]!) yield format(a, { ...f, id: `${String(f.id)}~${String(k).padStart(5, '0')}` });
  }
}

describe('snapshots larger than the largest string', () => {
  it('reads a version 1 and a version 2 snapshot of ~825k findings, and diffs the two runs', async () => {
    const v1 = JSON.parse(await readFile(join(ROOT, 'test/fixtures/history/v1-example/snapshot.json'), 'utf8'));
    const perAsset = v1.assets.map((a: { findings: Record<string, unknown>[] }) => a.findings);
    const total = perAsset.reduce((n: number, f: unknown[]) => n + f.length, 0) * COPIES;
    const ids = v1.assets.map((a: { id: string }) => a.id);

    // Version 1: one file, each asset's findings inline (the asset's other fields first, as written).
    const dirA = await tmp('secsli-big-a-');
    const skeleton = { ...v1, assets: v1.assets.map((a: object) => ({ ...a, findings: [] })) };
    const text = JSON.stringify(skeleton);
    const head = text.slice(0, text.indexOf('"assets":[') + '"assets":['.length);
    const tail = text.slice(text.lastIndexOf('"unmapped":['));
    const assetHeads = v1.assets.map(({ findings: _, ...a }: Record<string, unknown>) => JSON.stringify(a).slice(0, -1));
    const withId = (f: Record<string, unknown>, k: number) => JSON.stringify({ ...f, id: `${String(f.id)}~${String(k).padStart(5, '0')}` });
    const v1Chunks = function* () {
      yield head;
      for (let a = 0; a < perAsset.length; a++) {
        yield `${a ? ',' : ''}${assetHeads[a]},"findings":[`;
        let first = true;
        for (let k = 0; k < COPIES; k++) {
          for (const f of perAsset[a]!) {
            yield (first ? '' : ',') + withId(f, k);
            first = false;
          }
        }
        yield ']}';
      }
      yield `],${tail}`;
    };
    const sizeA = await writeLines(join(dirA, 'snapshot.json'), v1Chunks());
    expect(sizeA).toBeGreaterThan(V8_MAX_STRING);

    // Version 2: a small snapshot.json and the findings as NDJSON.
    const dirB = await tmp('secsli-big-b-');
    const summary = {
      ...v1,
      schemaVersion: 2,
      findingsFile: { name: 'snapshot-findings.ndjson', lines: total },
      assets: v1.assets.map(({ findings: _, ...a }: object & { findings: unknown }) => a),
    };
    await writeLines(join(dirB, 'snapshot.json'), [JSON.stringify(summary, null, 2)]);
    const sizeB = await writeLines(
      join(dirB, 'snapshot-findings.ndjson'),
      copies(perAsset, (a, f) => `${JSON.stringify({ asset: ids[a], ...f })}\n`),
    );
    expect(sizeB).toBeGreaterThan(V8_MAX_STRING);

    for (const dir of [dirA, dirB]) {
      const light = await readSnapshot(localRunFiles(dir), { findings: false });
      expect(light.ok && light.findings).toBe(total);
      const full = await readSnapshot(localRunFiles(dir), { findings: true });
      if (!full.ok) throw new Error(full.reason);
      expect(full.snapshot.assets.reduce((n, a) => n + a.findings.length, 0)).toBe(total);
      const last = full.snapshot.assets.at(-1)!.findings.at(-1)!;
      expect(last.id).toBe(`${String(perAsset.at(-1)!.at(-1)!.id)}~${String(COPIES - 1).padStart(5, '0')}`);
    }

    // Same findings, same weights: every asset unchanged, and diff says so without failing.
    const r = await cli(['diff', dirA, dirB]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/unchanged|no change/i);
  });
});

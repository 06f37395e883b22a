import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGenArgs } from '../../scripts/gen-scale.js';
import { generate } from '../../scripts/lib/scale/generate.js';
import { tmp } from '../cli/run.js';

const small = { findings: 300, alerts: 60, assets: 25 };

async function files(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of (await readdir(dir)).sort()) out[f] = await readFile(join(dir, f), 'utf8');
  return out;
}

describe('scale generator', () => {
  it('writes the same bytes for the same seed, and other bytes for another seed', async () => {
    const [a, b, c] = [await tmp('secsli-gen-'), await tmp('secsli-gen-'), await tmp('secsli-gen-')];
    await generate({ ...small, seed: 7, out: a });
    await generate({ ...small, seed: 7, out: b });
    await generate({ ...small, seed: 8, out: c });
    const [fa, fb, fc] = [await files(a), await files(b), await files(c)];
    expect(Object.keys(fa)).toEqual(['assets.yaml', 'dependabot.ndjson', 'securityhub.ndjson']);
    expect(fb).toEqual(fa);
    expect(fc['securityhub.ndjson']).not.toBe(fa['securityhub.ndjson']);
  });

  it('writes one record per line, in the shapes the readers expect', async () => {
    const dir = await tmp('secsli-gen-');
    await generate({ ...small, seed: 1, out: dir });
    const sh = (await readFile(join(dir, 'securityhub.ndjson'), 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    const db = (await readFile(join(dir, 'dependabot.ndjson'), 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(sh).toHaveLength(small.findings);
    expect(db).toHaveLength(small.alerts);
    expect(sh.every((f) => f.SchemaVersion === '2018-10-08' && typeof f.Id === 'string' && f.Resources.length === 1)).toBe(true);
    const products = new Set(sh.map((f) => f.ProductName));
    expect(products).toEqual(new Set(['Inspector', 'Security Hub', 'GuardDuty']));
    expect(db.every((a) => typeof a.repository?.full_name === 'string' && a.html_url.includes('/security/dependabot/'))).toBe(true);
  });

  it('parses its options', () => {
    expect(parseGenArgs(['--findings', '1_000', '--out', 'x'])).toEqual({ findings: 1000, alerts: 2000, assets: 2000, seed: 1, out: 'x' });
    expect(() => parseGenArgs(['--findings', '10'])).toThrow(/--out/);
  });
});

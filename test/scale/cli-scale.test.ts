import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../../scripts/lib/scale/generate.js';
import { AS_OF, cli, tmp } from '../cli/run.js';

const score = (dir: string, out: string, sh = 'securityhub.ndjson', db = 'dependabot.ndjson') =>
  cli(['score', '--config', join(dir, 'assets.yaml'), '--from', `securityhub=${join(dir, sh)}`, '--from', `dependabot=${join(dir, db)}`, '--as-of', AS_OF, '--out', out]);

const snapshotOf = async (runDir: string) => JSON.parse(await readFile(join(runDir, 'snapshot.json'), 'utf8'));

describe('scale data through the CLI', () => {
  it('keeps the good records around a bad NDJSON line and reports the bad one with its line number', async () => {
    const dir = await tmp('secsli-scale-');
    await generate({ findings: 200, alerts: 40, assets: 20, seed: 3, out: dir });
    const lines = (await readFile(join(dir, 'securityhub.ndjson'), 'utf8')).split('\n');
    lines[99] = lines[99]!.slice(0, 120); // line 100: cut in the middle of the record
    await writeFile(join(dir, 'bad.ndjson'), lines.join('\n'));
    const r = await score(dir, await tmp(), 'bad.ndjson');
    // The cut line names no account: any asset may miss a finding, so the run did not measure everything.
    expect(r.code).toBe(3);
    const snap = await snapshotOf(r.stdout.trim());
    expect(JSON.parse(await readFile(join(r.stdout.trim(), 'summary.json'), 'utf8'))).toMatchObject({ exitCode: 3, exitReason: 'incomplete' });
    expect(snap.rejected).toHaveLength(1);
    expect(snap.rejected[0]).toMatchObject({ source: 'securityhub', line: 100 });
    expect(snap.sources.find((s: { source: string }) => s.source === 'securityhub').records).toBe(199);
  });

  it('marks a truncated JSON array PARTIAL (exit 3) and still scores the records before the cut', async () => {
    const dir = await tmp('secsli-scale-');
    await generate({ findings: 100, alerts: 20, assets: 20, seed: 4, out: dir });
    const records = (await readFile(join(dir, 'securityhub.ndjson'), 'utf8')).trimEnd().split('\n');
    const array = `[\n${records.join(',\n')}\n]\n`;
    await writeFile(join(dir, 'cut.json'), array.slice(0, Math.floor(array.length * 0.6)));
    const r = await score(dir, await tmp(), 'cut.json');
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/truncated/);
    const snap = await snapshotOf(r.stdout.trim());
    expect(snap.partial).toBe(true);
    const read = snap.sources.find((s: { source: string }) => s.source === 'securityhub').records;
    expect(read).toBeGreaterThan(50);
    expect(read).toBeLessThan(100);
  });
});

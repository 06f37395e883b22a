import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/finding.js';
import { findingExtras, findingsCsvChunks } from '../../src/report/csv.js';
import { fixesCsvChunks } from '../../src/report/fixes-csv.js';
import { findingFiles } from '../../src/report/finding-files.js';
import { snapshotFiles } from '../../src/report/snapshot.js';
import { OutputError } from '../../src/errors.js';
import { type FileContent, type ParallelFile, RunFolder, writeRun } from '../../src/report/write.js';
import { FindingStore } from '../../src/collectors/store.js';
import { consoleUrl } from '../../src/sources/asff-rules.js';
import { arnField } from '../../src/sources/rules.js';
import { makeAsset, makeFinding, scoreWith } from '../builders.js';

/**
 * findings.csv rendered in a worker from each finding's snapshot line (report/finding-files.ts)
 * must be the file the one-thread renderer writes, byte for byte, and so must the snapshot's
 * findings rendered beside it. The worker is the built one (npm test builds first).
 */

const asOf = new Date('2026-11-27T00:00:00Z');
const meta = { toolVersion: '0.0.0', inventoryFile: 'assets.yaml' };
const SECRET = 'ghp_secretsecretsecret0123';

/** Text chosen to need every escape: CSV quoting and formula neutralising, JSON escapes, bidi, lone surrogates, a secret. */
const NASTY = [
  'plain',
  'quote " and \\ back',
  'comma, and\nnewline\r',
  '=HYPERLINK("x")',
  '-1+2',
  '@sum',
  'bidi \u202e evil',
  'lone \ud800 half',
  'pair 😀 é 中',
  '',
  `token ${SECRET} here`,
  '\t\x1b[31mred',
];

function findings(): Finding[] {
  const out: Finding[] = [];
  for (let i = 0; i < 150; i++) {
    const t = NASTY[i % NASTY.length]!;
    const github = i % 2 === 1;
    out.push(
      makeFinding({
        source: github ? 'dependabot' : 'securityhub',
        nativeId: `n-${String((i * 37) % 60).padStart(3, '0')}-${t}`,
        title: `${t} #${i}`,
        severity: (['critical', 'high', 'medium', 'low', 'info'] as const)[i % 5]!,
        cves: i % 3 ? [`CVE-2026-${1000 + i}`, ...(i % 4 ? [] : [`CVE-2025-${t}`])] : [],
        packages: i % 4 ? [`pkg-${t}`, 'other'] : [],
        ...(i % 5 === 0 ? { cvss: { score: 9.8, version: '3.1' } } : i % 5 === 1 ? { cvss: { score: 5.3, version: '3.1', vector: 'CVSS:3.1/AV:N' } } : {}),
        ...(i % 3 === 0 ? { epss: { probability: 0.2, percentile: 0.123456789 } } : {}),
        ...(i % 6 === 0 ? { status: 'resolved' as const, closedAt: '2026-11-25T00:00:00Z', closeReason: `fixed ${t}` } : {}),
        ...(i % 4 === 1 ? { url: `https://example.com/${encodeURIComponent(t)}?q="${t}"` } : {}),
        ...(i % 7 === 0 ? { exploitAvailable: true, fixAvailable: i % 2 === 0 } : {}),
        ...(i % 9 === 0 ? { ghsa: `GHSA-${t}`, controlId: `S3.${t}` } : {}),
        ...(github
          ? { github: { repo: i % 3 ? 'acme/app' : 'acme/web', manifestPath: `dir/${t}/package.json`, scope: i % 2 ? 'runtime' : 'development' } }
          : {
              aws: {
                accountId: i % 3 ? '111122223333' : '444455556666',
                region: 'eu-west-1',
                resources: [
                  { id: `arn:aws:ecs:eu-west-1:111122223333:service/app-${t}`, type: 'AwsEcsService', tags: {} },
                  ...(i % 4 ? [] : [{ id: 'arn:aws:s3:::bucket,with"quote', type: 'AwsS3Bucket', tags: {} }]),
                ],
              },
            }),
      }),
    );
  }
  // Numbers JSON cannot spell: these rows are rendered by the main thread and sent as text.
  out.push(makeFinding({ nativeId: 'nan-cvss', title: 'NaN score', cvss: { score: Number.NaN, version: '3.1' } }));
  out.push(makeFinding({ nativeId: 'inf-epss', title: 'Infinite percentile', epss: { probability: 1, percentile: Number.POSITIVE_INFINITY } }));
  return out;
}

const assets = [
  makeAsset({ id: 'web', exposure: 'internet', aws: { accounts: ['444455556666'] }, github: { repos: ['acme/web'] } }),
  makeAsset({ id: 'app', aws: { accounts: ['111122223333'] }, github: { repos: ['acme/app'] } }),
  makeAsset({ id: 'zz-empty', aws: { accounts: ['999999999999'] }, github: { repos: ['acme/none'] } }),
];

async function written(files: Record<string, FileContent>, secrets: string[] = []): Promise<Record<string, Buffer>> {
  const out = await mkdtemp(join(tmpdir(), 'secsli-finding-files-'));
  const dir = await writeRun(out, asOf, files, { secrets });
  const names = (await readdir(dir)).sort();
  return Object.fromEntries(await Promise.all(names.map(async (n) => [n, await readFile(join(dir, n))] as const)));
}

const oneThread = (r: ReturnType<typeof scoreWith>) => ({
  'findings.csv': findingsCsvChunks(r),
  'fixes.csv': fixesCsvChunks(r),
  'snapshot-findings.ndjson': snapshotFiles(r, meta)['snapshot-findings.ndjson']!,
  'snapshot-fixes.ndjson': snapshotFiles(r, meta)['snapshot-fixes.ndjson']!,
  'z.txt': 'written after both',
});

const FOUR = ['findings.csv', 'fixes.csv', 'snapshot-findings.ndjson', 'snapshot-fixes.ndjson'];

describe('findings.csv and fixes.csv from the snapshot lines, in a worker', () => {
  const scored = scoreWith(findings(), assets);
  // A fix whose numbers JSON cannot spell: its fixes.csv line is rendered by the main thread and sent as text.
  const odd = { ...JSON.parse(JSON.stringify(scored.fixes[3])), riskRemoved: Number.NaN };
  const r = { ...scored, fixes: [...scored.fixes.slice(0, 3), odd, ...scored.fixes.slice(3)] };

  it('the fixture has fixes to render, one of them with a number JSON cannot spell', () => {
    expect(r.fixes.length).toBeGreaterThan(20);
    expect([...fixesCsvChunks(r)].join('')).toContain(',NaN,');
  });

  it('the fixture reaches both paths: cells sent to the worker, and rows the main thread renders', () => {
    const kinds = r.assets.flatMap((a) => a.findings.map((s) => typeof findingExtras(a, s)));
    expect(kinds.filter((k) => k === 'string').length).toBe(2);
    expect(kinds.filter((k) => k === 'object').length).toBeGreaterThan(50);
  });

  it.each([
    ['default batches', {}],
    ['tiny batches (every batch boundary inside an asset)', { batchChars: 300 }],
    ['assets too big for the worker (their rows rendered in the main thread)', { maxAssetRows: 5, batchChars: 700 }],
  ])('writes the four files byte for byte as one thread does: %s', async (_, opts) => {
    const want = await written(oneThread(r), [SECRET]);
    const got = await written({ ...findingFiles(r, { guard: { secrets: [SECRET] }, ...opts }), 'z.txt': 'written after both' }, [SECRET]);
    expect(Object.keys(got)).toEqual([...FOUR, 'z.txt']);
    for (const name of ['findings.csv', 'fixes.csv']) {
      expect(want[name]!.toString()).toContain('***');
      expect(want[name]!.toString()).not.toContain(SECRET);
    }
    for (const name of FOUR) {
      expect(got[name]!.toString('utf8'), name).toBe(want[name]!.toString('utf8'));
      expect(got[name]!.equals(want[name]!), name).toBe(true);
    }
    expect(got['z.txt']!.toString()).toBe('written after both');
  });

  it('findings from the store, whose URLs it spells again on read, are written as one thread writes them', async () => {
    // Security Hub findings in a Region that needs escaping, in none (the URL from the ARN's, in
    // another partition), Dependabot alerts whose id is repo#number; beside them links that are not
    // derived. (The store keeps only those: collectors/read/compact.ts.)
    const derived = (source: string, nid: string, region: string | undefined) =>
      source === 'securityhub' ? consoleUrl(nid, region ?? arnField(nid, 3), arnField(nid, 1)) : `https://github.com/acme/app/security/dependabot/${nid.slice('acme/app#'.length)}`;
    const regions = ['eu-west-1', 'eu-"west\\1', undefined, 'eu-west-1'];
    const list = Array.from({ length: 90 }, (_, i) => {
      const t = NASTY[i % NASTY.length]!;
      if (i % 3 === 2) {
        const nativeId = `acme/app#${100 + i}`;
        return makeFinding({
          source: 'dependabot',
          nativeId,
          title: `${t} #${i}`,
          github: { repo: 'acme/app', scope: 'runtime' },
          url: derived('dependabot', nativeId, undefined),
        });
      }
      const region = regions[i % 4];
      const nativeId = `arn:${region === undefined ? 'aws-cn' : 'aws'}:inspector2:cn-north-1:111122223333:finding/${i}-a b/c`;
      const url = i % 5 === 0 ? `https://example.com/${i}?q="${t}"` : derived('securityhub', nativeId, region);
      return makeFinding({
        nativeId,
        title: `${t} #${i}`,
        aws: {
          accountId: '111122223333',
          ...(region === undefined ? {} : { region }),
          resources: [{ id: `arn:aws:ecs:eu-west-1:111122223333:service/x${i}`, type: 'AwsEcsService', tags: {} }],
        },
        url,
      });
    });
    const store = new FindingStore();
    for (const f of list) store.add(f);
    const compact = store.drain();
    expect(compact.map((f) => f.url)).toEqual(list.map((f) => f.url));
    const scored = scoreWith(compact, assets);
    const want = await written(oneThread(scored));
    const escaped = derived('securityhub', list[1]!.nativeId, 'eu-"west\\1');
    expect(want['snapshot-findings.ndjson']!.toString()).toContain(JSON.stringify(escaped));
    expect(want['snapshot-findings.ndjson']!.toString()).toContain('"https://console.amazonaws.cn/securityhub/home?region=cn-north-1#');
    for (const opts of [{}, { batchChars: 300 }]) {
      const got = await written(findingFiles(scored, { guard: {}, ...opts }));
      for (const name of FOUR) expect(got[name]!.toString('utf8'), name).toBe(want[name]!.toString('utf8'));
    }
  });

  it('writes an asset whose rows pass a MiB (the worker sends them on in pieces) as one thread does', async () => {
    const many = Array.from({ length: 2500 }, (_, i) =>
      makeFinding({
        nativeId: `big-${String(i).padStart(5, '0')}`,
        title: `${NASTY[i % NASTY.length]} ${'x'.repeat(400)} #${i}`,
        severity: (['critical', 'high', 'low'] as const)[i % 3]!,
      }),
    );
    const big = scoreWith(many, [makeAsset({ id: 'app', aws: { accounts: ['111122223333'] } })]);
    const want = await written(oneThread(big), [SECRET]);
    expect(want['findings.csv']!.length).toBeGreaterThan(1.5 * 2 ** 20);
    const got = await written({ ...findingFiles(big, { guard: { secrets: [SECRET] } }), 'z.txt': 'written after both' }, [SECRET]);
    for (const name of FOUR) expect(got[name]!.equals(want[name]!), name).toBe(true);
  });

  it('a run with no findings writes the headers alone', async () => {
    const empty = scoreWith([], assets);
    const got = await written(findingFiles(empty, { guard: {} }));
    expect(got['findings.csv']!.toString()).toBe(`${[...findingsCsvChunks(empty)].join('')}`);
    expect(got['fixes.csv']!.toString()).toBe(`${[...fixesCsvChunks(empty)].join('')}`);
    expect(got['fixes.csv']!.toString()).toMatch(/^rank,urgency,[^\n]*\n$/);
    expect(got['snapshot-findings.ndjson']!.length).toBe(0);
    expect(got['snapshot-fixes.ndjson']!.length).toBe(0);
  });

  it('when any of the files cannot be written, the others stop too: the run fails with that error and leaves nothing', async () => {
    for (const failing of FOUR) {
      const out = await mkdtemp(join(tmpdir(), 'secsli-finding-files-'));
      const files = findingFiles(r, { guard: {}, batchChars: 300 });
      const file = files[failing] as ParallelFile;
      const full = Object.assign(new Error(`disk full writing ${failing}`), { code: 'ENOSPC' });
      const broken: ParallelFile = { ...file, write: () => Promise.reject(full) };
      const e = await writeRun(out, asOf, { ...files, [failing]: broken }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(OutputError);
      expect((e as Error).message).toContain('ENOSPC');
      expect(await readdir(out)).toEqual([]);
    }
  });

  it("the worker's own write failing is an output error with the file system's code", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'secsli-finding-files-'));
    const files = findingFiles(r, { guard: {} });
    const csv = (files['findings.csv'] as ParallelFile).write(join(dir, 'no-such-folder', 'findings.csv'));
    const rest = FOUR.slice(1).map((n) => (files[n] as ParallelFile).write(join(dir, n)));
    await expect(csv).rejects.toMatchObject({ code: 'ENOENT' });
    for (const p of rest) await expect(p).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it.skipIf(!existsSync('/dev/full'))('a write that fails after the files are open (a full disk) is an output error with its code, and nothing hangs', async () => {
    // Big enough that buffers are written while the rows are still coming (not only at the end).
    const many = Array.from({ length: 3000 }, (_, i) => makeFinding({ nativeId: `full-${i}`, title: `${'y'.repeat(500)} #${i}` }));
    const big = scoreWith(many, [makeAsset({ id: 'app', aws: { accounts: ['111122223333'] } })]);
    for (const failing of ['findings.csv', 'snapshot-findings.ndjson']) {
      const dir = await mkdtemp(join(tmpdir(), 'secsli-finding-files-'));
      const files = findingFiles(big, { guard: {} });
      const writes = FOUR.map((n) => (files[n] as ParallelFile).write(n === failing ? '/dev/full' : join(dir, n)));
      for (const p of writes) await expect(p).rejects.toMatchObject({ code: 'ENOSPC' });
    }
  });

  it('a stop (SIGTERM) while the files are written ends the rendering and the worker at once: the run fails with it and leaves nothing', async () => {
    // 20,000 findings: hundreds of batches. The stop turns on when the renderer reaches the 200th;
    // before the fix it was asked only between files, so all four were written to the end first.
    const many = Array.from({ length: 20_000 }, (_, i) => makeFinding({ nativeId: `stop-${String(i).padStart(6, '0')}`, title: `finding ${'t'.repeat(200)} #${i}` }));
    const big = scoreWith(many, [makeAsset({ id: 'app', aws: { accounts: ['111122223333'] } })]);
    const rendered = (i: number, then: () => void) => {
      const f = big.assets[0]!.findings.find((s) => s.finding.nativeId === `stop-${String(i).padStart(6, '0')}`)!.finding;
      const title = f.title;
      Object.defineProperty(f, 'title', {
        get() {
          then();
          return title;
        },
      });
    };
    let stopNow = false;
    let reachedLast = false;
    rendered(200, () => (stopNow = true));
    rendered(19_999, () => (reachedLast = true));
    const out = await mkdtemp(join(tmpdir(), 'secsli-finding-files-'));
    const folder = await RunFolder.create(out, asOf);
    const signal = new Error('cancelled by SIGTERM');
    let asked = 0;
    const stop = () => {
      asked++;
      if (stopNow) throw signal;
    };
    const e = await folder.commit({ ...findingFiles(big, { guard: {} }), 'z.txt': 'written after' }, undefined, stop).catch((x: unknown) => x);
    expect(e).toBe(signal);
    expect(reachedLast).toBe(false);
    expect(asked).toBeGreaterThan(1);
    expect(await readdir(out)).toEqual([]);
  });

  it('a file without the partner it is rendered with is refused (it would wait for it forever)', async () => {
    const out = await mkdtemp(join(tmpdir(), 'secsli-finding-files-'));
    const { 'findings.csv': csv } = findingFiles(r, { guard: {} });
    await expect(writeRun(out, asOf, { 'findings.csv': csv! })).rejects.toThrow('findings.csv is written with snapshot-findings.ndjson, which is not in the run');
    expect(await readdir(out)).toEqual([]);
  });

  it('a renderer that throws (a bug) stops every file with its own error, not as an output error', async () => {
    const out = await mkdtemp(join(tmpdir(), 'secsli-finding-files-'));
    const broken = scoreWith(findings(), assets);
    const victim = broken.assets.find((a) => a.findings.length > 10)!.findings[7]!.finding;
    Object.defineProperty(victim, 'title', {
      get() {
        throw new TypeError('renderer bug');
      },
    });
    const e = await writeRun(out, asOf, findingFiles(broken, { guard: {}, batchChars: 300 })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TypeError);
    expect(e).not.toBeInstanceOf(OutputError);
    expect((e as Error).message).toBe('renderer bug');
    expect(await readdir(out)).toEqual([]);
  });
});

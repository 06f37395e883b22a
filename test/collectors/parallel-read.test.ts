/**
 * The parse workers (src/collectors/parallel) must read an NDJSON export exactly as the serial
 * reader and pipeline do: same findings (de-duplicated the same way), same rejects with the same
 * record and line numbers, same source status, same warnings and errors. Each case is scored both
 * ways through collectAndScore and compared whole; jobs of a few hundred bytes put job boundaries
 * inside every kind of line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileCollector } from '../../src/collectors/file.js';
import type { ParallelRead } from '../../src/collectors/parallel/options.js';
import type { Logger } from '../../src/log.js';
import type { Source } from '../../src/model/finding.js';
import { collectAndScore } from '../../src/pipeline.js';
import { tempFiles } from './helpers.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const CONFIG = join(ROOT, 'assets.yaml');
const AS_OF = new Date('2026-11-27T00:00:00Z');
const files = tempFiles('secsli-parallel-');

const shRecords = (JSON.parse(readFileSync(join(ROOT, 'examples/securityhub-findings.json'), 'utf8')) as { Findings: Record<string, any>[] }).Findings;
const dbRecords = JSON.parse(readFileSync(join(ROOT, 'examples/dependabot-alerts.json'), 'utf8')) as Record<string, any>[];
const lines = (records: unknown[]) => records.map((r) => JSON.stringify(r));

function recordingLogger() {
  const lines: string[] = [];
  const log: Logger = {
    debug: (m) => lines.push(`debug ${m}`),
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
    progress: () => {},
  };
  return { log, lines };
}

async function scoreWith(source: Source, path: string, parallel: ParallelRead | undefined, maxRecordChars?: number) {
  const { log, lines } = recordingLogger();
  const collector = createFileCollector(source, path, { ...(parallel ? { parallel } : {}), ...(maxRecordChars ? { maxRecordChars } : {}) });
  const { result } = await collectAndScore({ configPath: CONFIG, asOf: AS_OF, env: {}, log, collectors: [collector] });
  // The parallel reader says so at debug level; everything else must match.
  return { result, log: lines.filter((l) => !l.includes('parse worker')) };
}

/** Serial and parallel results of one file, with jobs of `jobBytes`. */
async function both(source: Source, content: string | Buffer, opts: { jobBytes?: number; workers?: number; maxRecordChars?: number; name?: string } = {}) {
  const path = files.write(opts.name ?? `${source}.ndjson`, content);
  const serial = await scoreWith(source, path, undefined, opts.maxRecordChars);
  const parallel = await scoreWith(source, path, { workers: opts.workers ?? 2, minBytes: 0, jobBytes: opts.jobBytes ?? 300 }, opts.maxRecordChars);
  return { serial, parallel };
}

function expectSame(r: Awaited<ReturnType<typeof both>>) {
  expect(r.parallel.result).toEqual(r.serial.result);
  expect(r.parallel.log).toEqual(r.serial.log);
  // In the same order too (the store keeps first-seen order; reports sort, but nothing may depend on luck).
  expect(JSON.stringify(r.parallel.result)).toBe(JSON.stringify(r.serial.result));
}

describe('parse workers read NDJSON as the serial reader does', () => {
  it('the example exports, cut into jobs of many sizes, 1 to 3 workers', async () => {
    for (const [source, records] of [
      ['securityhub', shRecords],
      ['dependabot', dbRecords],
    ] as const) {
      const path = files.write(`${source}.ndjson`, `${lines(records).join('\n')}\n`);
      const serial = await scoreWith(source, path, undefined);
      expect(serial.result.totalFindings).toBeGreaterThan(100);
      // A job per line, jobs cutting most lines, a job per file.
      for (const [jobBytes, workers] of [
        [1, 3],
        [700, 1],
        [5000, 2],
        [1 << 20, 2],
      ] as const) {
        const parallel = await scoreWith(source, path, { workers, minBytes: 0, jobBytes });
        expectSame({ serial, parallel });
      }
    }
  });

  it('a finding repeated across jobs: the newest copy wins, ties decided by content', async () => {
    const base = shRecords.slice(0, 40);
    const newer = base.map((r, i) => ({ ...r, UpdatedAt: i % 2 ? '2030-01-01T00:00:00.000Z' : r.UpdatedAt, Title: `${r.Title} (again ${i})` }));
    const older = base.map((r) => ({ ...r, UpdatedAt: '2001-01-01T00:00:00.000Z', Title: 'old' }));
    expectSame(await both('securityhub', [...lines(newer), ...lines(base), ...lines(older), ...lines(newer)].join('\n') + '\n', { jobBytes: 2000 }));
  });

  it('values that only look alike stay apart (a package named "a\\u0000b" is not the packages a and b)', async () => {
    const base = shRecords.filter((f) => f.Vulnerabilities?.[0]?.VulnerablePackages?.length).slice(0, 2) as [Record<string, any>, Record<string, any>];
    const pkg = (names: string[]) => names.map((Name) => ({ ...base[0].Vulnerabilities[0].VulnerablePackages[0], Name }));
    const one = { ...base[0], Id: `${base[0].Id}-one`, Vulnerabilities: [{ ...base[0].Vulnerabilities[0], VulnerablePackages: pkg(['a', 'b']) }] };
    const two = { ...base[1], Id: `${base[1].Id}-two`, Vulnerabilities: [{ ...base[1].Vulnerabilities[0], VulnerablePackages: pkg(['a\u0000b']) }] };
    const r = await both('securityhub', `${lines([one, two, one, two]).join('\n')}\n`, { jobBytes: 1 << 20, workers: 1 });
    expectSame(r);
    const packages = JSON.stringify(r.parallel.result);
    expect(packages).toContain('"packages":["a","b"]');
    expect(packages).toContain('"packages":["a\\u0000b"]');
  });

  it('values filed under one key stay apart: one resource with other tags or without its Region, one CVSS vector with other scores, past eight of a key', async () => {
    const base = shRecords.find((f) => f.Vulnerabilities?.[0]?.Cvss?.length && f.Resources?.[0]?.Tags) as Record<string, any>;
    const resource = base.Resources[0];
    const cvss = base.Vulnerabilities[0].Cvss[0];
    const variant = (i: number) => {
      const tags = i % 3 === 0 ? { Team: 'data', Service: 'airflow' } : i % 3 === 1 ? { Service: 'airflow', Team: 'data' } : { Service: 'airflow', Team: `t${i}` };
      const { Region: _, ...noRegion } = resource;
      return {
        ...base,
        Id: `${base.Id}-v${i}`,
        Resources: [{ ...(i % 4 === 3 ? noRegion : resource), Tags: tags }],
        Vulnerabilities: [{ ...base.Vulnerabilities[0], Cvss: [{ ...cvss, BaseScore: 5 + (i % 12) / 4 }] }],
      };
    };
    const records = Array.from({ length: 30 }, (_, i) => variant(i));
    // Each value again after its key has filled up, so a reused id would show.
    const r = await both('securityhub', `${lines([...records, ...records.slice().reverse()]).join('\n')}\n`, { jobBytes: 1 << 20, workers: 1 });
    expectSame(r);
    const text = JSON.stringify(r.parallel.result);
    // The variants reached the result (the reader puts tags in one order: the first two are one value).
    expect(text).toContain('"type":"AwsEc2Instance","tags":{"Service":"airflow","Team":"t11"}');
    expect(text).toContain('"type":"AwsEc2Instance","region":"ap-northeast-1","tags":{"Service":"airflow","Team":"t29"}');
    expect(text).toContain('"type":"AwsEc2Instance","region":"ap-northeast-1","tags":{"Service":"airflow","Team":"data"}');
    expect(text).toContain('"type":"AwsEc2Instance","tags":{"Service":"airflow","Team":"data"}');
    for (let i = 0; i < 12; i++) expect(text).toContain(`"cvss":{"score":${5 + i / 4},`);
  });
  it('bad lines, blank lines, CRLF, a BOM, arrays on a line, records the normalizer rejects', async () => {
    const good = lines(shRecords.slice(0, 30));
    const content = [
      '\ufeff' + good[0],
      '',
      '   ',
      good[1] + '\r',
      '{"Id": oops',
      `[${good[2]},${good[3]}]`,
      JSON.stringify({ ...shRecords[4], Severity: 'loud' }),
      JSON.stringify({ Id: 'x' }),
      '[]',
      '42',
      'null',
      ...good.slice(5),
      '{"truncated":',
      ...good.slice(10, 12),
    ].join('\n');
    const r = await both('securityhub', content + '\n', { jobBytes: 500 });
    expectSame(r);
    expect(r.serial.result.rejected.length).toBeGreaterThanOrEqual(5);
  });

  it('a cut last line is fatal and named; a complete last line without a newline is a record', async () => {
    const good = lines(dbRecords.slice(0, 20));
    const cut = await both('dependabot', [...good, good[0]!.slice(0, 50)].join('\n'), { jobBytes: 400 });
    expectSame(cut);
    expect(cut.serial.result.sources[0]?.complete).toBe(false);
    expectSame(await both('dependabot', good.join('\n'), { jobBytes: 400 }));
  });

  it('text beyond ASCII in some jobs and not in others (jobs of pure ASCII are read as Latin-1)', async () => {
    const title = 'Überprüfung — ✓ 日本語 🚀';
    const records = shRecords.slice(0, 40).map((r, i) => (i % 7 === 3 ? { ...r, Title: `${title} ${i}` } : r));
    const r = await both('securityhub', `${lines(records).join('\n')}\n`, { jobBytes: 1500 });
    expectSame(r);
    expect(JSON.stringify(r.parallel.result)).toContain(`${title} 3`);
  });

  it('invalid UTF-8 is one note with the first offset and the count', async () => {
    const good = lines(dbRecords.slice(0, 12)).join('\n') + '\n';
    const bytes = Buffer.from(good);
    const at = [bytes.indexOf('"title"') + 9, bytes.lastIndexOf('"title"') + 9];
    for (const i of at) bytes[i] = 0xff;
    const r = await both('dependabot', bytes, { jobBytes: 300 });
    expectSame(r);
    expect(r.serial.log.some((l) => l.startsWith('warn') && l.includes('invalid UTF-8 at byte'))).toBe(true);
  });

  it('lines decoded one by one read as the whole range does: a UTF-8 sequence cut by a line end, a BOM before text beyond ASCII', async () => {
    const good = lines(dbRecords.slice(0, 12));
    // A three-byte character missing its last byte just before a newline, and a lead byte alone on its line.
    const cut = Buffer.concat([Buffer.from(`\ufeff${good[0]}\n${good[1]!.replace('"summary":"', '"summary":"✓ ')}\n${good[2]}`), Buffer.from([0xe2, 0x9c, 0x0a, 0xc3, 0x0a])]);
    const body = Buffer.from(`${good.slice(3).join('\n')}\n`);
    const r = await both('dependabot', Buffer.concat([cut, body]), { jobBytes: 700 });
    expectSame(r);
    expect(JSON.stringify(r.parallel.result)).toContain('✓ ');
    expect(r.serial.log.some((l) => l.includes('invalid UTF-8 at byte'))).toBe(true);
  });

  it('over-long lines are rejected with their record and line', async () => {
    const good = lines(dbRecords.slice(0, 10));
    const r = await both('dependabot', good.join('\n') + '\n', { jobBytes: 300, maxRecordChars: 3000 });
    expectSame(r);
  });

  it('a line of more bytes than three per allowed character is too large without being decoded; one of many-byte characters under the limit is read', async () => {
    const alert = JSON.stringify(dbRecords[0]);
    const max = 4 * alert.length;
    // 3 bytes per character (U+20AC): max / 2 characters in 1.5 × max bytes, over max in bytes, under it in characters.
    const euros = '€'.repeat(max / 2);
    const wide = JSON.stringify({ ...dbRecords[1], security_advisory: { ...dbRecords[1]!.security_advisory, summary: euros } });
    const huge = JSON.stringify({ ...dbRecords[2], note: 'x'.repeat(3 * max + 10) });
    const r = await both('dependabot', [alert, wide, huge, alert].join('\n') + '\n', { jobBytes: 300, maxRecordChars: max });
    expectSame(r);
    expect(r.parallel.result.rejected.map((x) => [x.record, x.line, x.reason])).toEqual([[3, 3, 'record 3 (line 3) is too large to read']]);
    expect(Buffer.byteLength(wide)).toBeGreaterThan(max);
    const titles = [...r.parallel.result.assets.flatMap((a) => a.findings.map((f) => f.finding.title)), ...r.parallel.result.unmapped.map((f) => f.title)];
    expect(titles).toContain(euros);
  });

  it('a file of other records is refused (under and over the sniff limit); an empty file is incomplete', async () => {
    const other = (n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ hello: i, world: 'x' })).join('\n') + '\n';
    const few = await both('dependabot', other(20), { jobBytes: 200 });
    expectSame(few);
    expect(few.serial.log.some((l) => l.includes('expected Dependabot alerts'))).toBe(true);
    expectSame(await both('dependabot', other(1500), { jobBytes: 4000 }));
    const late = other(1200) + lines(dbRecords.slice(0, 3)).join('\n') + '\n';
    expectSame(await both('dependabot', late, { jobBytes: 3000 }));
    expectSame(await both('dependabot', '', { name: 'empty.ndjson' }));
    expectSame(await both('dependabot', '\n  \n\n', { name: 'blank.ndjson' }));
  });
});

describe('parse workers when the file goes away mid-read', () => {
  it('the source is incomplete, with what was read kept and the failure named', async () => {
    const { unlinkSync } = await import('node:fs');
    const path = files.write('vanishing.ndjson', `${lines([...dbRecords, ...dbRecords]).join('\n')}\n`);
    const { log, lines: logged } = recordingLogger();
    const collector = createFileCollector('dependabot', path, { parallel: { workers: 1, minBytes: 0, jobBytes: 300 } });
    let batches = 0;
    const rejected: unknown[] = [];
    const status = await collector.collect(
      {
        record: () => {
          throw new Error('the parallel path sends batches, not records');
        },
        reject: (r) => rejected.push(r),
        batch: () => {
          if (batches++ === 0) unlinkSync(path);
        },
      },
      log,
    );
    expect(batches).toBeGreaterThan(0);
    expect(status.complete).toBe(false);
    expect(status.problems).toHaveLength(1);
    expect(status.problems[0]).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: read failed after \\d+ record\\(s\\): .*ENOENT`));
    expect(status.records).toBeGreaterThan(0);
    expect(logged.some((l) => l.startsWith('error') && l.includes('read failed'))).toBe(true);
  });
});

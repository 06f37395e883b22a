import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FILE_EXPECTATIONS } from '../../src/collectors/read/expect.js';
import type { JsonShape } from '../../src/collectors/read/records.js';
import { endOf, errorsOf, fixturePath, loadFixture, readAll, recordsOf, tempFiles, variant } from './helpers.js';

const files = tempFiles();
const control = loadFixture<Record<string, unknown>>('securityhub/asff-sample-control-finding-fsbp.aws-docs.json');
const config = loadFixture<Record<string, unknown>>('securityhub/asff-typical-config-finding.aws-docs.json');
const alerts = loadFixture<Record<string, unknown>[]>('dependabot/example-dependabot-alerts-for-repository.json');
const [a1, a2] = alerts as [Record<string, unknown>, Record<string, unknown>];
const SH = { expect: FILE_EXPECTATIONS.securityhub };
const DB = { expect: FILE_EXPECTATIONS.dependabot };

const lines = (v: unknown) => JSON.stringify(v, null, 2).split('\n').length;
const compact = (v: unknown) => JSON.stringify(v);

describe('readJsonRecords: file shapes', () => {
  it.each<[string, string, JsonShape, unknown[], number[]]>([
    ['a pretty JSON array', JSON.stringify([a1, a2], null, 2), 'array', [a1, a2], [2, 2 + lines(a1)]],
    ['a compact JSON array', compact([a1, a2]), 'array', [a1, a2], [1, 1]],
    ['arrays back to back (gh api --paginate)', `${compact([a1])}${compact([a2, a1])}`, 'arrays', [a1, a2, a1], [1, 1, 1]],
    ['arrays on separate lines', `${JSON.stringify([a1], null, 2)}\n${JSON.stringify([a2], null, 2)}\n`, 'arrays', [a1, a2], [2, 4 + lines(a1)]],
    ['pages slurped into one array (--slurp)', compact([[a1], [a2]]), 'pages', [a1, a2], [1, 1]],
    ['NDJSON', `${compact(a1)}\n${compact(a2)}\n\n${compact(a1)}\n`, 'ndjson', [a1, a2, a1], [1, 2, 4]],
    ['NDJSON with CRLF and no final newline', `${compact(a1)}\r\n${compact(a2)}`, 'ndjson', [a1, a2], [1, 2]],
    ['a single pretty object', JSON.stringify(a1, null, 2), 'object', [a1], [1]],
    ['a single compact object', compact(a1), 'object', [a1], [1]],
    ['pretty objects back to back (jq .[])', `${JSON.stringify(a1, null, 2)}\n${JSON.stringify(a2, null, 2)}`, 'objects', [a1, a2], [1, 1 + lines(a1)]],
    ['BOM and blank lines first', `\uFEFF\n\n  ${compact([a1, a2])}\n`, 'array', [a1, a2], [3, 3]],
    ['an empty array', '[]', 'array', [], []],
  ])('%s', async (_name, text, shape, values, recordLines) => {
    const evs = await readAll(files.write('shape.json', text));
    expect(errorsOf(evs)).toEqual([]);
    expect(recordsOf(evs).map((e) => e.value)).toEqual(values);
    expect(recordsOf(evs).map((e) => e.record)).toEqual(values.map((_, i) => i + 1));
    expect(recordsOf(evs).map((e) => e.line)).toEqual(recordLines);
    expect(endOf(evs)).toEqual({ kind: 'end', shape, records: values.length });
  });

  it('reads a {"Findings":[…]} wrapper and ignores NextToken beside it', async () => {
    const text = JSON.stringify({ NextToken: 'abc[]{}', Findings: [control, config], Extra: { Findings: 1 } }, null, 2);
    const evs = await readAll(files.write('wrapper.json', text), SH);
    expect(recordsOf(evs).map((e) => e.value)).toEqual([control, config]);
    expect(recordsOf(evs)[0]?.line).toBe(4);
    expect(endOf(evs).shape).toBe('wrapper');
  });

  it('reads the placebo/botocore recording {"status_code":200,"data":{"Findings":[…]}}', async () => {
    const evs = await readAll(fixturePath('securityhub/getfindings-response-inspector-ecr.cloud-custodian-placebo.json'), SH);
    expect(errorsOf(evs)).toEqual([]);
    expect(recordsOf(evs)).toHaveLength(1);
    expect((recordsOf(evs)[0]!.value as { Id: string }).Id).toBe('arn:aws:inspector2:us-east-1:644160558196:finding/3371dd4acbb7041a1feb7a7f82c1d20e');
    expect(recordsOf(evs)[0]?.line).toBe(6);
    expect(endOf(evs).shape).toBe('wrapper');
  });

  it('reads several wrappers back to back (pages saved one after another)', async () => {
    const text = `${compact({ Findings: [control], NextToken: 't' })}\n${compact({ Findings: [config] })}`;
    const evs = await readAll(files.write('wrappers.json', text), SH);
    expect(recordsOf(evs).map((e) => e.value)).toEqual([control, config]);
  });

  it('reads a single-object fixture file (one alert)', async () => {
    const evs = await readAll(fixturePath('dependabot/example-dependabot-alert-open.json'), DB);
    expect(recordsOf(evs)).toHaveLength(1);
    expect(endOf(evs)).toEqual({ kind: 'end', shape: 'object', records: 1 });
  });

  it('treats .ndjson files as NDJSON from the first line, even when that line is bad', async () => {
    const evs = await readAll(files.write('x.ndjson', `{"number": 1,\n${compact(a1)}\n`), DB);
    expect(recordsOf(evs).map((e) => [e.record, e.line])).toEqual([[2, 2]]);
    expect(errorsOf(evs)).toMatchObject([{ record: 1, line: 1, fatal: false }]);
  });
});

describe('readJsonRecords: empty files', () => {
  it.each([
    ['a zero-byte file', ''],
    ['whitespace only', ' \n\t\r\n'],
    ['a BOM only', '\uFEFF'],
  ])('%s → zero records, and the file is incomplete: nothing was measured', async (_name, text) => {
    const path = files.write('empty.json', text);
    const evs = await readAll(path, SH);
    expect(errorsOf(evs)).toEqual([]);
    expect(evs).toEqual([
      { kind: 'incomplete', message: `${path} is empty (no JSON at all): nothing was measured; a failed export leaves such a file` },
      { kind: 'end', shape: 'empty', records: 0 },
    ]);
  });

  it.each([
    ['a token after the findings', '{"Findings":[{"Id":"a"}],\n"NextToken":"eyJ0b2tlbiI6IDF9"}', true],
    ['a token before the findings', '{"NextToken": "abc", "Findings":[{"Id":"a"}]}', true],
    ['placebo data wrapper', '{"data":{"Findings":[{"Id":"a"}],"NextToken":"x"}}', true],
    ['a null token', '{"Findings":[{"Id":"a"}],"NextToken":null}', false],
    ['an empty token', '{"Findings":[{"Id":"a"}],"NextToken":""}', false],
    ['no token', '{"Findings":[{"Id":"a"}]}', false],
  ])('NextToken: %s → incomplete %s, every record still read', async (_name, text, incomplete) => {
    const path = files.write('page.json', text);
    const evs = await readAll(path, SH);
    expect(evs.filter((e) => e.kind === 'record')).toHaveLength(1);
    expect(evs.some((e) => e.kind === 'incomplete' && e.message.includes('NextToken'))).toBe(incomplete);
  });
});

describe('readJsonRecords: damaged files', () => {
  it('keeps the records before a truncation and reports where it was cut', async () => {
    const full = JSON.stringify([a1, a2, a1], null, 2);
    const third = 2 + lines(a1) + lines(a2); // line where record 3 starts
    const cut = full.slice(0, full.lastIndexOf('"security_advisory"'));
    const path = files.write('truncated.json', cut);
    const evs = await readAll(path, DB);
    expect(recordsOf(evs).map((e) => e.value)).toEqual([a1, a2]);
    const [err] = errorsOf(evs);
    expect(err).toMatchObject({ fatal: true, record: 3, line: third });
    expect(err?.message).toContain(`${path}: the file ends inside record 3 (starting at line ${third})`);
    expect(err?.message).toMatch(/looks truncated at line \d+; 2 record\(s\) before it were read/);
  });

  it('reports a truncation between records (the array is never closed)', async () => {
    const path = files.write('unclosed.json', `[\n${compact(a1)},\n`);
    const evs = await readAll(path, DB);
    expect(recordsOf(evs)).toHaveLength(1);
    expect(errorsOf(evs)).toEqual([
      {
        kind: 'error',
        fatal: true,
        line: 3,
        message: `${path}: the file ends before the JSON value opened at line 1 is closed; it looks truncated at line 3; 1 record(s) before it were read`,
      },
    ]);
  });

  it('rejects a bad NDJSON line in the middle and reads the rest', async () => {
    const text = [compact(a1), compact(a2), '{"number": 3, "state": ', 'not json at all', compact(a1)].join('\n') + '\n';
    const evs = await readAll(files.write('bad-line.ndjson.json', text), DB);
    expect(recordsOf(evs).map((e) => [e.record, e.line])).toEqual([
      [1, 1],
      [2, 2],
      [5, 5],
    ]);
    const errs = errorsOf(evs);
    expect(errs.map((e) => [e.record, e.line, e.fatal])).toEqual([
      [3, 3, false],
      [4, 4, false],
    ]);
    expect(errs[0]?.message).toMatch(/^line 3 is not valid JSON: /);
    expect(endOf(evs).shape).toBe('ndjson');
  });

  it('reports a cut last NDJSON line as truncation', async () => {
    const path = files.write('cut.ndjson', `${compact(a1)}\n${compact(a2).slice(0, 100)}`);
    const evs = await readAll(path, DB);
    expect(recordsOf(evs)).toHaveLength(1);
    expect(errorsOf(evs)).toMatchObject([{ fatal: true, record: 2, line: 2, message: `${path}: the last line 2 is not complete JSON; the file looks truncated` }]);
  });

  it('rejects one malformed record inside an array and keeps its neighbours', async () => {
    const evs = await readAll(files.write('bad-record.json', `[\n${compact(a1)},\n{"number": 2, "state": },\n${compact(a2)}\n]`), DB);
    expect(recordsOf(evs).map((e) => [e.record, e.line])).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(errorsOf(evs)).toMatchObject([{ record: 2, line: 3, fatal: false, message: expect.stringMatching(/^record 2 \(line 3\) is not valid JSON/) }]);
  });

  it('stops at text after the JSON and says so', async () => {
    const path = files.write('trailing.json', `${compact([a1])}\n<!-- done -->\n`);
    const evs = await readAll(path, DB);
    expect(recordsOf(evs)).toHaveLength(1);
    expect(errorsOf(evs)).toMatchObject([
      { fatal: true, line: 2, message: `${path}: unexpected text "<!-- done -->" at line 2 after the JSON before it; the rest of the file was not read` },
    ]);
  });

  it('reports a record larger than the limit without buffering it', async () => {
    const evs = await readAll(files.write('big.json', compact([{ number: 1 }, { huge: 'x'.repeat(5000) }, { number: 3 }])), { maxRecordChars: 4000, chunkSize: 512 });
    expect(recordsOf(evs).map((e) => e.record)).toEqual([1, 3]);
    expect(errorsOf(evs)).toMatchObject([{ record: 2, fatal: false, message: 'record 2 (line 1) is too large to read' }]);
  });
});

describe('readJsonRecords: files of the wrong kind', () => {
  it.each([
    ['YAML', 'Findings:\n  - Id: abc\n', 'what looks like YAML "Findings:" at line 1'],
    ['HTML', '\n<!DOCTYPE html>\n<html><body>Sign in</body></html>', 'what looks like HTML or XML "<!DOCTYPE html>" at line 2'],
    ['plain text', 'rate limit exceeded', 'text "rate limit exceeded" at line 1'],
  ])('refuses %s, naming the file and what was expected', async (_name, text, found) => {
    const path = files.write('notjson.json', text);
    const evs = await readAll(path, SH);
    expect(recordsOf(evs)).toEqual([]);
    expect(errorsOf(evs)).toEqual([
      { kind: 'error', fatal: true, line: expect.any(Number), message: `${path}: not JSON: expected ${FILE_EXPECTATIONS.securityhub.what}; found ${found}` },
    ]);
  });

  it('refuses a Security Hub wrapper given as Dependabot alerts', async () => {
    const path = files.write('sh-as-db.json', JSON.stringify({ Findings: [control, config], NextToken: 'x' }, null, 2));
    const evs = await readAll(path, DB);
    expect(recordsOf(evs)).toEqual([]);
    expect(errorsOf(evs)).toEqual([
      {
        kind: 'error',
        fatal: true,
        message: `${path}: expected Dependabot alerts (a JSON array of alerts, \`gh api --paginate\` output or NDJSON); found an object with keys Findings, NextToken`,
      },
    ]);
  });

  it('refuses Dependabot alerts given as Security Hub findings', async () => {
    const path = files.write('db-as-sh.json', compact(alerts));
    const evs = await readAll(path, SH);
    expect(recordsOf(evs)).toEqual([]);
    expect(errorsOf(evs)).toHaveLength(1);
    expect(errorsOf(evs)[0]?.message).toBe(
      `${path}: expected ${FILE_EXPECTATIONS.securityhub.what}; found an array of objects with keys number, state, dependency, security_advisory, security_vulnerability, url, html_url, created_at, …`,
    );
  });

  it.each([
    ['a bare JSON value', 'null\n', 'expected Dependabot alerts (a JSON array of alerts, `gh api --paginate` output or NDJSON); found a bare JSON value "null" at line 1'],
    ['an array of strings', '["a","b"]', 'found an array of strings'],
    ['one unrelated object', '{"message":"Bad credentials","documentation_url":"https://docs.github.com"}', 'found an object with keys message, documentation_url'],
    ['NDJSON of unrelated objects', '{"a":1}\n{"b":2}\n', 'found NDJSON lines, the first being an object with keys a'],
  ])('refuses %s', async (_name, text, found) => {
    const evs = await readAll(files.write('unrelated.json', text), DB);
    expect(recordsOf(evs)).toEqual([]);
    expect(errorsOf(evs)[0]?.message).toContain(found);
  });

  it('accepts GetFindingsV2 (OCSF) findings as Security Hub records', async () => {
    const evs = await readAll(files.write('ocsf.json', JSON.stringify({ Findings: [{ class_uid: 2003, finding_info: { uid: 'x' } }] })), SH);
    expect(errorsOf(evs)).toEqual([]);
    expect(recordsOf(evs)).toHaveLength(1);
  });

  it('accepts a file whose first records are bad as long as one soon looks right', async () => {
    const evs = await readAll(files.write('mixed.json', compact([{ junk: 1 }, 'text', a1])), DB);
    expect(errorsOf(evs)).toEqual([]);
    expect(recordsOf(evs).map((e) => e.record)).toEqual([1, 2, 3]);
  });
});

describe('readJsonRecords: size', () => {
  it('keeps a 1 MB title intact across chunk boundaries', async () => {
    const title = 'CVE-2024-0001 ' + '"quoted" \\ ] } [ { \n\u00e9\u{1F600}'.repeat(50_000);
    expect(title.length).toBeGreaterThan(1_000_000);
    const big = variant(control, (r) => (r.Title = title));
    const evs = await readAll(files.write('title.json', JSON.stringify({ Findings: [control, big, config] })), { ...SH, chunkSize: 64 * 1024 });
    expect(errorsOf(evs)).toEqual([]);
    expect(recordsOf(evs).map((e) => (e.value as { Title: string }).Title)).toEqual([control.Title, title, config.Title]);
  });

  it('streams 50 000 records from a generated file', async () => {
    const path = join(files.dir, 'big.json');
    const out = createWriteStream(path);
    out.write('[\n');
    for (let i = 1; i <= 50_000; i++) {
      const rec = {
        number: i,
        state: 'open',
        html_url: `https://github.com/acme/r${i % 97}/security/dependabot/${i}`,
        security_advisory: { ghsa_id: `GHSA-${i}`, severity: 'high', summary: `advisory "${i}" [x] {y}` },
      };
      if (!out.write(`${i > 1 ? ',\n' : ''}${JSON.stringify(rec)}`)) await once(out, 'drain');
    }
    out.end('\n]\n');
    await once(out, 'finish');

    let count = 0;
    let lastNumber = 0;
    let linesOk = true;
    const { readJsonRecords } = await import('../../src/collectors/read/records.js');
    for await (const ev of readJsonRecords(path, DB)) {
      if (ev.kind === 'error') throw new Error(ev.message);
      if (ev.kind !== 'record') continue;
      count++;
      const n = (ev.value as { number: number }).number;
      if (n !== lastNumber + 1 || ev.record !== n || ev.line !== n + 1) linesOk = false;
      lastNumber = n;
    }
    expect(count).toBe(50_000);
    expect(linesOk).toBe(true);
  });
});

import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createFileCollector, InputFileError } from '../../src/collectors/file.js';
import { normalizeRecord } from '../../src/sources/index.js';
import { EXIT } from '../../src/errors.js';
import type { Logger } from '../../src/log.js';
import { fixturePath, loadFixture, memorySink, tempFiles, variant } from './helpers.js';

const files = tempFiles();
const alerts = loadFixture<Record<string, unknown>[]>('dependabot/example-dependabot-alerts-for-repository.json');
const control = loadFixture<Record<string, any>>('securityhub/asff-sample-control-finding-fsbp.aws-docs.json');

function recordingLogger() {
  const lines: string[] = [];
  const log: Logger = {
    debug: () => {},
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
    progress: () => {},
  };
  return { log, lines };
}

describe('createFileCollector', () => {
  it('pushes every record of a readable file with its origin, and covers the accounts its findings name', async () => {
    const path = fixturePath('securityhub/getfindings-response-inspector-ecr.cloud-custodian-placebo.json');
    const collector = createFileCollector('securityhub', path);
    expect(collector).toMatchObject({ source: 'securityhub', describe: `file ${path}` });
    const { sink, records, rejects } = memorySink();
    const status = await collector.collect(sink, recordingLogger().log);
    expect(status).toEqual({
      source: 'securityhub',
      origins: [path],
      complete: true,
      problems: [],
      coverage: [{ source: 'securityhub', scope: { account: '644160558196' }, status: 'covered' }],
      records: 1,
    });
    expect(records[0]?.where).toEqual({ origin: path, record: 1, line: 6 });
    expect(rejects).toEqual([]);
  });

  it.each([
    ['pretty-printed objects back to back (jq . output)', (xs: unknown[]) => xs.map((x) => JSON.stringify(x, null, 2)).join('\n') + '\n'],
    ['objects back to back on one line', (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).join('')],
    ['CR line ends', (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).join('\r') + '\r'],
  ])('a .ndjson file that is not one value per line — %s — is read whole, with a warning', async (_name, write) => {
    const path = files.write(`shape-${_name.length}.ndjson`, write([control, variant(control, (r) => (r.Id = `${r.Id}-2`))]));
    const { sink, records, rejects } = memorySink();
    const { log, lines } = recordingLogger();
    const status = await createFileCollector('securityhub', path).collect(sink, log);
    expect([status.complete, records.length, rejects]).toEqual([true, 2, []]);
    expect(lines).toContain(`warn ${path}: not one JSON value per line (NDJSON): read as a stream of JSON values`);
  });

  it("a broken first line of real NDJSON is still that line's rejection: the lines after it are read", async () => {
    const path = files.write('first-bad.ndjson', ['{"Id": "cut', JSON.stringify(control), JSON.stringify(variant(control, (r) => (r.Id = `${r.Id}-2`)))].join('\n') + '\n');
    const { sink, records, rejects } = memorySink();
    const { log, lines } = recordingLogger();
    await createFileCollector('securityhub', path).collect(sink, log);
    expect([records.length, rejects.map((r) => r.line)]).toEqual([2, [1]]);
    expect(lines.join('\n')).not.toMatch(/stream of JSON values/);
  });

  it('rejects a bad NDJSON line and stays complete', async () => {
    const path = files.write('alerts.ndjson', [JSON.stringify(alerts[0]), '{oops', JSON.stringify(alerts[1])].join('\n') + '\n');
    const { sink, records, rejects } = memorySink();
    const status = await createFileCollector('dependabot', path).collect(sink, recordingLogger().log);
    expect(status).toMatchObject({ complete: true, records: 2, problems: [] });
    expect(records.map((r) => r.where)).toEqual([
      { origin: path, record: 1, line: 1 },
      { origin: path, record: 3, line: 3 },
    ]);
    expect(rejects).toEqual([{ origin: path, record: 2, line: 2, reason: expect.stringMatching(/^line 2 is not valid JSON/) }]);
  });

  it('keeps what came before a truncation, rejects the cut record and reports a gap', async () => {
    const text = JSON.stringify(alerts, null, 2);
    const path = files.write('cut.json', text.slice(0, text.length - 200));
    const { sink, records, rejects } = memorySink();
    const { log, lines } = recordingLogger();
    const status = await createFileCollector('dependabot', path).collect(sink, log);
    expect(records).toHaveLength(1);
    expect(rejects).toMatchObject([{ origin: path, record: 2, reason: expect.stringContaining('truncated') }]);
    expect(status.complete).toBe(false);
    expect(status.problems).toHaveLength(1);
    expect(status.problems[0]).toContain(`${path}: the file ends inside record 2`);
    expect(status.coverage).toEqual([{ source: 'dependabot', scope: {}, status: 'gap', reason: status.problems[0] }]);
    expect(lines).toEqual([`error ${status.problems[0]}`]);
  });

  it.each([
    ['not JSON', 'sh.yaml', 'Findings:\n  - Id: x\n', 'not JSON'],
    ['the wrong source', 'sh.json', JSON.stringify({ Findings: [control], NextToken: null }), 'found an object with keys Findings, NextToken'],
  ])('never throws for %s: incomplete, with the reason', async (_name, name, text, reason) => {
    const path = files.write(name, text);
    const { sink, records } = memorySink();
    const status = await createFileCollector('dependabot', path).collect(sink, recordingLogger().log);
    expect(records).toEqual([]);
    expect(status).toMatchObject({ complete: false, records: 0, coverage: [{ status: 'gap' }] });
    expect(status.problems[0]).toContain(reason);
  });

  // Zero records because nobody looked is not zero risk: none of these may read as covered.
  it.each([
    ['securityhub', 'a zero-byte file', '', 'is empty'],
    ['securityhub', 'whitespace only', '  \n\n ', 'is empty'],
    ['dependabot', 'a zero-byte file', '', 'is empty'],
    ['securityhub', 'a page with a NextToken', '{"Findings":[],"NextToken":"eyJ9"}', 'more pages exist'],
    ['dependabot', 'an empty array', '[]', 'holds no alerts'],
    ['dependabot', 'empty pages back to back', '[]\n[]\n', 'holds no alerts'],
  ] as const)('%s: %s is a coverage gap, not full coverage', async (source, _name, text, reason) => {
    const path = files.write('export.json', text);
    const { log, lines } = recordingLogger();
    const status = await createFileCollector(source, path).collect(memorySink().sink, log);
    expect(status).toMatchObject({ complete: false, records: 0, coverage: [{ status: 'gap' }] });
    expect(status.problems.join('; ')).toContain(reason);
    expect(lines.join('\n')).toContain(reason);
  });

  it('an empty Security Hub export ({"Findings":[]}) vouches for no account: Security Hub lists every account it checks, so none is a failed or over-filtered export', async () => {
    const path = files.write('none.json', '{"Findings":[]}');
    const status = await createFileCollector('securityhub', path).collect(memorySink().sink, recordingLogger().log);
    expect(status).toMatchObject({ complete: false, records: 0, problems: [`${path} holds no findings: it does not show that any AWS account was looked at`] });
  });

  it.each([
    ['a missing file', () => `${files.dir}/nope.json`, 'ENOENT', 'no such file'],
    ['a folder', () => files.dir, 'EISDIR', 'not a file'],
  ])('throws a usage error for %s', async (_name, where, code, what) => {
    const path = where();
    const err = await createFileCollector('securityhub', path)
      .collect(memorySink().sink, recordingLogger().log)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputFileError);
    expect(err).toMatchObject({ code, path, message: `${path}: ${what}`, exitCode: EXIT.USAGE });
  });

  it('a pipe (`--from securityhub=/dev/stdin` fed by `cat`) is refused as what it is, with what to do', async () => {
    const fifo = `${files.dir}/pipe`;
    execFileSync('mkfifo', [fifo]);
    const err = await createFileCollector('securityhub', fifo)
      .collect(memorySink().sink, recordingLogger().log)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputFileError);
    expect((err as Error).message).toBe(
      `${fifo}: not a file but a pipe or device — exports are read from files (secsli looks at the start first, and splits large ones by byte range): write the export to a file first`,
    );
  });

  it.each([
    ['with a byte order mark (PowerShell 5 `>`)', true, 'UTF-16 (little-endian)'],
    ['without one', false, 'UTF-16 (little-endian)'],
  ])('a UTF-16 export %s is named as such: the source incomplete, nothing read as garbage', async (_name, bom, what) => {
    const text = JSON.stringify({ Findings: [control] });
    const path = files.write(`utf16-${bom}.json`, Buffer.concat([Buffer.from(bom ? [0xff, 0xfe] : []), Buffer.from(text, 'utf16le')]));
    const { sink, records } = memorySink();
    const status = await createFileCollector('securityhub', path).collect(sink, recordingLogger().log);
    expect(records).toEqual([]);
    expect(status).toMatchObject({ complete: false, records: 0 });
    expect(status.problems[0]).toBe(
      `${path} is ${what} text (what Windows PowerShell's \`>\` writes), not UTF-8: save the export as UTF-8 (\`… | Out-File -Encoding utf8 FILE\`, or \`-o json > FILE\` from bash) and read that`,
    );
  });

  it('feeds the normalizers end to end: good records become findings, bad ones rejects', async () => {
    const bad = variant(control, (r) => (r.Resources = []));
    const path = files.write('mixed.json', JSON.stringify({ Findings: [control, bad, { Id: 'x', SchemaVersion: '2018-10-08' }] }));
    const { sink, records } = memorySink();
    await createFileCollector('securityhub', path).collect(sink, recordingLogger().log);
    const results = records.map((r) => normalizeRecord('securityhub', r.raw));
    expect(results.map((r) => (r.ok ? r.finding.controlId : r.reason))).toEqual([
      'CloudTrail.2',
      'Resources must be a non-empty array',
      'missing AwsAccountId; missing Title; missing UpdatedAt (and 1 more)',
    ]);
    const dependabot = await (async () => {
      const m = memorySink();
      await createFileCollector('dependabot', fixturePath('dependabot/example-dependabot-alerts-for-organization.json')).collect(m.sink, recordingLogger().log);
      return m.records.map((r) => normalizeRecord('dependabot', r.raw));
    })();
    expect(dependabot.every((r) => r.ok)).toBe(true);
  });
});

/**
 * Issue 8, through the CLI: hostile and broken input never stops the run, never reads as
 * "all good", never reaches a terminal or a report raw, never leaks a secret. One table per class.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasUnsafe } from '../../src/text/sanitize.js';
import { AS_OF, cli, fixture, offlineScoreArgs, tmp } from '../cli/run.js';
import { snapshotWithFindings } from '../snapshot-text.js';

type Raw = Record<string, any>;
let SH: Raw[];
let DEP: Raw[];
let dir: string;

beforeAll(async () => {
  SH = (JSON.parse(await readFile(fixture('securityhub.json'), 'utf8')) as { Findings: Raw[] }).Findings;
  DEP = JSON.parse(await readFile(fixture('dependabot.json'), 'utf8')) as Raw[];
  dir = await tmp('secsli-hostile-');
});

let n = 0;
async function score(sh: Raw[] | string, dep: Raw[] | string, extra: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const k = ++n;
  const shFile = join(dir, `sh-${k}.json`);
  const depFile = join(dir, `dep-${k}.json`);
  // "DEEP" stands for 5,000 nested arrays: JSON.stringify could not write them, a file can hold them.
  await writeFile(shFile, typeof sh === 'string' ? sh : JSON.stringify({ Findings: sh }).replace('"DEEP"', '['.repeat(5000) + ']'.repeat(5000)));
  await writeFile(depFile, typeof dep === 'string' ? dep : JSON.stringify(dep));
  const out = join(dir, `out-${k}`);
  const r = await cli(
    ['score', '--config', fixture('assets.yaml'), '--from', `securityhub=${shFile}`, '--from', `dependabot=${depFile}`, '--as-of', AS_OF, '--out', out, ...extra],
    env,
  );
  const runDir = r.stdout.trim().split('\n')[0] ?? '';
  const files: Record<string, string> = {};
  if (r.code !== 2) for (const f of await readdir(runDir, { recursive: true })) if (/\.\w+$/.test(f)) files[f] = await readFile(join(runDir, f), 'utf8');
  return { ...r, files, snapshot: files['snapshot.json'] ? snapshotWithFindings(files['snapshot.json'], files['snapshot-findings.ndjson']) : undefined };
}

const copy = <T>(v: T): T => structuredClone(v);

describe("class 1: a value in one record is that record's rejection, never the run's end", () => {
  it.each([
    [
      'a malformed %-escape in html_url',
      'dependabot',
      (a: Raw) => ({ ...a, number: 77, html_url: 'https://github.com/acme/payments-%zz/security/dependabot/77', url: undefined, repository: undefined }),
      /cannot tell the repository/,
    ],
    ['a lone surrogate in Id', 'securityhub', (f: Raw) => ({ ...f, Id: 'x\ud800' }), /cannot be processed/],
    ['an AwsAccountId written as a number', 'securityhub', (f: Raw) => ({ ...f, Id: 'num', AwsAccountId: Number(f.AwsAccountId) }), /AwsAccountId/],
    [
      'an AwsAccountId with dashes',
      'securityhub',
      (f: Raw) => ({ ...f, Id: 'dashes', AwsAccountId: String(f.AwsAccountId).replace(/(\d{4})(?=\d)/g, '$1-') }),
      /AwsAccountId is not an AWS account id/,
    ],
    // The account is still named by the resources' ARNs.
    ['no AwsAccountId at all', 'securityhub', (f: Raw) => ({ ...f, Id: 'none', AwsAccountId: undefined }), /AwsAccountId/],
    ["a timestamp past JavaScript's maximum date", 'securityhub', (f: Raw) => ({ ...f, Id: 'late', UpdatedAt: '+275760-09-12T00:00:00Z' }), /UpdatedAt is not a timestamp/],
    ['a field nested 5,000 arrays deep (--save-raw)', 'securityhub', (f: Raw) => ({ ...f, Id: 'deep', Note: 'DEEP' }), /nested more than 64 levels/],
  ] as const)('%s', async (_name, source, edit, reason) => {
    const sh = source === 'securityhub' ? [...SH, edit(copy(SH[0]!))] : SH;
    const dep = source === 'dependabot' ? [...DEP, edit(copy(DEP[0]!))] : DEP;
    const r = await score(sh, dep, ['--save-raw']);
    expect(r.stderr).not.toMatch(/internal error/);
    // A record that still says which account it is about leaves that account's asset unmeasured
    // (UNKNOWN, exit 3: report written), also when its handling threw (a lone surrogate, nesting
    // too deep: the account is still read); one that says nothing readable may be about any
    // asset: exit 3 too, the run not complete, no asset named.
    expect(r.code).toBe(3);
    if (source === 'securityhub') expect(r.files['report.md']).toMatch(/Security Hub: 1 record\(s\) about it could not be read \(first: record \d+(, line \d+)?: /);
    else expect(r.files['report.md']).toMatch(/- Run: \*\*not everything read\*\*: 1 record\(s\) could not be read and name no asset/);
    expect(r.snapshot.rejected ?? r.files['report.md']).toBeDefined();
    expect(r.files['report.md']).toMatch(reason);
    expect(r.files['report.md']).toMatch(/1 record\(s\) could not be read or normalized/);
  });

  it('refuses a policy value that cannot work in validate (exit 2), instead of crashing score', async () => {
    const file = join(dir, 'policy.yaml');
    await writeFile(file, (await readFile(fixture('assets.yaml'), 'utf8')).replace('version: 1', 'version: 1\npolicy:\n  slaDays: { critical: 99999999 }'));
    const r = await cli(['validate', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('policy.slaDays.critical: at most 36500 days');
  });
});

describe('class 3: zero records because nobody looked is not zero risk', () => {
  it.each([
    ['an empty Security Hub export', '', null],
    ['a whitespace-only Security Hub export', '  \n', null],
    ['an export with a NextToken', JSON.stringify({ Findings: [], NextToken: 'eyJuZXh0IjoyfQ==' }), null],
    ['an empty Dependabot array', null, '[]'],
  ])('%s: exit 3, a coverage gap for every asset expecting the source, the reason on stderr', async (_name, sh, dep) => {
    const r = await score(sh ?? SH, dep ?? DEP);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/not measured: /);
    const source = sh === null ? 'dependabot' : 'securityhub';
    const expecting = r.snapshot.assets.filter((a: { coverage: { source: string }[] }) => a.coverage.some((c) => c.source === source));
    expect(expecting.length).toBeGreaterThan(0);
    for (const a of expecting) expect(a.coverage.find((c: { source: string }) => c.source === source).status).toBe('gap');
  });
});

describe('class 6: outside text reaches a terminal or a report only sanitised', () => {
  const HOSTILE = 'T\u001b]0;pwned\u0007\u001b[2J|x\u202eevil\u200b';
  it('titles, regions in console URLs, html_url targets and owners: no raw escape anywhere, link targets encoded', async () => {
    const f = { ...copy(SH[0]!), Id: 'hostile', Title: HOSTILE, Region: 'ap-northeast-1|\u001b[31m' };
    const dep = copy(DEP[0]!);
    const a = {
      ...dep,
      number: 78,
      html_url: 'https://github.com/acme/payments-api/security/dependabot/78?x=|\u0007',
      security_advisory: { ...dep.security_advisory, summary: HOSTILE },
    };
    const r = await score([...SH, f], [...DEP, a]);
    for (const [name, text] of Object.entries(r.files)) expect(hasUnsafe(text), name).toBe(false);
    const md = r.files['report.md']!;
    for (const m of md.matchAll(/\]\(([^)]*)\)/g)) expect(m[1]).not.toMatch(/[|\s<>]/);
    const ex = await cli([
      'explain',
      'payments-api',
      '--config',
      fixture('assets.yaml'),
      '--from',
      `securityhub=${join(dir, `sh-${n}.json`)}`,
      '--from',
      `dependabot=${join(dir, `dep-${n}.json`)}`,
      '--as-of',
      AS_OF,
      '-v',
    ]);
    expect(hasUnsafe(ex.stdout)).toBe(false);
    expect(hasUnsafe(ex.stderr)).toBe(false);
    expect(ex.stdout).toContain('\\x1b]0;pwned\\x07');
  });

  it('excerpts of a binary or hostile input file and unknown YAML keys print escaped on stderr', async () => {
    const r = await score('\u0000\u0000\u001b[2Jgarbage', DEP);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('\\x00\\x00\\x1b[2Jgarbage');
    expect(hasUnsafe(r.stderr)).toBe(false);
    const file = join(dir, 'keys.yaml');
    await writeFile(file, (await readFile(fixture('assets.yaml'), 'utf8')).replace('version: 1', 'version: 1\n"bad\u001b[2Jkey": 1'));
    const v = await cli(['validate', '--config', file]);
    expect(v.code).toBe(2);
    expect(hasUnsafe(v.stdout)).toBe(false);
    expect(v.stdout).toContain('\\x1b[2J');
  });
});

describe('class 7: no secret secsli knows of in any file it writes', () => {
  it('a token file given as an export stays out of report.md, snapshot.json, assets.csv and stdout', async () => {
    const token = 'ghp_0123456789abcdefghijABCDEFGHIJ012345';
    const aws = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const r = await score(SH, `GITHUB_TOKEN=${token}\nAWS_SECRET_ACCESS_KEY=${aws}\n`, ['--save-raw'], { GITHUB_TOKEN: token, AWS_SECRET_ACCESS_KEY: aws });
    expect(r.code).toBe(3);
    expect(Object.keys(r.files)).toEqual(expect.arrayContaining(['report.md', 'snapshot.json', 'assets.csv']));
    for (const [name, text] of Object.entries(r.files)) {
      expect(text, name).not.toContain(token);
      expect(text, name).not.toContain(aws);
    }
    // Redacted by its shape where the source's problem enters the result, before any renderer escapes it.
    expect(r.files['report.md']).toContain('GITHUB\\_TOKEN=\\*\\*\\*');
    expect(r.stdout + r.stderr).not.toContain(token);
  });

  it('a secret a renderer lowercased (a package name) is redacted too, in every file and on stdout', async () => {
    const token = 'tok3nXyZ_secret*value_42';
    const dep = DEP.map((a, i) => (i === 0 ? { ...copy(a), dependency: { ...copy(a.dependency), package: { ecosystem: 'npm', name: `pkg-${token}` } } } : a));
    const r = await score(SH, dep, ['--save-raw'], { GITHUB_TOKEN: token });
    expect(r.code, r.stderr).toBe(0);
    // Package names are lowercased where they enter a Finding (the fix's key, the snapshot's packages).
    for (const name of ['findings.csv', 'fixes.csv', 'snapshot-fixes.ndjson']) expect(r.files[name], name).toContain('pkg-***');
    for (const [name, text] of Object.entries(r.files)) expect(text.toLowerCase(), name).not.toContain(token.toLowerCase());
    expect((r.stdout + r.stderr).toLowerCase()).not.toContain(token.toLowerCase());
  });

  it('a credential inside the data — a token in a title, a password in a link — is redacted by its shape in every report', async () => {
    const token = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
    const sh = SH.map((f, i) => (i === 0 ? { ...copy(f), Title: `rotate ${token} now` } : f));
    const dep = DEP.map((a, i) => (i === 0 ? { ...copy(a), html_url: String(a.html_url).replace('https://', 'https://octocat:hunter22pass@') } : a));
    const r = await score(sh, dep);
    expect(r.code).toBe(0);
    for (const [name, text] of Object.entries(r.files)) {
      expect(text, name).not.toContain(token);
      expect(text, name).not.toContain('hunter22pass');
    }
    expect(r.files['findings.csv']).toContain('rotate *** now');
    expect(r.files['findings.csv']).toContain('https://***@github.com/');
  });
});

describe('class 9: equal UpdatedAt in two files resolves the same in any --from order', () => {
  it('open in one file, resolved in the other, same instant: one answer', async () => {
    const open = copy(SH[0]!);
    const closed = { ...copy(open), Workflow: { Status: 'RESOLVED' } };
    const run = async (first: Raw, second: Raw) => {
      const a = join(dir, `tie-a-${++n}.json`);
      const b = join(dir, `tie-b-${n}.json`);
      await writeFile(a, JSON.stringify({ Findings: [first] }));
      await writeFile(b, JSON.stringify({ Findings: [second] }));
      const r = await cli([
        'score',
        '--config',
        fixture('assets.yaml'),
        '--from',
        `securityhub=${a}`,
        '--from',
        `securityhub=${b}`,
        '--from',
        `dependabot=${fixture('dependabot.json')}`,
        '--as-of',
        AS_OF,
        '--out',
        join(dir, `tie-${n}`),
      ]);
      return readFile(join(r.stdout.trim(), 'findings.csv'), 'utf8');
    };
    const one = await run(open, closed);
    expect(one).toBe(await run(closed, open));
    expect(one).toMatch(new RegExp(`${open.Id}[^\\n]*,open,`));
  });
});

describe('class 11: smaller ones', () => {
  const explain = (...extra: string[]) =>
    cli(['explain', 'payments-api', '--config', fixture('assets.yaml'), '--from', `securityhub=${fixture('securityhub.json')}`, '--as-of', AS_OF, ...extra]);

  it.each([['-5'], ['abc'], ['1.5']])('explain --limit %s is a usage error', async (v) => {
    const r = await explain('--limit', v);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--limit: "${v}" is not a whole number`);
  });

  it('explain exits 3 exactly where score does, saying why on stderr', async () => {
    const r = await explain();
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/not measured: payments-api: dependabot did not answer/);
    const s = await cli(['score', '--config', fixture('assets.yaml'), '--from', `securityhub=${fixture('securityhub.json')}`, '--as-of', AS_OF, '--out', join(dir, 'one')]);
    expect(s.code).toBe(3);
    expect(s.stderr).toMatch(/not measured: payments-api: dependabot did not answer/);
  });

  it.each([
    [['score', '-c', 'missing.yaml'], 'cannot read the inventory missing.yaml: no such file', /Fix the lines above/],
    [['score', '--from', 'securityhb=x.json'], 'did you mean securityhub?', /^$/],
    [['explain', 'payments-apo', '-c', fixture('assets.yaml'), '--from', `securityhub=${fixture('securityhub.json')}`], 'Did you mean "payments-api"?', /Known assets/],
  ])('%j → a clear usage error', async (argv, says, never) => {
    const r = await cli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(says);
    if (never.source !== '^$') expect(r.stderr).not.toMatch(never);
  });

  it('warns about invalid UTF-8 with the file and byte offset', async () => {
    const file = join(dir, 'latin1.json');
    const text = JSON.stringify({ Findings: [{ ...copy(SH[0]!), Title: 'caf\u00e9' }] });
    await writeFile(file, Buffer.from(text, 'latin1'));
    const r = await cli(offlineScoreArgs({ config: fixture('assets.yaml'), securityhub: file, dependabot: fixture('dependabot.json'), out: join(dir, 'utf8') }));
    expect(r.stderr).toContain(`${file}: invalid UTF-8 at byte ${text.indexOf('caf\u00e9') + 3}`);
  });

  it('scores the valid records after 10 (or 1,000) that are not findings', async () => {
    const junk = Array.from({ length: 1200 }, (_, i) => ({ hello: i }));
    const r = await score(SH, [...junk, ...DEP]);
    expect(r.snapshot.assets.find((a: { id: string }) => a.id === 'payments-api').findings.length).toBeGreaterThan(0);
    expect(r.files['report.md']).toMatch(/1200 record\(s\) could not be read or normalized/);
  });
});

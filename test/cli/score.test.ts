import { readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { AS_OF, cli, fixture, offlineScoreArgs, scoreArgs, tmp } from './run.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (dir: string, f: string) => readFile(join(dir, f), 'utf8');
const FILES = ['assets.csv', 'findings.csv', 'fixes.csv', 'report.md', 'snapshot-findings.ndjson', 'snapshot-fixes.ndjson', 'snapshot.json', 'summary.json', 'unmapped.csv'];

describe('secsli score (end to end)', () => {
  it('a repository-level Dependabot export does not vouch for a repo glob: the repositories it may leave out are a coverage gap', async () => {
    const out = await tmp();
    // The example's organization listing, cut to acme/payments-api and made repository-level (no `repository`).
    const all = JSON.parse(await readFile(join(ROOT, 'examples/dependabot-alerts.json'), 'utf8')) as Array<{ repository?: { full_name: string } }>;
    const one = all.filter((a) => a.repository?.full_name === 'acme/payments-api').map(({ repository: _r, ...a }) => a);
    const dep = join(out, 'repo-level.json');
    await writeFile(dep, JSON.stringify(one));
    const r = await cli([
      'explain',
      'payments-api',
      '--config',
      join(ROOT, 'assets.yaml'),
      '--from',
      `securityhub=${join(ROOT, 'examples/securityhub-findings.json')}`,
      '--from',
      `dependabot=${dep}`,
      '--as-of',
      AS_OF,
    ]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/not measured: .*no answer covers acme\/payments-\* \(an export of single repositories vouches for those alone — acme\/payments-api —/);
  });

  it('a back-dated --as-of leaves out the findings first seen after it, and says so in the log, report.md and snapshot.json', async () => {
    const out = await tmp();
    const r = await cli(
      offlineScoreArgs({ config: fixture('assets.yaml'), securityhub: fixture('securityhub.json'), dependabot: fixture('dependabot.json'), out, asOf: '2026-11-15T00:00:00Z' }),
    );
    expect(r.code, r.stderr).toBe(0);
    // The fixtures' three Security Hub findings first observed on 2026-11-20 did not exist yet.
    expect(r.stderr).toContain('3 finding(s) first seen after the as-of (2026-11-15T00:00:00.000Z) left out: they did not exist yet');
    expect(r.stderr).not.toContain('is --as-of right?');
    const runDir = r.stdout.trim();
    expect(await read(runDir, 'report.md')).toContain('3 first seen after the as-of (left out: they did not exist yet).');
    const snap = JSON.parse(await read(runDir, 'snapshot.json')) as { summary: { afterAsOf?: number; findings: number } };
    expect(snap.summary).toMatchObject({ afterAsOf: 3, findings: 10 });
    const rows = parse(await read(runDir, 'findings.csv'), { columns: true }) as Record<string, string>[];
    expect(rows.filter((f) => (f.first_seen ?? '') > '2026-11-15')).toEqual([]);
    expect(rows.length).toBeGreaterThan(0);

    const early = await cli(
      offlineScoreArgs({ config: fixture('assets.yaml'), securityhub: fixture('securityhub.json'), dependabot: fixture('dependabot.json'), out, asOf: '2025-11-15T00:00:00Z' }),
    );
    expect(early.stderr).toMatch(/warn: 10 finding\(s\) first seen after the as-of .* that is every finding read: is --as-of right\?/);
  });

  it('scores the fixtures, prints the run folder, writes every report', async () => {
    const out = await tmp();
    const r = await cli(scoreArgs(out));
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    const runDir = r.stdout.trim();
    expect(runDir).toBe(join(out, '2026-11-27T000000Z'));
    expect((await readdir(runDir)).sort()).toEqual(FILES);

    const assets = parse(await read(runDir, 'assets.csv'), { columns: true }) as Record<string, string>[];
    const pay = assets.find((a) => a.asset_id === 'payments-api')!;
    // Damped, heaviest first: log4j (CVSS 10, KEV → 30, counted once across Inspector and
    // Dependabot) / 1 + openssl 2.5 / 2 + lodash dev 5.625 × 0.2 / 3 + hostile LOW 0.5 / 4 = 31.75;
    // × internet 2 = 63.5 of budget 40. log4j is past its deadline: that is the rule that breaches.
    expect(pay).toMatchObject({
      status: 'BREACHED',
      status_reason: 'known exploited past due',
      risk: '63.5',
      budget: '40',
      budget_used_pct: '158.8',
      budget_multiple: '1.59',
      open_critical: '1',
      overdue: '2',
      remediation_events: '2',
      remediation_sli_pct: '',
    });
    const web = assets.find((a) => a.asset_id === 'web')!;
    // express is excepted (RA-1); the unscored medium counts 2 by label; the fixed react is one
    // event, below the 5 an SLI needs ("not enough events", not 0 %).
    expect(web).toMatchObject({ status: 'OK', status_reason: 'within targets', risk: '2', remediation_sli_pct: '', remediation_events: '1' });
    const fixes = parse(await read(runDir, 'fixes.csv'), { columns: true }) as Record<string, string>[];
    expect(fixes[0]).toMatchObject({ rank: '1', urgency: 'known exploited past due', assets: 'payments-api', kind: 'dependency upgrade', risk_removed: '57.0417' });

    const unmapped = parse(await read(runDir, 'unmapped.csv'), { columns: true }) as Record<string, string>[];
    expect(unmapped.map((u) => u.account_or_repo).sort()).toEqual(['999900001111', 'acme/unknown-repo']);

    const md = await read(runDir, 'report.md');
    expect(md).toContain('## Top risks');
    expect(md).toContain('RA-1');
    expect(md).not.toContain('<script>');
    const snap = JSON.parse(await read(runDir, 'snapshot.json'));
    expect(snap).toMatchObject({
      schemaVersion: 3,
      findingsFile: { name: 'snapshot-findings.ndjson' },
      fixesFile: { name: 'snapshot-fixes.ndjson' },
      asOf: '2026-11-27T00:00:00.000Z',
      partial: false,
    });
  });

  it('writes byte-identical files for the same inputs and --as-of', async () => {
    // The history under --out is an input too: each run into a fresh folder.
    const a = (await cli(scoreArgs(await tmp()))).stdout.trim();
    const b = (await cli(scoreArgs(await tmp()))).stdout.trim();
    // summary.json says where its run is: the one thing that differs.
    const where = (text: string, dir: string) => text.split(dirname(dir)).join('<out>');
    for (const f of FILES) expect(where(await read(b, f), b), f).toBe(where(await read(a, f), a));
    // A rerun into the same folder gets -2 and compares with the run it repeats.
    const again = (await cli(scoreArgs(dirname(a)))).stdout.trim();
    expect(again).toBe(`${a}-2`);
    expect(JSON.parse(await read(again, 'summary.json')).previousRun).toBe(basename(a));
  });

  it.each([
    ['breached', 1],
    ['at-risk', 1],
    ['unknown', 1],
  ])('--fail-on %s → exit %s', async (level, code) => {
    expect((await cli(scoreArgs(await tmp(), '--fail-on', level))).code).toBe(code);
  });

  it('--asset narrows the report; an unknown asset is a usage error', async () => {
    const out = await tmp();
    const r = await cli(scoreArgs(out, '--asset', 'web', '--fail-on', 'at-risk'));
    expect(r.code).toBe(0); // payments-api is BREACHED, but it is not in scope
    const assets = parse(await read(r.stdout.trim(), 'assets.csv'), { columns: true }) as Record<string, string>[];
    expect(assets.map((a) => a.asset_id)).toEqual(['web']);
    const bad = await cli(scoreArgs(await tmp(), '--asset', 'nope'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown asset "nope"');
    expect(bad.stderr).toContain('payments-api');
  });

  it('shows the change since the previous run', async () => {
    const out = await tmp();
    await cli([...scoreArgs(out).slice(0, -4), '--as-of', '2026-11-20T00:00:00Z', '--out', out]);
    const run = (await cli(scoreArgs(out))).stdout.trim();
    const assets = parse(await read(run, 'assets.csv'), { columns: true }) as Record<string, string>[];
    expect(assets.every((a) => a.risk_change !== '')).toBe(true);
    expect(await read(run, 'report.md')).toContain('2026-11-20T000000Z');
  });

  it('attributes the change since the previous run in report.md, and flags a policy change', async () => {
    const out = await tmp();
    const dir = await tmp();
    const cfg = join(dir, 'assets.yaml');
    const base = await readFile(fixture('assets.yaml'), 'utf8');
    await writeFile(cfg, base);
    const from = ['--from', `securityhub=${fixture('securityhub.json')}`, '--from', `dependabot=${fixture('dependabot.json')}`];
    await cli(['score', '--config', cfg, ...from, '--as-of', '2026-11-20T00:00:00Z', '--out', out]);
    await writeFile(cfg, base.replace('version: 1', 'version: 1\npolicy:\n  exposure: { internet: 3 }'));
    const r = await cli(['score', '--config', cfg, ...from, '--as-of', AS_OF, '--out', out]);
    const md = await read(r.stdout.trim(), 'report.md');
    expect(md).toContain('What changed since 2026-11-20T000000Z');
    expect(md).toContain('The policy changed since that run');
  });

  it('a run narrowed with --asset is never taken as the previous run', async () => {
    const out = await tmp();
    await cli([...scoreArgs(out).slice(0, -4), '--as-of', '2026-11-20T00:00:00Z', '--out', out]);
    await cli([...scoreArgs(out).slice(0, -4), '--as-of', '2026-11-25T00:00:00Z', '--out', out, '--asset', 'web']);
    const run = (await cli(scoreArgs(out))).stdout.trim();
    const assets = parse(await read(run, 'assets.csv'), { columns: true }) as Record<string, string>[];
    expect(assets.map((a) => a.risk_change)).toEqual(['0', '0']);
    expect(await read(run, 'report.md')).toContain('2026-11-20T000000Z');
  });

  it('--save-raw keeps what was collected and replays to the same scores', async () => {
    const out = await tmp();
    const first = (await cli(scoreArgs(out, '--save-raw'))).stdout.trim();
    expect((await readdir(join(first, 'raw'))).sort()).toEqual(['dependabot.ndjson', 'securityhub.ndjson']);
    const replayOut = await tmp();
    const replay = await cli([
      'score',
      '--config',
      fixture('assets.yaml'),
      '--as-of',
      AS_OF,
      '--out',
      replayOut,
      '--from',
      `securityhub=${join(first, 'raw/securityhub.ndjson')}`,
      '--from',
      `dependabot=${join(first, 'raw/dependabot.ndjson')}`,
    ]);
    expect(replay.code).toBe(0);
    expect(await read(replay.stdout.trim(), 'assets.csv')).toBe(await read(first, 'assets.csv'));
    expect(await read(replay.stdout.trim(), 'findings.csv')).toBe(await read(first, 'findings.csv'));
  });

  it('never prints a token it was given', async () => {
    const token = 'ghp_FAKEtoken0123456789SECRET';
    const out = await tmp();
    const r = await cli(scoreArgs(out, '-v'), { GITHUB_TOKEN: token, AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' });
    const runDir = r.stdout.trim();
    const all = r.stdout + r.stderr + (await Promise.all(FILES.map((f) => read(runDir, f)))).join('');
    expect(all).not.toContain(token);
    expect(all).not.toContain('wJalrXUtnFEMI');
  });

  it('never prints a token or a raw escape the argument parser quotes back (a misquoted workflow line)', async () => {
    const token = 'ghp_FAKEtoken0123456789SECRET';
    for (const argv of [['score', '--fail-on', token], ['score', `--bogus=${token}`], ['score', `extra-${token}`], [token], ['score', '--fail-on', '\x1b]0;pwn\x07x']]) {
      const r = await cli(argv, { GITHUB_TOKEN: token });
      expect(r.code).toBe(2);
      expect(r.stderr).not.toContain(token);
      expect(r.stderr).not.toMatch(/[\u0000-\u0008\u001b]/);
      expect(r.stderr).toMatch(/^error: /);
    }
  });
});

describe('bad input: clear message, nothing lost', () => {
  it('a truncated export: good records still scored, report PARTIAL, exit 3', async () => {
    const dir = await tmp();
    const text = await readFile(fixture('securityhub.json'), 'utf8');
    const cut = join(dir, 'cut.json');
    await writeFile(cut, text.slice(0, Math.floor(text.length * 0.6)));
    const out = await tmp();
    const r = await cli(offlineScoreArgs({ config: fixture('assets.yaml'), securityhub: cut, dependabot: fixture('dependabot.json'), out }));
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('cut.json');
    const runDir = r.stdout.trim();
    const md = await read(runDir, 'report.md');
    expect(md).toContain('PARTIAL');
    const snap = JSON.parse(await read(runDir, 'snapshot.json'));
    expect(snap.partial).toBe(true);
    expect(snap.summary.findings).toBeGreaterThan(3);
    const pay = snap.assets.find((a: { id: string }) => a.id === 'payments-api');
    expect(pay.status).toBe('BREACHED'); // a measured breach stands
    const web = snap.assets.find((a: { id: string }) => a.id === 'web');
    expect(web.coverage).toEqual([{ source: 'dependabot', status: 'covered', reasons: [] }]);
  });

  it.each([
    ['not JSON', 'this: is\nyaml: not json\n'],
    ['JSON of the wrong shape', '{"hello": "world"}'],
  ])('%s: exit 3 naming the file', async (_n, body) => {
    const dir = await tmp();
    const bad = join(dir, 'bad.json');
    await writeFile(bad, body);
    const r = await cli(offlineScoreArgs({ config: fixture('assets.yaml'), securityhub: bad, dependabot: fixture('dependabot.json'), out: await tmp() }));
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('bad.json');
  });

  it('a Security Hub export vouches for the accounts its findings name: another account an asset claims is not measured; an empty one vouches for none', async () => {
    const dir = await tmp();
    const all = JSON.parse(await readFile(join(ROOT, 'examples/securityhub-findings.json'), 'utf8')) as { Findings: { AwsAccountId: string }[] };
    const one = join(dir, 'one-account.json');
    await writeFile(one, JSON.stringify({ Findings: all.Findings.filter((f) => f.AwsAccountId === '444455556666') }));
    const examples = { config: join(ROOT, 'assets.yaml'), dependabot: join(ROOT, 'examples/dependabot-alerts.json'), asOf: AS_OF };
    const r = await cli(offlineScoreArgs({ ...examples, securityhub: one, out: await tmp() }));
    expect(r.code, r.stderr).toBe(3);
    // ledger-service's accounts have no finding in the export: nobody looked there.
    expect(r.stderr).toMatch(
      /not measured: ledger-service: securityhub did not answer for it — Security Hub: no answer covers account \d{12} \(no finding of this account was read/,
    );
    const assets = await read(r.stdout.trim(), 'assets.csv');
    expect(assets).toMatch(/^ledger-service,.*,UNKNOWN,/m);
    const empty = join(dir, 'empty.json');
    await writeFile(empty, '[]');
    const none = await cli(offlineScoreArgs({ config: fixture('assets.yaml'), securityhub: empty, dependabot: fixture('dependabot.json'), out: await tmp() }));
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('holds no findings: it does not show that any AWS account was looked at');
  });

  it('records missing required fields among good ones: the good ones are scored, the bad ones listed', async () => {
    const dir = await tmp();
    const alerts = JSON.parse(await readFile(fixture('dependabot.json'), 'utf8'));
    alerts.push({ number: 99, state: 'open' }, { hello: 1 });
    const file = join(dir, 'alerts.json');
    await writeFile(file, JSON.stringify(alerts));
    const r = await cli(offlineScoreArgs({ config: fixture('assets.yaml'), securityhub: fixture('securityhub.json'), dependabot: file, out: await tmp() }));
    // They name no repository: any asset Dependabot measures may be missing a finding, so not everything was measured.
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/could not measure everything \(2 record\(s\) of .*alerts\.json could not be read and name no asset: any asset they measure may miss findings\)/);
    const snap = JSON.parse(await read(r.stdout.trim(), 'snapshot.json'));
    expect(snap.rejected).toHaveLength(2);
    expect(snap.rejected[0]).toMatchObject({ source: 'dependabot', record: 7 });
    expect(await read(r.stdout.trim(), 'report.md')).toContain('## Rejected records');
    // …and said where someone watching the run sees it, not only in the report.
    expect(r.stderr).toMatch(new RegExp(`warn: file ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\d+ records, 2 rejected \\(first: record 7, line 1: missing created_at`));
  });

  it('a missing export file is a usage error (exit 2), nothing written', async () => {
    const out = await tmp();
    const r = await cli(['score', '--config', fixture('assets.yaml'), '--from', 'securityhub=/nonexistent/x.json', '--as-of', AS_OF, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/nonexistent/x.json');
    expect(await readdir(out)).toEqual([]);
  });

  it('an output folder that cannot be written: exit 2 with a message, no partial report', async () => {
    const dir = await tmp();
    await writeFile(join(dir, 'file'), 'x');
    const r = await cli(scoreArgs(join(dir, 'file', 'reports')));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot write reports/);
    expect(await readdir(dir)).toEqual(['file']);
  });

  it.each([
    [['score', '--from', 'nosuchsource=x.json'], 'nosuchsource'],
    [['score', '--as-of', 'yesterday'], 'yesterday'],
    [['score', '--fail-on', 'sometimes'], 'sometimes'],
    [['frobnicate'], 'frobnicate'],
  ])('usage error %j → exit 2', async (argv, text) => {
    const r = await cli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(text);
  });

  it('a broken assets.yaml: exit 2, every problem located, nothing written', async () => {
    const dir = await tmp();
    const cfg = join(dir, 'assets.yaml');
    await writeFile(cfg, 'version: 1\nassets:\n  - id: a\n    owner: x\n    criticality: extreme\n    exposure: internet\n    critcality: high\n');
    const out = await tmp();
    const r = await cli(['score', '--config', cfg, '--from', `securityhub=${fixture('securityhub.json')}`, '--as-of', AS_OF, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/assets\.yaml:5:\d+ assets\[0\]\.criticality/);
    expect(r.stderr).toMatch(/assets\.yaml:7:\d+ assets\[0\]\.critcality.*did you mean/);
    expect(await readdir(out)).toEqual([]);
  });
});

describe('--log-format json', () => {
  it('every stderr line is a JSON object, errors included', async () => {
    const ok = await cli(scoreArgs(await tmp(), '--log-format', 'json'));
    const bad = await cli(['score', '--config', '/nonexistent/assets.yaml', '--log-format', 'json']);
    expect(bad.code).toBe(2);
    // The argument parser's errors too.
    const flag = await cli(['score', '--log-format', 'json', '--nope']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("unknown option '--nope'");
    for (const line of (ok.stderr + bad.stderr + flag.stderr).trim().split('\n')) {
      const obj = JSON.parse(line) as { level: string; msg: string };
      expect(['info', 'warn', 'error', 'progress', 'debug']).toContain(obj.level);
    }
    expect(bad.stderr).toContain('"level":"error"');
  });

  it('a run that cannot start ends with a summary event too, and an unwritable --out is found before anything is collected', async () => {
    const dir = await tmp();
    await writeFile(join(dir, 'file'), 'x');
    const out = join(dir, 'file', 'reports');
    const r = await cli(scoreArgs(out, '--log-format', 'json'));
    expect(r.code).toBe(2);
    const lines = r.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.at(-1)).toMatchObject({ event: 'summary', exitCode: 2, exitReason: 'usage', msg: expect.stringContaining(`cannot write reports under ${out}: ENOTDIR`) });
    expect(lines.filter((l) => String(l.msg).startsWith('collecting'))).toEqual([]);
  });
});

describe('help', () => {
  it.each(['score', 'explain', 'validate'])('%s --help shows an example and exits 0', async (cmd) => {
    const r = await cli([cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Example');
  });
});

describe('time zones', () => {
  it('reads an --as-of without a zone as UTC', async () => {
    const { parseAsOf } = await import('../../src/cli/options.js');
    expect(parseAsOf('2027-01-31T00:00:00', () => new Date()).toISOString()).toBe('2027-01-31T00:00:00.000Z');
    expect(parseAsOf('2027-01-31T09:00:00+09:00', () => new Date()).toISOString()).toBe('2027-01-31T00:00:00.000Z');
  });

  it('reads an exception expiry without a zone as UTC', async () => {
    const { exceptionExpiresAt } = await import('../../src/config/expiry.js');
    expect(exceptionExpiresAt('2027-01-31T10:00:00').toISOString()).toBe('2027-01-31T10:00:00.000Z');
    expect(exceptionExpiresAt('2027-01-31').toISOString()).toBe('2027-02-01T00:00:00.000Z');
  });
});

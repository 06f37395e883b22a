/**
 * Issue 8, mechanism by mechanism: the one time parser, the YAML scalars, the sanitiser and the
 * file guard, the writer's cleanup, history reading, the one glob engine. Tables where they fit.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolvePatterns, type OwnerListing } from '../../src/collectors/dependabot/repos.js';
import { compileGlob } from '../../src/config/glob.js';
import { findPreviousRun } from '../../src/history/load.js';
import { parseInventory } from '../../src/inventory/load.js';
import { compileInventory } from '../../src/inventory/match.js';
import { silentLogger } from '../../src/log.js';
import { parseUtc } from '../../src/model/time.js';
import { createFileGuard } from '../../src/report/file-guard.js';
import { RunFolder, removeStaleTempFolders } from '../../src/report/write.js';
import { hasUnsafe, safeUrl, sanitizeLine } from '../../src/text/sanitize.js';
import { AS_OF, cli, fixture, offlineScoreArgs, scoreArgs, tmp } from '../cli/run.js';

const iso = (s: string) => {
  const t = parseUtc(s);
  return Number.isNaN(t) ? 'refused' : new Date(t).toISOString();
};

describe('class 4: one time parser, UTC unless a zone is given, impossible dates refused', () => {
  it.each([
    ['2026-11-01 02:00:00', '2026-11-01T02:00:00.000Z'],
    ['2026-11-01T02:00:00', '2026-11-01T02:00:00.000Z'],
    ['2026-11-01T02:00:00+09:00', '2026-10-31T17:00:00.000Z'],
    ['2026-11-27', '2026-11-27T00:00:00.000Z'],
    ['Tue, 01 Dec 2026 10:00:00 GMT', '2026-12-01T10:00:00.000Z'],
    ['1 Dec 2026 10:00:00 +0900', '2026-12-01T01:00:00.000Z'],
    ['Sun, 1 Nov 2026 02:00:00', '2026-11-01T02:00:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['2026-11-31', 'refused'],
    ['2026-02-30', 'refused'],
    ['2026-02-29', 'refused'],
    ['2026-11-27T24:00:00Z', 'refused'],
    ['2026-11-27T23:60:00Z', 'refused'],
    ['Wed, 01 Dec 2026 10:00:00 GMT', 'refused'], // 1 Dec 2026 is a Tuesday
    ['+275760-09-13T00:00:00.000Z', 'refused'],
    ['yesterday', 'refused'],
  ])('%s → %s', (text, expected) => {
    expect(iso(text)).toBe(expected);
  });

  it('scores byte-identically under TZ=UTC and TZ=Asia/Tokyo, zone-less times and --as-of included', async () => {
    const dir = await tmp('secsli-tz-');
    const sh = JSON.parse(await readFile(fixture('securityhub.json'), 'utf8')) as { Findings: Record<string, string>[] };
    for (const f of sh.Findings) f.FirstObservedAt = f.CreatedAt = '2026-11-01 02:00:00';
    await writeFile(join(dir, 'sh.json'), JSON.stringify(sh));
    const before = process.env.TZ;
    const run = async (tz: string) => {
      process.env.TZ = tz;
      const r = await cli(
        offlineScoreArgs({
          config: fixture('assets.yaml'),
          securityhub: join(dir, 'sh.json'),
          dependabot: fixture('dependabot.json'),
          asOf: '2026-11-27 00:00:00',
          out: join(dir, tz.replace('/', '-')),
        }),
      );
      return readFile(join(r.stdout.trim(), 'findings.csv'), 'utf8');
    };
    try {
      expect(await run('Asia/Tokyo')).toBe(await run('UTC'));
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it.each([
    ['--as-of', '2026-02-30'],
    ['--as-of', '2026-11-27T25:00:00Z'],
    ['--as-of', 'Tue, 27 Nov 2026 00:00:00 GMT'], // 27 Nov 2026 is a Friday
    ['--as-of', '11/27/2026'],
  ])('%s %s is a usage error', async (flag, value) => {
    const r = await cli(['score', '--config', fixture('assets.yaml'), '--from', `securityhub=${fixture('securityhub.json')}`, flag, value]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not an ISO 8601 or RFC 2822 time that exists');
  });

  it('--as-of in RFC 2822, as every other time secsli reads, is the same instant as in ISO 8601', async () => {
    const args = (asOf: string) => ['explain', 'payments-api', '--config', fixture('assets.yaml'), '--from', `securityhub=${fixture('securityhub.json')}`, '--as-of', asOf];
    const rfc = await cli(args('Fri, 27 Nov 2026 00:00:00 GMT'));
    expect(rfc.stdout).toContain('as of 2026-11-27T00:00:00.000Z');
    expect(rfc.stdout).toBe((await cli(args('2026-11-27T00:00:00Z'))).stdout);
  });

  it('refuses expires: 2026-11-31 in validate', async () => {
    const file = join(await tmp(), 'a.yaml');
    await writeFile(file, (await readFile(fixture('assets.yaml'), 'utf8')).replace('expires: 2027-03-31', 'expires: 2026-11-31'));
    const r = await cli(['validate', '--config', file, '--as-of', AS_OF]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('exceptions[0].expires: expected a date that exists');
  });
});

describe('class 5: YAML scalars used as strings keep what was written', () => {
  const yaml = (tags: string) =>
    `version: 1\nowners: { o: {} }\nassets:\n  - id: a\n    owner: o\n    criticality: high\n    exposure: internet\n    aws:\n      tags: { ${tags} }\n`;
  it.each([
    ['Critical: True', 'Critical', 'True'],
    ['Flag: yes', 'Flag', 'yes'],
    ['Owner: ~', 'Owner', '~'],
    ['Owner: Null', 'Owner', 'Null'],
    ['Code: 0042', 'Code', '0042'],
    ['Since: 2026-01-01', 'Since', '2026-01-01'],
    ['Ratio: 1.50', 'Ratio', '1.50'],
  ])('tag %s matches the resource tag "%s: %s"', (written, key, value) => {
    const { inventory, problems } = parseInventory(yaml(written), 'assets.yaml', { now: new Date(AS_OF) });
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(inventory!.assets[0]!.aws!.tags).toEqual({ [key]: value });
    const match = compileInventory(inventory!);
    const finding = {
      id: 'securityhub:x',
      source: 'securityhub',
      aws: { accountId: '111122223333', resources: [{ id: 'arn:aws:s3:::b', type: 'AwsS3Bucket', tags: { [key]: value } }] },
    };
    expect(match.match(finding as never).assetIds).toEqual(['a']);
  });

  it('keeps numbers where numbers are meant (policy, version)', () => {
    const { inventory } = parseInventory(yaml('A: b').replace('version: 1', 'version: 1\npolicy: { slaDays: { critical: 5 } }'), 'assets.yaml', { now: new Date(AS_OF) });
    expect(inventory?.policy?.slaDays?.critical).toBe(5);
  });
});

describe('class 6: the one sanitiser', () => {
  it.each([
    ['\u001b]0;title\u0007', '\\x1b]0;title\\x07'],
    ['a\u0000b', 'a\\x00b'],
    ['\u009b31m', '\\x9b31m'],
    ['abc\u202edef', 'abc\\u202edef'],
    ['zero\u200bwidth\ufeff', 'zero\\u200bwidth\\ufeff'],
    ['lone \ud800 high', 'lone \\ud800 high'],
    ['pair \ud83d\ude00 kept', 'pair \ud83d\ude00 kept'],
    ['line\nbreak\ttab', 'line break tab'],
  ])('sanitizeLine(%j) → %j', (input, output) => {
    expect(sanitizeLine(input)).toBe(output);
    expect(hasUnsafe(sanitizeLine(input))).toBe(false);
  });

  it.each([
    ['https://console.aws.amazon.com/x?region=a|b#c', 'https://console.aws.amazon.com/x?region=a%7Cb#c'],
    ['https://github.com/a/b\u001b[2J', 'https://github.com/a/b%1B%5B2J'],
    ['https://x.example/(a) <b>', 'https://x.example/%28a%29%20%3Cb%3E'],
    ['javascript:alert(1)', undefined],
  ])('safeUrl(%j) → %j', (url, target) => {
    expect(safeUrl(url)).toBe(target);
  });
});

describe('class 7: the file guard redacts a secret even when a write splits it', () => {
  it.each([1, 3, 7, 50])('pieces of %i characters', (size) => {
    const secret = 'ghp_SECRETsecret0123456789';
    const text = `before ${secret} middle \u001b ${secret}`.repeat(3);
    const g = createFileGuard('report.md', { secrets: [secret] });
    let out = '';
    for (let i = 0; i < text.length; i += size) out += g.take(text.slice(i, i + size));
    out += g.end();
    expect(out).not.toContain('SECRET');
    expect(out).toContain('before *** middle \\x1b ***');
  });
});

describe('class 7: the file guard redacts a secret in any case, even when a write splits it', () => {
  it.each([1, 3, 7, 50])('pieces of %i characters', (size) => {
    const secret = 'tok3nXyZ_secret*value_42';
    const text = `a ${secret.toLowerCase()} b ${secret.toUpperCase()} c pkg-${secret.toLowerCase()}\n`.repeat(3);
    for (const file of ['findings.csv', 'snapshot-fixes.ndjson', 'report.md']) {
      const g = createFileGuard(file, { secrets: [secret] });
      let out = '';
      for (let i = 0; i < text.length; i += size) out += g.take(text.slice(i, i + size));
      out += g.end();
      expect(out.toLowerCase(), file).not.toContain('tok3nxyz');
      expect(out, file).toContain('a *** b *** c pkg-***');
    }
  });

  it('a secret whose upper case is longer (ß → SS) is held back long enough to be caught whole', () => {
    const secret = 'straße-token-1';
    const text = `x ${secret.toUpperCase()} y`;
    const g = createFileGuard('a.csv', { secrets: [secret] });
    let out = '';
    for (const ch of text) out += g.take(ch);
    out += g.end();
    expect(out).toBe('x *** y');
  });
});

describe('class 2: faults while writing', () => {
  it("removes the temp folders of dead processes and old ones, keeps a live run's and another host's", async () => {
    const out = await tmp('secsli-stale-');
    const now = Date.now();
    const host = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
    const dead = `.2026-11-27T000000Z.tmp-h${host}-999999999-${now}`;
    const old = `.2026-11-27T000000Z.tmp-h${host}-${process.ppid}-${now - 2 * 86_400_000}`;
    const live = `.2026-11-27T000000Z.tmp-h${host}-${process.ppid}-${now}`;
    // Another container or host on a shared volume: its PID is no one's here, yet it may be writing.
    const elsewhere = `.2026-11-27T000000Z.tmp-h00000000-999999999-${now}`;
    const elsewhereOld = `.2026-11-27T000000Z.tmp-h00000000-999999999-${now - 2 * 86_400_000}`;
    // An earlier version's name (no host): a dead PID counts only once the folder has been quiet for an hour.
    const legacy = `.2026-11-27T000000Z.tmp-999999999-${now}`;
    for (const d of [dead, old, live, elsewhere, elsewhereOld, legacy, '2026-11-20T000000Z']) await mkdir(join(out, d));
    expect(await removeStaleTempFolders(out, now)).toEqual([dead, elsewhereOld, old].sort());
    expect(await removeStaleTempFolders(out, now + 2 * 3600_000)).toEqual([legacy]);
    expect((await readdir(out)).sort()).toEqual([live, elsewhere, '2026-11-20T000000Z'].sort());
  });

  it('a run is not published when SIGTERM comes while it is written, nor when its temporary folder vanished', async () => {
    const out = await tmp('secsli-commit-');
    const files = { 'a.csv': 'a\n', 'b.csv': 'b\n', 'c.csv': 'c\n' };
    let asked = 0;
    const stopped = await RunFolder.create(out, new Date('2026-11-27T00:00:00Z'));
    const stop = new Error('cancelled by SIGTERM');
    await expect(
      stopped.commit(files, undefined, () => {
        if (++asked === 2) throw stop;
      }),
    ).rejects.toBe(stop);
    expect(await readdir(out)).toEqual([]);
    // Another host took the folder for a dead run's and removed it between two files: mkdir would recreate it half-full.
    const robbed = await RunFolder.create(out, new Date('2026-11-27T00:00:00Z'));
    asked = 0;
    await expect(
      robbed.commit(files, undefined, () => {
        if (++asked === 2) rmSync(robbed.tmp, { recursive: true, force: true });
      }),
    ).rejects.toThrow(/a\.csv vanished from the run being written .*not published/);
    expect(await readdir(out)).toEqual([]);
  });
});

describe('class 8: history read in run order, validated, never blocking', () => {
  async function runs(snapshots: Record<string, unknown>): Promise<string> {
    const out = await tmp('secsli-hist-');
    for (const [name, snap] of Object.entries(snapshots)) {
      await mkdir(join(out, name));
      await writeFile(join(out, name, 'snapshot.json'), typeof snap === 'string' ? snap : JSON.stringify(snap));
    }
    return out;
  }
  const snap = (risk: unknown) => ({ schemaVersion: 1, asOf: '2026-11-20T00:00:00.000Z', policyHash: 'p', assets: [{ id: 'a', risk }] });

  it('compares with …Z-10, not …Z-9, and skips a snapshot whose risk is "lots"', async () => {
    const all: Record<string, unknown> = { '2026-11-20T000000Z': snap(1) };
    for (let i = 2; i <= 10; i++) all[`2026-11-20T000000Z-${i}`] = snap(i);
    const out = await runs(all);
    expect((await findPreviousRun(out, '2026-11-27T000000Z', silentLogger))?.name).toBe('2026-11-20T000000Z-10');
    await writeFile(join(out, '2026-11-20T000000Z-10', 'snapshot.json'), JSON.stringify(snap('lots')));
    const prev = await findPreviousRun(out, '2026-11-27T000000Z', silentLogger);
    expect(prev?.name).toBe('2026-11-20T000000Z-9');
    expect(prev?.risk.get('a')).toBe(9);
  });

  it('a FIFO named snapshot.json neither hangs score nor trend', async () => {
    const out = await runs({ '2026-11-20T000000Z': snap(1) });
    await mkdir(join(out, '2026-11-21T000000Z'));
    execFileSync('mkfifo', [join(out, '2026-11-21T000000Z', 'snapshot.json')]);
    const t = await cli(['trend', 'a', '--reports', out]);
    expect(t.stderr).toContain('not a regular file');
    const s = await cli(scoreArgs(out));
    expect(s.code).toBe(0);
    expect(s.stderr).toContain('skipping earlier run 2026-11-21T000000Z: cannot read snapshot.json (not a regular file)');
  }, 20_000);
});

describe('class 10: one glob engine for matching and for collection', () => {
  const listing: OwnerListing = {
    ok: true,
    requests: 1,
    repos: ['acme/.github', 'acme/api', 'acme/Api-Gateway', 'acme/.dotfiles', 'acme/web', 'acme/a.b'].map((fullName) => ({ fullName, archived: false })),
  };
  it.each(['acme/*', 'acme/.*', 'acme/api*', 'acme/{web,api}', 'acme/[a.]*', 'acme/?pi', 'acme/a.b', 'ACME/API*'])('%s collects exactly what it claims', (pattern) => {
    const glob = compileGlob(pattern, 'repo');
    const claimed = listing.repos.filter((r) => glob.test(r.fullName)).map((r) => r.fullName.toLowerCase());
    const collected = [...resolvePatterns([pattern], new Map([['acme', listing]])).repos.keys()];
    expect(collected.sort()).toEqual(claimed.sort());
  });

  it('acme/* collects acme/.github', () => {
    expect(resolvePatterns(['acme/*'], new Map([['acme', listing]])).repos.has('acme/.github')).toBe(true);
  });
});

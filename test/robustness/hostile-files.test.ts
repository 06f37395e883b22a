/**
 * Input a reviewer turned against secsli (stop 37): each was exit 70, a silent wrong answer or a
 * message that named nothing; each is now a clear problem naming the file and place, and the good
 * records are still read.
 */
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AS_OF, cli, exampleScoreArgs, fixture, tmp } from '../cli/run.js';

let dir: string;
beforeAll(async () => {
  dir = await tmp('secsli-hostile-files-');
});

const file = async (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
};

const ASSETS = (selector: string) => `version: 1
owners: { o: { contact: "#o" } }
assets:
  - id: api
    owner: o
    criticality: high
    exposure: internet
${selector}
`;

const score = (config: string, ...extra: string[]) =>
  cli([
    'score',
    '--config',
    config,
    '--from',
    `securityhub=${fixture('securityhub.json')}`,
    '--from',
    `dependabot=${fixture('dependabot.json')}`,
    '--as-of',
    AS_OF,
    '--out',
    join(dir, 'out'),
    ...extra,
  ]);

describe('assets.yaml', () => {
  it.each([
    ['a repository glob', '    github: { repos: ["acme/[z-a]"] }', 8, 'assets[0].github.repos[0]: invalid pattern "acme/[z-a]": range z-a in [z-a] is out of order'],
    [
      'a resource glob',
      '    aws: { accounts: ["111122223333"], resources: ["arn:aws:s3:::b-[9-0]"] }',
      8,
      'assets[0].aws.resources[0]: invalid pattern "arn:aws:s3:::b-[9-0]": range 9-0',
    ],
  ])('a backwards range in %s: validate and score exit 2 naming the line (score exited 70 after collecting)', async (_what, selector, line, message) => {
    const config = await file(`glob-${line}-${selector.length}.yaml`, ASSETS(selector));
    const v = await cli(['validate', '--config', config]);
    expect(v.code).toBe(2);
    expect(v.stdout).toMatch(new RegExp(`:${line}:\\d+ ${message.replace(/[[\]().*]/g, '\\$&')}`));
    const s = await score(config);
    expect([s.code, s.stderr]).toEqual([2, expect.stringContaining(message)]);
    expect(s.stderr).not.toContain('internal error');
  });

  it('a key `__proto__` is refused where it stands (a tag selector the schema dropped matched every resource of the account)', async () => {
    const config = await file('proto.yaml', ASSETS('    aws: { accounts: ["111122223333"], tags: { __proto__: nosuchvalue } }'));
    const v = await cli(['validate', '--config', config]);
    expect(v.code).toBe(2);
    expect(v.stdout).toMatch(/proto\.yaml:8:\d+ assets\[0\]\.aws\.tags.*`__proto__` cannot be a key here/);
  });

  it('more aliases than secsli expands: the limit and what to do, not "indicates a resource exhaustion attack"', async () => {
    const assets = Array.from({ length: 1001 }, (_, i) => `  - { id: a${i}, owner: o, criticality: *c, exposure: internal }`).join('\n');
    const config = await file('aliases.yaml', `version: 1\nowners: { o: {} }\nx-defaults: { criticality: &c high }\nassets:\n${assets}\n`);
    const v = await cli(['validate', '--config', config]);
    expect(v.code).toBe(2);
    expect(v.stdout).toContain('cannot read the YAML: more than 1000 aliases (*name) to expand: secsli reads at most 1000');
    expect(v.stdout).not.toContain('attack');
  });

  it('bytes that are not UTF-8 are named with their line and column, not read on as U+FFFD (a Latin-1 "Café" matched nothing)', async () => {
    const latin1 = Buffer.from(ASSETS('    aws: { accounts: ["111122223333"], tags: { Team: "Caf\u00e9" } }'), 'latin1');
    const config = await file('latin1.yaml', latin1);
    const v = await cli(['validate', '--config', config]);
    expect(v.code).toBe(2);
    expect(v.stdout).toContain('latin1.yaml:8:58 (root): the file is not UTF-8 (byte 0xE9 here): Save it as UTF-8');
    const s = await score(config);
    expect([s.code, s.stderr]).toEqual([2, expect.stringContaining('latin1.yaml:8:58 (root): the file is not UTF-8 (byte 0xE9 here)')]);
    const utf16 = await file('utf16.yaml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(ASSETS('    github: { repos: ["acme/x"] }'), 'utf16le')]));
    expect((await cli(['validate', '--config', utf16])).stdout).toContain('the file is UTF-16 (little-endian), not UTF-8: Save it as UTF-8 (PowerShell');
  });
});

describe('exports and the KEV catalog', () => {
  it('a byte order mark or a comma between joined exports or lines: every record read, nothing left out, on either reader', async () => {
    const alerts = JSON.parse(await readFile(fixture('dependabot.json'), 'utf8')) as Array<Record<string, unknown>>;
    const second = alerts.map((a) => ({ ...a, number: (a.number as number) + 1000 }));
    const all = [...alerts, ...second];
    for (const [name, text] of [
      ['bom.json', `\ufeff${JSON.stringify(alerts)}\n\ufeff${JSON.stringify(second)}`],
      ['comma.json', `${JSON.stringify(alerts)},\n${JSON.stringify(second)}`],
      // One object per line, joined with commas (trailing, or leading): the reader's line mode.
      ['lines-trailing.json', all.map((a) => JSON.stringify(a)).join(',\n') + '\n'],
      ['lines-leading.json', all.map((a, i) => (i ? ',' : '') + JSON.stringify(a)).join('\n') + '\n'],
    ] as const) {
      const path = await file(name, text);
      // The main thread's reader, and the parse workers' (which read lines by byte ranges).
      for (const env of [{}, { SECSLI_WORKERS: '2', SECSLI_WORKERS_MIN_BYTES: '1' }]) {
        const args = ['--from', `securityhub=${fixture('securityhub.json')}`, '--from', `dependabot=${path}`, '--as-of', AS_OF, '--out', join(dir, `out-${name}`)];
        const r = await cli(['score', '--config', fixture('assets.yaml'), ...args], env);
        expect(r.stderr).toContain(`file ${path}: ${alerts.length * 2} records`);
        expect(r.stderr).not.toMatch(/INCOMPLETE|not read|rejected/);
      }
    }
  });

  it('a KEV catalog with a byte order mark is read; an entry without a CVE id is skipped and named, the rest used', async () => {
    const kev = JSON.parse(await readFile(join(fixture('..'), '..', '..', 'data', 'kev', 'known_exploited_vulnerabilities.json'), 'utf8')) as { vulnerabilities: unknown[] };
    kev.vulnerabilities.splice(2, 0, { cveID: null }, { cveID: 5 });
    const path = await file('kev.json', `\ufeff${JSON.stringify(kev)}`);
    const out = await tmp('secsli-kev-');
    const r = await cli(exampleScoreArgs(out, '--kev', path));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`KEV catalog ${path}: 2 entries without a CVE id skipped: entry 3 (cveID null), entry 4 (cveID 5)`);
    // The catalog still marks what it lists: the log4j fix is there, known exploited, as with the bundled catalog.
    const plain = await cli(exampleScoreArgs(await tmp('secsli-kev-'), '-q'));
    const ex = (o: string) => readFile(join(o.trim(), 'summary.json'), 'utf8').then((t) => JSON.parse(t).byStatus);
    expect(await ex(r.stdout)).toEqual(await ex(plain.stdout));
  });
});

describe('flags', () => {
  it('--timeout longer than a timer can wait is refused (it ended the run after 1 ms, PARTIAL)', async () => {
    const r = await cli([...exampleScoreArgs(join(dir, 'timeout')), '--timeout', '597h']);
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('--timeout: "597h" is longer than a run can wait (at most 596h, 24.8 days)')]);
    expect((await cli([...exampleScoreArgs(join(dir, 'timeout-ok')), '--timeout', '596h', '-q'])).code).toBe(0);
  });

  it('diff --drivers that is no count is refused (it read as 0)', async () => {
    const r = await cli(['diff', join(dir, 'a'), join(dir, 'b'), '--drivers', 'abc']);
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('--drivers: "abc" is not a whole number ≥ 0')]);
  });

  it('review --to 9999-12-31 is refused as a window no review covers (it overflowed the stack drawing 96,000 months)', async () => {
    const reports = join(dir, 'reports');
    expect((await cli(exampleScoreArgs(reports, '-q'))).code).toBe(0);
    const r = await cli(['review', '--reports', reports, '--out', join(dir, 'reviews'), '--from', '2026-11-01', '--to', '9999-12-31']);
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('--from 2026-11-01 --to 9999-12-31 spans more than 10 years')]);
    const ok = await cli(['review', '--reports', reports, '--out', join(dir, 'reviews'), '--from', '2026-11-01', '--to', '2036-10-31']);
    expect(ok.code, ok.stderr).toBe(0);
  });
});

describe('init from exported files', () => {
  const init = (...args: string[]) => cli(['init', '--config', join(dir, 'none.yaml'), '--as-of', AS_OF, '--stdout', ...args]);

  it('property names and values that are JavaScript prototype names are names like any other', async () => {
    const repos = await file('r1.json', JSON.stringify([{ full_name: 'acme/api', archived: false, topics: [] }]));
    const props = await file('p1.json', JSON.stringify([{ repository_full_name: 'acme/api', properties: [{ property_name: 'owner-team', value: '__proto__' }] }]));
    const config = await file(
      'map.yaml',
      'version: 1\ndiscovery: { owner: { property: owner-team } }\nowners: { team-a: {} }\nassets: [ { id: x, owner: team-a, criticality: high, exposure: internal, github: { repos: [acme/zzz] } } ]\n',
    );
    const r = await cli(['init', '--config', config, '--repos', repos, '--properties', props, '--as-of', AS_OF, '--stdout']);
    expect(r.stderr).not.toContain('internal error');
    expect(r.code, r.stderr).toBe(0);
    for (const name of ['constructor', 'toString', '__proto__']) {
      const g = await init('--repos', repos, '--properties', props, '--group-by', `property:${name}`);
      expect([g.code, g.stderr]).toEqual([0, expect.not.stringContaining('internal error')]);
      expect(g.stdout).not.toContain('undefined');
    }
  });

  it('group names with no ASCII letter are assets of their own; names that differ only in case are one, and its comment names each', async () => {
    const names = ['acme/a1', 'acme/a2', 'acme/a3', 'acme/a4'];
    const repos = await file('r-groups.json', JSON.stringify(names.map((full_name) => ({ full_name, archived: false, topics: [] }))));
    const values = ['ñ日本', '---', 'Svc A', 'svc-a'];
    const props = await file('p-groups.json', JSON.stringify(names.map((n, i) => ({ repository_full_name: n, properties: [{ property_name: 'service', value: values[i] }] }))));
    const r = await init('--repos', repos, '--properties', props, '--group-by', 'property:service');
    expect(r.code, r.stderr).toBe(0);
    const ids = [...r.stdout.matchAll(/- id: "([^"]+)"/g)].map((m) => m[1]);
    expect(ids).toHaveLength(3);
    expect(ids).toContain('svc-a');
    expect(ids.filter((id) => /^group-[0-9a-f]{8}$/.test(id!))).toHaveLength(2);
    expect(r.stdout).toContain('# repositories with service=Svc A; repositories with service=svc-a');
  });

  it('a pipe, an empty file or the wrong export is refused with what to do (a FIFO hung init; an empty one read as an empty organization)', async () => {
    const fifo = join(dir, 'repos.fifo');
    execFileSync('mkfifo', [fifo]);
    const piped = await init('--repos', fifo);
    expect([piped.code, piped.stderr]).toEqual([2, expect.stringContaining(`${fifo}: not a file but a pipe or device`)]);
    const empty = await init('--repos', await file('empty.json', ''));
    expect([empty.code, empty.stderr]).toEqual([2, expect.stringContaining('the file is empty (no JSON in it)')]);
    const wrong = await init('--accounts', fixture('dependabot.json'));
    expect([wrong.code, wrong.stderr]).toEqual([2, expect.stringContaining('no account in it (no "Accounts" list, no record with an Id)')]);
    const utf16 = await init('--repos', await file('r16.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('[{"full_name":"acme/api"}]', 'utf16le')])));
    expect([utf16.code, utf16.stderr]).toEqual([2, expect.stringContaining('UTF-16 (little-endian), not UTF-8')]);
  });
});

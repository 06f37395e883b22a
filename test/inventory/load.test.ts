import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, formatProblem, UsageError } from '../../src/errors.js';
import { loadInventory, parseInventory } from '../../src/inventory/load.js';
import { exceptionExpiresAt } from '../../src/config/expiry.js';
import { validateInventory } from '../../src/inventory/validate.js';

const NOW = new Date('2026-11-27T00:00:00Z');
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/inventory/${name}`, import.meta.url));
/** Problems of a fixture as the CLI prints them, with the bare file name. */
const lines = (name: string) => parseInventory(readFileSync(fixture(name), 'utf8'), name, { now: NOW }).problems.map(formatProblem);
const parse = (text: string) => parseInventory(text, 'assets.yaml', { now: NOW });

describe('loadInventory', () => {
  it('loads the good inventory, sorted by id, with accounts and tags kept as written', async () => {
    const inv = await loadInventory(fixture('good.yaml'), { now: NOW });
    expect(inv.assets.map((a) => a.id)).toEqual(['build-infra', 'data-lake', 'payments-api']);
    expect(inv.assets.find((a) => a.id === 'payments-api')?.aws?.accounts).toEqual(['111122223333']);
    expect(inv.assets.find((a) => a.id === 'data-lake')?.aws).toEqual({ accounts: ['012345678901'], tags: { CostCenter: '0042' } });
    expect(inv.sources.securityhub?.accounts).toEqual(['111122223333']);
    expect(inv.owners['team-platform']).toEqual({});
    expect(inv.exceptions.map((e) => e.expires)).toEqual(['2027-01-31']);
    expect(inv.policy?.slaDays?.critical).toBe(7);
    expect(inv.warnings).toEqual([]);
    expect(inv.file).toBe(fixture('good.yaml'));
  });

  it('throws one ConfigError carrying every problem', async () => {
    const err = await loadInventory(fixture('many-problems.yaml'), { now: NOW }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems.filter((p) => p.severity === 'error')).toHaveLength(8);
    expect((err as ConfigError).message).toMatch(/^8 error\(s\) in .*many-problems\.yaml:\n/);
    expect((err as ConfigError).exitCode).toBe(2);
  });

  it('reports a missing file as a usage error, without "fix the lines above"', async () => {
    const err = await loadInventory(fixture('nope.yaml'), { now: NOW }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toBe(`cannot read the inventory ${fixture('nope.yaml')}: no such file`);
    expect((err as UsageError).hint).toContain('--config FILE');
  });

  it('returns warnings without throwing', async () => {
    const inv = await loadInventory(fixture('exception-expired.yaml'), { now: NOW });
    expect(inv.warnings.map(formatProblem)).toEqual([
      `${fixture('exception-expired.yaml')}:13:14 exceptions[0].expires: warning: exception \`RA-1\` expired on 2024-01-31 and no longer applies; renew or remove it`,
    ]);
    expect(inv.exceptions).toHaveLength(1); // kept: reports list expired exceptions
  });
});

describe('parseInventory: each broken fixture, exactly as printed (FILE:LINE:COL path: message)', () => {
  it.each([
    ['malformed.yaml', ['malformed.yaml:6:5 assets[0].exposure: Flow sequence in block collection must be sufficiently indented and end with a ]']],
    ['wrong-type.yaml', ['wrong-type.yaml:5:18 assets[0].criticality: expected one of critical, high, medium, low, got "3"']],
    ['assets-mapping.yaml', ['assets-mapping.yaml:2:9 assets: expected a list, got a mapping']],
    [
      'unknown-key.yaml',
      [
        'unknown-key.yaml:5:5 assets[0].critcality: unknown key `critcality`; did you mean `criticality`?',
        'unknown-key.yaml:9:7 assets[0].github.colour: unknown key `colour` (expected one of repos)',
      ],
    ],
    ['duplicate-id.yaml', ['duplicate-id.yaml:8:9 assets[1].id: duplicate asset id `payments-api` (first declared on line 3)']],
    ['duplicate-key.yaml', ['duplicate-key.yaml:6:5 assets[0].criticality: duplicate key `criticality`']],
    ['owner-missing.yaml', ['owner-missing.yaml:6:12 assets[0].owner: owner `team-paymnts` is not declared under owners; did you mean `team-payments`?']],
    [
      'bad-glob.yaml',
      [
        'bad-glob.yaml:10:11 assets[0].aws.resources[1]: invalid pattern "arn:aws:ecs:*:111122223333:service/[payments/*": unclosed [ (write \\[ for a literal bracket)',
        'bad-glob.yaml:11:11 assets[0].aws.resources[2]: invalid pattern "arn:aws:s3:::bucket//logs": has an empty segment (//)',
        'bad-glob.yaml:12:23 assets[0].aws.resourceTypes[0]: invalid pattern "AwsEcs{Service,Cluster": unclosed { (write \\{ for a literal brace)',
        'bad-glob.yaml:14:15 assets[0].github.repos[0]: invalid pattern "acme-payments": a repository is written owner/name (e.g. acme/payments-*)',
      ],
    ],
    ['bad-account.yaml', ['bad-account.yaml:8:18 assets[0].aws.accounts[0]: an AWS account id is exactly 12 digits, got "11112222333" (11 digits)']],
    ['exception-no-expiry.yaml', ['exception-no-expiry.yaml:9:5 exceptions[0]: exception `RA-1` has no expiry: risk acceptance always ends; add expires: YYYY-MM-DD']],
    ['exception-unknown-asset.yaml', ['exception-unknown-asset.yaml:10:12 exceptions[0].asset: exception `RA-1` names unknown asset `payments-apj`; did you mean `payments-api`?']],
    [
      'no-selectors.yaml',
      ['no-selectors.yaml:3:5 assets[0]: warning: asset `payments-api` claims no findings: give it aws (accounts, resources, tags, resourceTypes) or github.repos selectors'],
    ],
  ])('%s', (name, expected) => {
    expect(lines(name)).toEqual(expected);
  });

  it('reports every problem of a file in one go, in file order', () => {
    expect(lines('many-problems.yaml')).toEqual([
      'many-problems.yaml:7:5 assets[0].critcality: unknown key `critcality`; did you mean `criticality`?',
      'many-problems.yaml:10:18 assets[0].aws.accounts[0]: an AWS account id is exactly 12 digits, got "1234" (4 digits)',
      'many-problems.yaml:13:18 assets[1].criticality: expected one of critical, high, medium, low, got "urgent"',
      'many-problems.yaml:15:23 assets[1].github.repos[0]: invalid pattern "acme/payments-{web": unclosed { (write \\{ for a literal brace)',
      'many-problems.yaml:17:12 assets[2].owner: owner `team-ledger` is not declared under owners',
      'many-problems.yaml:21:9 assets[3].id: duplicate asset id `ledger` (first declared on line 16)',
      'many-problems.yaml:27:5 exceptions[0]: exception `RA-1` has no expiry: risk acceptance always ends; add expires: YYYY-MM-DD',
      'many-problems.yaml:27:5 exceptions[0].reason: every exception needs a reason',
      'many-problems.yaml:34:14 exceptions[1].expires: warning: exception `RA-2` expired on 2020-01-01 and no longer applies; renew or remove it',
    ]);
  });
});

describe('parseInventory: details', () => {
  const asset = (extra = '') => `version: 1\nassets:\n  - id: a\n    owner: o\n    criticality: high\n    exposure: internal\n    github: { repos: [acme/a] }\n${extra}`;

  it('accepts a valid file and reports no problems', () => {
    const r = parse(asset());
    expect(r.problems).toEqual([]);
    expect(r.inventory?.assets[0]?.id).toBe('a');
  });

  it('locates a YAML syntax error by line and column', () => {
    const r = parse('version: 1\nassets:\n  - id: "unterminated\n');
    expect(r.inventory).toBeUndefined();
    expect(r.problems.map(formatProblem)).toEqual(['assets.yaml:4:1 (root): Missing closing "quote']);
  });

  it('locates a bad indentation at the line it happens', () => {
    expect(parse('version: 1\nassets:\n  - id: a\n   owner: b\n').problems.map(formatProblem)).toEqual(['assets.yaml:4:1 assets: Sequence item without - indicator']);
  });

  it('rejects several documents and unresolved aliases without throwing', () => {
    expect(parse('version: 1\n---\nversion: 1\n').problems.map(formatProblem)).toEqual([
      'assets.yaml:2:1 (root): assets.yaml holds one document: remove the `---` separator and merge the parts',
    ]);
    expect(parse('version: 1\nassets: *nope\n').problems[0]?.message).toMatch(/^cannot read the YAML: Unresolved alias/);
  });

  it('nesting thousands deep is one problem where it starts, not a stack overflow with pages of [0]', () => {
    const flow = parse(`version: 1\nassets: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    expect(flow.problems.map(formatProblem)).toEqual([
      'assets.yaml:2:73 assets[0][0][0][0][0][0][0][0][0][0][0]… (65 levels): nested more than 64 levels deep: assets.yaml needs a few',
    ]);
    const block = parse(`version: 1\nsources:\n${Array.from({ length: 80 }, (_, i) => `${'  '.repeat(i + 1)}a:`).join('\n')}\n`);
    expect(block.problems).toHaveLength(1);
    expect(block.problems[0]).toMatchObject({ line: 67, path: 'sources.a.a.a.a.a.a.a.a.a.a.a… (65 levels)', severity: 'error' });
    // The deepest real inventory is far from it.
    expect(parse('version: 1\nassets:\n  - id: a\n    owner: b\n    criticality: low\n    exposure: internal\n    aws: { accounts: ["111122223333"] }\n').problems).toEqual([]);
  });

  it('reports a tab used for indentation', () => {
    const r = parse('version: 1\nassets:\n\t- id: a\n');
    expect(r.problems.length).toBeGreaterThan(0);
    expect(r.problems[0]).toMatchObject({ line: 3, severity: 'error' });
  });

  it('reports an empty file plainly', () => {
    expect(parse('').problems.map(formatProblem)).toEqual(['assets.yaml (root): the file is empty: start with `version: 1` and list your `assets:`']);
  });

  it('keeps schema-level messages (version, empty list)', () => {
    expect(parse('version: 2\nassets: []\n').problems.map(formatProblem)).toEqual([
      'assets.yaml:1:10 version: expected version: 1',
      'assets.yaml:2:9 assets: declare at least one asset',
    ]);
  });

  it('names a missing required key at the object that lacks it', () => {
    const r = parse('version: 1\nassets:\n  - id: a\n    criticality: high\n    exposure: internal\n    github: { repos: [acme/a] }\n');
    expect(r.problems.map(formatProblem)).toEqual(['assets.yaml:3:5 assets[0].owner: is required']);
  });

  it('suggests enum values and explains union types', () => {
    const r = parse(asset().replace('high', 'hgh').replace('github: { repos: [acme/a] }', 'aws: { accounts: [{ id: 1 }] }'));
    expect(r.problems.map(formatProblem)).toEqual([
      'assets.yaml:5:18 assets[0].criticality: expected one of critical, high, medium, low, got "hgh"; did you mean `high`?',
      'assets.yaml:7:23 assets[0].aws.accounts[0]: expected a string or a number, got a mapping',
    ]);
  });

  it('accepts an unquoted 12-digit account and keeps a leading zero', () => {
    const r = parse(asset().replace('github: { repos: [acme/a] }', 'aws: { accounts: [111122223333, 012345678901] }'));
    expect(r.problems).toEqual([]);
    expect(r.inventory?.assets[0]?.aws?.accounts).toEqual(['111122223333', '012345678901']);
  });

  it('lists the known keys when no key is close, and quotes odd keys in paths', () => {
    const r = parse(asset('sources:\n  securityhub: { "bad key": 1 }\n'));
    expect(r.problems.map(formatProblem)).toEqual([
      'assets.yaml:9:18 sources.securityhub["bad key"]: unknown key `bad key` (expected one of regions, aggregationRegion, api, assumeRole, accounts, file)',
    ]);
  });

  it('finds unknown keys inside policy', () => {
    const r = parse(asset('policy:\n  slaDay: { critical: 7 }\n'));
    expect(r.problems.map(formatProblem)).toEqual(['assets.yaml:9:3 policy.slaDay: unknown key `slaDay`; did you mean `slaDays`?']);
  });

  it('an exception expiring today still applies; one that expired yesterday warns', () => {
    const ex = (date: string) => asset(`exceptions:\n  - { id: RA-1, asset: a, match: { cve: CVE-2024-0001 }, reason: r, expires: ${date} }\n`);
    expect(parse(ex('2026-11-27')).problems).toEqual([]);
    expect(parse(ex('2026-11-26')).problems.map((p) => p.severity)).toEqual(['warning']);
    expect(parse(ex('2026-11-26')).inventory?.warnings).toHaveLength(1);
  });

  it('duplicate exception ids, blank reason and bad exception globs are errors', () => {
    const r = parse(
      asset(
        'exceptions:\n' +
          '  - { id: RA-1, asset: a, match: { repo: "acme" }, reason: r, expires: 2027-01-01 }\n' +
          '  - { id: RA-1, asset: a, match: { cve: CVE-2024-0001 }, reason: "  ", expires: 2027-01-01 }\n',
      ),
    );
    expect(r.problems.map(formatProblem)).toEqual([
      'assets.yaml:9:42 exceptions[0].match.repo: invalid pattern "acme": a repository is written owner/name (e.g. acme/payments-*)',
      'assets.yaml:10:11 exceptions[1].id: duplicate exception id `RA-1` (first declared on line 9)',
      'assets.yaml:10:66 exceptions[1].reason: every exception needs a reason',
    ]);
  });

  it('a selector or exception that could never match is an error: an empty tag key, a CVE or GHSA id that is none', () => {
    const r = parse(
      asset(
        'exceptions:\n' +
          '  - { id: RA-1, asset: a, match: { cve: not-a-cve }, reason: r, expires: 2027-01-01 }\n' +
          '  - { id: RA-2, asset: a, match: { ghsa: GHSA-1 }, reason: r, expires: 2027-01-01 }\n',
      ).replace('    github: { repos: [acme/a] }', '    github: { repos: [acme/a] }\n    aws: { accounts: ["111122223333"], tags: { "": x } }'),
    );
    const said = r.problems.map(formatProblem).join('\n');
    expect(said).toMatch(/assets\[0\]\.aws\.tags: a tag key is never empty/);
    expect(said).toMatch(/exceptions\[0\]\.match\.cve: a CVE id such as CVE-2021-44228/);
    expect(said).toMatch(/exceptions\[1\]\.match\.ghsa: a GitHub advisory id such as GHSA-/);
  });

  it('a misspelt top-level key does not make every exception "unknown asset"', () => {
    const text = asset('exceptions:\n  - { id: R, asset: a, match: { cvee: x }, reason: r, expires: 2027-01-01 }\n').replace('assets:', 'asset:');
    expect(parse(text).problems.map(formatProblem)).toEqual([
      'assets.yaml:2:1 asset: unknown key `asset`; did you mean `assets`?',
      'assets.yaml:9:33 exceptions[0].match.cvee: unknown key `cvee`; did you mean `cve`?',
    ]);
  });

  it('explains list items of the wrong shape and schema refinements', () => {
    const text = 'version: 1\nassets:\n  - foo\n  - id: "a b"\n    owner: o\n    criticality: high\n    exposure: internal\n    github: { repos: [] }\n';
    expect(parse(text).problems.map(formatProblem)).toEqual([
      'assets.yaml:3:5 assets[0]: expected a mapping, got "foo"',
      'assets.yaml:4:9 assets[1].id: use letters, digits, ".", "_" or "-" (no spaces)',
      'assets.yaml:8:22 assets[1].github.repos: list at least one repository',
    ]);
  });
});

describe('validateInventory and exceptionExpiresAt', () => {
  it('a date-only expiry lasts through that day (UTC)', () => {
    expect(exceptionExpiresAt('2027-01-31').toISOString()).toBe('2027-02-01T00:00:00.000Z');
    expect(exceptionExpiresAt('2027-01-31T12:00:00Z').toISOString()).toBe('2027-01-31T12:00:00.000Z');
  });

  it('works without a locator (no line and column)', () => {
    const problems = validateInventory(
      { version: 1, assets: [{ id: 'a', owner: 'o', criticality: 'high', exposure: 'internal', aws: { accounts: ['1'] } }] },
      { file: 'x.yaml', now: NOW },
    );
    expect(problems.map(formatProblem)).toEqual(['x.yaml assets[0].aws.accounts[0]: an AWS account id is exactly 12 digits, got "1" (1 digits)']);
  });
});

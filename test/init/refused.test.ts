import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AS_OF, cli, fixture, tmp } from '../cli/run.js';

/**
 * `secsli init` on exported records assets.yaml cannot declare: each is refused where it is read
 * (file, record, what was expected), left out, and the rest is still proposed — never exit 70.
 */

async function initFrom(files: Record<string, unknown>, ...args: string[]) {
  const dir = await tmp('secsli-init-');
  for (const [name, value] of Object.entries(files)) await writeFile(join(dir, name), typeof value === 'string' ? value : JSON.stringify(value));
  const at = (name: string) => join(dir, name);
  const r = await cli(['init', '--config', at('assets.yaml'), ...args.map((a) => a.replace(/\{(\w+\.json)\}/g, (_, n: string) => at(n))), '--as-of', AS_OF, '--stdout']);
  return { ...r, dir, at };
}

/** The proposal passes `secsli validate`: what init prints is always a declarable file. */
async function validates(dir: string, text: string) {
  const file = join(dir, 'proposal.yaml');
  await writeFile(file, text);
  const v = await cli(['validate', '--config', file]);
  expect(v.code, v.stdout + v.stderr).toBe(0);
}

describe('secsli init refuses records it cannot declare', () => {
  it('accounts: an Id that is not 12 digits, a number, none — refused by file and record; the good account is proposed', async () => {
    const accounts = {
      Accounts: [
        { Id: '12345', Name: 'short', Status: 'ACTIVE' },
        { Id: 123456789012, Name: 'number', Status: 'ACTIVE' },
        { Name: 'none', Status: 'ACTIVE' },
        { Id: '444455556666', Name: 'prod', Status: 'ACTIVE' },
      ],
    };
    const r = await initFrom({ 'acc.json': accounts }, '--accounts', '{acc.json}');
    expect(r.code, r.stderr).toBe(0);
    const file = r.at('acc.json');
    expect(r.stderr).toContain(`warn: ${file}: record 1 refused, left out of the proposal: Id: an AWS account id is exactly 12 digits, got "12345" (5 digits)`);
    expect(r.stderr).toContain(`warn: ${file}: record 2 refused, left out of the proposal: Id is a number (expected a string of 12 digits`);
    expect(r.stderr).toContain(`warn: ${file}: record 3 refused, left out of the proposal: no Id (expected a string of 12 digits`);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.stdout).toContain('- "444455556666" # prod');
    expect(r.stdout).not.toMatch(/- "(12345|123456789012)"/);
    expect(r.stdout).toContain(`# Note: ${file}: record 1 refused`);
    await validates(r.dir, r.stdout);
  });

  it('repositories: a name with a space or a glob character, or none — refused by file and record; the good one is proposed', async () => {
    const repos = [
      { name: 'a b', full_name: 'acme/a b', archived: false, topics: [] },
      { name: 'api', full_name: 'acme/api', archived: false, topics: [] },
      { name: 'x', full_name: 'acme/x*', archived: false, topics: [] },
      { name: 'noname', archived: false },
      { name: 'deep', full_name: 'acme/a/b', archived: false },
    ];
    const r = await initFrom({ 'repos.json': repos }, '--repos', '{repos.json}');
    expect(r.code, r.stderr).toBe(0);
    const file = r.at('repos.json');
    expect(r.stderr).toContain(
      `warn: ${file}: record 1 refused, left out of the proposal: full_name "acme/a b" is not a repository name: a repository name has only letters, digits, ".", "_" and "-"`,
    );
    expect(r.stderr).toContain(`warn: ${file}: record 3 refused, left out of the proposal: full_name "acme/x*" is not a repository name: it has glob characters`);
    expect(r.stderr).toContain(`warn: ${file}: record 4 refused, left out of the proposal: no full_name (expected "owner/name"`);
    expect(r.stderr).toContain(`warn: ${file}: record 5 refused, left out of the proposal: full_name "acme/a/b" is not a repository name: a repository is written owner/name`);
    expect(r.stdout).toContain('- "acme/api"');
    expect(r.stdout).not.toMatch(/- "acme\/(a b|x\*|a\/b)"/);
    await validates(r.dir, r.stdout);
  });

  it('every record refused: a minimal valid file, and the warning says why it is empty', async () => {
    const r = await initFrom({ 'acc.json': { Accounts: [{ Id: '12345', Name: 'prod', Status: 'ACTIVE' }] } }, '--accounts', '{acc.json}');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/nothing to propose \(every record read was refused, above\)/);
    await validates(r.dir, r.stdout);
  });

  it('a repository export with no full_name anywhere is the wrong file: exit 2, as before', async () => {
    const r = await initFrom({ 'repos.json': { Accounts: [] } }, '--repos', '{repos.json}');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no record has a full_name: is this `gh api --paginate /orgs/X/repos` output?');
  });

  it('a finding whose account or repository cannot be one is refused, named by file and record', async () => {
    const sh = JSON.parse(await readFile(fixture('securityhub.json'), 'utf8')) as { Findings: Array<Record<string, unknown>> };
    const bad = { ...sh.Findings[0]!, AwsAccountId: '12345' };
    const alerts = JSON.parse(await readFile(fixture('dependabot.json'), 'utf8')) as Array<Record<string, unknown>>;
    const badRepo = {
      ...alerts[0]!,
      repository: { full_name: 'acme/a b' },
      html_url: 'https://github.com/acme/a%20b/security/dependabot/1',
      url: 'https://api.github.com/repos/acme/a%20b/dependabot/alerts/1',
    };
    const r = await initFrom(
      { 'sh.json': { Findings: [bad, ...sh.Findings.slice(1)] }, 'dep.json': [badRepo] },
      '--from',
      'securityhub={sh.json}',
      '--from',
      'dependabot={dep.json}',
    );
    expect(r.code, r.stderr).toBe(0);
    // A finding whose account is not 12 digits is no finding at all (sources/rules.ts accountProblem), and init says so.
    expect(r.stderr).toMatch(/warn: \S*sh\.json: record 1 \(line 1\) refused, nothing proposed from it: AwsAccountId is not an AWS account id \(12 digits\): "12345"/);
    expect(r.stdout).not.toContain('12345');
    // So is an alert whose repository name has a space (sources/dependabot.ts repoOf).
    expect(r.stderr).toMatch(/warn: \S*dep\.json: record 1 \(line 1\) refused, nothing proposed from it: cannot tell the repository/);
    expect(r.stdout).not.toContain('a b');
    expect(r.stdout).toContain('- "111122223333"');
    await validates(r.dir, r.stdout);
  });

  it('finding records that cannot be read are named (the first ten), then counted', async () => {
    const sh = JSON.parse(await readFile(fixture('securityhub.json'), 'utf8')) as { Findings: Array<Record<string, unknown>> };
    const bad = Array.from({ length: 12 }, (_, i) => ({ ...sh.Findings[0]!, Id: `bad-${i}`, UpdatedAt: 'yesterday' }));
    const r = await initFrom({ 'sh.json': { Findings: [...sh.Findings, ...bad] } }, '--from', 'securityhub={sh.json}');
    expect(r.code, r.stderr).toBe(0);
    const named = r.stderr.split('\n').filter((l) => /refused, nothing proposed from it: UpdatedAt is not a timestamp: "yesterday"/.test(l));
    expect(named).toHaveLength(10);
    expect(named[0]).toMatch(new RegExp(`sh\\.json: record ${sh.Findings.length + 1} \\(line 1\\) refused`));
    expect(r.stderr).toContain('…and 2 more finding record(s) refused (12 in all)');
    await validates(r.dir, r.stdout);
  });

  it('a --from file of the wrong kind, or cut short: the proposal is printed from the rest, and init exits 3 as score does', async () => {
    const alerts = JSON.parse(await readFile(fixture('dependabot.json'), 'utf8')) as unknown[];
    const wrong = await initFrom({ 'dep.json': alerts }, '--from', 'securityhub={dep.json}');
    expect(wrong.code, wrong.stderr).toBe(3);
    expect(wrong.stderr).toContain('expected Security Hub findings');
    expect(wrong.stderr).toContain('no open finding read from --from');
    expect(wrong.stderr).toMatch(/1 --from file\(s\) could not be read whole \(above\): \S*dep\.json; the proposal was made without what they hold \(exit 3\)/);
    await validates(wrong.dir, wrong.stdout);
    const text = JSON.stringify(alerts);
    const cut = await initFrom({ 'dep.json': text.slice(0, Math.floor(text.length / 2)) }, '--from', 'dependabot={dep.json}');
    expect(cut.code, cut.stderr).toBe(3);
    await validates(cut.dir, cut.stdout);
  });
});

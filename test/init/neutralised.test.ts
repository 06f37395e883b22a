import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/load.js';
import { hasUnsafe } from '../../src/text/sanitize.js';
import { AS_OF, cli, tmp } from '../cli/run.js';

/**
 * Account names, custom property values and tags are attacker-controlled: in init's proposal
 * (stdout, -o file) and --diff they show escaped, never as raw terminal controls or bidi, and a
 * value that must stay exact (an owner) is escaped by the quoting, so YAML reads it back unchanged.
 */

const TITLE = '\u001b]0;pwned\u0007\u202eX';
const OWNER = 'team\u202e\n# injected: true\u001b[31m';

async function world() {
  const dir = await tmp('secsli-init-');
  const at = (name: string) => join(dir, name);
  await writeFile(
    at('acc.json'),
    JSON.stringify({
      Accounts: [
        { Id: '444455556666', Name: TITLE, Status: 'ACTIVE' },
        { Id: '777788889999', Name: 'sandbox\n  - "111122223333" # line', Status: 'ACTIVE' },
      ],
    }),
  );
  await writeFile(at('repos.json'), JSON.stringify([{ full_name: 'acme/api', archived: false, topics: [] }]));
  await writeFile(
    at('props.json'),
    JSON.stringify([
      {
        repository_full_name: 'acme/api',
        properties: [
          { property_name: 'service', value: 'svc\u001b[31m' },
          { property_name: 'owner-team', value: OWNER },
        ],
      },
    ]),
  );
  await writeFile(
    at('assets.yaml'),
    `version: 1
discovery:
  groupBy: { property: service }
  owner: { property: owner-team }
owners: { team-a: {} }
assets:
  - { id: svc-31m, owner: team-a, criticality: high, exposure: internal, github: { repos: [acme/api] } }
`,
  );
  const args = ['init', '--config', at('assets.yaml'), '--repos', at('repos.json'), '--properties', at('props.json'), '--accounts', at('acc.json'), '--as-of', AS_OF];
  return { at, args };
}

describe('secsli init neutralises text from outside', () => {
  it('stdout and the -o file: comments escaped, values quoted exactly; the file loads back with the owner unchanged', async () => {
    const w = await world();
    const printed = await cli([...w.args, '--stdout']);
    expect(printed.code, printed.stderr).toBe(0);
    const written = await cli([...w.args, '-o', w.at('proposal.yaml')]);
    expect(written.code, written.stderr).toBe(0);
    const file = await readFile(w.at('proposal.yaml'), 'utf8');
    expect(file).toBe(printed.stdout);
    for (const text of [printed.stdout, file]) {
      expect(hasUnsafe(text)).toBe(false);
      expect(text).toContain('# account 444455556666 (\\x1b]0;pwned\\x07\\u202eX)');
      expect(text).toContain('- "444455556666" # \\x1b]0;pwned\\x07\\u202eX');
      expect(text).toContain('# repositories with service=svc\\x1b[31m');
      // A newline in a name ends nothing: the comment stays one line, and claims no account.
      expect(text).toContain('- "777788889999" # sandbox   - "111122223333" # line');
      expect(text).not.toMatch(/^\s*- "111122223333"/m);
      expect(text).not.toMatch(/^# injected/m);
    }
    const inv = await loadInventory(w.at('proposal.yaml'), { now: new Date(AS_OF) });
    expect(inv.assets.find((a) => a.github?.repos.includes('acme/api'))?.owner).toBe(OWNER);
    expect(Object.keys(inv.owners)).toContain(OWNER);
    expect(inv.assets.flatMap((a) => a.aws?.accounts ?? []).sort()).toEqual(['444455556666', '777788889999']);
  });

  it('--diff: account names and owner values shown escaped', async () => {
    const w = await world();
    const r = await cli([...w.args, '--diff']);
    expect(r.code, r.stderr).toBe(0);
    expect(hasUnsafe(r.stdout)).toBe(false);
    expect(r.stdout).toContain('+ 0-pwned-x: aws.accounts 444455556666 (\\x1b]0;pwned\\x07\\u202eX)');
    expect(r.stdout).toContain('~ svc-31m: owner team-a → team\\u202e # injected: true\\x1b[31m');
  });
});

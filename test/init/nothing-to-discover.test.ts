import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AS_OF, cli, tmp } from '../cli/run.js';

/** `secsli init` with nothing live to discover: the message says what is missing, and the hint runs. */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('secsli init with nothing to discover', () => {
  it('the bundled example (file: sources only): says they are exports, and the hinted command proposes from them', async () => {
    const config = join(ROOT, 'assets.yaml');
    const r = await cli(['init', '--config', config, '--diff', '--as-of', AS_OF]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the sources of ${config} are exported files (file:), not live ones`);
    expect(r.stderr).not.toContain('an assets.yaml with sources:');
    const hinted = /hint: To propose from those exports: secsli init (.+) --diff \(or --stdout\)/.exec(r.stderr)?.[1];
    expect(hinted).toContain('--from securityhub=');
    expect(hinted).toContain('--from dependabot=');

    const run = await cli(['init', ...hinted!.split(' '), '--diff', '--as-of', AS_OF]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^--- .*assets\.yaml\n\+\+\+ /);
    expect(run.stderr).toMatch(/proposal: \d+ assets; 200 of 200 open findings map to an asset/);
  });

  it('no assets.yaml and no flags: says the file does not exist, and names every way in', async () => {
    const config = join(await tmp('secsli-init-'), 'assets.yaml');
    const r = await cli(['init', '--config', config, '--as-of', AS_OF]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`init: nothing to discover from: ${config} does not exist, and no --repos, --accounts or --from SOURCE=FILE exports were given`);
    expect(r.stderr).toMatch(/hint: Give --org ORG \/ --region REGION .* to discover, or --repos, --accounts or --from SOURCE=FILE exports\./);
  });
});

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/cli/', import.meta.url));
export const fixture = (name: string) => join(FIXTURES, name);
export const AS_OF = '2026-11-27T00:00:00Z';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `npm start`'s invocation: the bundled example (assets.yaml + examples/) as of AS_OF. */
export function exampleScoreArgs(out: string, ...extra: string[]): string[] {
  return [
    'score',
    '--config',
    join(ROOT, 'assets.yaml'),
    '--from',
    `securityhub=${join(ROOT, 'examples/securityhub-findings.json')}`,
    '--from',
    `dependabot=${join(ROOT, 'examples/dependabot-alerts.json')}`,
    '--as-of',
    AS_OF,
    '--out',
    out,
    ...extra,
  ];
}

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
}

/** argv in → exit code, stdout, stderr out; the real CLI in-process. */
export async function cli(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(argv, { stdout, stderr, env, now: () => new Date(AS_OF) });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

export const tmp = (prefix = 'secsli-cli-') => mkdtemp(join(tmpdir(), prefix));

/** The common offline score invocation against the small fixtures. */
export function scoreArgs(out: string, ...extra: string[]): string[] {
  return [
    'score',
    '--config',
    fixture('assets.yaml'),
    '--from',
    `securityhub=${fixture('securityhub.json')}`,
    '--from',
    `dependabot=${fixture('dependabot.json')}`,
    '--as-of',
    AS_OF,
    '--out',
    out,
    ...extra,
  ];
}

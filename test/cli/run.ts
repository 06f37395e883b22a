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

/** `secsli score` of exported files: the argv every offline score test builds. */
export function offlineScoreArgs(files: { config: string; securityhub: string; dependabot: string; out: string; asOf?: string }, ...extra: string[]): string[] {
  return [
    'score',
    '--config',
    files.config,
    '--from',
    `securityhub=${files.securityhub}`,
    '--from',
    `dependabot=${files.dependabot}`,
    '--as-of',
    files.asOf ?? AS_OF,
    '--out',
    files.out,
    ...extra,
  ];
}

/** `npm start`'s invocation: the bundled example (assets.yaml + examples/) as of AS_OF. */
export function exampleScoreArgs(out: string, ...extra: string[]): string[] {
  const [securityhub, dependabot] = [join(ROOT, 'examples/securityhub-findings.json'), join(ROOT, 'examples/dependabot-alerts.json')];
  return offlineScoreArgs({ config: join(ROOT, 'assets.yaml'), securityhub, dependabot, out }, ...extra);
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
  return offlineScoreArgs({ config: fixture('assets.yaml'), securityhub: fixture('securityhub.json'), dependabot: fixture('dependabot.json'), out }, ...extra);
}

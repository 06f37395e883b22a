#!/usr/bin/env node
import { mustExitNow } from './deadline.js';
import { tightenHeapGrowth } from './heap.js';
import { main, reportError } from './main.js';
import { EXIT, SecsliError } from '../errors.js';

tightenHeapGrowth();

// Node prints process warnings (e.g. the AWS SDK's Node-version notice) as multi-line text on
// stderr, which breaks `--log-format json` for schedulers. Print them as one log line instead.
const json = process.argv.some((a, i, all) => a === '--log-format=json' || (a === '--log-format' && all[i + 1] === 'json'));
process.removeAllListeners('warning');
process.on('warning', (w) => {
  // The whole message on one line: its first line alone was cut mid-sentence ("…for JavaScript (v3)").
  const msg = `${w.name}: ${w.message.replace(/\s*\n\s*/g, ' ').trim()}`;
  process.stderr.write(json ? JSON.stringify({ time: new Date().toISOString(), level: 'warn', msg }) + '\n' : `secsli: warn: ${msg}\n`);
});

const io = { stderr: process.stderr, env: process.env, now: () => new Date() };

/**
 * Exit codes are what schedulers alert on, and Node's own for a crash is 1 — secsli's "an asset is
 * at the --fail-on level". Whatever escapes is said as main() says its errors (secrets redacted,
 * a summary event under --log-format json) and exits with its code: 70 for a bug.
 */
function crash(e: unknown): never {
  let code: number = EXIT.INTERNAL;
  try {
    code = reportError(e, io, json);
  } catch {
    // stderr is gone too: the exit code says it.
  }
  process.exit(code);
}
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

// `secsli explain … | head`: the reader went away; that is not an error, and nothing is left to say.
// Anything else (stdout on a full disk) is the job's to fix: exit 2 unless the run already says worse.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') {
    // A run that already has news (1, 3) keeps its code, and its summary event stands: this is one
    // more error line. Otherwise the job has a problem to fix (2), and the last event says so.
    const code = typeof process.exitCode === 'number' ? process.exitCode : 0;
    const failed = new SecsliError(`cannot write to stdout: ${e.code ?? e.message}`, EXIT.USAGE, 'Check where the job sends standard output (a full disk, a closed file).');
    try {
      if (code === 0) reportError(failed, io, json);
      else process.stderr.write(json ? JSON.stringify({ time: io.now().toISOString(), level: 'error', msg: failed.message }) + '\n' : `secsli: error: ${failed.message}\n`);
    } catch {
      // nothing left to tell
    }
    process.exit(code === 0 ? EXIT.USAGE : code);
  }
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
});
// A log reader that went away (a dead `tee`, a log shipper restarted) must not end the run: the
// report is still written and the exit code still says how it went; only the log lines are lost.
process.stderr.on('error', () => {});

main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, now: () => new Date(), signals: process }).then(
  (code) => {
    process.exitCode = code;
    // After --timeout or a signal, collectors may still hold sockets in the background: do not wait for them.
    if (mustExitNow()) process.exit(code);
  },
  (e: unknown) => {
    process.stderr.write(`secsli: internal error: ${String(e)}\n`);
    process.exitCode = 70;
  },
);

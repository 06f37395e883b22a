#!/usr/bin/env node
import { mustExitNow } from './deadline.js';
import { tightenHeapGrowth } from './heap.js';
import { main } from './main.js';

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

// `secsli explain … | head`: the reader went away; that is not an error, and nothing is left to say.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
});

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

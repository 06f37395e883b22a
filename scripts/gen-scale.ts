/**
 * Deterministic scale data: Security Hub findings and Dependabot alerts as NDJSON, plus the
 * assets.yaml they map to (~5 % deliberately unmapped). Streams its output; same options, same bytes.
 *
 *   node dist/scripts/gen-scale.js --findings 1000000 --alerts 200000 --assets 2000 --seed 1 --out /tmp/scale
 *   secsli score --config /tmp/scale/assets.yaml --from securityhub=/tmp/scale/securityhub.ndjson \
 *     --from dependabot=/tmp/scale/dependabot.ndjson --as-of 2026-11-27T00:00:00Z
 */
import { fileURLToPath } from 'node:url';
import { generate, type GenOptions } from './lib/scale/generate.js';

export function parseGenArgs(argv: string[]): GenOptions {
  const get = (name: string, dflt?: string) => {
    const i = argv.indexOf(`--${name}`);
    const v = i >= 0 ? argv[i + 1] : dflt;
    if (v === undefined) throw new Error(`--${name} is required`);
    return v;
  };
  const int = (name: string, dflt: string) => {
    const n = Number(get(name, dflt).replace(/_/g, ''));
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer`);
    return n;
  };
  return { findings: int('findings', '10000'), alerts: int('alerts', '2000'), assets: Math.max(1, int('assets', '2000')), seed: int('seed', '1'), out: get('out') };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const opts = parseGenArgs(process.argv.slice(2));
    const t0 = performance.now();
    await generate(opts);
    process.stderr.write(`wrote ${opts.out} (${opts.findings} findings, ${opts.alerts} alerts, ${opts.assets} assets) in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  } catch (e) {
    process.stderr.write(`gen-scale: ${(e as Error).message}\nusage: gen-scale --findings N --alerts M --assets K --seed S --out DIR\n`);
    process.exit(2);
  }
}

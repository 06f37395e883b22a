/**
 * What the scale benchmarks share: the cached data sets and the parse floor they are measured
 * against (scripts/bench.ts, scripts/bench-onepass.ts).
 */
import { createReadStream, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FILES, generate } from './generate.js';
import { measure, type Measured } from './measure.js';

const GEN_VERSION = 'v1';

/** The floor: one thread reading the NDJSON files line by line and `JSON.parse`-ing each line. */
const FLOOR = `(async () => {
  const { createReadStream } = require('node:fs');
  const { createInterface } = require('node:readline');
  let n = 0;
  for (const f of process.argv.slice(1)) {
    const rl = createInterface({ input: createReadStream(f, { encoding: 'utf8', highWaterMark: 1 << 20 }), crlfDelay: Infinity });
    for await (const line of rl) if (line) { JSON.parse(line); n++; }
  }
  process.stderr.write(n + ' records\\n');
})()`;

/** The data set of that size (N findings, N/5 alerts), generated once and cached under $TMPDIR/secsli-bench/. */
export async function dataset(findings: number, assets: number, seed: number): Promise<string> {
  const alerts = Math.round(findings / 5);
  const dir = join(tmpdir(), 'secsli-bench', `gen-${GEN_VERSION}-f${findings}-a${alerts}-k${assets}-s${seed}`);
  if (!Object.values(FILES).every((f) => existsSync(join(dir, f)))) {
    process.stderr.write(`generating ${dir} …\n`);
    await generate({ findings, alerts, assets, seed, out: dir });
  }
  return dir;
}

/** Reads the files once, so that what follows finds them in the page cache. */
async function warm(files: string[]): Promise<void> {
  for (const f of files) for await (const _ of createReadStream(f, { highWaterMark: 1 << 22 }));
}

/**
 * The floor is one thread parsing: its wall time is its CPU time, give or take the collector's
 * helper threads. Well above it, the loop waited (on the disk, or on a machine busy with something
 * else), and its wall time is no parse floor to compare with.
 */
export const waited = (floor: Measured): boolean => floor.cpuS !== undefined && floor.wallS > 1.15 * floor.cpuS;

/** The floor over these (page-cached) files; measured again once when it waited. */
export async function measureFloor(inputs: string[], label: string): Promise<Measured> {
  await warm(inputs);
  let floor = await measure(process.execPath, ['-e', FLOOR, ...inputs]);
  if (waited(floor)) {
    // Warming is not always enough: a kernel that reclaims page cache proactively (DAMON) took
    // the input back between the warm-up and the floor (54.6 s of wall for 22.2 s of CPU, once).
    process.stderr.write(`${label}: the floor waited (${floor.wallS.toFixed(1)} s wall, ${(floor.cpuS ?? 0).toFixed(1)} s CPU); measuring it again\n`);
    await warm(inputs);
    const again = await measure(process.execPath, ['-e', FLOOR, ...inputs]);
    if (again.wallS < floor.wallS) floor = again;
  }
  return floor;
}

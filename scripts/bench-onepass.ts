/**
 * The one-pass bound (a benchmark, not a test, not a feature): how near the parse floor could a
 * `score` of N findings get if each finding were parsed, normalized, matched, made a row and
 * rendered into its snapshot line and findings.csv row on the thread that read it, with no
 * finding ever crossing to another thread? Each of `--workers` threads takes its share of each
 * input file (byte ranges cut at line starts) and writes its own two files with the real modules:
 * the parse reader's `lineStart` and its decoding of each line alone, `normalizeRecord`, the inventory matcher, `RowFactory`,
 * `findingLine` and `findingRow`.
 *
 * It is a LOWER bound on any such design: it leaves out what a run must still do — keep only the
 * latest copy of a finding re-emitted under the same id, put each asset's rows in id order, total
 * each asset (contribution and "if fixed" read 0 here), plan and write the fixes, and write the
 * other reports. Locations are interned per thread (as the parse workers' packer and the finding
 * store intern them), so the matcher's cache, keyed by the location object, works as in a run;
 * keyed here by account, Region and resource ids, which is cheaper than comparing every field.
 *
 * The stages are cumulative, each measured as its own process: start (the threads start and each
 * loads the inventory, policy and KEV catalog: the fixed cost, which a run pays once, not per thread),
 * parse (read the lines and `JSON.parse` them), normalize, match (matcher and rows), line (+ the snapshot line), csv
 * (+ the findings.csv row: the whole bound). The floor is bench.ts's, on the same data. Each is
 * measured `--runs` times, alternating, and the fastest run kept.
 *
 *   node dist/scripts/bench-onepass.js [--findings 1000000] [--assets 2000] [--seed 1] [--workers 2] [--runs 3] [--array-lines]
 */
import { isAscii } from 'node:buffer';
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { lineStart } from '../src/collectors/parallel/read.js';
import { guardRecord } from '../src/collectors/read/record-guard.js';
import { resolvePolicy } from '../src/config/policy.js';
import { loadKev } from '../src/inventory/kev.js';
import { loadInventory } from '../src/inventory/load.js';
import { compileInventory } from '../src/inventory/match.js';
import type { AwsLocation, Source } from '../src/model/finding.js';
import { exclusionText, findingRow } from '../src/report/csv.js';
import { findingLine } from '../src/report/snapshot.js';
import { RowFactory } from '../src/scoring/rows.js';
import type { AssetResult, ScoredFinding } from '../src/scoring/types.js';
import { normalizeRecord } from '../src/sources/index.js';
import { arg } from './lib/args.js';
import { dataset, measureFloor } from './lib/scale/floor.js';
import { FILES } from './lib/scale/generate.js';
import { mb, measure, type Measured } from './lib/scale/measure.js';

const STAGES = ['start', 'parse', 'normalize', 'match', 'line', 'csv'] as const;
type Stage = (typeof STAGES)[number];
const AS_OF = new Date('2026-11-27T00:00:00Z');
/**
 * Bytes read at a time. Larger than a parse job (1 MiB): a lower bound takes the cheaper reading
 * (1 MiB pieces measured ~0.5 s more system time at 1M).
 */
const PIECE = 16 << 20;
/** Characters of output kept before each write. */
const FLUSH = 1 << 18;

interface Job {
  source: Source;
  path: string;
  start: number;
  end: number;
}
interface ThreadData {
  stage: Stage;
  /** `--array-lines`: each snapshot line as a JSON array of the same values, without the key names. */
  arrayLines: boolean;
  config: string;
  jobs: Job[];
  out: string;
  index: number;
}
interface ThreadResult {
  records: number;
  rows: number;
}

/** `start`, the first line start at or after each target (the parse reader's `lineStart`), then `end`. */
async function lineStartsAt(path: string, start: number, end: number, targets: readonly number[]): Promise<number[]> {
  const handle = await open(path, 'r');
  try {
    const at = [start];
    for (const t of targets) at.push(await lineStart(handle, Math.max(at.at(-1)!, t), end));
    at.push(end);
    return at;
  } finally {
    await handle.close();
  }
}

/** Offsets that cut the file into `n` ranges, each starting at a line. */
async function cuts(path: string, n: number): Promise<number[]> {
  const { size } = await stat(path);
  return lineStartsAt(
    path,
    0,
    size,
    Array.from({ length: n - 1 }, (_, i) => Math.floor((size * (i + 1)) / n)),
  );
}

/** Where the byte range is cut into pieces of about PIECE bytes, each at a line start. */
function pieceCuts(job: Job): Promise<number[]> {
  const targets: number[] = [];
  for (let t = job.start + PIECE; t < job.end; t += PIECE) targets.push(t);
  return lineStartsAt(job.path, job.start, job.end, targets);
}

/** Fills `buf` with the file's bytes from `from` on. */
function readPiece(fd: number, from: number, buf: Buffer): void {
  for (let got = 0; got < buf.length; ) {
    const n = readSync(fd, buf, got, buf.length - got, from + got);
    if (n === 0) throw new Error(`at byte ${from + got}: the file is shorter than when it was cut`);
    got += n;
  }
}

const placeKey = (a: AwsLocation): string => {
  let key = `${a.accountId} ${a.region ?? ''}`;
  for (const r of a.resources) key += ` ${r.id}`;
  return key;
};

/**
 * `findingLine` without the key names: the values of its entry (src/report/snapshot.ts), in its
 * order, as one JSON array. Not a format secsli writes: what such a line would cost to render.
 */
function arrayLine(asset: string, s: ScoredFinding): string {
  const f = s.finding;
  const x = s.factors;
  return `${JSON.stringify([
    asset,
    f.id,
    f.source,
    f.kind,
    f.severity,
    f.title,
    f.status,
    f.closeReason ?? null,
    s.excluded === undefined,
    s.excluded ?? null,
    exclusionText(s.excluded),
    x.risk,
    s.contribution,
    s.knownExploited,
    f.firstSeen,
    f.closedAt ?? null,
    s.slaDays,
    s.dueAt,
    s.dueRule,
    s.ifFixed,
    s.overdue,
    f.cves,
    f.url ?? null,
    [x.severityPoints, x.severityBasis, x.likelihood, x.likelihoodBasis, x.context, x.contextBasis],
    s.ageDays,
    s.ageFrom ?? null,
    s.remediation ?? null,
  ])}\n`;
}

/** One thread's share: every stage up to `stage`, its output in two files of its own. */
async function thread(d: ThreadData): Promise<ThreadResult> {
  const upTo = STAGES.indexOf(d.stage);
  /** Whether this run goes as far as that stage. */
  const does = (s: Stage) => upTo >= STAGES.indexOf(s);
  const inventory = await loadInventory(d.config, { now: AS_OF });
  const matcher = compileInventory(inventory);
  const rows = new RowFactory(resolvePolicy(inventory.policy), loadKev().catalog, AS_OF);
  const assets = new Map(inventory.assets.map((a) => [a.id, { ctx: rows.assetContext(a), result: { asset: a } as unknown as AssetResult }]));
  // Every await before the loop: the loop's variables then live on the stack, not in the function's context.
  const jobs = does('parse') ? d.jobs : [];
  const cuts = await Promise.all(jobs.map(pieceCuts));
  /** The buffer every piece is read into, grown to the largest (a piece runs on to its last line's end). */
  let reused = Buffer.allocUnsafe(0);
  const places = new Map<string, AwsLocation>();
  const ndjson = openSync(join(d.out, `thread-${d.index}.ndjson`), 'w');
  const csv = openSync(join(d.out, `thread-${d.index}.csv`), 'w');
  let text = '';
  let csvText = '';
  let records = 0;
  let rowCount = 0;
  try {
    for (const [j, job] of jobs.entries()) {
      const fd = openSync(job.path, 'r');
      const at = cuts[j]!;
      for (let p = 0; p + 1 < at.length; p++) {
        const size = at[p + 1]! - at[p]!;
        if (reused.length < size) reused = Buffer.allocUnsafe(size);
        const buf = reused.subarray(0, size);
        readPiece(fd, at[p]!, buf);
        // Each line decoded alone, ASCII as Latin-1 (job.ts); a piece ends at a line's end.
        const encoding = isAscii(buf) ? 'latin1' : 'utf8';
        for (let from = 0; from < buf.length; ) {
          const nl = buf.indexOf(10, from);
          const to = nl < 0 ? buf.length : nl;
          const body = buf.toString(encoding, from, to).trim();
          from = to + 1;
          if (!body) continue;
          const value: unknown = JSON.parse(body);
          records++;
          if (!does('normalize')) continue;
          const g = guardRecord(value, () => normalizeRecord(job.source, value));
          if (!does('match') || !g.ok || !g.value.ok) continue;
          const f = g.value.finding;
          if (f.aws) {
            const key = placeKey(f.aws);
            const seen = places.get(key);
            if (seen) f.aws = seen;
            else places.set(key, f.aws);
          }
          const m = matcher.match(f);
          for (const id of m.assetIds) {
            const a = assets.get(id);
            if (!a) continue;
            const row = rows.row(f, a.ctx, m);
            rowCount++;
            if (does('line')) text += d.arrayLines ? arrayLine(id, row) : findingLine(id, row);
            if (does('csv')) csvText += findingRow(a.result, row);
          }
          if (text.length >= FLUSH) {
            writeSync(ndjson, text);
            text = '';
          }
          if (csvText.length >= FLUSH) {
            writeSync(csv, csvText);
            csvText = '';
          }
        }
      }
      closeSync(fd);
    }
    if (text) writeSync(ndjson, text);
    if (csvText) writeSync(csv, csvText);
  } finally {
    closeSync(ndjson);
    closeSync(csv);
  }
  return { records, rows: rowCount };
}

/** `--child STAGE`: one measured process, its threads on the data set's files. */
async function child(stage: Stage, dir: string, out: string, workers: number): Promise<void> {
  const inputs: [Source, string][] = [
    ['securityhub', join(dir, FILES.securityhub)],
    ['dependabot', join(dir, FILES.dependabot)],
  ];
  const ranges = await Promise.all(inputs.map(async ([source, path]) => ({ source, path, at: await cuts(path, workers) })));
  const results = await Promise.all(
    Array.from({ length: workers }, (_, index) => {
      const data: ThreadData = {
        stage,
        arrayLines: process.argv.includes('--array-lines'),
        config: join(dir, FILES.assets),
        out,
        index,
        jobs: ranges.map((r) => ({ source: r.source, path: r.path, start: r.at[index]!, end: r.at[index + 1]! })),
      };
      return new Promise<ThreadResult>((resolve, reject) => {
        const w = new Worker(new URL(import.meta.url), { workerData: data });
        w.once('message', resolve);
        w.once('error', reject);
        w.once('exit', (code) => reject(new Error(`thread ${index} exited (code ${code}) without a result`)));
      });
    }),
  );
  const sum = (k: keyof ThreadResult) => results.reduce((n, r) => n + r[k], 0);
  process.stderr.write(`${stage}: ${sum('records')} records, ${sum('rows')} rows\n`);
}

async function main(): Promise<void> {
  const findings = Number(arg('findings', '1000000').replace(/_/g, ''));
  const assets = Number(arg('assets', '2000'));
  const seed = Number(arg('seed', '1'));
  const workers = Number(arg('workers', '2'));
  const runs = Number(arg('runs', '3'));
  const arrays = process.argv.includes('--array-lines');
  const dir = await dataset(findings, assets, seed);
  const script = fileURLToPath(import.meta.url);
  // Each measured `runs` times, alternating, and the fastest kept: a bound takes the least a shared machine allowed.
  let floor: Measured | undefined;
  const best = new Map<Stage, Measured>();
  for (let run = 0; run < runs; run++) {
    const f = await measureFloor([join(dir, FILES.securityhub), join(dir, FILES.dependabot)], String(findings));
    if (!floor || f.wallS < floor.wallS) floor = f;
    for (const stage of STAGES) {
      const out = await mkdtemp(join(tmpdir(), 'secsli-onepass-'));
      try {
        const m = await measure(process.execPath, [script, '--child', stage, '--dir', dir, '--out', out, '--workers', String(workers), ...(arrays ? ['--array-lines'] : [])]);
        if (m.code !== 0) throw new Error(`stage ${stage} exited ${m.code}:\n${m.stderr}`);
        const was = best.get(stage);
        if (!was || m.wallS < was.wallS) best.set(stage, m);
        process.stderr.write(`run ${run + 1}, ${stage}: ${m.wallS.toFixed(1)} s (floor ${f.wallS.toFixed(1)} s)\n`);
      } finally {
        await rm(out, { recursive: true, force: true });
      }
    }
  }
  const measured: [string, Measured][] = [
    ['floor (bench.ts: one thread, JSON.parse of each line)', floor!],
    ...STAGES.map((st): [string, Measured] => [`${workers} threads, up to ${st}`, best.get(st)!]),
  ];
  console.log(
    `one-pass bound (best of ${runs}) — ${findings.toLocaleString('en-US')} findings + ${Math.round(findings / 5).toLocaleString('en-US')} alerts vs ${assets} assets; ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}\n`,
  );
  console.log('| what | wall s | cpu s | peak RSS | wall / floor |\n| --- | --- | --- | --- | --- |');
  for (const [what, m] of measured)
    console.log(`| ${what} | ${m.wallS.toFixed(1)} | ${m.cpuS === undefined ? 'n/a' : m.cpuS.toFixed(1)} | ${mb(m.peakRssKb)} | ${(m.wallS / floor!.wallS).toFixed(2)}× |`);
  const whole = best.get('csv')!.wallS;
  const start = best.get('start')!.wallS;
  const ratio = (x: number) => `${(x / floor!.wallS).toFixed(2)}×`;
  console.log(
    `\nthe bound: ${ratio(whole)} the floor (${ratio(whole - start)} less the threads' start-up), before de-duplication, order, totals, fixes and the other reports; secsli's target: ≤ 1.5×`,
  );
}

if (!isMainThread) {
  parentPort!.postMessage(await thread(workerData as ThreadData));
} else if (process.argv.includes('--child')) {
  await child(arg('child', 'csv') as Stage, arg('dir', ''), arg('out', ''), Number(arg('workers', '2')));
} else {
  await main();
}

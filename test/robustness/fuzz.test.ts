/**
 * Property-based fuzzing of the real sample records (test/fixtures, examples/): each run takes
 * the small CLI fixtures (the good records), adds a mutated copy of a sample record to each export
 * — a field deleted or retyped (null, a number, a huge number, -0, a 10 kB string, control
 * characters and lone surrogates, an array, an object, an impossible date) — and runs the whole
 * CLI: reader → normalizer → scorer → renderers → writer. Properties: never an internal error,
 * the good records always scored, no output file with a raw control character.
 * Seeded and bounded (numRuns and a time limit): 30 runs in `npm test`; `npm run test:scale` (CI)
 * runs the same seed with SECSLI_FUZZ_RUNS=100, a superset of the same cases.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasUnsafe } from '../../src/text/sanitize.js';
import { cli, fixture, offlineScoreArgs, tmp } from '../cli/run.js';
import { alertSamples, asffSamples } from '../sources/samples.js';
import { DELETE, mutate, samplePaths } from '../sources/variations.js';
import { snapshotWithFindings } from '../snapshot-text.js';

type Raw = Record<string, any>;

const RUNS = Number(process.env.SECSLI_FUZZ_RUNS ?? 30);

const HOSTILE_TEXT = 'a\u0000b\u001b[2J\u001b]0;owned\u0007c\u202ed\u200be\ud800f\udc00\u009b|g';
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(DELETE),
  fc.constantFrom(null, 0, -0, 1, -1, 1e308, -1e308, 2 ** 53 + 1, 1.5, true, false),
  fc.constantFrom('x'.repeat(10_240), HOSTILE_TEXT, '\ud800', '', ' ', '%zz', 'https://github.com/acme/%E0%A4%A/security/dependabot/1'),
  fc.constantFrom('2026-02-30T00:00:00Z', '2026-11-31', '+275760-09-13T00:00:00.000Z', '2026-11-01 02:00:00', 'Tue, 31 Nov 2026 10:00:00 GMT', '9999-12-31T23:59:59.999Z'),
  fc.constantFrom([], [null], [HOSTILE_TEXT], [[[]]], {}, { a: HOSTILE_TEXT }, { __proto__: null }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

interface Base {
  good: Raw[];
  samples: Raw[];
  paths: string[][];
  /** Gives the mutated copy an identity no good record has. */
  distinct: (r: Raw, i: number) => Raw;
}

async function goodRecords(): Promise<{ sh: Raw[]; dep: Raw[] }> {
  const sh = (JSON.parse(await readFile(fixture('securityhub.json'), 'utf8')) as { Findings: Raw[] }).Findings;
  const dep = JSON.parse(await readFile(fixture('dependabot.json'), 'utf8')) as Raw[];
  return { sh, dep };
}

const findingIds = (snapshot: { assets: { findings: { id: string }[] }[]; unmapped: { findingIds: string[] }[] }) =>
  new Set([...snapshot.assets.flatMap((a) => a.findings.map((f) => f.id)), ...snapshot.unmapped.flatMap((u) => u.findingIds)]);

async function runWith(sh: Raw[], dep: Raw[]) {
  const dir = await tmp('secsli-fuzz-');
  await writeFile(join(dir, 'sh.json'), JSON.stringify({ Findings: sh }));
  await writeFile(join(dir, 'dep.json'), JSON.stringify(dep));
  const r = await cli(
    offlineScoreArgs({ config: fixture('assets.yaml'), securityhub: join(dir, 'sh.json'), dependabot: join(dir, 'dep.json'), out: join(dir, 'out') }, '--save-raw', '-q'),
  );
  return { ...r, runDir: r.stdout.trim() };
}

async function outputFiles(dir: string): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push([join(e.parentPath, e.name), await readFile(join(e.parentPath, e.name), 'utf8')]);
  }
  return out;
}

describe('fuzz: mutated real records through the whole CLI', () => {
  let good: { sh: Raw[]; dep: Raw[] };
  let goodIds: Set<string>;
  let shBase: Base;
  let depBase: Base;

  beforeAll(async () => {
    good = await goodRecords();
    const baseline = await runWith(good.sh, good.dep);
    expect(baseline.code).toBe(0);
    goodIds = findingIds(
      snapshotWithFindings(await readFile(join(baseline.runDir, 'snapshot.json'), 'utf8'), await readFile(join(baseline.runDir, 'snapshot-findings.ndjson'), 'utf8')),
    );
    expect(goodIds.size).toBeGreaterThan(5);
    shBase = { good: good.sh, samples: asffSamples, paths: samplePaths(asffSamples), distinct: (r, i) => ({ ...r, Id: `fuzz-${i}` }) };
    depBase = {
      good: good.dep,
      samples: alertSamples,
      paths: samplePaths(alertSamples),
      distinct: (r, i) => ({ ...r, number: 90_000 + i, html_url: `https://github.com/acme/fuzz/security/dependabot/${90_000 + i}`, url: undefined }),
    };
  });

  const mutation = (b: () => Base) =>
    fc
      .record({
        sample: fc.nat(),
        edits: fc.array(fc.tuple(fc.nat(), hostileValue), { minLength: 1, maxLength: 4 }),
      })
      .map(({ sample, edits }) => {
        const base = b();
        const rec = base.distinct(base.samples[sample % base.samples.length]!, sample);
        return mutate(
          rec,
          edits.map(([p, v]) => [base.paths[p % base.paths.length]!, v]),
        );
      });

  it('never fails internally, always scores the good records, never writes a raw control character', async () => {
    await fc.assert(
      fc.asyncProperty(
        mutation(() => shBase),
        mutation(() => depBase),
        async (badSh, badDep) => {
          const r = await runWith([...good.sh, badSh], [...good.dep, badDep]);
          expect(r.stderr).not.toMatch(/internal error/);
          expect([0, 1, 3]).toContain(r.code);
          expect(hasUnsafe(r.stderr)).toBe(false);
          const files = await outputFiles(r.runDir);
          for (const [path, text] of files) expect(hasUnsafe(text), path).toBe(false);
          const snapshot = snapshotWithFindings(files.find(([p]) => p.endsWith('snapshot.json'))![1], files.find(([p]) => p.endsWith('snapshot-findings.ndjson'))?.[1]);
          const ids = findingIds(snapshot);
          for (const id of goodIds) expect(ids.has(id), id).toBe(true);
        },
      ),
      { seed: 20261201, numRuns: RUNS, interruptAfterTimeLimit: 12_000, endOnFailure: true },
    );
  }, 30_000);
});

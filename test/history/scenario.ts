import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SourceStatus } from '../../src/collectors/types.js';
import type { Asset, RiskException } from '../../src/config/schema.js';
import type { Finding, FindingStatus, Severity } from '../../src/model/finding.js';
import { renderSnapshot, snapshotFiles } from '../../src/report/snapshot.js';
import { runFolderName } from '../../src/report/write.js';
import type { ScoreInput } from '../../src/scoring/score.js';
import type { ScoreResult } from '../../src/scoring/types.js';
import { linearPolicy, makeAsset, makeFinding, makeInventory, scoreWith } from '../builders.js';

/**
 * A quarter of weekly history with hand-computable numbers (expected values in history.test.ts).
 * Runs every Friday 2026-07-03 … 2026-09-25 (13 in Q3) plus 2026-10-02, so the default review
 * window is 2026-Q3. Dependabot only; label points (no CVSS), likelihood 1, runtime scope.
 */

const ASSETS: Asset[] = [
  makeAsset({ id: 'pay', owner: 'team-pay', criticality: 'critical', exposure: 'internet', aws: undefined, github: { repos: ['acme/pay'] } }),
  makeAsset({ id: 'web', owner: 'team-web', criticality: 'high', exposure: 'internal', aws: undefined, github: { repos: ['acme/web'] } }),
  makeAsset({ id: 'batch', owner: 'team-web', criticality: 'low', exposure: 'isolated', aws: undefined, github: { repos: ['acme/batch'] } }),
];

interface Spec {
  n: string;
  repo: string;
  severity: Severity;
  firstSeen: string;
  closedAt?: string;
  closeStatus?: FindingStatus;
  closeReason?: string;
  /** Absent from runs at or after this date (the export stops listing it). */
  vanishAt?: string;
}

const SPECS: Spec[] = [
  { n: 'P1', repo: 'acme/pay', severity: 'low', firstSeen: '2026-06-01' },
  { n: 'P2', repo: 'acme/pay', severity: 'critical', firstSeen: '2026-08-06', closedAt: '2026-08-12', closeStatus: 'fixed' },
  { n: 'P3', repo: 'acme/pay', severity: 'high', firstSeen: '2026-09-08' },
  { n: 'W1', repo: 'acme/web', severity: 'high', firstSeen: '2026-06-25', closedAt: '2026-07-29', closeStatus: 'dismissed', closeReason: 'inaccurate' },
  { n: 'W2', repo: 'acme/web', severity: 'medium', firstSeen: '2026-07-08', closedAt: '2026-07-28', closeStatus: 'fixed' },
  { n: 'W3', repo: 'acme/web', severity: 'critical', firstSeen: '2026-09-01', closedAt: '2026-09-05', closeStatus: 'fixed' },
  { n: 'W4', repo: 'acme/web', severity: 'low', firstSeen: '2026-08-01', vanishAt: '2026-08-28' },
  { n: 'B1', repo: 'acme/batch', severity: 'low', firstSeen: '2026-05-01' },
  // 180-day SLA runs out 2026-08-28: overdue from the 2026-09-04 run, breaking batch's remediation SLO.
  { n: 'B2', repo: 'acme/batch', severity: 'low', firstSeen: '2026-03-01' },
];

const EXCEPTIONS: RiskException[] = [
  { id: 'RA-1', asset: 'web', match: { findingId: 'dependabot:acme/web#W9' }, reason: 'compensating WAF rule', expires: '2026-11-15' },
  { id: 'RA-2', asset: 'pay', match: { cve: 'CVE-2026-0001' }, reason: 'not reachable', expires: '2027-02-01' },
];

/** Dependabot alerts disabled for acme/batch in these runs: batch is UNKNOWN. */
const GAP_RUNS = ['2026-08-14', '2026-08-21'];

const DAY = 86_400_000;
export const RUN_DATES = Array.from({ length: 14 }, (_, k) => new Date(Date.parse('2026-07-03T00:00:00Z') + 7 * k * DAY));

const t = (d: string) => `${d}T00:00:00Z`;

function findingsAt(asOf: Date, specs: Spec[] = SPECS): Finding[] {
  const now = asOf.getTime();
  return specs
    .filter((s) => Date.parse(t(s.firstSeen)) <= now && !(s.vanishAt && Date.parse(t(s.vanishAt)) <= now))
    .map((s) => {
      const closed = s.closedAt !== undefined && Date.parse(t(s.closedAt)) <= now;
      return makeFinding({
        source: 'dependabot',
        nativeId: `${s.repo}#${s.n}`,
        title: `${s.n} ${s.severity} in ${s.repo}`,
        severity: s.severity,
        github: { repo: s.repo, scope: 'runtime' },
        firstSeen: t(s.firstSeen),
        updatedAt: closed ? t(s.closedAt!) : t(s.firstSeen),
        status: closed ? s.closeStatus! : 'open',
        ...(closed ? { closedAt: t(s.closedAt!) } : {}),
        ...(closed && s.closeReason ? { closeReason: s.closeReason } : {}),
      });
    });
}

function sources(gapRepos: string[]): ScoreInput['sources'] {
  const status: SourceStatus = {
    source: 'dependabot',
    origins: ['test'],
    complete: true,
    problems: [],
    records: 0,
    coverage: [
      { source: 'dependabot', scope: {}, status: 'covered' },
      ...gapRepos.map((repo) => ({ source: 'dependabot' as const, scope: { repo }, status: 'gap' as const, reason: 'Dependabot alerts are disabled for this repository.' })),
    ],
  };
  return [{ describe: 'test dependabot', status }];
}

export interface RunOptions {
  assets?: Asset[];
  exceptions?: RiskException[];
  specs?: Spec[];
  gapRepos?: string[];
  over?: Partial<ScoreInput>;
}

/** One run of the scenario through the real score(). */
export function scenarioResult(asOf: Date, o: RunOptions = {}): ScoreResult {
  const assets = o.assets ?? ASSETS;
  return scoreWith(findingsAt(asOf, o.specs), assets, {
    inventory: makeInventory(assets, o.exceptions ?? EXCEPTIONS),
    now: asOf,
    policy: linearPolicy(),
    sources: sources(o.gapRepos ?? (GAP_RUNS.includes(asOf.toISOString().slice(0, 10)) ? ['acme/batch'] : [])),
    ...o.over,
  });
}

const SNAPSHOT_META = { toolVersion: 'test', inventoryFile: 'assets.yaml' };

/** snapshot.json text for one run (the single-file layout, schemaVersion 1), through the real score() and renderSnapshot(). */
export function snapshotText(asOf: Date, o: RunOptions = {}): string {
  return renderSnapshot(scenarioResult(asOf, o), SNAPSHOT_META);
}

/** One run's folder in the layout `score` writes (schemaVersion 2: snapshot.json and the NDJSON files it names). */
export async function writeRunFiles(dir: string, name: string, r: ScoreResult): Promise<string> {
  const at = join(dir, name);
  await mkdir(at, { recursive: true });
  for (const [file, chunks] of Object.entries(snapshotFiles(r, SNAPSHOT_META))) await writeFile(join(at, file), [...chunks].join(''));
  return at;
}

export async function writeRunFolder(dir: string, name: string, text: string | undefined): Promise<void> {
  await mkdir(join(dir, name), { recursive: true });
  if (text !== undefined) await writeFile(join(dir, name, 'snapshot.json'), text);
}

/** The scenario's 14 runs under `dir`; returns their folder names, oldest first. */
export async function writeScenario(dir: string): Promise<string[]> {
  const names: string[] = [];
  for (const d of RUN_DATES) {
    const name = runFolderName(d);
    await writeRunFolder(dir, name, snapshotText(d));
    names.push(name);
  }
  return names;
}

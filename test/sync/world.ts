import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { liveCollectorFactories, type LiveCollectorFactory } from '../../src/collectors/live.js';
import { normalizeRecord } from '../../src/sources/index.js';
import type { Collector, SourceStatus } from '../../src/collectors/types.js';
import type { SourcesConfig } from '../../src/config/schema.js';
import type { Source } from '../../src/model/finding.js';
import { createIncrementalCollector, type IncrementalOptions } from '../../src/sync/incremental.js';
import { startGithubEmulator, type GithubEmulator, type GithubEmulatorOptions } from '../fakes/github-emulator.js';
import { startSecurityHubEmulator, type SecurityHubEmulator, type SecurityHubEmulatorOptions } from '../fakes/securityhub-emulator.js';
import { makeAlert, makeAsff, makeOcsf } from '../fakes/seed.js';
import { memoryLogger, memorySink } from '../fakes/sink.js';
import { FAKE } from '../live/world.js';

type Obj = Record<string, any>;

/**
 * Emulators with seeds far older than any sync (2026-01, see seed.ts), mutated in place between
 * runs the way the services change data: every change stamps a fresh update time (wall clock, as
 * the APIs' clocks would). Collectors come from the real factory, made fast for tests (no SDK
 * retries, a generous limiter, short retry-after).
 */

export const A = '111122223333';
export const B = '444455556666';
export const REGION = 'eu-west-1';

const nowIso = () => new Date().toISOString();
export const tmp = (prefix = 'secsli-sync-') => mkdtemp(join(tmpdir(), prefix));

export interface SyncWorld {
  sh: SecurityHubEmulator;
  gh: GithubEmulator;
  shOpts: SecurityHubEmulatorOptions;
  ghOpts: GithubEmulatorOptions;
  factories: LiveCollectorFactory[];
  close(): Promise<void>;
}

export async function syncWorld(o: {
  findings?: Obj[];
  ocsf?: Obj[];
  alerts: Record<string, Obj[]>;
  repos: GithubEmulatorOptions['repos'];
  claimed: string[];
  sources: SourcesConfig;
  accounts?: string[];
  gh?: Pick<GithubEmulatorOptions, 'orgs' | 'enterprises'>;
}): Promise<SyncWorld> {
  const shOpts: SecurityHubEmulatorOptions = { findings: o.findings ?? [], ocsfFindings: o.ocsf ?? [] };
  const ghOpts: GithubEmulatorOptions = { token: FAKE.githubToken, repos: o.repos, alerts: o.alerts, ...o.gh };
  const sh = await startSecurityHubEmulator(shOpts);
  const gh = await startGithubEmulator(ghOpts);
  const factories = liveCollectorFactories(o.sources, {
    env: { AWS_ENDPOINT_URL_SECURITYHUB: sh.url, AWS_ACCESS_KEY_ID: FAKE.awsKeyId, AWS_SECRET_ACCESS_KEY: FAKE.awsSecret, GITHUB_TOKEN: FAKE.githubToken, GITHUB_API_URL: gh.url },
    claimedRepos: o.claimed,
    accountsFromInventory: o.accounts ?? [A, B],
    log: memoryLogger(),
    securityhub: { sdk: { maxAttempts: 1 }, limit: { ratePerSecond: 100_000, burst: 100_000 }, backoffMs: 1, retries: 1 },
    dependabot: { retryAfterBaseValue: 10 },
  });
  return { sh, gh, shOpts, ghOpts, factories, close: async () => void (await Promise.all([sh.close(), gh.close()])) };
}

const factoryOf = (w: SyncWorld, source: Source) => w.factories.find((f) => f.source === source)!;

export interface Pulled {
  status: SourceStatus;
  /** Raw records pushed, by native id (JSON text, for exact comparison). */
  raw: Map<string, string>;
  /** Normalized findings by id (JSON text). */
  findings: Map<string, string>;
  log: string[];
  /** Emulator requests this pull made. */
  requests: number;
}

const nativeId = (source: Source, raw: Obj) => String(source === 'dependabot' ? raw.html_url : (raw.Id ?? raw.finding_info?.uid));

/** One collect through `collector` (or the incremental wrapper when `state` is given), counting emulator requests. */
export async function pull(w: SyncWorld, source: Source, state?: Omit<IncrementalOptions, 'now'> & { now?: () => Date }): Promise<Pulled> {
  const factory = factoryOf(w, source);
  const collector: Collector = state ? createIncrementalCollector(factory, state) : factory.create();
  const emu = source === 'dependabot' ? w.gh.requests : w.sh.requests;
  const before = emu.length;
  const sink = memorySink();
  const log = memoryLogger();
  const status = await collector.collect(sink, log);
  const raw = new Map<string, string>();
  const findings = new Map<string, string>();
  for (const r of sink.records) {
    const id = nativeId(source, r.raw as Obj);
    if (raw.has(id)) throw new Error(`pushed twice: ${id}`);
    raw.set(id, JSON.stringify(r.raw));
    const n = normalizeRecord(source, r.raw);
    if (n.ok) findings.set(n.finding.id, JSON.stringify(n.finding));
  }
  return { status, raw, findings, log: log.lines, requests: emu.length - before };
}

/** Maps as sorted entry lists, for toEqual with a readable diff. */
export const sorted = (m: Map<string, string>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

// ---- data and mutations ---------------------------------------------------------------------

export const asffSeed = (n: number, accounts = [A, B]) =>
  Array.from({ length: n }, (_, i) => makeAsff(i, { account: accounts[i % accounts.length]!, region: REGION, kind: i % 7 === 3 ? 'inspector' : 'control' }));

const touch = (f: Obj) => {
  f.UpdatedAt = nowIso();
  return f;
};

/** Security Hub changes as providers make them (BatchImportFindings: UpdatedAt moves). */
export const shChange = {
  create: (list: Obj[], i: number, account = A) => list.push(touch(Object.assign(makeAsff(i, { account, region: REGION }), { CreatedAt: nowIso() }))),
  update: (f: Obj) => touch(Object.assign(f, { Title: `${f.Title} (updated)`, Severity: { Label: 'HIGH', Original: 'HIGH' } })),
  resolve: (f: Obj) => touch(Object.assign(f, { Workflow: { Status: 'RESOLVED' } })),
  pass: (f: Obj) => touch(Object.assign(f, { Compliance: { ...(f.Compliance ?? {}), Status: 'PASSED' }, Workflow: { Status: 'RESOLVED' } })),
  archive: (f: Obj) => touch(Object.assign(f, { RecordState: 'ARCHIVED' })),
};

export const ocsfSeed = (n: number) =>
  Array.from({ length: n }, (_, i) => makeOcsf(i, { account: i % 2 ? A : B, region: REGION, ...(i % 5 === 0 ? { compliance: 'Fail' as const } : {}) }));
const touchOcsf = (f: Obj) => {
  f.finding_info.modified_time_dt = nowIso();
  return f;
};
export const ocsfChange = {
  create: (list: Obj[], i: number) => list.push(touchOcsf(makeOcsf(i, { account: A, region: REGION }))),
  update: (f: Obj) => touchOcsf(Object.assign(f, { severity: 'Critical', severity_id: 5 })),
  resolve: (f: Obj) => touchOcsf(Object.assign(f, { status: 'Resolved', status_id: 4 })),
  archive: (f: Obj) => touchOcsf(Object.assign(f, { status: 'Archived', status_id: 5 })),
};

/** Dependabot changes: GitHub moves `updated_at` on every state change. */
export const dbChange = {
  create: (list: Obj[], owner: string, repo: string, n: number) => list.push(Object.assign(makeAlert(owner, repo, n), { created_at: nowIso(), updated_at: nowIso() })),
  dismiss: (a: Obj) => Object.assign(a, { state: 'dismissed', dismissed_at: nowIso(), dismissed_reason: 'tolerable_risk', updated_at: nowIso() }),
  fix: (a: Obj) => Object.assign(a, { state: 'fixed', fixed_at: nowIso(), updated_at: nowIso() }),
  reopen: (a: Obj) => Object.assign(a, { state: 'open', dismissed_at: null, dismissed_reason: null, fixed_at: null, updated_at: nowIso() }),
};

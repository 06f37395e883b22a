/**
 * Generates a quarter of weekly `secsli score` history from a seed, for the README example of
 * `secsli review`, `secsli trend` and `secsli diff`:
 *
 *   npm run build && node dist/scripts/gen-history.js --out examples/history [--seed 7] [--start 2026-04-03] [--weeks 27]   (--help: usage)
 *   node dist/src/cli/index.js review --reports examples/history --out examples/reviews
 *
 * Each run folder holds only the snapshot files (all that history reads), produced by the real
 * score() and snapshotFiles(). Weekly runs from --start (default 2026-04-03, a Friday) for --weeks
 * (default 27), so the default review window is 2026-Q3 and 2026-Q2 is there to compare with.
 * Same seed → byte-identical files. Along the way (on fixed dates, whatever --start): a coverage
 * gap, a KEV catalog update, an exposure change, an expiring exception, a policy change, a
 * repository no asset claims and one run narrowed with --asset, so every part of the review has
 * something to show.
 */
import { readdir } from 'node:fs/promises';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SourceStatus } from '../src/collectors/types.js';
import type { Asset, RiskException } from '../src/config/schema.js';
import type { Inventory, Matcher } from '../src/config/inventory.js';
import type { Finding, Severity } from '../src/model/finding.js';
import { snapshotFiles } from '../src/report/snapshot.js';
import { writeRun } from '../src/report/write.js';
import { DEFAULT_POLICY, resolvePolicy } from '../src/config/policy.js';
import { score } from '../src/scoring/score.js';
import { Rng } from './lib/prng.js';

const DAY = 86_400_000;

const asset = (id: string, owner: string, criticality: Asset['criticality'], exposure: Asset['exposure']): Asset => ({
  id,
  owner,
  criticality,
  exposure,
  github: { repos: [`acme/${id}`] },
});
const ASSETS: Asset[] = [
  asset('batch-jobs', 'team-data', 'low', 'isolated'),
  asset('checkout-web', 'team-payments', 'high', 'internet'),
  asset('identity', 'team-identity', 'critical', 'internal'),
  asset('payments-api', 'team-payments', 'critical', 'internet'),
  asset('reporting', 'team-data', 'medium', 'internal'),
];
/** When things happen (UTC days; a run on or after the day sees the change). */
const at = (d: string) => Date.parse(`${d}T00:00:00Z`);
const GAP_RUNS = [at('2026-07-24'), at('2026-07-31')]; // Dependabot disabled on acme/reporting
const KEV_UPDATE = at('2026-08-07');
const EXPOSURE_CHANGE = at('2026-08-28'); // reporting becomes internet-facing
const POLICY_CHANGE = at('2026-09-11'); // internal exposure weight 1 → 1.2
/** acme/legacy-tool has findings but no asset claims it (unclaimed inventory) from this day on. */
const UNCLAIMED_FROM = at('2026-08-14');
const UNCLAIMED = asset('legacy-tool', 'nobody', 'low', 'internal');
/** One run narrowed with --asset (history skips it, saying so), the day after a weekly run. */
const NARROWED = { at: at('2026-09-19'), asset: 'payments-api' };
const CVES = ['CVE-2026-1001', 'CVE-2026-1002', 'CVE-2026-1003', 'CVE-2026-1004', 'CVE-2026-1005', 'CVE-2026-1006'];
const EXCEPTIONS: RiskException[] = [
  { id: 'RA-7', asset: 'checkout-web', match: { cve: 'CVE-2026-1005' }, reason: 'vulnerable endpoint disabled', approvedBy: 'security-lead', expires: '2026-08-31' },
  { id: 'RA-9', asset: 'identity', match: { cve: 'CVE-2026-1004' }, reason: 'mitigated by network policy', approvedBy: 'security-lead', expires: '2026-11-30' },
];

interface Planned {
  f: Finding;
  firstSeen: number;
  closeAt?: number;
  dismissed: boolean;
  /** The export stops listing it instead of reporting it closed. */
  vanishes: boolean;
}

const SEVERITY: readonly (readonly [Severity, number])[] = [
  ['critical', 1],
  ['high', 4],
  ['medium', 6],
  ['low', 4],
];
const CVSS: Record<Severity, [number, number]> = { critical: [9, 10], high: [7, 8.9], medium: [4, 6.9], low: [0.1, 3.9], info: [0, 0] };

function plan(rng: Rng, start: number, weeks: number): Planned[] {
  const out: Planned[] = [];
  let n = 0;
  for (const a of [...ASSETS, UNCLAIMED]) {
    const r = rng.fork(a.id);
    // Critical assets get fewer new findings: teams keep them tidier.
    const rate = a.criticality === 'critical' ? 0.6 : 1;
    const arrivals = [...Array.from({ length: r.int(1, 4) }, () => start - r.int(1, 60) * DAY)];
    for (let w = 0; w < weeks; w++)
      for (
        let k = r.weighted([
          [0, 5 / rate],
          [1, 3],
          [2, 1],
        ] as const);
        k > 0;
        k--
      )
        arrivals.push(start + (w * 7 - r.int(0, 6)) * DAY);
    if (a === UNCLAIMED) arrivals.push(UNCLAIMED_FROM);
    for (const firstSeen of arrivals.sort((x, y) => x - y).filter((t) => a !== UNCLAIMED || t >= UNCLAIMED_FROM)) {
      const severity = r.weighted(SEVERITY);
      const [lo, hi] = CVSS[severity];
      // Most are fixed within their SLA; some run over it.
      const sla = DEFAULT_POLICY.slaDays[severity];
      const life = r.chance(0.95) ? r.int(1, sla) : r.int(sla + 1, sla * 2);
      const id = ++n;
      const repo = a.github!.repos[0]!;
      const cve = r.chance(0.35) ? r.pick(CVES) : `CVE-2025-${String(10000 + id)}`;
      const f: Finding = {
        id: `dependabot:${repo}#${id}`,
        source: 'dependabot',
        nativeId: `${repo}#${id}`,
        kind: 'vulnerability',
        title: `${cve} in ${r.pick(['lodash', 'jackson-databind', 'urllib3', 'golang.org/x/net', 'express', 'pyyaml'])}`,
        severity,
        cvss: { score: Math.round((lo + r.next() * (hi - lo)) * 10) / 10, version: '3.1' },
        ...(r.chance(0.6) ? { epss: { probability: Math.round(r.next() * 100) / 1000, percentile: Math.round(r.next() * 100) / 100 } } : {}),
        knownExploited: false,
        exploitAvailable: r.chance(0.1),
        cves: [cve],
        packages: [],
        status: 'open',
        firstSeen: new Date(firstSeen).toISOString(),
        updatedAt: new Date(firstSeen).toISOString(),
        product: 'Dependabot',
        github: { repo, scope: r.chance(0.2) ? 'development' : 'runtime' },
        url: `https://github.com/${repo}/security/dependabot/${id}`,
      };
      // Nobody owns the unclaimed repository, so nobody fixes its findings.
      const fixed = r.chance(0.9) && a !== UNCLAIMED;
      out.push({ f, firstSeen, ...(fixed ? { closeAt: firstSeen + life * DAY } : {}), dismissed: fixed && r.chance(0.12), vanishes: fixed && r.chance(0.1) });
    }
  }
  return out;
}

function visible(p: Planned, now: number): Finding | undefined {
  if (p.firstSeen > now) return undefined;
  const closed = p.closeAt !== undefined && p.closeAt <= now;
  if (closed && (p.vanishes || now - p.closeAt! > 120 * DAY)) return undefined;
  if (!closed) return p.f;
  const at = new Date(p.closeAt!).toISOString();
  return { ...p.f, status: p.dismissed ? 'dismissed' : 'fixed', ...(p.dismissed ? { closeReason: 'inaccurate' } : {}), closedAt: at, updatedAt: at };
}

function matcherFor(inv: Inventory): Matcher {
  const forRepo = (repo: string) => inv.assets.filter((a) => a.github?.repos.includes(repo)).map((a) => a.id);
  return { match: (f) => ({ assetIds: f.github ? forRepo(f.github.repo) : [], ambiguous: false, matchedBy: 'github.repos' }), assetsForRepo: forRepo };
}

export interface GenOptions {
  /** Folder to write run folders into; must be empty or absent. */
  out: string;
  seed?: number;
  /** First run's as-of, YYYY-MM-DD (UTC midnight). Default 2026-04-03. */
  start?: string;
  weeks?: number;
}

/** Writes the runs; returns their folders, oldest first (the narrowed run among them). Throws if `out` is not empty. */
export async function generateHistory(opts: GenOptions): Promise<string[]> {
  const out = opts.out;
  const start = Date.parse(`${opts.start ?? '2026-04-03'}T00:00:00Z`);
  const weeks = opts.weeks ?? 27;
  const existing = await readdir(out).catch(() => []);
  if (existing.length > 0) throw new Error(`${out} is not empty; choose another --out (runs are never overwritten)`);
  const planned = plan(new Rng(opts.seed ?? 7), start, weeks);
  const dirs: string[] = [];
  let previous: { name: string; risk: Map<string, number> } | undefined;
  const runAt = async (now: number, only?: string) => {
    const assets = ASSETS.map((a) => (a.id === 'reporting' && now >= EXPOSURE_CHANGE ? { ...a, exposure: 'internet' as const } : a)).filter((a) => !only || a.id === only);
    const inventory: Inventory = { file: 'assets.yaml', assets, owners: {}, exceptions: EXCEPTIONS.filter((x) => !only || x.asset === only), sources: {}, warnings: [] };
    const kevCves = now >= KEV_UPDATE ? CVES.slice(0, 2) : CVES.slice(0, 1);
    const status: SourceStatus = {
      source: 'dependabot',
      origins: ['gen-history'],
      complete: true,
      problems: [],
      records: 0,
      coverage: [
        { source: 'dependabot', scope: {}, status: 'covered' },
        ...(GAP_RUNS.includes(now)
          ? [{ source: 'dependabot' as const, scope: { repo: 'acme/reporting' }, status: 'gap' as const, reason: 'Dependabot alerts are disabled for this repository.' }]
          : []),
      ],
    };
    const matcher = matcherFor(inventory);
    const findings = planned
      .map((p) => visible(p, now))
      .filter((f): f is Finding => f !== undefined)
      .filter((f) => !only || matcher.match(f).assetIds.length > 0);
    const result = score({
      findings,
      inventory,
      matcher,
      policy: now >= POLICY_CHANGE ? resolvePolicy({ exposure: { internal: 1.2 } }) : DEFAULT_POLICY,
      kev: { version: now >= KEV_UPDATE ? '2026.08.01' : '2026.07.01', origin: 'gen-history', cves: new Set(kevCves) },
      now: new Date(now),
      sources: [{ status: { ...status, records: findings.length }, describe: 'generated Dependabot alerts' }],
      rejected: [],
      ...(previous ? { previousRisk: previous.risk } : {}),
    });
    const meta = { toolVersion: 'gen-history', inventoryFile: 'assets.yaml', ...(previous ? { previousRun: previous.name } : {}), ...(only ? { scope: { asset: only } } : {}) };
    const dir = await writeRun(out, new Date(now), snapshotFiles(result, meta));
    if (!only) previous = { name: basename(dir), risk: new Map(result.assets.map((a) => [a.asset.id, a.risk])) };
    dirs.push(dir);
  };
  for (let w = 0; w < weeks; w++) {
    const now = start + w * 7 * DAY;
    await runAt(now);
    if (now < NARROWED.at && now + 7 * DAY > NARROWED.at && w + 1 < weeks) await runAt(NARROWED.at, NARROWED.asset);
  }
  return dirs;
}

const USAGE = `Usage: node dist/scripts/gen-history.js [--out DIR] [--seed N] [--start YYYY-MM-DD] [--weeks N]

Writes a deterministic history of weekly \`secsli score\` runs (snapshot files only) for trying
\`secsli review\`, \`secsli trend\` and \`secsli diff\`.

  --out DIR            folder to write the run folders into; must be empty or absent (default: examples/history)
  --seed N             random seed, a whole number; same seed, same bytes (default: 7)
  --start YYYY-MM-DD   first run's as-of, UTC midnight (default: 2026-04-03)
  --weeks N            number of weekly runs, at least 1 (default: 27)
  -h, --help           print this and exit
`;

/**
 * The command line, strictly: an unknown flag, a flag without its value or a bad value is an
 * error (a mistyped flag must not silently write 27 runs into the default folder).
 */
export function parseGenArgs(argv: readonly string[]): { help: true } | { help: false; opts: GenOptions } {
  const opts: GenOptions = { out: 'examples/history', seed: 7, start: '2026-04-03', weeks: 27 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--help' || flag === '-h') return { help: true };
    const [name, inline] = flag.startsWith('--') && flag.includes('=') ? [flag.slice(0, flag.indexOf('=')), flag.slice(flag.indexOf('=') + 1)] : [flag, undefined];
    if (!['--out', '--seed', '--start', '--weeks'].includes(name)) throw new Error(`unknown argument ${JSON.stringify(flag)} (see --help)`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === '' || (inline === undefined && value.startsWith('--'))) throw new Error(`${name} needs a value (see --help)`);
    const whole = (min: number) => {
      if (!/^\d+$/.test(value) || Number(value) < min) throw new Error(`${name} must be a whole number${min > 0 ? ` ≥ ${min}` : ''}, not ${JSON.stringify(value)}`);
      return Number(value);
    };
    if (name === '--out') opts.out = value;
    else if (name === '--seed') opts.seed = whole(0);
    else if (name === '--weeks') opts.weeks = whole(1);
    else {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) throw new Error(`--start must be a date YYYY-MM-DD, not ${JSON.stringify(value)}`);
      opts.start = value;
    }
  }
  return { help: false, opts };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  let parsed: ReturnType<typeof parseGenArgs> | undefined;
  try {
    parsed = parseGenArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`gen-history: ${(e as Error).message}\n`);
    process.exitCode = 2;
  }
  if (parsed?.help) process.stdout.write(USAGE);
  else if (parsed)
    generateHistory(parsed.opts).then(
      (dirs) => process.stdout.write(dirs.map((d) => d + '\n').join('')),
      (e: unknown) => {
        process.stderr.write(`gen-history: ${(e as Error).message}\n`);
        process.exitCode = 2;
      },
    );
}

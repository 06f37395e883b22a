import * as z from '../vendor/zod.js';
import { SNAPSHOT_SCHEMA_VERSION, type Snapshot } from '../report/snapshot.js';

/**
 * Reader for snapshot.json (src/report/snapshot.ts writes it). Loose on purpose: unknown keys are
 * kept out of the way, fields added after the first snapshots shipped get defaults, so history
 * keeps reading every run ever written. Dispatches on `schemaVersion`; a reader per version
 * normalises to SnapshotV1, the shape everything in src/history works on.
 */

const num = z.number().finite();
const str = z.string();
const sevCounts = z
  .looseObject({ critical: num.default(0), high: num.default(0), medium: num.default(0), low: num.default(0), info: num.default(0) })
  .default({ critical: 0, high: 0, medium: 0, low: 0, info: 0 });

const exclusion = z.looseObject({ kind: str, status: str.optional(), exceptionId: str.optional(), of: str.optional() }).nullable().default(null);

export const findingV1 = z.looseObject({
  id: str,
  source: str.default('unknown'),
  kind: str.default('other'),
  severity: str.default('info'),
  title: str.default(''),
  status: str.default('open'),
  closeReason: str.nullable().default(null),
  counted: z.boolean().optional(),
  excluded: exclusion,
  /** Finding risk before the asset's exposure. */
  risk: num.default(0),
  contribution: num.optional(),
  knownExploited: z.boolean().default(false),
  firstSeen: str.nullable().default(null),
  closedAt: str.nullable().default(null),
  slaDays: num.nullable().default(null),
  /** The run's own deadline (it counts the age from another source's earlier sighting, `ageFrom`); null in snapshots before it. */
  dueAt: str.nullable().default(null),
  overdue: z.boolean().default(false),
  cves: z.array(str).default([]),
  url: str.nullable().default(null),
});

const coverageV1 = z.looseObject({ source: str, status: z.enum(['covered', 'gap']), reasons: z.array(str).default([]) });

const assetV1 = z.looseObject({
  id: str,
  owner: str.default('(no owner)'),
  criticality: str.default('unknown'),
  exposure: str.default('unknown'),
  /** Absent in pre-release snapshots: inventory changes are then judged on criticality/exposure only. */
  definitionHash: str.nullable().default(null),
  status: str.default('UNKNOWN'),
  statusReasons: z.array(str).default([]),
  /** The rule that set the status ("known exploited past due", scoring/status.ts); null in snapshots without it. */
  statusReason: str.nullable().default(null),
  risk: num,
  budget: num.nullable().default(null),
  budgetUsed: num.nullable().default(null),
  remediation: z
    .looseObject({ good: num.default(0), valid: num.default(0), sli: num.nullable().default(null), target: num.nullable().default(null) })
    .nullable()
    .default(null),
  /** Absent → unknown; the asset counts as covered unless its status says UNKNOWN. */
  coverage: z.array(coverageV1).nullable().default(null),
  openBySeverity: sevCounts,
  overdue: num.default(0),
  openThreats: num.default(0),
  findings: z.array(findingV1).default([]),
});

const exceptionV1 = z.looseObject({
  id: str,
  asset: str,
  match: z.record(str, z.unknown()).default({}),
  state: str.default('active'),
  expires: str.nullable().default(null),
  matched: num.default(0),
  reason: str.default(''),
});

const countPair = z.looseObject({ repos: num.nullable().default(null), accounts: num.nullable().default(null) });
/**
 * `inventory`: the assets.yaml path, and in live runs the inventory truth (src/drift/render.ts
 * driftSnapshot): `discovered` and `claimed` counts — the inventory coverage SLI is claimed ÷
 * discovered — plus the `unclaimed` and `dangling` lists, `attributeDrift`, `exposureContradicted`
 * and discovery `notes`. Optional: offline runs and earlier snapshots have no drift fields.
 */
const inventoryV1 = z
  .looseObject({
    file: str.optional(),
    discovered: countPair.optional(),
    claimed: countPair.optional(),
    unclaimed: z.array(z.looseObject({ kind: str, key: str, covered: z.boolean().nullable().default(null), open: num.default(0) })).optional(),
    dangling: z.array(z.looseObject({ kind: str, asset: str, claim: str, state: str })).optional(),
  })
  .optional();

const snapshotV1Schema = z.looseObject({
  schemaVersion: z.union([z.literal(1), z.literal(2), z.literal(3)]).default(1),
  tool: z.looseObject({ name: str.optional(), version: str.optional() }).default({}),
  asOf: z.iso.datetime({ offset: true }),
  partial: z.boolean().default(false),
  previousRun: str.nullable().default(null),
  /** Set when the run was narrowed with --asset: history skips it (the other assets were not scored). */
  scope: z.looseObject({ asset: str.optional() }).nullable().default(null),
  policyHash: str.default('unknown'),
  /** The resolved policy; null in snapshots that did not carry it (weights then compare as unknown). */
  policy: z.record(str, z.unknown()).nullable().default(null),
  kev: z.looseObject({ version: str.default('unknown') }).default({ version: 'unknown' }),
  assets: z.array(assetV1),
  /** Version 2: the findings are in this file of the run folder (one line per asset, finding). */
  // A file of the run itself: a plain name, never a path (a snapshot from shared history must not
  // point a reader at ../../anything).
  findingsFile: z.looseObject({ name: str.regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/, 'a file name inside the run folder (no path)'), lines: num }).optional(),
  unmapped: z.array(z.looseObject({ source: str.optional(), key: str.optional(), open: num.optional(), findingIds: z.array(str).default([]) })).default([]),
  ambiguous: z.array(z.looseObject({ findingId: str, assetIds: z.array(str).default([]) })).default([]),
  exceptions: z.array(exceptionV1).default([]),
  inventory: inventoryV1,
});

export type SnapshotV1 = z.infer<typeof snapshotV1Schema>;
export type AssetV1 = SnapshotV1['assets'][number];
export type FindingV1 = AssetV1['findings'][number];

/** `reason` is stable text (it goes into review.md); `detail` varies with the Node version (logs only). */
export type ParseResult = { ok: true; snapshot: SnapshotV1; notes: string[] } | { ok: false; reason: string; detail?: string };

/**
 * Versions 1, 2 and 3 differ only in where the findings (history/snapshot-stream.ts) and the fixes
 * (no reader needs them: loose schema, `fixes` or `fixesFile` ignored) are.
 */
const readV1 = (value: unknown): ParseResult => {
  const r = snapshotV1Schema.safeParse(value);
  if (r.success) return { ok: true, snapshot: r.data, notes: [] };
  const first = r.error.issues[0];
  const path = first?.path.length ? first.path.join('.') : '(root)';
  return { ok: false, reason: `not a valid snapshot: ${path}: ${first?.message ?? 'invalid'}${r.error.issues.length > 1 ? ` (+${r.error.issues.length - 1} more)` : ''}` };
};
const readers: Record<number, (value: unknown) => ParseResult> = { 1: readV1, 2: readV1, 3: readV1 };

/** Parse snapshot.json text into the current in-memory shape, or say why it cannot be read. */
export function parseSnapshot(text: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: 'corrupt JSON', detail: (e as Error).message };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { ok: false, reason: 'not a JSON object' };
  const version = (value as { schemaVersion?: unknown }).schemaVersion;
  if (version === undefined) {
    // Written before snapshots were versioned: the v1 reader's defaults cover what they lack.
    const r = readers[1]!({ ...(value as object), schemaVersion: 1 });
    return r.ok ? { ...r, notes: ['no schemaVersion; read as version 1'] } : r;
  }
  const reader = typeof version === 'number' ? readers[version] : undefined;
  if (!reader) {
    const hint = typeof version === 'number' && version > SNAPSHOT_SCHEMA_VERSION ? ' (written by a newer secsli; upgrade to read it)' : '';
    return { ok: false, reason: `unsupported schemaVersion ${JSON.stringify(version)}${hint}` };
  }
  return reader(value);
}

/** Exposure weight of an asset in a run: from the snapshot's policy, else the documented defaults. */
export function exposureWeightOf(s: SnapshotV1, a: AssetV1): number {
  const fromPolicy = (s.policy?.exposure as Record<string, unknown> | undefined)?.[a.exposure];
  if (typeof fromPolicy === 'number') return fromPolicy;
  return ({ internet: 2, internal: 1, isolated: 0.5 } as Record<string, number>)[a.exposure] ?? 1;
}

/** A finding counts against its asset's risk in this run. */
export const isCounted = (f: FindingV1): boolean => f.counted ?? f.excluded === null;

/** Contribution to the asset's risk (exposure × finding risk when counted, else 0). */
export function contributionOf(s: SnapshotV1, a: AssetV1, f: FindingV1): number {
  if (!isCounted(f)) return 0;
  return f.contribution ?? exposureWeightOf(s, a) * f.risk;
}

/** Every source the asset expects answered for it (unknown coverage: judged by its status). */
export function isCovered(a: AssetV1): boolean {
  return a.coverage ? a.coverage.every((c) => c.status === 'covered') : a.status !== 'UNKNOWN';
}

/**
 * The snapshot this run just built (report/snapshot.ts), read as history reads snapshot.json, with
 * no JSON round trip. No conversion: the compiler checks that the writer's shape is the reader's.
 */
export const snapshotOfRun = (s: Snapshot): SnapshotV1 => s;

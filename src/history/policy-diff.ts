import type { SnapshotV1 } from './schema.js';

/**
 * What changed between two runs' policies, in words a chart label can carry
 * ("exposure.internal 1 → 1.2; KEV catalog 2026.07.01 → 2026.08.01"), instead of two hashes.
 * Leaf values are compared by their JSON text; paths are sorted, so the label is stable.
 */

const MAX_PATHS = 3;

function leaves(value: unknown, prefix: string, out: Map<string, string>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const k of Object.keys(value).sort()) leaves((value as Record<string, unknown>)[k], prefix ? `${prefix}.${k}` : k, out);
  } else out.set(prefix, JSON.stringify(value) ?? 'undefined');
}

/** Changed leaf settings, "path old → new" (absent shown as "—"), sorted by path. */
function policyDifferences(a: SnapshotV1, b: SnapshotV1): string[] {
  if (!a.policy || !b.policy) return [];
  const x = new Map<string, string>();
  const y = new Map<string, string>();
  leaves(a.policy, '', x);
  leaves(b.policy, '', y);
  const paths = [...new Set([...x.keys(), ...y.keys()])].sort();
  return paths.filter((p) => x.get(p) !== y.get(p)).map((p) => `${p} ${x.get(p) ?? '—'} → ${y.get(p) ?? '—'}`);
}

/** A short description of a policy change; "policy changed" when the runs do not say how. */
export function describePolicyChange(a: SnapshotV1, b: SnapshotV1): string {
  const diffs = policyDifferences(a, b);
  const parts = diffs.slice(0, MAX_PATHS);
  if (diffs.length > MAX_PATHS) parts.push(`+${diffs.length - MAX_PATHS} more setting(s)`);
  if (a.kev.version !== b.kev.version) parts.push(`KEV catalog ${a.kev.version} → ${b.kev.version}`);
  return parts.length ? parts.join('; ') : 'policy changed (details not recorded in the snapshots)';
}

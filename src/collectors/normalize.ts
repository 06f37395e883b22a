import type { Finding, Source } from '../model/finding.js';
import { normalizeDependabotAlert } from './dependabot/normalize.js';
import { normalizeAsff } from './securityhub/normalize.js';
import { normalizeOcsf } from './securityhub/normalize-ocsf.js';

export type Normalized = { ok: true; finding: Finding } | { ok: false; reason: string; nativeId?: string };

/** OCSF (GetFindingsV2) records carry `finding_info`/`metadata`; ASFF records carry `SchemaVersion`/`Id`. */
function isOcsf(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && ('finding_info' in raw || 'class_uid' in raw) && !('SchemaVersion' in raw);
}

/** Raw record → Finding, by source; pure. */
export function normalizeRecord(source: Source, raw: unknown): Normalized {
  if (source === 'dependabot') return normalizeDependabotAlert(raw);
  return isOcsf(raw) ? normalizeOcsf(raw) : normalizeAsff(raw);
}

import { isTimeInRange, parseUtc } from '../time.js';
import { keptByFullQuery } from '../collectors/securityhub/filters.js';
import type { Source } from '../model/finding.js';

/**
 * What the sync layer needs to know of one raw record, per source: its key, when it last changed,
 * where it lives (Security Hub: for the evidence check) and whether a full pull would return it.
 */

export interface RecordFacts {
  /** The source's native key: ASFF `Id`, OCSF `finding_info.uid`, a Dependabot alert's `html_url`. Undefined: cannot be synced. */
  id: string | undefined;
  /** The record's update time as given (ASFF `UpdatedAt`, OCSF `finding_info.modified_time_dt`, Dependabot `updated_at`). */
  updatedAt: string;
  /** Security Hub only: AWS account and Region. */
  account?: string;
  region?: string;
  /** Would a full pull return this record now? Records that left (archived, passed) are dropped on merge. */
  keep: boolean;
}

type Obj = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const obj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});
/** OCSF times come as ISO strings (`*_dt`) or epoch milliseconds. */
const time = (v: unknown): string => (typeof v === 'number' && isTimeInRange(v) ? new Date(v).toISOString() : String(v ?? ''));

export function recordFacts(source: Source, raw: unknown): RecordFacts {
  const r = obj(raw);
  if (source === 'dependabot') {
    return { id: str(r.html_url) ?? str(r.url), updatedAt: String(r.updated_at ?? ''), keep: true };
  }
  if (r.finding_info !== undefined) {
    const info = obj(r.finding_info);
    const account = str(obj(obj(r.cloud).account).uid);
    const region = str(obj(r.cloud).region);
    return {
      id: str(info.uid) ?? str(obj(r.metadata).uid),
      updatedAt: time(info.modified_time_dt ?? info.modified_time ?? r.time_dt ?? r.time),
      ...(account ? { account } : {}),
      ...(region ? { region } : {}),
      keep: keptByFullQuery(raw),
    };
  }
  const account = str(r.AwsAccountId);
  const region = str(r.Region);
  return { id: str(r.Id), updatedAt: String(r.UpdatedAt ?? ''), ...(account ? { account } : {}), ...(region ? { region } : {}), keep: keptByFullQuery(raw) };
}

/** Milliseconds of an update time; unparseable times sort as -Infinity (any dated copy wins over them). */
export function updatedMs(updatedAt: string): number {
  const t = parseUtc(updatedAt);
  return Number.isNaN(t) ? -Infinity : t;
}

/**
 * The registry of source formats: every adapter, and the two questions the rest of secsli asks of
 * them (normalize this record, what does sync need to know of it). Adding a format means adding
 * its file and one line here (docs/architecture.md, "Source adapters").
 */
import type { RecordClaims, Source } from '../model/finding.js';
import { asff } from './asff.js';
import { dependabot } from './dependabot.js';
import { ocsf } from './ocsf.js';
import { reject, zodReason } from './rules.js';
import type { NormalizeResult, RecordFacts, SourceAdapter } from './types.js';

export type { NormalizeResult, RecordFacts, SourceAdapter } from './types.js';

/**
 * Per source, its formats in the order they are tried: the first whose `recognise` accepts the record
 * reads it; a record none recognises goes to the last (the source's main format), whose schema then
 * says what is wrong with it.
 */
export const ADAPTERS = {
  securityhub: [ocsf, asff],
  dependabot: [dependabot],
  // biome-ignore lint/suspicious/noExplicitAny: adapters differ in their record type R, which is contravariant in toFinding; the registry only needs "some R"
} as const satisfies Record<Source, readonly SourceAdapter<any>[]>;

export function adapterFor(source: Source, raw: unknown): SourceAdapter<unknown> {
  // biome-ignore lint/suspicious/noExplicitAny: as above, an adapter of some record type
  const candidates: readonly SourceAdapter<any>[] = ADAPTERS[source];
  for (let i = 0; i < candidates.length - 1; i++) if (candidates[i]!.recognise(raw)) return candidates[i]!;
  return candidates[candidates.length - 1]!;
}

/** Raw record → Finding through one adapter: the fast reader when it can, else the schema (which explains a rejection). */
export function normalizeWith<R>(adapter: SourceAdapter<R>, raw: unknown): NormalizeResult {
  const record = adapter.read(raw);
  if (record !== undefined) return withClaims(adapter, raw, adapter.toFinding(record));
  const parsed = adapter.schema.safeParse(raw);
  return withClaims(adapter, raw, parsed.success ? adapter.toFinding(parsed.data) : reject(zodReason(parsed.error), adapter.idOf(raw)));
}

/** A rejection's fields as a Rejected record carries them (the native id and claims only when read). */
export const rejectionFields = (r: { reason: string; nativeId?: string; claims?: RecordClaims }) => ({
  ...(r.nativeId ? { nativeId: r.nativeId } : {}),
  reason: r.reason,
  ...(r.claims ? { claims: r.claims } : {}),
});

/** A rejection says what the record is about, so the asset it names is not read as fully measured. */
function withClaims<R>(adapter: SourceAdapter<R>, raw: unknown, r: NormalizeResult): NormalizeResult {
  if (r.ok) return r;
  const claims = adapter.claimsOf(raw);
  return claims ? { ...r, claims } : r;
}

/**
 * What a record the record guard refused (its handling threw: a lone surrogate, nesting too deep)
 * still says it is about — its account, resources or repository, read by the adapter's own few
 * field reads — or undefined when even that fails.
 */
function claimsOfRecord(source: Source, raw: unknown): RecordClaims | undefined {
  try {
    return adapterFor(source, raw).claimsOf(raw);
  } catch {
    return undefined;
  }
}

/** The rejection of a record the guard refused, with what it still says it is about. */
export function guardRejection(source: Source, raw: unknown, reason: string): NormalizeResult & { ok: false } {
  const claims = claimsOfRecord(source, raw);
  return claims ? { ok: false, reason, claims } : { ok: false, reason };
}

/** Raw record → Finding, by source; pure. */
export function normalizeRecord(source: Source, raw: unknown): NormalizeResult {
  return normalizeWith(adapterFor(source, raw), raw);
}

/** What incremental sync needs of a raw record (src/sync). */
export function recordFacts(source: Source, raw: unknown): RecordFacts {
  return adapterFor(source, raw).facts(raw);
}

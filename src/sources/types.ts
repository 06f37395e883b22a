import type * as z from '../vendor/zod.js';
import type { Finding, RecordClaims, Source } from '../model/finding.js';

/**
 * What normalizing one raw record gives: a Finding, or why it was rejected (with its native id, and
 * what it is about, when those could be read).
 */
export type NormalizeResult = { ok: true; finding: Finding } | { ok: false; reason: string; nativeId?: string; claims?: RecordClaims };

/**
 * What incremental sync needs to know of one raw record: its key, when it last changed, where it
 * lives (Security Hub: for the evidence check) and whether a full pull would return it.
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

/**
 * One source format (docs/architecture.md, "Source adapters"). `R` is the typed record the mapping reads: what
 * `read` returns for a well-formed record and what `schema` parses out of any record it accepts —
 * the two must agree (the contract suite, test/sources/contract.ts, checks it on every adapter).
 */
export interface SourceAdapter<R> {
  /** Short name of the format: 'asff', 'ocsf', 'dependabot'. */
  readonly id: string;
  /** Human name, for documentation and messages. */
  readonly format: string;
  /** The Source its findings feed. */
  readonly source: Source;
  /** Does this raw record look like this format? Cheap: looks at keys, validates nothing. */
  recognise(raw: unknown): boolean;
  /**
   * The fast reader: `schema.parse(raw)` by hand, for plainly well-formed records; undefined when the
   * schema would reject the record or the reader cannot be sure (then the schema runs and explains).
   */
  read(raw: unknown): R | undefined;
  /** The schema: used only to explain a rejection (its issues become the reason) and as the test oracle. */
  readonly schema: z.ZodType<R>;
  /** The native id of a record the schema rejected, when one can be read (shown with the rejection). */
  idOf(raw: unknown): string | undefined;
  /** What a rejected record is about, as far as it can be read (its account, resources, repository): best effort, never throws. */
  claimsOf(raw: unknown): RecordClaims | undefined;
  /** The one mapping to Finding; may still reject what the schema cannot judge (a timestamp that does not parse). */
  toFinding(record: R): NormalizeResult;
  /** The link back to the source's own page for this record (console URL, `html_url`). */
  link(record: R): string | undefined;
  /** What incremental sync reads of a raw record (src/sync). */
  facts(raw: unknown): RecordFacts;
}

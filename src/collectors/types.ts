import type { Rejected, Source } from '../model/finding.js';
import type { Logger } from '../log.js';

/** Where one raw record came from, for error messages and `--save-raw`. */
export interface RecordOrigin {
  /** File path, or "api:<scope>" for a live collector. */
  origin: string;
  /** 1-based position of the record within its origin. */
  record: number;
  /** 1-based line, when the format has lines (NDJSON) or the reader tracks them. */
  line?: number;
}

/**
 * Collectors push raw records (exactly as the source gave them) into a sink, one at a time,
 * so that ingest can stream: nothing requires the whole export in memory.
 */
export interface RecordSink {
  record(raw: unknown, where: RecordOrigin): void;
  /** A record (or part of a file) that could not even be read as a record. */
  reject(rejected: Omit<Rejected, 'source'>): void;
}

/**
 * Did a source answer for a scope? Live collectors emit one entry per account/region or repository
 * they tried; file readers emit one `{}`-scoped entry per file they could read.
 */
export interface CoverageEntry {
  source: Source;
  /** Empty scope = the whole source. */
  scope: { account?: string; region?: string; repo?: string };
  status: 'covered' | 'gap';
  /** Why it is a gap ("Dependabot alerts are disabled for this repository.", "401 not subscribed", …). */
  reason?: string;
}

export interface SourceStatus {
  source: Source;
  /** Files read, or API scopes asked ("securityhub ap-northeast-1"). */
  origins: string[];
  /** False when the source failed or was cut short: the run is PARTIAL. */
  complete: boolean;
  /** Human-readable reasons the source is incomplete (never containing secrets). */
  problems: string[];
  coverage: CoverageEntry[];
  /** Number of raw records pushed to the sink. */
  records: number;
}

export interface Collector {
  source: Source;
  /** Short description for logs and reports: "file examples/sh.json", "Security Hub API (ap-northeast-1)". */
  describe: string;
  collect(sink: RecordSink, log: Logger): Promise<SourceStatus>;
}

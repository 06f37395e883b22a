import type { Rejected, Source } from '../model/finding.js';
import type { FindingUnpacker } from './parallel/packed.js';
import type { SourceStatus } from '../model/source-status.js';

// Part of the collector contract; defined in the model because scoring reads them too.
export type { CoverageEntry, SourceStatus } from '../model/source-status.js';
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
  /**
   * Records already normalized by parse workers: their findings packed (src/collectors/parallel/packed.ts)
   * and, in file order, the records that were rejected. A sink without it is sent raw records only
   * (the pipeline leaves it out when it needs them: --save-raw, inventory-truth evidence).
   */
  batch?(batch: RecordBatch): void;
}

export interface RecordBatch {
  packed: Uint8Array;
  /** Decodes `packed` (src/collectors/parallel/packed.ts). */
  unpacker: FindingUnpacker;
  findings: number;
  rejected: Omit<Rejected, 'source'>[];
}

export interface Collector {
  source: Source;
  /** Short description for logs and reports: "file examples/sh.json", "Security Hub API (ap-northeast-1)". */
  describe: string;
  collect(sink: RecordSink, log: Logger): Promise<SourceStatus>;
}

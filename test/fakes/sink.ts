import type { Rejected } from '../../src/model/finding.js';
import type { RecordOrigin, RecordSink } from '../../src/collectors/types.js';
import type { Logger } from '../../src/log.js';

export function memorySink(): RecordSink & { records: Array<{ raw: unknown; where: RecordOrigin }>; rejected: Array<Omit<Rejected, 'source'>> } {
  const records: Array<{ raw: unknown; where: RecordOrigin }> = [];
  const rejected: Array<Omit<Rejected, 'source'>> = [];
  return { records, rejected, record: (raw, where) => records.push({ raw, where }), reject: (r) => rejected.push(r) };
}

/** A logger that keeps every line (with its fields serialised) so tests can search them for secrets. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => lines.push(`${level} ${msg}${fields ? ' ' + JSON.stringify(fields) : ''}`);
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), progress: at('progress') };
}

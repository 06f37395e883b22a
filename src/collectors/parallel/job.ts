/**
 * One parse job: the NDJSON lines of a byte range of a file, read as the serial reader reads them
 * (src/collectors/read/records.ts in line mode: each non-blank line, trimmed, is a record; an array
 * on one line is several; a last line without its newline that does not parse means a cut file),
 * then each record normalized as the pipeline does (the record guard around normalizeRecord).
 * Record and line numbers are the job's own (1-based): the main thread adds what came before.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import type { RecordClaims, Source } from '../../model/finding.js';
import { guardRejection, normalizeRecord, rejectionFields } from '../../sources/index.js';
import { describeFound, FILE_EXPECTATIONS, looksLike } from '../read/expect.js';
import { lineBody } from '../read/line-body.js';
import { guardRecord } from '../read/record-guard.js';
import { AccountCoverage, RepoCoverage } from '../read/repo-coverage.js';
import { Utf8Check } from '../../io/utf8.js';
import type { FindingPacker } from './packed.js';

export interface JobSpec {
  path: string;
  source: Source;
  /** Byte range: `start` at the start of a line, `end` just after a newline or at the end of the file. */
  start: number;
  end: number;
  /** The range ends the file. */
  last: boolean;
  maxRecordChars: number;
}

/** What went wrong with one record slot, numbers local to the job. */
type JobEvent =
  | { k: 'reject'; record: number; line: number; nativeId?: string; reason: string; claims?: RecordClaims }
  | { k: 'invalid'; record: number; line: number; why: string }
  | { k: 'oversize'; record: number; line: number }
  | { k: 'cut'; record: number; line: number };

export interface JobResult {
  /** Newlines in the range. */
  newlines: number;
  /** Record slots (parsed values and unreadable lines): record numbers run over them. */
  slots: number;
  /** Parsed record values. */
  values: number;
  /** Non-blank lines. */
  lines: number;
  /** Some record looked like the source's records (FILE_EXPECTATIONS). */
  matched: boolean;
  /** describeFound() of the range's first record value, for "expected …; found …". */
  first?: string;
  /** Invalid UTF-8: the first offset in the file and how many bytes. */
  utf8?: { first: number; count: number };
  events: JobEvent[];
  findings: number;
  packed: Uint8Array;
  /** The pool's index of the worker that read it (its packed tables continue that worker's earlier batches). */
  worker?: number;
  /** Dependabot: the repositories of the alerts read, and how many alerts named a repository. */
  repos?: string[];
  withRepository?: number;
  /** Security Hub: the accounts the findings read name. */
  accounts?: string[];
}

function packed(p: FindingPacker): { findings: number; packed: Uint8Array } {
  const { bytes, count } = p.bytes();
  return { findings: count, packed: bytes };
}

/** Reads one range; its findings go through `packer` (the worker's, for this file: see packed.ts). */
export function runJob(spec: JobSpec, bytes: Buffer, packer: FindingPacker): JobResult {
  const { source } = spec;
  const expect = FILE_EXPECTATIONS[source];
  let utf8: JobResult['utf8'];
  // ASCII (what exports nearly always are) is its own Latin-1: copying the bytes into a one-byte
  // string gives the string UTF-8 decoding would, ~3× quicker (0.25 against 0.8 ms per MiB, measured).
  const ascii = isAscii(bytes);
  if (!ascii && !isUtf8(bytes)) {
    const check = new Utf8Check(spec.start);
    check.push(bytes);
    if (spec.last) check.end();
    if (check.first !== undefined) utf8 = { first: check.first, count: check.count };
  }
  // Each line is decoded alone, never the range as one string: a string over 128 KiB is a large
  // object, which V8 counts against the old generation's limit, small in a parse worker (JOB_BYTES
  // in read.ts); a line's string is young and dies young. A newline byte is never part of a UTF-8
  // sequence, so the lines are those that decoding the whole range and splitting it gives.
  const utf8Decoder = ascii ? undefined : new TextDecoder('utf-8', { ignoreBOM: true });
  const decode = (from: number, to: number): string => (utf8Decoder ? utf8Decoder.decode(bytes.subarray(from, to)) : bytes.toString('latin1', from, to));

  const events: JobEvent[] = [];
  const coverage = source === 'dependabot' ? new RepoCoverage() : undefined;
  const accounts = source === 'securityhub' ? new AccountCoverage() : undefined;
  let newlines = 0;
  let slots = 0;
  let values = 0;
  let lines = 0;
  let matched = false;
  let first: string | undefined;

  const handle = (value: unknown, line: number) => {
    slots++;
    values++;
    if (first === undefined) first = describeFound(value, 'line');
    if (looksLike(value, expect)) matched = true;
    coverage?.note(value);
    accounts?.note(value);
    const g = guardRecord(value, () => {
      const r = normalizeRecord(source, value);
      if (r.ok) packer.add(r.finding);
      return r;
    });
    const r = g.ok ? g.value : guardRejection(source, value, g.reason);
    if (!r.ok) events.push({ k: 'reject', record: slots, line, ...rejectionFields(r) });
  };

  let pos = 0;
  const n = bytes.length;
  while (pos < n) {
    let nl = bytes.indexOf(10, pos);
    const final = nl < 0;
    if (final) nl = n;
    const line = newlines + 1;
    // A UTF-8 line of more than 3 bytes per allowed character holds more characters than allowed
    // (no character takes more than 3 bytes per UTF-16 unit): too large, without decoding it — a
    // line of 600 MB would make a string longer than V8 allows, and the worker fail.
    if (nl - pos > 3 * spec.maxRecordChars) {
      if (!final) newlines++;
      pos = nl + 1;
      lines++;
      slots++;
      events.push({ k: 'oversize', record: slots, line });
      continue;
    }
    let raw = decode(pos, nl);
    if (pos === 0 && spec.start === 0 && raw.charCodeAt(0) === 0xfeff) raw = raw.slice(1);
    if (!final) newlines++;
    pos = nl + 1;
    if (raw.length > spec.maxRecordChars) {
      lines++;
      slots++;
      events.push({ k: 'oversize', record: slots, line });
      continue;
    }
    const body = lineBody(raw);
    if (body.length === 0) continue;
    lines++;
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch (err) {
      slots++;
      if (final && spec.last) events.push({ k: 'cut', record: slots, line });
      else events.push({ k: 'invalid', record: slots, line, why: err instanceof Error ? err.message : String(err) });
      continue;
    }
    if (Array.isArray(value)) for (const v of value) handle(v, line);
    else handle(value, line);
  }

  return {
    newlines,
    slots,
    values,
    lines,
    matched,
    ...(first !== undefined ? { first } : {}),
    ...(utf8 ? { utf8 } : {}),
    events,
    ...packed(packer),
    ...(coverage ? { repos: [...coverage.repos], withRepository: coverage.withRepository } : {}),
    ...(accounts ? { accounts: [...accounts.accounts] } : {}),
  };
}

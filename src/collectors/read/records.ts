import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { describeFound, looksLike, objectWithKeys, WRAPPER_KEYS, type RecordExpectation } from './expect.js';
import { Utf8Check } from '../../io/utf8.js';
import { JsonScanner, type Container, type ScanEvent, type ScanStats } from './scanner.js';

// Over 250 lines on purpose: the reader and its one interpreter of scanner events (coverage rules
// for empty files, page tokens, shape decisions) read as one piece.

/**
 * How the records were laid out: one array, several arrays back to back (`gh api --paginate`),
 * an array of arrays (`--slurp`), a `{"Findings":[…]}` wrapper, one object, several objects, NDJSON.
 */
export type JsonShape = 'empty' | 'array' | 'arrays' | 'pages' | 'wrapper' | 'object' | 'objects' | 'ndjson';

/**
 * What `readJsonRecords` yields, in file order, ending with exactly one `end`.
 * - `record`: one parsed record, with its 1-based position and the line where it starts.
 * - `error`: part of the file could not be read. With `record`, a record slot was lost (its text was
 *   not valid JSON, or it was cut off). `fatal` means the file as a whole is unreadable or incomplete
 *   (not JSON, wrong shape, truncated, I/O error): nothing more is read after it.
 * - `incomplete`: every record was read, but the file says it is not all there (a `NextToken`), or
 *   holds nothing at all (an empty file: what a failed `… > export.json` leaves). Coverage must not
 *   count it as an answer.
 * - `note`: worth a warning, not an error (invalid UTF-8, read as U+FFFD).
 */
export type ReadEvent =
  | { kind: 'record'; value: unknown; record: number; line: number }
  | { kind: 'error'; message: string; record?: number; line?: number; fatal: boolean }
  | { kind: 'incomplete'; message: string }
  | { kind: 'note'; message: string }
  | { kind: 'end'; shape: JsonShape; records: number };

export interface ReadOptions {
  /** Refuse files that do not look like this source's export. Default: accept any JSON records. */
  expect?: RecordExpectation;
  /**
   * Bytes per read. Default 64 KiB: decoding 1 MiB chunks made reading an NDJSON export about
   * twice as slow (docs/benchmarks.md), with no gain in the scanner.
   */
  chunkSize?: number;
  /** Largest record kept, in characters; bigger ones are reported as errors. Default 64 Mi. */
  maxRecordChars?: number;
  /** Read line by line from the start. Default: true for `.ndjson` / `.jsonl`, else detected. */
  ndjson?: boolean;
}

const DEFAULT_CHUNK = 64 * 1024;

/** `aws securityhub get-findings` (and the API) name the next page's token so. */
const PAGE_TOKEN_KEYS = ['NextToken'];

/**
 * Records held back until one looks like the expected source. A file none of whose records do is
 * refused whole ("expected Dependabot alerts; found …"). Past this many, the held records are let
 * through (memory stays bounded) and the decision waits for the end of the file: records that do
 * not look right are then rejected one by one, and valid ones after them are still read.
 */
export const SNIFF_LIMIT = 1000;

/** Whether `path` is read line by line from the start (NDJSON): `opts.ndjson`, else by its extension. */
export function readsByLine(path: string, opts: Pick<ReadOptions, 'ndjson'> = {}): boolean {
  const ext = extname(path).toLowerCase();
  return opts.ndjson ?? (ext === '.ndjson' || ext === '.jsonl');
}

/** The reader's messages, also used by the parallel NDJSON reader (src/collectors/parallel/read.ts). */
export const say = {
  invalidUtf8: (path: string, first: number, count: number) =>
    `${path}: invalid UTF-8 at byte ${first}${count > 1 ? ` (${count} invalid bytes in all)` : ''}; read as U+FFFD (\ufffd), so ids and titles there may differ from the source`,
  readFailed: (path: string, records: number, reason: string) => `${path}: read failed after ${records} record(s): ${reason}`,
  empty: (path: string) => `${path} is empty (no JSON at all): nothing was measured; a failed export leaves such a file`,
  oversize: (record: number, line: number) => `record ${record} (line ${line}) is too large to read`,
  cutLastLine: (path: string, line: number) => `${path}: the last line ${line} is not complete JSON; the file looks truncated`,
  invalidJson: (where: string, why: string) => `${where} is not valid JSON: ${why}`,
  refused: (path: string, expect: RecordExpectation | undefined, found: string) => `${path}: expected ${expect?.what ?? 'JSON records'}; found ${found}`,
};

/**
 * Streams the records of a JSON export one at a time; memory is bounded by the largest record.
 * Throws only when the file cannot be opened (ENOENT, EACCES): bad content is reported as events.
 */
export async function* readJsonRecords(path: string, opts: ReadOptions = {}): AsyncGenerator<ReadEvent, void, void> {
  const scanner = new JsonScanner({
    wrapperKeys: WRAPPER_KEYS,
    maxRecordChars: opts.maxRecordChars ?? 64 * 1024 * 1024,
    lines: readsByLine(path, opts),
    pageTokenKeys: PAGE_TOKEN_KEYS,
  });
  const interp = new Interpreter(path, opts.expect, scanner.stats);
  const handle = await open(path, 'r');
  const stream = handle.createReadStream({ highWaterMark: opts.chunkSize ?? DEFAULT_CHUNK });
  // Bytes, not text: invalid UTF-8 is found (and warned about) before the decoder replaces it.
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const utf8 = new Utf8Check();
  try {
    for await (const chunk of stream) {
      utf8.push(chunk as Buffer);
      yield* interp.take(scanner.push(decoder.decode(chunk as Buffer, { stream: true })));
      if (interp.stopped) break;
    }
    if (!interp.stopped) {
      utf8.end();
      const rest = decoder.decode();
      if (rest) yield* interp.take(scanner.push(rest));
      yield* interp.take(scanner.end());
    }
    if (utf8.first !== undefined) {
      yield { kind: 'note', message: say.invalidUtf8(path, utf8.first, utf8.count) };
    }
    yield* interp.finish(scanner.sawNothing);
    yield { kind: 'end', shape: shapeOf(scanner.stats), records: interp.yielded };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    yield { kind: 'error', message: say.readFailed(path, interp.records, reason), fatal: true };
    yield { kind: 'end', shape: shapeOf(scanner.stats), records: interp.yielded };
  } finally {
    stream.destroy();
  }
}

/** Turns scanner events into records, errors and shape decisions. */
class Interpreter {
  /** Record slots seen (parsed or not). */
  records = 0;
  yielded = 0;
  stopped = false;
  private held: ReadEvent[] | null;
  private heldValues = 0;
  private first: { value: unknown; container: Container } | undefined;
  private refusedWrapperKeys: string[] | undefined;
  private fatalSeen = false;
  /** Some record looked like the expected source. */
  private matched = false;

  constructor(
    private readonly path: string,
    private readonly expect: RecordExpectation | undefined,
    private readonly stats: ScanStats,
  ) {
    this.held = expect ? [] : null;
  }

  *take(events: ScanEvent[]): Generator<ReadEvent> {
    for (const ev of events) {
      if (this.stopped) return;
      yield* this.one(ev);
    }
  }

  *finish(empty: boolean): Generator<ReadEvent> {
    if (!this.stopped && this.held) {
      if (this.first) yield this.refuseFirst();
      else yield* this.release();
    } else if (!this.stopped && this.expect && !this.matched && this.first) {
      yield this.refuseFirst(); // past SNIFF_LIMIT, and still not one record of this source
    }
    if (empty && !this.fatalSeen) {
      yield { kind: 'incomplete', message: say.empty(this.path) };
    }
  }

  private *one(ev: ScanEvent): Generator<ReadEvent> {
    const p = this.path;
    switch (ev.t) {
      case 'record':
        yield* this.record(ev.text, ev.line, ev.container, ev.final === true);
        return;
      case 'oversize':
        this.records++;
        yield* this.hold({ kind: 'error', message: say.oversize(this.records, ev.line), record: this.records, line: ev.line, fatal: false });
        return;
      case 'wrapper':
        if (this.expect && !this.expect.acceptsWrapper) this.refusedWrapperKeys = ev.keys;
        return;
      case 'more-pages':
        if (this.refusedWrapperKeys) return;
        yield {
          kind: 'incomplete',
          message: `${p}: line ${ev.line} has a non-null ${ev.key}: more pages exist that this export does not hold (export without --max-items, or fetch every page)`,
        };
        return;
      case 'wrapper-end':
        if (this.refusedWrapperKeys) yield this.refuse(objectWithKeys(ev.keys));
        return;
      case 'garbage': {
        const found = `"${ev.snippet}" at line ${ev.line}`;
        const bare = /^("|-?\d|true\b|false\b|null\b)/.test(ev.snippet);
        const message = ev.first
          ? `${p}: ${bare ? '' : 'not JSON: '}expected ${this.expect?.what ?? 'JSON records'}; found ${bare ? 'a bare JSON value ' : guess(ev.snippet)}${found}`
          : `${p}: unexpected text ${found} after the JSON before it; the rest of the file was not read`;
        yield* this.fatal({ kind: 'error', message, line: ev.line, fatal: true });
        return;
      }
      case 'truncated': {
        if (this.refusedWrapperKeys) {
          yield this.refuse(objectWithKeys(this.refusedWrapperKeys));
          return;
        }
        const read = `${this.records} record(s) before it were read`;
        if (ev.recordLine !== undefined) {
          const n = this.records + 1;
          const message = `${p}: the file ends inside record ${n} (starting at line ${ev.recordLine}); it looks truncated at line ${ev.line}; ${read}`;
          yield* this.fatal({ kind: 'error', message, record: n, line: ev.recordLine, fatal: true });
        } else {
          const message = `${p}: the file ends before the JSON value opened at line ${ev.openLine} is closed; it looks truncated at line ${ev.line}; ${read}`;
          yield* this.fatal({ kind: 'error', message, line: ev.line, fatal: true });
        }
        return;
      }
    }
  }

  private *record(text: string, line: number, container: Container, final: boolean): Generator<ReadEvent> {
    if (this.refusedWrapperKeys) return; // scanning on only to list the wrapper's keys
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      this.records++;
      const why = err instanceof Error ? err.message : String(err);
      const where = container === 'line' ? `line ${line}` : `record ${this.records} (line ${line})`;
      if (final) {
        // A last NDJSON line without a newline that does not parse: the export was cut.
        const message = say.cutLastLine(this.path, line);
        yield* this.fatal({ kind: 'error', message, record: this.records, line, fatal: true });
        return;
      }
      yield* this.hold({ kind: 'error', message: say.invalidJson(where, why), record: this.records, line, fatal: false });
      return;
    }
    // `[…]` on one NDJSON line: its elements are records.
    const values = container === 'line' && Array.isArray(value) ? value : [value];
    for (const v of values) {
      this.records++;
      this.first ??= { value: v, container };
      const ev: ReadEvent = { kind: 'record', value: v, record: this.records, line };
      const looksRight = this.expect !== undefined && looksLike(v, this.expect);
      if (looksRight) this.matched = true;
      if (this.held && looksRight) {
        yield* this.release();
        yield this.count(ev);
      } else {
        yield* this.hold(ev);
      }
      if (this.stopped) return;
    }
  }

  /** Keeps events back while the file's kind is unconfirmed; refuses it after SNIFF_LIMIT unlike records. */
  private *hold(ev: ReadEvent): Generator<ReadEvent> {
    if (!this.held) {
      yield this.count(ev);
      return;
    }
    this.held.push(ev);
    if (ev.kind === 'record' && ++this.heldValues >= SNIFF_LIMIT) yield* this.release();
  }

  private *release(): Generator<ReadEvent> {
    const held = this.held ?? [];
    this.held = null;
    for (const ev of held) yield this.count(ev);
  }

  private *fatal(ev: ReadEvent): Generator<ReadEvent> {
    yield* this.release();
    this.fatalSeen = true;
    this.stopped = true;
    yield ev;
  }

  private count(ev: ReadEvent): ReadEvent {
    if (ev.kind === 'record') this.yielded++;
    return ev;
  }

  private refuseFirst(): ReadEvent {
    const first = this.first;
    // The first NDJSON line is read before the scanner knows the file is NDJSON.
    const container = first?.container === 'object' && this.stats.lines > 0 ? 'line' : (first?.container ?? 'object');
    return this.refuse(describeFound(first?.value, container));
  }

  private refuse(found: string): ReadEvent {
    this.stopped = true;
    this.fatalSeen = true;
    this.held = null;
    return { kind: 'error', message: say.refused(this.path, this.expect, found), fatal: true };
  }
}

function guess(snippet: string): string {
  if (snippet.startsWith('<')) return 'what looks like HTML or XML ';
  if (/^(---|[\w-]+:(\s|$))/.test(snippet)) return 'what looks like YAML ';
  return 'text ';
}

function shapeOf(s: ScanStats): JsonShape {
  if (s.lines > 0) return 'ndjson';
  if (s.wrappers > 0) return 'wrapper';
  if (s.pages > 0) return 'pages';
  if (s.arrays > 1) return 'arrays';
  if (s.arrays === 1) return 'array';
  if (s.objects > 1) return 'objects';
  return s.objects === 1 ? 'object' : 'empty';
}

/**
 * Incremental JSON scanner: finds the records in a stream of JSON text without parsing the document.
 *
 * It tracks only what it needs (nesting, strings, escapes, line numbers, the keys of wrapper objects)
 * and slices out each record's text, so memory is bounded by the largest record, not the file.
 * Feed it chunks with `push`, then call `end`; each returns the events found so far.
 * (Over 250 lines on purpose: one state machine over the byte stream reads best in one piece;
 * split, its states would have to be passed between files on the hot path.)
 *
 * Where records live:
 * - elements of top-level arrays, also several arrays back to back (`gh api --paginate`);
 * - elements of arrays nested one level in a top-level array (`gh api --paginate --slurp`);
 * - elements of a `wrapperKeys` array in a top-level object or in its `data` object
 *   (`{"Findings":[…]}`, placebo/botocore `{"data":{"Findings":[…]}}`); other keys are skipped;
 * - top-level objects that are not wrappers (a single record, or concatenated objects);
 * - lines, once the first value was a one-line object followed by a newline (NDJSON): each line is
 *   then a record on its own, so one bad line never swallows the next.
 *
 * It does not check grammar (commas, colons): that is `JSON.parse`'s job on each record's text.
 */

import { lineBody } from './line-body.js';

export type Container = 'array' | 'page' | 'wrapper' | 'object' | 'line';

export type ScanEvent =
  | { t: 'record'; text: string; line: number; container: Container; final?: boolean }
  | { t: 'oversize'; line: number; container: Container }
  | { t: 'wrapper'; line: number; keys: string[] }
  | { t: 'wrapper-end'; line: number; keys: string[] }
  | { t: 'garbage'; line: number; snippet: string; first: boolean }
  | { t: 'truncated'; line: number; openLine: number; recordLine?: number }
  /** A wrapper says more pages exist (`"NextToken": "…"`, what `--max-items` leaves): the file is one page. */
  | { t: 'more-pages'; line: number; key: string };

export interface ScanStats {
  arrays: number;
  pages: number;
  wrappers: number;
  objects: number;
  lines: number;
}

export interface ScannerOptions {
  /** Keys whose array value holds the records of a wrapper object. */
  wrapperKeys: readonly string[];
  /** A record longer than this (in UTF-16 code units) is reported, not buffered. */
  maxRecordChars: number;
  /** Treat the input as NDJSON from the first line (e.g. a `.ndjson` file). */
  lines?: boolean;
  /** Keys of a wrapper whose non-null, non-empty value means the export is not the last page. */
  pageTokenKeys?: readonly string[];
}

interface Frame {
  type: 'arr' | 'obj';
  role: 'top' | 'page' | 'findings' | 'candidate' | 'wrapper';
  line: number;
  st: 'key' | 'inkey' | 'colon' | 'value' | 'after';
  key: string;
  keys: string[];
}

interface Opaque {
  record: boolean;
  depth: number;
  inStr: boolean;
  esc: boolean;
  primitive: boolean;
  line: number;
  container: Container;
}

const NL = 10,
  CR = 13,
  SP = 32,
  TAB = 9,
  QUOTE = 34,
  BSLASH = 92,
  COMMA = 44,
  COLON = 58;
const LBRACE = 123,
  RBRACE = 125,
  LBRACKET = 91,
  RBRACKET = 93;
const MAX_KEYS = 50,
  MAX_KEY_CHARS = 200;

const isWs = (c: number) => c === SP || c === NL || c === CR || c === TAB;

export class JsonScanner {
  readonly stats: ScanStats = { arrays: 0, pages: 0, wrappers: 0, objects: 0, lines: 0 };
  /** Current 1-based line. */
  line = 1;
  private out: ScanEvent[] = [];
  private mode: 'tokens' | 'lines' | 'dead';
  private readonly wrapperKeys: Set<string>;
  private stack: Frame[] = [];
  private op: Opaque | null = null;
  private keyEsc = false;
  private started = false;
  private topValues = 0;
  private lastTopEndLine = 0;
  private maybeLines = false;
  // The record (or candidate object) being captured: text from earlier chunks + start in this one.
  private cap = false;
  private capStart = 0;
  private capPending = '';
  private capLen = 0;
  private capOver = false;
  private linePending = '';
  private lineOver = false;

  constructor(private readonly opts: ScannerOptions) {
    this.wrapperKeys = new Set(opts.wrapperKeys);
    this.mode = opts.lines ? 'lines' : 'tokens';
  }

  push(chunk: string): ScanEvent[] {
    let s = chunk;
    if (!this.started && s.length > 0) {
      this.started = true;
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    }
    if (this.mode === 'lines') this.scanLines(s, 0);
    else if (this.mode === 'tokens') this.scanTokens(s);
    return this.drain();
  }

  end(): ScanEvent[] {
    if (this.mode === 'lines') {
      this.flushLine(true);
    } else if (this.mode === 'tokens' && (this.op || this.stack.length > 0)) {
      const op = this.op;
      const first = this.stack[0];
      const recordLine = op?.record ? op.line : first?.role === 'candidate' ? first.line : undefined;
      this.out.push({ t: 'truncated', line: this.line, openLine: first?.line ?? op?.line ?? this.line, recordLine });
    }
    this.mode = 'dead';
    return this.drain();
  }

  /** True when no JSON value has started yet (an empty or whitespace-only input so far). */
  get sawNothing(): boolean {
    return this.topValues === 0 && this.stack.length === 0 && this.stats.lines === 0;
  }

  private drain(): ScanEvent[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  private scanTokens(s: string): void {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      const op = this.op;
      if (op) {
        if (op.inStr) {
          if (op.esc) op.esc = false;
          else if (c === BSLASH) op.esc = true;
          else if (c === QUOTE) {
            op.inStr = false;
            if (op.depth === 0) this.finishOpaque(s, i + 1);
          } else if (c === NL) this.line++;
          continue;
        }
        if (op.primitive) {
          if (c !== COMMA && c !== RBRACKET && c !== RBRACE && !isWs(c)) continue;
          this.finishOpaque(s, i); // the terminator belongs to the enclosing structure
        } else {
          if (c === QUOTE) op.inStr = true;
          else if (c === LBRACE || c === LBRACKET) op.depth++;
          else if ((c === RBRACE || c === RBRACKET) && --op.depth === 0) this.finishOpaque(s, i + 1);
          else if (c === NL) this.line++;
          continue;
        }
      }
      if (c === NL) {
        this.line++;
        continue;
      }
      if (!this.structural(s, i, c)) return;
    }
    if (this.cap) {
      this.appendCapture(s.slice(this.capStart));
      this.capStart = 0;
    }
  }

  /** Handles one character outside any opaque value. Returns false when scanning of this chunk must stop. */
  private structural(s: string, i: number, c: number): boolean {
    const top = this.stack[this.stack.length - 1];
    if (!top) return this.topLevel(s, i, c);
    if (top.type === 'arr') {
      if (isWs(c) || c === COMMA) return true;
      if (c === RBRACKET || c === RBRACE) this.pop(s, i);
      else if (top.role === 'top' && c === LBRACKET) {
        this.stack.push(frame('arr', 'page', this.line));
        this.stats.pages++;
      } else {
        this.startOpaque(s, i, c, true, top.role === 'top' ? 'array' : top.role === 'page' ? 'page' : 'wrapper');
      }
      return true;
    }
    switch (top.st) {
      case 'key':
        if (c === QUOTE) {
          top.st = 'inkey';
          top.key = '';
          this.keyEsc = false;
        } else if (c === RBRACE || c === RBRACKET) this.pop(s, i);
        return true; // whitespace, commas and junk: JSON.parse of the record will judge
      case 'inkey':
        if (this.keyEsc) {
          this.keyEsc = false;
          if (top.key.length < MAX_KEY_CHARS) top.key += String.fromCharCode(c);
        } else if (c === BSLASH) this.keyEsc = true;
        else if (c === QUOTE) {
          top.st = 'colon';
          if (top.keys.length < MAX_KEYS) top.keys.push(top.key);
        } else if (top.key.length < MAX_KEY_CHARS) top.key += String.fromCharCode(c);
        return true;
      case 'colon':
        if (isWs(c)) return true;
        top.st = 'value';
        if (c === COLON) return true;
        return this.value(s, i, c, top);
      case 'value':
        if (isWs(c)) return true;
        return this.value(s, i, c, top);
      case 'after':
        if (c === COMMA) top.st = 'key';
        else if (c === RBRACE || c === RBRACKET) this.pop(s, i);
        return true;
    }
  }

  /** A value inside a (candidate or confirmed) wrapper object. */
  private value(s: string, i: number, c: number, top: Frame): boolean {
    top.st = 'after';
    if (this.opts.pageTokenKeys?.includes(top.key) && top.role !== 'findings' && top.type === 'obj') {
      // null or "" means "no more pages"; anything else is a token for the next one.
      const empty = c === 110 /* n */ || (c === QUOTE && s.charCodeAt(i + 1) === QUOTE);
      if (!empty) this.out.push({ t: 'more-pages', line: this.line, key: top.key });
    }
    if (c === LBRACKET && this.wrapperKeys.has(top.key)) {
      this.becomeWrapper();
      this.stack.push(frame('arr', 'findings', this.line));
    } else if (c === LBRACE && top.key === 'data' && this.stack.length === 1) {
      this.stack.push(frame('obj', top.role, this.line));
    } else {
      this.startOpaque(s, i, c, false, 'object');
    }
    return true;
  }

  private topLevel(s: string, i: number, c: number): boolean {
    if (isWs(c)) return true;
    // Between values, what joining exports leaves: a byte order mark (`cat` of two PowerShell
    // exports) or a comma (`[…],[…]`). Not a reason to stop reading the records after it.
    if (this.topValues > 0 && (c === 0xfeff || c === COMMA)) return true;
    if (this.maybeLines) {
      this.maybeLines = false;
      if (this.line > this.lastTopEndLine) {
        this.mode = 'lines';
        this.scanLines(s, i);
        return false;
      }
    }
    if (c === LBRACKET) {
      this.stack.push(frame('arr', 'top', this.line));
      this.stats.arrays++;
    } else if (c === LBRACE) {
      this.stack.push(frame('obj', 'candidate', this.line));
      this.startCapture(i);
    } else {
      const snippet = s.slice(i, i + 80).split(/\r?\n/)[0] ?? '';
      this.out.push({ t: 'garbage', line: this.line, snippet, first: this.topValues === 0 });
      this.mode = 'dead';
      this.cap = false;
      return false;
    }
    return true;
  }

  private pop(s: string, i: number): void {
    const f = this.stack.pop();
    if (!f || this.stack.length > 0) return;
    this.topValues++;
    this.lastTopEndLine = this.line;
    if (f.role === 'candidate') {
      this.stats.objects++;
      this.emitCaptured(s, i + 1, f.line, 'object');
      if (this.topValues === 1 && f.line === this.line) this.maybeLines = true;
    } else if (f.role === 'wrapper') {
      this.out.push({ t: 'wrapper-end', line: f.line, keys: f.keys });
    }
  }

  private becomeWrapper(): void {
    const first = this.stack[0];
    if (first?.role === 'candidate') {
      for (const f of this.stack) if (f.role === 'candidate') f.role = 'wrapper';
      this.cap = false;
      this.capPending = '';
      this.stats.wrappers++;
      this.out.push({ t: 'wrapper', line: first.line, keys: first.keys.slice() });
    }
  }

  private startOpaque(_s: string, i: number, c: number, record: boolean, container: Container): void {
    const op: Opaque = { record, depth: 0, inStr: false, esc: false, primitive: false, line: this.line, container };
    if (c === LBRACE || c === LBRACKET) op.depth = 1;
    else if (c === QUOTE) op.inStr = true;
    else op.primitive = true;
    this.op = op;
    if (record) this.startCapture(i);
  }

  private finishOpaque(s: string, end: number): void {
    const op = this.op;
    this.op = null;
    if (op?.record) this.emitCaptured(s, end, op.line, op.container);
  }

  private startCapture(i: number): void {
    this.cap = true;
    this.capStart = i;
    this.capPending = '';
    this.capLen = 0;
    this.capOver = false;
  }

  private appendCapture(text: string): void {
    if (this.capOver) return;
    this.capLen += text.length;
    if (this.capLen > this.opts.maxRecordChars) {
      this.capOver = true;
      this.capPending = '';
    } else {
      this.capPending += text;
    }
  }

  private emitCaptured(s: string, end: number, line: number, container: Container): void {
    this.appendCapture(s.slice(this.capStart, end));
    this.cap = false;
    if (this.capOver) this.out.push({ t: 'oversize', line, container });
    else this.out.push({ t: 'record', text: this.capPending, line, container });
    this.capPending = '';
  }

  private scanLines(s: string, from: number): void {
    let pos = from;
    for (;;) {
      const nl = s.indexOf('\n', pos);
      if (nl < 0) {
        this.appendLine(s.slice(pos));
        return;
      }
      this.appendLine(s.slice(pos, nl));
      this.flushLine(false);
      this.line++;
      pos = nl + 1;
    }
  }

  private appendLine(text: string): void {
    if (this.lineOver) return;
    if (this.linePending.length + text.length > this.opts.maxRecordChars) {
      this.lineOver = true;
      this.linePending = '';
    } else {
      this.linePending += text;
    }
  }

  private flushLine(final: boolean): void {
    const text = lineBody(this.linePending);
    const over = this.lineOver;
    this.linePending = '';
    this.lineOver = false;
    if (over) {
      this.stats.lines++;
      this.out.push({ t: 'oversize', line: this.line, container: 'line' });
    } else if (text.length > 0) {
      this.stats.lines++;
      this.out.push({ t: 'record', text, line: this.line, container: 'line', ...(final ? { final } : {}) });
    }
  }
}

function frame(type: Frame['type'], role: Frame['role'], line: number): Frame {
  return { type, role, line, st: 'key', key: '', keys: [] };
}

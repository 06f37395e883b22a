/**
 * Logs go to stderr; stdout carries results only. Three formats: a live progress line on a TTY,
 * plain lines otherwise, JSON lines for schedulers (`--log-format json`).
 */
import { jsonSafe, sanitizeLine } from './text/sanitize.js';
import { scrubTokens } from './text/tokens.js';

type LogFormat = 'text' | 'json';
type Level = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** Transient progress; overwritten in place on a TTY, a plain line elsewhere (throttled by the caller). */
  progress(msg: string, fields?: Record<string, unknown>): void;
}

export interface LoggerOptions {
  format?: LogFormat;
  verbose?: boolean;
  quiet?: boolean;
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Strings that must never be printed (tokens, keys); replaced by "***". */
  secrets?: string[];
  /** Clock for JSON timestamps; injected so tests can pin it. */
  now?: () => Date;
}

/**
 * `text` with every secret (4 characters or more) replaced by "***", in any case: a renderer that
 * lowercases a value (a package name, a repository) turns `tok3nXyZ` into `tok3nxyz`, which is
 * the same secret. One scan of `text` for all of them (a case-insensitive alternation, longest
 * first), and no copy when none is there (nearly always).
 */
export function redact(text: string, secrets: readonly string[]): string {
  const p = patternOf(secrets);
  if (!p?.any.test(text)) return text;
  return text.replace(p.all, '***');
}

/** The pattern of each list of secrets, made once: the file guard and the CLI's streams pass the same list every time. */
const patterns = new WeakMap<readonly string[], { any: RegExp; all: RegExp } | null>();

function patternOf(secrets: readonly string[]): { any: RegExp; all: RegExp } | null {
  let p = patterns.get(secrets);
  if (p !== undefined) return p;
  const list = new Set<string>();
  for (const s of secrets) {
    if (s.length < 4) continue;
    list.add(s);
    // `i` matches each case of the same length; a case mapping that changes the length (ß → SS) is listed itself.
    for (const v of [s.toLowerCase(), s.toUpperCase()]) if (v.length !== s.length) list.add(v);
  }
  const source = [...list]
    .sort((a, b) => b.length - a.length)
    .map((s) => s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&'))
    .join('|');
  p = source ? { any: new RegExp(source, 'i'), all: new RegExp(source, 'gi') } : null;
  patterns.set(secrets, p);
  return p;
}

/** The most UTF-16 units a spelling of `secret` that `redact` replaces can take (its case mappings may be longer). */
export const redactedLength = (secret: string): number => Math.max(secret.length, secret.toLowerCase().length, secret.toUpperCase().length);

/**
 * Outside text about a failure (an API's error message, a URL it names): the environment's secrets
 * by value, and credentials by their shape (a URL's user info, a token in a query string: text/tokens.ts).
 * What every error message that reaches a report or a log goes through.
 */
export function redactAll(text: string, secrets: readonly string[]): string {
  return scrubTokens(redact(text, secrets));
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const stream = opts.stream ?? process.stderr;
  const format = opts.format ?? 'text';
  const secrets = opts.secrets ?? [];
  const now = opts.now ?? (() => new Date());
  const tty = format === 'text' && Boolean(stream.isTTY);
  let progressShown = false;

  const clearProgress = () => {
    if (progressShown) {
      stream.write('\r\x1b[K');
      progressShown = false;
    }
  };

  const emit = (level: Level | 'progress', msg: string, fields?: Record<string, unknown>) => {
    if (level === 'debug' && !opts.verbose) return;
    if (opts.quiet && (level === 'info' || level === 'progress' || level === 'debug')) return;
    // Messages carry outside text (file excerpts, ids, YAML keys): one line each, escapes made
    // visible (src/text/sanitize.ts), secrets redacted.
    if (format === 'json') {
      const line = jsonSafe(JSON.stringify({ time: now().toISOString(), level, msg, ...fields }));
      stream.write(scrubTokens(redact(line, secrets)) + '\n');
      return;
    }
    const extra =
      fields && Object.keys(fields).length
        ? ' ' +
          Object.entries(fields)
            .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
            .join(' ')
        : '';
    const text = scrubTokens(redact(sanitizeLine(msg + extra), secrets));
    if (level === 'progress') {
      if (tty) {
        stream.write('\r\x1b[K' + text.slice(0, 200));
        progressShown = true;
      } else {
        stream.write(`secsli: ${text}\n`);
      }
      return;
    }
    clearProgress();
    const prefix = level === 'info' ? 'secsli: ' : `secsli: ${level}: `;
    stream.write(prefix + text + '\n');
  };

  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    progress: (m, f) => emit('progress', m, f),
  };
}

/** A logger that drops everything (tests, library use). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, progress() {} };

/**
 * The one sanitiser for text from outside (input files, APIs, assets.yaml): every terminal line,
 * log line, Markdown cell and link target, CSV cell and JSON file gets outside text through here.
 *
 * Unsafe are the characters a terminal or a viewer would act on instead of showing: C0 and C1
 * controls (ESC and BEL included), DEL, NUL; bidirectional overrides and isolates (U+202A–202E,
 * U+2066–2069, U+200E/200F, U+061C) that make text read differently from what it is; zero-width
 * characters (U+200B–200D, U+2060–2064, U+FEFF); line and paragraph separators; and lone UTF-16
 * surrogates, which are not text at all. They are made visible (`\x1b`, `\u202e`) rather than
 * dropped, so hostile input shows as what it is.
 */

const UNSAFE_SOURCE =
  '[\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2064\\u2066-\\u2069\\ufeff]' +
  '|[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]';
const UNSAFE = new RegExp(UNSAFE_SOURCE, 'g');
const UNSAFE_TEST = new RegExp(UNSAFE_SOURCE);
/** The same, but line feeds are allowed (multi-line text: CSV cells, files). */
const UNSAFE_BUT_LINES = new RegExp(UNSAFE_SOURCE.replace('\\u0000-\\u001f', '\\u0000-\\u0009\\u000b-\\u001f'), 'g');
/** Inside JSON strings every other unsafe character is escaped losslessly as \uXXXX. */
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/**
 * Quick "maybe" tests for the two replacers above: one character class, no lookaround, so a long
 * text with nothing to escape (almost every report chunk) is answered in one cheap scan. Any
 * surrogate counts (a valid pair then takes the exact path, which leaves it alone).
 */
const MAYBE_UNSAFE_BUT_LINES = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff]/;
const MAYBE_JSON_UNSAFE = /[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff]/;

const hex = (c: number, width: number) => c.toString(16).padStart(width, '0');
/** `\x1b`, `\u202e`: the character written so a reader sees it and nothing acts on it. */
const visible = (ch: string): string => {
  const c = ch.charCodeAt(0);
  return c < 0x100 ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`;
};

/** True when the text holds any unsafe character other than a line feed: what no file secsli writes may hold. */
export function hasUnsafe(text: string): boolean {
  return UNSAFE_TEST.test(text.replace(/\n/g, ''));
}

/**
 * One line of outside text for a terminal, a log line or a table cell: line breaks and tabs become
 * spaces, every other unsafe character is shown escaped; cut to `max` characters when given.
 */
export function sanitizeLine(text: string, max?: number): string {
  const s = text.replace(/\r\n|[\r\n\t\u2028\u2029]/g, ' ').replace(UNSAFE, visible);
  return max !== undefined && s.length > max ? s.slice(0, max - 1) + '…' : s;
}

/** Multi-line outside text (a CSV cell, a file body): line feeds kept, the rest (tabs too) escaped. */
export function sanitizeText(text: string): string {
  return MAYBE_UNSAFE_BUT_LINES.test(text) ? text.replace(UNSAFE_BUT_LINES, visible) : text;
}

/**
 * JSON text with every character that JSON.stringify leaves raw but a viewer would act on
 * (C1 controls, bidi, zero-width, lone surrogates) written as a \uXXXX escape: the same value,
 * only spelt safely. Those characters can only occur inside strings, so this never changes meaning.
 */
export function jsonSafe(json: string): string {
  if (!MAYBE_JSON_UNSAFE.test(json)) return json;
  return json.replace(JSON_UNSAFE, (ch) => `\\u${hex(ch.charCodeAt(0), 4)}`);
}

/** Characters allowed raw in a Markdown link target; everything else is percent-encoded (UTF-8). */
const URL_OK = /[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]/;

/**
 * An http(s) URL from outside, made safe as a Markdown link target: anything that could end the
 * target, split a table cell (`|`) or act on a terminal is percent-encoded. Undefined when it is
 * not an http(s) URL (the caller shows the text without a link).
 */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url || !/^https?:\/\/[^/\s]/i.test(url)) return undefined;
  let out = '';
  for (const ch of url) {
    if (URL_OK.test(ch)) out += ch;
    else if (ch.length === 1 && ch.charCodeAt(0) >= 0xd800 && ch.charCodeAt(0) <= 0xdfff)
      out += '%EF%BF%BD'; // lone surrogate
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${hex(b, 2).toUpperCase()}`;
  }
  return out;
}

import { extname } from 'node:path';
import { redact, redactedLength } from '../log.js';
import { jsonSafe, sanitizeText } from '../text/sanitize.js';
import { mdCell } from './format.js';

/**
 * The last step of every file the writer writes: secrets secsli knows of (tokens, keys from the
 * environment) are replaced by "***", and characters a viewer would act on are escaped — in JSON
 * as \uXXXX (the same value, spelt safely), elsewhere made visible (`\x1b`). Renderers already
 * escape what their format needs; this is the guarantee for every byte, whatever a renderer missed
 * (an input file pasted into a reason, a raw record).
 */
export interface GuardOptions {
  /** Strings that must never reach a file, in any case. Strings shorter than 4 characters are ignored. */
  secrets?: readonly string[];
}

export interface FileGuard {
  /** The next piece of text; returns what can be written now (a possible secret's start is held back). */
  take(text: string): string;
  /** What was held back. */
  end(): string;
}

export function createFileGuard(path: string, opts: GuardOptions): FileGuard {
  const ext = extname(path).toLowerCase();
  const json = /^\.(json|ndjson|jsonl)$/.test(ext);
  const secrets = spellings(
    (opts.secrets ?? []).filter((s) => s.length >= 4),
    ext,
  );
  const spell = json ? jsonSafe : sanitizeText;
  // Enough of the tail to hold the start of any secret (in any case) that the next piece may finish.
  const hold = secrets.reduce((n, s) => Math.max(n, redactedLength(s) - 1), 0);
  let pending = '';
  return {
    take(text) {
      // Redact over the held tail and the new text together, so a secret split between pieces is caught whole.
      const all = pending ? pending + text : text;
      const redacted = secrets.length ? redact(all, secrets) : all;
      let at = redacted.length - Math.min(hold, redacted.length);
      // Never split a surrogate pair: its halves alone would be escaped as lone surrogates.
      if (at > 0 && isHigh(redacted.charCodeAt(at - 1))) at--;
      // Nothing held back (no secrets known, the usual case): the text passes without being copied.
      if (at === redacted.length) {
        pending = '';
        return spell(redacted);
      }
      pending = redacted.slice(at);
      return spell(redacted.slice(0, at));
    },
    end() {
      const rest = pending;
      pending = '';
      return spell(secrets.length ? redact(rest, secrets) : rest);
    },
  };
}

/**
 * A value as the guard leaves it once written and read back: its secrets "***". The sync state
 * compares a record's id from an API with the ids it stored (src/sync/incremental.ts), which went
 * through the guard. Without secrets, the value itself.
 */
export function redactedValue(opts: GuardOptions): (text: string) => string {
  const secrets = spellings(
    (opts.secrets ?? []).filter((s) => s.length >= 4),
    '',
  );
  return secrets.length ? (text) => redact(text, secrets) : (text) => text;
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;

/**
 * Each secret as it appears once a renderer has escaped it for this kind of file (a token's `_`
 * is `\_` in a Markdown cell, `+` and `/` of an AWS key stay, `"` is `&quot;` in HTML): every
 * spelling is redacted, longest first, so an escaped secret is not a leaked one — in any case
 * (`redact`), so a renderer that lowercased it (a package name) has not leaked it either.
 */
function spellings(secrets: readonly string[], ext: string): string[] {
  const out = new Set<string>();
  for (const s of secrets) {
    out.add(s);
    if (ext === '.md') out.add(mdCell(s, Number.POSITIVE_INFINITY));
    if (ext === '.html' || ext === '.svg' || ext === '.md')
      out.add(s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'));
    if (ext === '.json' || ext === '.ndjson' || ext === '.jsonl') out.add(JSON.stringify(s).slice(1, -1));
    if (ext === '.csv') out.add(s.replace(/"/g, '""'));
  }
  return [...out].sort((a, b) => b.length - a.length);
}

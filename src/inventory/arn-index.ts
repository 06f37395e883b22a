import { type PrefixTrie, trieFor } from './prefix-trie.js';

/**
 * ARNs split for the matcher's index (match.ts): ARN globs are filed by their service and account
 * fields, then by the literal start of their resource part, so a resource only meets the globs
 * that can claim it.
 */

const GLOB_CHARS = /[*?[\]{}\\]/;

interface ArnParts {
  /** The service and account fields, each `*` when it is not a plain literal. */
  service: string;
  account: string;
  /** Everything after the fifth `:`. */
  resource: string;
}

/** Splits an ARN (or an ARN glob) for indexing; undefined when it is not `arn:` with six parts. */
export function arnParts(arn: string, isGlob: boolean): ArnParts | undefined {
  if (!arn.startsWith('arn:')) return undefined;
  let at = -1;
  for (let n = 0; n < 5; n++) {
    at = arn.indexOf(':', at + 1);
    if (at < 0) return undefined;
  }
  const header = arn.slice(0, at).split(':');
  // Braces or brackets in the header may hide a `:`; such globs are filed by their plain prefix.
  if (isGlob && /[[\]{}\\]/.test(arn.slice(0, at))) return undefined;
  const literal = (s: string) => (isGlob && GLOB_CHARS.test(s) ? '*' : s);
  return { service: literal(header[2]!), account: literal(header[4]!), resource: arn.slice(at + 1) };
}

/** ARN globs by service, then account (`*` when not literal), then the literal start of their resource part. */
export type ArnGlobIndex<T> = Map<string, Map<string, PrefixTrie<T>>>;

export function arnGlobTrie<T>(index: ArnGlobIndex<T>, service: string, account: string): PrefixTrie<T> {
  let byAccount = index.get(service);
  if (!byAccount) index.set(service, (byAccount = new Map()));
  return trieFor(byAccount, account);
}

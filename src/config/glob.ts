/**
 * The glob dialect of assets.yaml, compiled once to a RegExp.
 *
 *   *      any run of characters except `/` (in ARNs, also except `:` inside the
 *          `arn:partition:service:region:account:` header, so `*` stands for one field there)
 *   **     any run of characters, `/` included
 *   ?      one character except `/`
 *   [abc] [a-z] [!abc]   one character from (or not from) a set
 *   {a,b}  either alternative
 *   \x     the character x, literally
 *
 * In tag values and resource types there is no path structure: `*` and `?` also match `/`.
 * Repository and resource-type globs are case-insensitive; ARNs and tag values are not.
 */

export type GlobKind = 'arn' | 'repo' | 'type' | 'tag';

type Token = { t: 'lit'; v: string } | { t: 'star' } | { t: 'globstar' } | { t: 'one' } | { t: 'class'; negate: boolean; body: string } | { t: 'alt'; options: Token[][] };

export interface Glob {
  source: string;
  kind: GlobKind;
  /** No wildcard at all: the pattern is the exact string (unescaped). */
  literal: boolean;
  /** The exact string when `literal`, else the literal characters before the first wildcard. */
  literalPrefix: string;
  /** Literal characters outside `{…}`: the more, the more specific. */
  literalChars: number;
  test(value: string): boolean;
}

interface Parsed {
  tokens: Token[];
  problems: string[];
}

function parse(src: string): Parsed {
  const problems: string[] = [];
  let i = 0;
  // Parses until end of input, or (inside braces) until `,` or `}` which the caller consumes.
  const seq = (depth: number): Token[] => {
    const out: Token[] = [];
    const lit = (c: string) => {
      const last = out[out.length - 1];
      if (last?.t === 'lit') last.v += c;
      else out.push({ t: 'lit', v: c });
    };
    while (i < src.length) {
      const c = src[i]!;
      if (depth > 0 && (c === ',' || c === '}')) return out;
      i++;
      if (c === '\\') {
        if (i >= src.length) problems.push('ends with a lone \\');
        else lit(src[i++]!);
      } else if (c === '*') {
        if (src[i] === '*') {
          i++;
          while (src[i] === '*') i++;
          out.push({ t: 'globstar' });
        } else out.push({ t: 'star' });
      } else if (c === '?') out.push({ t: 'one' });
      else if (c === '[') {
        const close = src.indexOf(']', src[i] === '!' || src[i] === '^' ? i + 1 : i);
        if (close < 0) {
          problems.push('unclosed [ (write \\[ for a literal bracket)');
          return out;
        }
        const negate = src[i] === '!' || src[i] === '^';
        const body = src.slice(negate ? i + 1 : i, close);
        if (body === '') problems.push('empty character class []');
        const backwards = backwardsRange(body);
        if (backwards) problems.push(`range ${backwards} in [${body}] is out of order (lowest first, e.g. [a-z])`);
        out.push({ t: 'class', negate, body });
        i = close + 1;
      } else if (c === ']') problems.push('unmatched ] (write \\] for a literal bracket)');
      else if (c === '{') {
        const options: Token[][] = [];
        for (;;) {
          const option = seq(depth + 1);
          if (option.length === 0) problems.push('empty alternative in {…}');
          options.push(option);
          if (i >= src.length) {
            problems.push('unclosed { (write \\{ for a literal brace)');
            break;
          }
          if (src[i++] === '}') break;
        }
        out.push({ t: 'alt', options });
      } else if (c === '}') problems.push('unmatched } (write \\} for a literal brace)');
      else lit(c);
    }
    return out;
  };
  const tokens = seq(0);
  return { tokens, problems: [...new Set(problems)] };
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

function toRegExp(tokens: Token[], kind: GlobKind): string {
  const paths = kind === 'arn' || kind === 'repo';
  let colons = 0; // literal `:` seen so far: fewer than 5 means we are inside the ARN header
  const emit = (list: Token[]): string =>
    list
      // biome-ignore lint/suspicious/useIterableCallbackReturn: the switch is exhaustive over Token (the compiler checks it), so every path returns
      .map((tok) => {
        const inHeader = kind === 'arn' && colons < 5;
        const notIn = inHeader ? '[^:/]' : paths ? '[^/]' : '[\\s\\S]';
        switch (tok.t) {
          case 'lit':
            colons += [...tok.v].filter((c) => c === ':').length;
            return escapeRe(tok.v);
          case 'star':
            return `${notIn}*`;
          case 'globstar':
            return inHeader ? '[^:]*' : '[\\s\\S]*';
          case 'one':
            return notIn;
          case 'class':
            return `[${tok.negate ? '^' : ''}${tok.body.replace(/[\\\]^]/g, (m, off: number) => (m === '^' && off > 0 ? m : '\\' + m))}]`;
          case 'alt': {
            const at = colons;
            const alts = tok.options.map((o) => {
              colons = at;
              return emit(o);
            });
            colons = at;
            return `(?:${alts.join('|')})`;
          }
        }
      })
      .join('');
  return `^${emit(tokens)}$`;
}

/** The first range of a class body written highest first ("z-a"), as written; undefined when none is. */
function backwardsRange(body: string): string | undefined {
  const cs = Array.from(body); // code points: a range may end in one outside the BMP
  for (let i = 1; i + 1 < cs.length; i++) {
    if (cs[i] !== '-') continue;
    const [lo, hi] = [cs[i - 1]!, cs[i + 1]!];
    if (lo.codePointAt(0)! > hi.codePointAt(0)!) return `${lo}-${hi}`;
    i += 2; // "a-c-e": the second "-" after a range is a literal
  }
  return undefined;
}

/** Syntax problems of a glob for its kind, as messages; empty when the glob is fine. */
export function globProblems(pattern: string, kind: GlobKind): string[] {
  const { tokens, problems } = parse(pattern);
  if (!problems.length) {
    // Whatever else the regular expression engine refuses is a problem of the pattern, found here, not an internal error when a run first matches.
    try {
      new RegExp(toRegExp(tokens, kind), kind === 'repo' || kind === 'type' ? 'i' : '');
    } catch (e) {
      problems.push(`cannot be compiled (${(e as Error).message})`);
    }
  }
  if (pattern.trim() !== pattern) problems.push('has leading or trailing spaces');
  if (kind === 'arn' || kind === 'repo') {
    if (/\/\//.test(pattern)) problems.push('has an empty segment (//)');
  }
  if (kind === 'arn' && pattern.startsWith('arn:')) {
    const parts = pattern.split(':');
    if (parts.length < 6) problems.push('an ARN has six parts: arn:partition:service:region:account:resource');
    else {
      if (parts[1] === '') problems.push('empty partition in the ARN (use aws, or * for any)');
      if (parts[2] === '') problems.push('empty service in the ARN (e.g. ecs, or * for any)');
      const account = parts[4]!;
      if (account !== '' && !/[*?[{\\]/.test(account) && !/^\d{12}$/.test(account)) problems.push(`account "${account}" in the ARN is not 12 digits`);
      if (parts.slice(5).join(':') === '') problems.push('empty resource part in the ARN');
    }
  }
  if (kind === 'repo') {
    const slashes = pattern.split('/').length - 1;
    const [owner = '', name = ''] = pattern.split('/');
    if (slashes !== 1 || owner === '' || name === '') problems.push('a repository is written owner/name (e.g. acme/payments-*)');
    else if (pattern.includes('**')) problems.push('** has no meaning in owner/name; use *');
    const bare = pattern.replace(/\\.|[*?[\]{}!,/^]/g, '');
    if (/[^A-Za-z0-9._-]/.test(bare)) problems.push('a repository name has only letters, digits, ".", "_" and "-"');
  }
  return [...new Set(problems)];
}

/** Compiles a glob once. Call `globProblems` first: an invalid glob compiles to whatever was understood. */
export function compileGlob(pattern: string, kind: GlobKind): Glob {
  const { tokens } = parse(pattern);
  const literal = tokens.every((t) => t.t === 'lit');
  let literalPrefix = '';
  for (const t of tokens) {
    if (t.t !== 'lit') break;
    literalPrefix += t.v;
  }
  const literalChars = tokens.reduce((n, t) => n + (t.t === 'lit' ? t.v.length : 0), 0);
  const caseInsensitive = kind === 'repo' || kind === 'type';
  if (literal) {
    const exact = caseInsensitive ? literalPrefix.toLowerCase() : literalPrefix;
    const test = caseInsensitive ? (v: string) => v.toLowerCase() === exact : (v: string) => v === exact;
    return { source: pattern, kind, literal, literalPrefix, literalChars, test };
  }
  const re = new RegExp(toRegExp(tokens, kind), caseInsensitive ? 'i' : '');
  return { source: pattern, kind, literal, literalPrefix, literalChars, test: (v) => re.test(v) };
}

/** A repository pattern as a predicate on "owner/name": the one meaning of a repo glob everywhere. */
export function repoMatcher(pattern: string): (fullName: string) => boolean {
  const glob = compileGlob(pattern, 'repo');
  return (fullName) => glob.test(fullName);
}

/** Characters that make a string a glob rather than a literal. */
export function hasGlobSyntax(s: string): boolean {
  return /[*?[\]{}\\]/.test(s);
}

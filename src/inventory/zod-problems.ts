import type * as z from '../vendor/zod.js';
import type { ConfigProblem } from '../errors.js';
import { didYouMean, didYouMeanSuffix } from './did-you-mean.js';
import { formatPath, type Locator, type PathKey } from './positions.js';

/** What a YAML reader calls each JS type. */
function describe(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return `a date ${value.toISOString().slice(0, 10)}`;
  switch (typeof value) {
    case 'object':
      return 'a mapping';
    case 'string':
      return `"${value.length > 40 ? value.slice(0, 37) + '...' : value}"`;
    case 'number':
      // YAML's .inf and .nan are numbers to JavaScript, but no setting can use them.
      if (!Number.isFinite(value)) return Number.isNaN(value) ? '.nan (not a number)' : `${value > 0 ? '' : '-'}.inf (infinity)`;
      return `number ${String(value)}`;
    case 'boolean':
      return `boolean ${String(value)}`;
    default:
      return typeof value;
  }
}

const TYPE_NAMES: Record<string, string> = {
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  date: 'a date',
};

type RawIssue = Parameters<z.core.$ZodErrorMap>[0];

/**
 * Messages for zod's built-in checks, in the words of a YAML file. Schema-level messages
 * (`every exception needs a reason`) take precedence in zod over this map, so they are kept.
 * As a side effect it records which keys each strict object knows, for "did you mean".
 */
export function createErrorMap(knownKeys: WeakMap<object, string[]>) {
  return (iss: RawIssue): string | undefined => {
    const input: unknown = iss.input;
    if (input === undefined && iss.code === 'invalid_value') return `is required (one of ${iss.values.map(String).join(', ')})`;
    if (input === undefined && iss.code !== 'unrecognized_keys') return 'is required';
    switch (iss.code) {
      case 'invalid_type':
        return `expected ${TYPE_NAMES[iss.expected] ?? iss.expected}, got ${describe(input)}`;
      case 'invalid_value': {
        const values = iss.values.map(String);
        const suffix = typeof input === 'string' ? didYouMeanSuffix(input, values) : '';
        return values.length === 1 ? `expected ${values[0]}, got ${describe(input)}` : `expected one of ${values.join(', ')}, got ${describe(input)}${suffix}`;
      }
      case 'invalid_union': {
        const expected = new Set<string>();
        for (const branch of iss.errors) for (const e of branch) if (e.code === 'invalid_type') expected.add(TYPE_NAMES[e.expected] ?? e.expected);
        return expected.size > 0 ? `expected ${[...expected].join(' or ')}, got ${describe(input)}` : undefined;
      }
      case 'unrecognized_keys': {
        const shape = (iss.inst as { _zod?: { def?: { shape?: object } } } | undefined)?._zod?.def?.shape;
        if (shape && input && typeof input === 'object') knownKeys.set(input, Object.keys(shape));
        return undefined;
      }
      case 'too_small':
        if (iss.origin === 'array') return iss.minimum === 1 ? 'must not be empty' : `needs at least ${iss.minimum} items`;
        if (iss.origin === 'string') return 'must not be empty';
        return `must be ${iss.inclusive ? 'at least' : 'more than'} ${iss.minimum}`;
      case 'too_big':
        return `must be ${iss.inclusive ? 'at most' : 'less than'} ${iss.maximum}`;
      case 'invalid_format':
        return `expected ${iss.format === 'url' ? 'a URL' : `a ${iss.format}`}, got ${describe(input)}`;
      default:
        return undefined;
    }
  };
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v = data;
  for (const k of path) v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

/** One problem per zod issue, located in the file; unknown keys become one problem per key. */
export function issuesToProblems(
  issues: readonly z.core.$ZodIssue[],
  ctx: { file: string; data: unknown; locate: Locator; knownKeys: WeakMap<object, string[]> },
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const add = (path: PathKey[], message: string, at: 'key' | 'value' = 'value') =>
    problems.push({ file: ctx.file, ...ctx.locate(path, at), path: formatPath(path), message, severity: 'error' });
  const keysAt = (path: readonly PropertyKey[]) => {
    const holder = valueAt(ctx.data, path);
    return (typeof holder === 'object' && holder !== null ? ctx.knownKeys.get(holder) : undefined) ?? [];
  };
  // `critcality: high` gives both "unknown key critcality" and "criticality is required": the first,
  // with its "did you mean", says it all.
  // Likewise `match: { cvee: x }` also fails "give at least one of cve, …": the unknown key is the news.
  const misspelt = new Set<string>();
  const withUnknownKeys = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const path = issue.path.filter((k): k is PathKey => typeof k !== 'symbol');
    withUnknownKeys.add(formatPath(path));
    for (const key of issue.keys) {
      const guess = didYouMean(key, keysAt(path));
      if (guess !== undefined) misspelt.add(formatPath([...path, guess]));
    }
  }
  for (const issue of issues) {
    const path = issue.path.filter((k): k is PathKey => typeof k !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const known = keysAt(path);
      for (const key of issue.keys) {
        const hint = didYouMeanSuffix(key, known);
        const list = hint === '' && known.length > 0 ? ` (expected one of ${known.join(', ')})` : '';
        add([...path, key], `unknown key \`${key}\`${hint}${list}`, 'key');
      }
    } else if (issue.code === 'custom' && withUnknownKeys.has(formatPath(path))) {
    } else if (!(misspelt.has(formatPath(path)) && valueAt(ctx.data, path) === undefined)) {
      add(path, issue.message);
    }
  }
  return problems;
}

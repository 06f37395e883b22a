import { readRegularBytes } from '../io/read-regular.js';
import { decodeUtf8 } from '../io/text-encoding.js';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document } from '../vendor/yaml.js';
import { ConfigError, UsageError, type ConfigProblem } from '../errors.js';
import { createLocator, formatPath, pathAtOffset } from './positions.js';
import type * as z from '../vendor/zod.js';
import {
  assetSchema,
  awsSelectorSchema,
  exceptionMatchSchema,
  exceptionSchema,
  inventorySchema,
  sourcesSchema,
  type Asset,
  type InventoryFile,
  type RiskException,
} from '../config/schema.js';
import type { Inventory } from '../config/inventory.js';
import { validateInventory } from './validate.js';
import { createErrorMap, issuesToProblems } from './zod-problems.js';

export interface LoadOptions {
  /** "Now" for expiry checks; injected so results do not depend on the clock. */
  now: Date;
}

export interface ParseResult {
  /** Present only when there are no errors (warnings are in `inventory.warnings` and `problems`). */
  inventory?: Inventory;
  /** Every error and warning, sorted by position. */
  problems: ConfigProblem[];
}

/** The one option of assets.yaml outside `policy` whose value is a boolean (src/config/discovery-schema.ts). */
const BOOLEAN_OPTION = 'discovery.groupBy.namePrefix';

/**
 * YAML turns plain scalars into other types: `012345678901` into a number (the leading zero lost),
 * `True` into the boolean true, `~` or `Null` into null. Outside `policy` (numbers), `version` and
 * the one boolean option (`discovery.groupBy.namePrefix`), every scalar in assets.yaml is used as
 * a string — ids, account ids, tag values, patterns, reasons — so each keeps the characters as
 * written: a tag `Critical: True` matches the resource tag "True", not "true". An empty value
 * (`aws:`) stays absent.
 */
function keepScalarsAsWritten(doc: Document): void {
  visit(doc, {
    Scalar(_key, node, path) {
      if (typeof node.value === 'string' || node.tag || typeof node.source !== 'string' || node.source === '') return;
      if (node.type !== 'PLAIN' || !(typeof node.value === 'number' || typeof node.value === 'boolean' || node.value === null)) return;
      const keys = path.filter(isPair).map((p) => (isScalar(p.key) ? p.key.value : undefined));
      // The value of a key, not the key itself; numbers stay numbers where numbers are meant.
      const pair = path[path.length - 1];
      if (isPair(pair) && pair.key === node) return;
      if (keys[0] === 'policy' || keys[0] === 'version' || (keys[0] === 'owners' && keys.length === 2 && isPair(pair))) return;
      if (typeof node.value === 'boolean' && keys.join('.') === BOOLEAN_OPTION) return;
      node.value = node.source;
    },
  });
}

/** A DUPLICATE_KEY error (as `uniqueKeys` would report it) for every key repeated in its mapping. */
function duplicateKeys(doc: Document): { code: 'DUPLICATE_KEY' | 'PROTO_KEY'; pos: [number, number]; message: string }[] {
  const out: { code: 'DUPLICATE_KEY' | 'PROTO_KEY'; pos: [number, number]; message: string }[] = [];
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const k = pair.key;
        if (!isScalar(k) || !k.range) continue;
        // JavaScript objects read this key as their prototype: the schema would drop it without a word
        // (a tag selector `__proto__: x` then matched every resource of the account).
        if (k.value === '__proto__')
          out.push({ code: 'PROTO_KEY', pos: [k.range[0], k.range[1]], message: "`__proto__` cannot be a key here (JavaScript reads it as an object's prototype): rename it" });
        const id = `${typeof k.value}:${String(k.value)}`;
        if (seen.has(id)) out.push({ code: 'DUPLICATE_KEY', pos: [k.range[0], k.range[1]], message: 'Map keys must be unique' });
        else seen.add(id);
      }
    },
  });
  return out;
}

function byPosition(a: ConfigProblem, b: ConfigProblem): number {
  return (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}

/** Each key of a strict object schema that parses on its own; the rest are left out. */
function pieces(shape: Record<string, z.ZodType>, raw: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return out;
  for (const [key, schema] of Object.entries(shape)) {
    const r = schema.safeParse((raw as Record<string, unknown>)[key]);
    if (r.success && r.data !== undefined) out[key] = r.data;
  }
  return out;
}

/**
 * What can be read of a file that failed the schema, so the cross-checks still run and one run
 * shows every problem. Lists are sparse on purpose (indexes stay those of the file); fields the
 * schema rejected are left out, and validate's `partial` mode skips checks they would mislead.
 */
function salvage(data: unknown): InventoryFile {
  const raw = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  const list = (v: unknown) => (Array.isArray(v) ? v : []);
  const assets: InventoryFile['assets'] = [];
  list(raw.assets).forEach((a: unknown, i) => {
    const asset = pieces(assetSchema.shape, a);
    const rawAsset = (a ?? {}) as Record<string, unknown>;
    // A badly spelt id is still the name exceptions use: keep it so they are not "unknown".
    if (typeof asset.id !== 'string' && typeof rawAsset.id === 'string') asset.id = rawAsset.id;
    if (typeof asset.id !== 'string') return;
    if (asset.aws === undefined) asset.aws = pieces(awsSelectorSchema.shape, rawAsset.aws);
    assets[i] = asset as Asset;
  });
  const exceptions: NonNullable<InventoryFile['exceptions']> = [];
  list(raw.exceptions).forEach((e: unknown, i) => {
    const ex = pieces(exceptionSchema.shape, e);
    if (typeof ex.id !== 'string') return;
    if (ex.match === undefined) ex.match = pieces(exceptionMatchSchema.shape, (e as Record<string, unknown>).match);
    // An `expires` the schema rejected is not a missing one: keep "has no expiry" for real omissions.
    if ((e as Record<string, unknown>).expires !== undefined && ex.expires === undefined) ex.expires = '9999-12-31';
    exceptions[i] = ex as RiskException;
  });
  const owners = inventorySchema.shape.owners.safeParse(raw.owners);
  const sources = sourcesSchema.safeParse(raw.sources);
  return {
    version: 1,
    assets,
    exceptions,
    ...(owners.success && owners.data ? { owners: owners.data } : {}),
    ...(sources.success && sources.data ? { sources: sources.data } : {}),
  };
}

/** Aliases a file may expand (a YAML bomb's billion laughs is refused long before it costs memory). */
const MAX_ALIASES = 1000;

/** Deepest nesting of lists and mappings read (the deepest real inventory needs under 8). */
const MAX_YAML_DEPTH = 64;

/** The first node deeper than MAX_YAML_DEPTH (its offset and path), or undefined. Iterative: never overflows itself. */
function tooDeep(doc: Document): { offset: number; path: PropertyKey[] } | undefined {
  const stack: { node: unknown; path: PropertyKey[] }[] = [{ node: doc.contents, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (!isMap(node) && !isSeq(node)) continue;
    if (path.length > MAX_YAML_DEPTH) return { offset: node.range?.[0] ?? 0, path };
    node.items.forEach((item, i) => {
      if (isPair(item)) stack.push({ node: item.value, path: [...path, isScalar(item.key) ? String(item.key.value) : i] });
      else stack.push({ node: item, path: [...path, i] });
    });
  }
  return undefined;
}

/** Parses and validates assets.yaml text. Pure: no I/O, no clock. */
export function parseInventory(text: string, file: string, opts: LoadOptions): ParseResult {
  const lineCounter = new LineCounter();
  // Duplicate keys are found by duplicateKeys (one Set per mapping): the yaml library's own
  // `uniqueKeys` compares each key with every earlier one, quadratic in a mapping's size (a large
  // `owners:` took minutes).
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const problems: ConfigProblem[] = [];
  const at = (offset: number) => lineCounter.linePos(offset);
  // Nesting no inventory needs breaks recursive steps (the YAML composer, the schema's walk) with
  // "Maximum call stack size exceeded": said as what it is, where it starts, before anything else.
  const deep = tooDeep(doc);
  if (deep)
    return {
      problems: [{ file, ...at(deep.offset), path: formatPath(deep.path), message: `nested more than ${MAX_YAML_DEPTH} levels deep: assets.yaml needs a few`, severity: 'error' }],
    };
  const errors = [...doc.errors, ...duplicateKeys(doc)];
  for (const [severity, list] of [
    ['error', errors],
    ['warning', doc.warnings],
  ] as const) {
    for (const e of list) {
      const path = pathAtOffset(doc, e.pos[0]);
      const message =
        e.code === 'DUPLICATE_KEY'
          ? `duplicate key \`${String(path[path.length - 1] ?? '')}\``
          : e.code === 'MULTIPLE_DOCS'
            ? 'assets.yaml holds one document: remove the `---` separator and merge the parts'
            : e.message.split('\n')[0]!;
      problems.push({ file, ...at(e.pos[0]), path: formatPath(path), message, severity });
    }
  }
  // Past a syntax error the tree is a guess; duplicate keys alone leave a usable tree.
  if (errors.some((e) => e.code !== 'DUPLICATE_KEY' && e.code !== 'PROTO_KEY')) return { problems: problems.sort(byPosition) };

  keepScalarsAsWritten(doc);
  let data: unknown;
  try {
    // Throws on an alias to an anchor that does not exist, or on too many aliases (a YAML bomb).
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    const message = (err as Error).message;
    // The yaml library's words blame the reader ("… indicates a resource exhaustion attack"): say what the limit is and what to do.
    const why = /alias count/i.test(message)
      ? `more than ${MAX_ALIASES} aliases (*name) to expand: secsli reads at most ${MAX_ALIASES} — write the repeated values out, or repeat them fewer times`
      : message;
    problems.push({ file, path: '', message: `cannot read the YAML: ${why}`, severity: 'error' });
    return { problems: problems.sort(byPosition) };
  }
  const locate = createLocator(doc, lineCounter);
  if (data === null || data === undefined) {
    problems.push({ file, path: '', message: 'the file is empty: start with `version: 1` and list your `assets:`', severity: 'error' });
    return { problems };
  }
  const knownKeys = new WeakMap<object, string[]>();
  const parsed = inventorySchema.safeParse(data, { error: createErrorMap(knownKeys), jitless: true });
  if (parsed.success) {
    for (const p of validateInventory(parsed.data, { file, now: opts.now, locate })) problems.push(p);
  } else {
    // One at a time, not push(...): a file with 200,000 bad records has as many problems (spread overflows the stack).
    for (const p of issuesToProblems(parsed.error.issues, { file, data, locate, knownKeys })) problems.push(p);
    // Cross-check what did parse, so one run shows every problem; skip checks that need the whole file.
    const assetsRead = Array.isArray((data as { assets?: unknown }).assets);
    for (const p of validateInventory(salvage(data), { file, now: opts.now, locate, partial: { assetsRead } })) problems.push(p);
  }
  const unique = dedupe(problems).sort(byPosition);
  if (!parsed.success || unique.some((p) => p.severity === 'error')) return { problems: unique };
  const inv = parsed.data;
  const inventory: Inventory = {
    file,
    assets: [...inv.assets].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    owners: inv.owners ?? {},
    exceptions: inv.exceptions ?? [],
    sources: inv.sources ?? {},
    ...(inv.policy ? { policy: inv.policy } : {}),
    ...(inv.discovery ? { discovery: inv.discovery } : {}),
    warnings: unique.filter((p) => p.severity === 'warning'),
  };
  return { inventory, problems: unique };
}

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.line}:${p.col}:${p.path}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Reads and validates assets.yaml; throws ConfigError carrying every problem when any is an error. */
export async function loadInventory(path: string, opts: LoadOptions): Promise<Inventory> {
  let bytes: Buffer;
  try {
    bytes = await readRegularBytes(path);
  } catch (err) {
    // Not "fix the lines above": there are no lines. The file itself is the problem.
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'ENOTREG' ? 'not a regular file' : code === 'EISDIR' ? 'a folder, not a file' : (code ?? (err as Error).message);
    throw new UsageError(`cannot read the inventory ${path}: ${reason}`, 'Pass the inventory with --config FILE (default: assets.yaml in the current folder).', { cause: err });
  }
  const { inventory, problems } = parseInventoryBytes(bytes, path, opts);
  if (!inventory) throw new ConfigError(problems);
  return inventory;
}

/** parseInventory of a file's bytes: bytes that are not UTF-8 are a problem where they start, not U+FFFD read on. */
export function parseInventoryBytes(bytes: Uint8Array, file: string, opts: LoadOptions): ParseResult {
  const decoded = decodeUtf8(bytes);
  if ('text' in decoded) return parseInventory(decoded.text, file, opts);
  // Read on as U+FFFD, a Latin-1 "Café" tag selector matched nothing, without a word.
  const n = decoded.notUtf8;
  const what = n.byte ? `${n.kind} (byte ${n.byte} here)` : `${n.kind}, not UTF-8`;
  return { problems: [{ file, line: n.line, col: n.col, path: '', message: `the file is ${what}: ${n.hint}`, severity: 'error' }] };
}

import { readFile } from 'node:fs/promises';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { ConfigError, type ConfigProblem } from '../errors.js';
import { createLocator, formatPath, pathAtOffset } from './positions.js';
import type { z } from 'zod';
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

/**
 * YAML reads `012345678901` and `0042` as numbers and drops the leading zero. Account ids and tag
 * values are identifiers, not numbers: keep the characters as written.
 */
function keepDigitsAsWritten(doc: Document): void {
  const asWritten = (node: unknown) => {
    if (isScalar(node) && typeof node.value === 'number' && typeof node.source === 'string') node.value = node.source;
  };
  const assets = doc.get('assets', true);
  const lists: unknown[] = [doc.getIn(['sources', 'securityhub', 'accounts'], true)];
  if (isSeq(assets)) {
    assets.items.forEach((_, i) => {
      lists.push(doc.getIn(['assets', i, 'aws', 'accounts'], true));
      const tags = doc.getIn(['assets', i, 'aws', 'tags'], true);
      if (isMap(tags)) tags.items.forEach((pair) => asWritten(pair.value));
    });
  }
  for (const list of lists) if (isSeq(list)) list.items.forEach(asWritten);
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

/** Parses and validates assets.yaml text. Pure: no I/O, no clock. */
export function parseInventory(text: string, file: string, opts: LoadOptions): ParseResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: ConfigProblem[] = [];
  const at = (offset: number) => lineCounter.linePos(offset);
  for (const [severity, list] of [['error', doc.errors], ['warning', doc.warnings]] as const) {
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
  if (doc.errors.some((e) => e.code !== 'DUPLICATE_KEY')) return { problems: problems.sort(byPosition) };

  keepDigitsAsWritten(doc);
  let data: unknown;
  try {
    // Throws on an alias to an anchor that does not exist, or on too many aliases (a YAML bomb).
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    problems.push({ file, path: '', message: `cannot read the YAML: ${(err as Error).message}`, severity: 'error' });
    return { problems: problems.sort(byPosition) };
  }
  const locate = createLocator(doc, lineCounter);
  if (data === null || data === undefined) {
    problems.push({ file, path: '', message: 'the file is empty: start with `version: 1` and list your `assets:`', severity: 'error' });
    return { problems };
  }
  const knownKeys = new WeakMap<object, string[]>();
  const parsed = inventorySchema.safeParse(data, { error: createErrorMap(knownKeys) });
  if (parsed.success) {
    problems.push(...validateInventory(parsed.data, { file, now: opts.now, locate }));
  } else {
    problems.push(...issuesToProblems(parsed.error.issues, { file, data, locate, knownKeys }));
    // Cross-check what did parse, so one run shows every problem; skip checks that need the whole file.
    const assetsRead = Array.isArray((data as { assets?: unknown }).assets);
    problems.push(...validateInventory(salvage(data), { file, now: opts.now, locate, partial: { assetsRead } }));
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
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** Reads and validates assets.yaml; throws ConfigError carrying every problem when any is an error. */
export async function loadInventory(path: string, opts: LoadOptions): Promise<Inventory> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new ConfigError([{ file: path, path: '', message: `cannot read the inventory: ${reason}`, severity: 'error' }]);
  }
  const { inventory, problems } = parseInventory(text, path, opts);
  if (!inventory) throw new ConfigError(problems);
  return inventory;
}

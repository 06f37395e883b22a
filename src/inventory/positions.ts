import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from '../vendor/yaml.js';

/** A path into assets.yaml: keys and list indexes, as zod reports them. */
export type PathKey = string | number;

interface Position {
  line: number;
  col: number;
}

/** Finds where a value (or its key) sits in the file; undefined when the file has no such node. */
export type Locator = (path: readonly PathKey[], at?: 'key' | 'value') => Position | undefined;

const MAX_PATH_SHOWN = 12;

/** `assets[2].aws.resources[0]`; keys that are not plain words are quoted: `tags["aws:cfn"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  // A path is for a person to find the place: a file nested thousands deep gets its start, not pages of `[0]`.
  if (path.length > MAX_PATH_SHOWN) return `${formatPath(path.slice(0, MAX_PATH_SHOWN))}… (${path.length} levels)`;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_][\w-]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

function child(node: unknown, key: PathKey): { keyNode?: Node; value?: unknown } | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      const k = isScalar(pair.key) ? pair.key.value : pair.key;
      if (k === key || (k !== null && typeof k !== 'object' && String(k) === String(key))) return { keyNode: pair.key as Node, value: pair.value };
    }
    return undefined;
  }
  if (isSeq(node) && typeof key === 'number') {
    return key < node.items.length ? { value: node.items[key] } : undefined;
  }
  return undefined;
}

export function createLocator(doc: Document, lineCounter: LineCounter): Locator {
  const pos = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, col };
  };
  return (path, at = 'value') => {
    let node: unknown = doc.contents;
    let keyNode: Node | undefined;
    // Walk as deep as the file goes: a missing key is reported at the object that lacks it.
    let found = true;
    for (const key of path) {
      const next = child(node, key);
      if (!next) {
        found = false;
        break;
      }
      keyNode = next.keyNode;
      node = next.value;
      // `key:` with nothing after it has no value node: point at the key.
      if (node === null || node === undefined) {
        found = node !== undefined;
        break;
      }
    }
    if (found && at === 'key' && keyNode?.range) return pos(keyNode.range[0]);
    const target = (node as Node | null | undefined)?.range ? (node as Node) : keyNode;
    return target?.range ? pos(target.range[0]) : undefined;
  };
}

/** The last item starting at or before `offset`, or -1. */
function itemAt(items: readonly unknown[], offset: number): number {
  let lo = 0;
  let hi = items.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const start = (items[mid] as Node | null)?.range?.[0] ?? -1; // an empty item (`- `): the caller checks the range
    if (start <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The deepest path whose key or value contains `offset`, to name the place of a YAML error. */
export function pathAtOffset(doc: Document, offset: number): PathKey[] {
  const path: PathKey[] = [];
  const within = (n: unknown) => {
    const r = (n as Node | null)?.range;
    return !!r && offset >= r[0] && offset < r[2];
  };
  let node: unknown = doc.contents;
  for (;;) {
    let next: unknown;
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        if (within(pair.key) || within(pair.value)) {
          const k = isScalar(pair.key) ? pair.key.value : undefined;
          if (typeof k !== 'string' && typeof k !== 'number') return path;
          path.push(String(k));
          next = within(pair.value) ? pair.value : undefined;
          break;
        }
      }
    } else if (isSeq(node)) {
      // Items are in source order: a binary search keeps naming many problems in a long list linear.
      const i = itemAt(node.items, offset);
      if (i >= 0 && within(node.items[i])) {
        path.push(i);
        next = node.items[i];
      }
    }
    if (!next) return path;
    node = next;
  }
}

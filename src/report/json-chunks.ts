/**
 * `JSON.stringify(value, null, 2)`, produced as chunks, for documents too big to hold as one
 * string. A `LazyArray` in the value is serialized as an array whose elements are produced while
 * writing (never all held at once). The output is byte-identical to JSON.stringify of the same
 * value with every LazyArray replaced by the array of its elements.
 *
 * Supports what snapshots hold: plain objects, arrays, strings, numbers, booleans and null
 * (undefined properties are left out, undefined array elements become null, as JSON.stringify does).
 */
export class LazyArray<T = unknown> {
  constructor(readonly items: () => Iterable<T>) {}
}

const IND = '  ';

function holdsLazy(v: unknown): boolean {
  if (v instanceof LazyArray) return true;
  if (typeof v !== 'object' || v === null) return false;
  if (Array.isArray(v)) return v.some(holdsLazy);
  for (const k in v) if (holdsLazy((v as Record<string, unknown>)[k])) return true;
  return false;
}

/** A value without LazyArrays, at nesting depth `depth`. */
function plain(v: unknown, depth: number): string {
  const s = JSON.stringify(v, null, 2);
  return depth === 0 || !s.includes('\n') ? s : s.replace(/\n/g, `\n${IND.repeat(depth)}`);
}

export function* jsonChunks(value: unknown, depth = 0, chunkChars = 1 << 16): Generator<string> {
  if (!holdsLazy(value)) {
    yield plain(value, depth);
    return;
  }
  const inner = `\n${IND.repeat(depth + 1)}`;
  const close = `\n${IND.repeat(depth)}`;
  if (value instanceof LazyArray || Array.isArray(value)) {
    const items: Iterable<unknown> = value instanceof LazyArray ? value.items() : value;
    let buf = '';
    let n = 0;
    for (const item of items) {
      buf += n++ === 0 ? `[${inner}` : `,${inner}`;
      if (holdsLazy(item)) {
        yield buf;
        buf = '';
        yield* jsonChunks(item, depth + 1, chunkChars);
      } else {
        buf += item === undefined ? 'null' : plain(item, depth + 1);
        if (buf.length >= chunkChars) {
          yield buf;
          buf = '';
        }
      }
    }
    yield n === 0 ? `${buf}[]` : `${buf}${close}]`;
    return;
  }
  const obj = value as Record<string, unknown>;
  let n = 0;
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    yield `${n++ === 0 ? `{${inner}` : `,${inner}`}${JSON.stringify(k)}: `;
    yield* jsonChunks(v, depth + 1, chunkChars);
  }
  yield n === 0 ? '{}' : `${close}}`;
}

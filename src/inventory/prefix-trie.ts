interface TrieNode<T> {
  items: T[];
  /** By UTF-16 code unit. */
  next: Map<number, TrieNode<T>> | undefined;
}

/**
 * Items filed under a literal prefix (the characters of a glob before its first wildcard).
 * `candidates(value, out)` walks `value` once and appends only the items whose prefix `value`
 * starts with: the cost depends on the length of `value` and on the items that can match, not on
 * how many items there are. (No generator, no per-call allocation: the matcher calls it for every
 * resource it has not seen.)
 */
export class PrefixTrie<T> {
  private readonly root: TrieNode<T> = { items: [], next: undefined };

  add(prefix: string, item: T): void {
    let node = this.root;
    for (let i = 0; i < prefix.length; i++) {
      const c = prefix.charCodeAt(i);
      node.next ??= new Map();
      let child = node.next.get(c);
      if (!child) {
        child = { items: [], next: undefined };
        node.next.set(c, child);
      }
      node = child;
    }
    node.items.push(item);
  }

  /** Appends to `out` every item whose prefix `value` starts with (shortest prefix first); returns `out`. */
  candidates(value: string, out: T[]): T[] {
    let node: TrieNode<T> | undefined = this.root;
    for (let i = 0; ; i++) {
      for (const item of node.items) out.push(item);
      if (i === value.length || node.next === undefined) return out;
      node = node.next.get(value.charCodeAt(i));
      if (!node) return out;
    }
  }
}

export function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** A trie per key, created on first use. */
export function trieFor<K, V>(map: Map<K, PrefixTrie<V>>, key: K): PrefixTrie<V> {
  let trie = map.get(key);
  if (!trie) {
    trie = new PrefixTrie<V>();
    map.set(key, trie);
  }
  return trie;
}

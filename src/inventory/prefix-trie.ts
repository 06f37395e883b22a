interface TrieNode<T> {
  items: T[];
  next: Map<string, TrieNode<T>>;
}

/**
 * Items filed under a literal prefix (the characters of a glob before its first wildcard).
 * `candidates(value)` walks `value` once and yields only the items whose prefix `value` starts
 * with: the cost depends on the length of `value` and on the items that can match, not on how
 * many items there are.
 */
export class PrefixTrie<T> {
  private readonly root: TrieNode<T> = { items: [], next: new Map() };

  add(prefix: string, item: T): void {
    let node = this.root;
    for (const c of prefix) {
      let child = node.next.get(c);
      if (!child) {
        child = { items: [], next: new Map() };
        node.next.set(c, child);
      }
      node = child;
    }
    node.items.push(item);
  }

  *candidates(value: string): Iterable<T> {
    let node: TrieNode<T> | undefined = this.root;
    yield* node.items;
    for (const c of value) {
      node = node.next.get(c);
      if (!node) return;
      yield* node.items;
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

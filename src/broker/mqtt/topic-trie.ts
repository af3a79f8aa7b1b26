// An index of topic filters for matching topic names (MQTT 5.0 §4.7): one node per filter level,
// with '+' and '#' children beside the literal ones, so a match walks the topic's levels once
// instead of testing every filter. Filters starting with a wildcard do not match topic names
// starting with '$' ([MQTT-4.7.2-1]). Each filter holds entries by key (a session's client
// identifier, or a retained message's topic).

class TrieNode<T> {
  readonly children = new Map<string, TrieNode<T>>();
  readonly entries = new Map<string, T>();
}

export class TopicTrie<T> {
  private readonly root = new TrieNode<T>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds or replaces the entry `key` of `filter`; returns the entry it replaced. */
  set(filter: string, key: string, value: T): T | undefined {
    let node = this.root;
    for (const level of filter.split('/')) {
      let next = node.children.get(level);
      if (!next) node.children.set(level, (next = new TrieNode<T>()));
      node = next;
    }
    const old = node.entries.get(key);
    if (old === undefined) this.count++;
    node.entries.set(key, value);
    return old;
  }

  get(filter: string, key: string): T | undefined {
    return this.find(filter)?.entries.get(key);
  }

  /** Removes the entry `key` of `filter` (only if it is `expected`, when given); returns it. Empty nodes are pruned. */
  delete(filter: string, key: string, expected?: T): T | undefined {
    const path: TrieNode<T>[] = [this.root];
    const levels = filter.split('/');
    for (const level of levels) {
      const next = path[path.length - 1]!.children.get(level);
      if (!next) return undefined;
      path.push(next);
    }
    const node = path[path.length - 1]!;
    const old = node.entries.get(key);
    if (old === undefined || (expected !== undefined && old !== expected)) return undefined;
    node.entries.delete(key);
    this.count--;
    for (let i = levels.length; i > 0; i--) {
      const n = path[i]!;
      if (n.entries.size > 0 || n.children.size > 0) break;
      path[i - 1]!.children.delete(levels[i - 1]!);
    }
    return old;
  }

  /** Calls `visit` for every entry whose filter matches the topic name `topic`. */
  match(topic: string, visit: (key: string, value: T) => void): void {
    this.walk(this.root, topic.split('/'), 0, topic.startsWith('$'), visit);
  }

  private walk(node: TrieNode<T>, levels: readonly string[], i: number, dollar: boolean, visit: (key: string, value: T) => void): void {
    // A filter starting with a wildcard does not match a '$' topic ([MQTT-4.7.2-1]).
    const wild = !(dollar && i === 0);
    // '#' matches the rest, including nothing (the parent level): "a/#" matches "a".
    const hash = node.children.get('#');
    if (hash && wild) for (const [k, v] of hash.entries) visit(k, v);
    if (i === levels.length) {
      for (const [k, v] of node.entries) visit(k, v);
      return;
    }
    const exact = node.children.get(levels[i]!);
    if (exact) this.walk(exact, levels, i + 1, dollar, visit);
    const plus = node.children.get('+');
    if (plus && wild) this.walk(plus, levels, i + 1, dollar, visit);
  }

  private find(filter: string): TrieNode<T> | undefined {
    let node: TrieNode<T> | undefined = this.root;
    for (const level of filter.split('/')) {
      node = node.children.get(level);
      if (!node) return undefined;
    }
    return node;
  }

  /** Every entry (for persistence and tests). */
  *entries(): Generator<[filter: string, key: string, value: T]> {
    const stack: [TrieNode<T>, string[]][] = [[this.root, []]];
    while (stack.length > 0) {
      const [node, path] = stack.pop()!;
      for (const [k, v] of node.entries) yield [path.join('/'), k, v];
      for (const [level, child] of node.children) stack.push([child, [...path, level]]);
    }
  }
}

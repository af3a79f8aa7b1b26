// Topic exchange patterns (RabbitMQ's rabbit_exchange_type_topic): routing keys and binding keys
// are dot-separated words; in a binding key `*` matches exactly one word and `#` zero or more.
// A pattern is compiled once per binding into word arrays and matched by backtracking over `#`
// (memoised on (pattern position, key position), so a hostile pattern of many `#` stays linear in
// pattern x key words).

export type TopicPattern = readonly string[];

/** Words of a key; the empty key has none (RabbitMQ's split_topic_key(<<>>) = []). */
function words(key: string): string[] {
  return key === '' ? [] : key.split('.');
}

export function compileTopic(bindingKey: string): TopicPattern {
  return words(bindingKey);
}

export function topicMatches(pattern: TopicPattern, routingKey: string): boolean {
  const keyWords = words(routingKey);
  const seen = new Set<number>();
  const match = (p: number, w: number): boolean => {
    const memo = p * (keyWords.length + 1) + w;
    if (seen.has(memo)) return false;
    if (p === pattern.length) return w === keyWords.length;
    const word = pattern[p]!;
    if (word === '#') {
      // '#' absorbs zero or more words.
      for (let k = w; k <= keyWords.length; k++) if (match(p + 1, k)) return true;
      seen.add(memo);
      return false;
    }
    if (w === keyWords.length) {
      seen.add(memo);
      return false;
    }
    if (word === '*' || word === keyWords[w]) {
      if (match(p + 1, w + 1)) return true;
    }
    seen.add(memo);
    return false;
  };
  return match(0, 0);
}

// Responses list partitions under their topic, in the order the request named them.
export function groupByTopic<T extends { topic: string }>(items: readonly T[]): { topic: string; items: T[] }[] {
  const byTopic = new Map<string, T[]>();
  for (const item of items) {
    let list = byTopic.get(item.topic);
    if (!list) byTopic.set(item.topic, (list = []));
    list.push(item);
  }
  return [...byTopic].map(([topic, list]) => ({ topic, items: list }));
}

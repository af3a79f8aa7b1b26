// What consumer groups need to know of topics: ids and names both ways, partition counts, racks, and
// the metadata hash of a group's subscribed topics (KIP-1101): when a subscribed topic is created,
// deleted or gains partitions the hash changes, and the next heartbeat bumps the group epoch so the
// target assignment follows. Kafka recomputes the hash when its metadata image changes; here the
// hash of the few topics a group subscribes to is recomputed on each heartbeat, which costs a map
// lookup per topic and needs no notification from the topic service.
import { createHash } from 'node:crypto';
import type { TopicDescriber } from './assignors/assignor.js';

export interface TopicMetadata {
  readonly id: string;
  readonly name: string;
  readonly partitions: number;
}

export interface TopicsView {
  byName(name: string): TopicMetadata | undefined;
  byId(id: string): TopicMetadata | undefined;
  /** Every topic name (regex subscriptions are resolved against these). */
  names(): Iterable<string>;
  /** Racks of a partition's replicas; on one node, this broker's broker.rack (empty when unset). */
  racks(): ReadonlySet<string>;
}

/** Topic ids of the given names that exist. */
export function topicIdsOf(names: Iterable<string>, topics: TopicsView): Set<string> {
  const out = new Set<string>();
  for (const n of names) {
    const t = topics.byName(n);
    if (t) out.add(t.id);
  }
  return out;
}

export function describer(topics: TopicsView): TopicDescriber {
  const racks = topics.racks();
  return {
    numPartitions: (id) => topics.byId(id)?.partitions ?? -1,
    racksForPartition: () => racks,
  };
}

/**
 * A 64-bit hash of the subscribed topics that exist (name, id, partition count, racks), in name order.
 * 0 for none, as Kafka's default. Only compared for equality.
 */
export function metadataHash(subscribed: Iterable<string>, topics: TopicsView): bigint {
  const parts: string[] = [];
  const racks = [...topics.racks()].sort().join(',');
  for (const name of [...subscribed].sort()) {
    const t = topics.byName(name);
    if (t) parts.push(`${t.name}\u0000${t.id}\u0000${t.partitions}\u0000${racks}`);
  }
  if (parts.length === 0) return 0n;
  const h = createHash('sha256').update(parts.join('\u0001')).digest().readBigInt64BE(0);
  return h === 0n ? 1n : h;
}

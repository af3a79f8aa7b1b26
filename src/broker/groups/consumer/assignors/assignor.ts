// The server-side assignor contract of KIP-848 (Kafka's ConsumerGroupPartitionAssignor): members with
// their subscribed topic ids, rack and current target in; a new target per member out. Assignors are
// pure and deterministic (same input, same output), so a restarted broker computes what the old one
// would have.
//
// Rack awareness (KIP-881's rule, applied to the server-side assignors): a member's rack id is used
// to prefer partitions with a replica in the same rack, only where it costs nothing in balance. On a
// single node every partition lives in broker.rack (none when unset), so members in that rack win
// ties for any partition, and members elsewhere still get their balanced share.
import type { Assignment } from '../assignment.js';

export interface AssignmentMember {
  memberId: string;
  instanceId: string | null;
  rackId: string | null;
  /** Topic ids the member subscribes to that exist. */
  topicIds: ReadonlySet<string>;
  /** The member's current target assignment (stickiness). */
  current: Assignment;
}

export interface TopicDescriber {
  /** -1 when the topic does not exist. */
  numPartitions(topicId: string): number;
  /** Racks of the partition's replicas (empty: unknown). */
  racksForPartition(topicId: string, partition: number): ReadonlySet<string>;
}

export interface PartitionAssignor {
  readonly name: string;
  assign(members: readonly AssignmentMember[], topics: TopicDescriber): Map<string, Assignment>;
}

/** A partition as "topicId:partition"-free pair, kept in a stable order: topic ids sorted, partitions ascending. */
export interface TopicPartition {
  topicId: string;
  partition: number;
}

export function partitionsOf(topicIds: Iterable<string>, topics: TopicDescriber): TopicPartition[] {
  const out: TopicPartition[] = [];
  for (const topicId of [...topicIds].sort()) {
    const n = topics.numPartitions(topicId);
    for (let p = 0; p < n; p++) out.push({ topicId, partition: p });
  }
  return out;
}

export function rackMatches(rackId: string | null, topics: TopicDescriber, tp: TopicPartition): boolean {
  return rackId !== null && topics.racksForPartition(tp.topicId, tp.partition).has(rackId);
}

/** Builds an Assignment from a list of partitions. */
export function toAssignment(list: readonly TopicPartition[]): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const { topicId, partition } of list) {
    let s = out.get(topicId);
    if (!s) out.set(topicId, (s = new Set()));
    s.add(partition);
  }
  return out;
}

export const BUILTIN_ASSIGNOR_CLASSES: Readonly<Record<string, string>> = {
  'org.apache.kafka.coordinator.group.assignor.UniformAssignor': 'uniform',
  'org.apache.kafka.coordinator.group.assignor.RangeAssignor': 'range',
};

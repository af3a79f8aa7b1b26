// The "range" server-side assignor (Kafka's RangeAssignor for KIP-848 groups): per topic, the members
// subscribed to it, in a fixed order (static members by instance id first, then the others by member
// id), get consecutive ranges of partitions; the first (partitions mod members) members get one
// more. It is not sticky: the ranges follow the order, which is what makes co-partitioned topics land
// on the same member.
//
// Rack awareness (KIP-881's range rule): when members and partitions have racks, each member first
// takes, up to its range size, the lowest partitions of its rack that nobody took yet; the rest are
// then handed out in range order. Without racks this is exactly the contiguous assignment.
import type { Assignment } from '../assignment.js';
import { rackMatches, type AssignmentMember, type PartitionAssignor, type TopicDescriber } from './assignor.js';

export function rangeOrder(members: readonly AssignmentMember[]): AssignmentMember[] {
  return [...members].sort((a, b) => {
    if (a.instanceId !== null && b.instanceId !== null) return a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0;
    if (a.instanceId !== null) return -1;
    if (b.instanceId !== null) return 1;
    return a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0;
  });
}

export class RangeAssignor implements PartitionAssignor {
  readonly name = 'range';

  assign(members: readonly AssignmentMember[], topics: TopicDescriber): Map<string, Assignment> {
    const ordered = rangeOrder(members);
    const result = new Map<string, Map<string, Set<number>>>(ordered.map((m) => [m.memberId, new Map()]));
    const allTopics = new Set<string>();
    for (const m of ordered) for (const t of m.topicIds) allTopics.add(t);
    for (const topicId of [...allTopics].sort()) {
      const n = topics.numPartitions(topicId);
      if (n <= 0) continue;
      const subscribers = ordered.filter((m) => m.topicIds.has(topicId));
      const quota = Math.floor(n / subscribers.length);
      const extra = n % subscribers.length;
      const sizes = subscribers.map((_, i) => quota + (i < extra ? 1 : 0));
      const taken = new Set<number>();
      const give = (i: number, p: number): void => {
        const m = subscribers[i]!;
        let s = result.get(m.memberId)!.get(topicId);
        if (!s) result.get(m.memberId)!.set(topicId, (s = new Set()));
        s.add(p);
        taken.add(p);
        sizes[i]!--;
      };
      const racksInPlay = subscribers.some((m) => m.rackId !== null) && Array.from({ length: n }, (_, p) => p).some((p) => topics.racksForPartition(topicId, p).size > 0);
      if (racksInPlay) {
        subscribers.forEach((m, i) => {
          for (let p = 0; p < n && sizes[i]! > 0; p++) if (!taken.has(p) && rackMatches(m.rackId, topics, { topicId, partition: p })) give(i, p);
        });
      }
      let next = 0;
      subscribers.forEach((_, i) => {
        while (sizes[i]! > 0) {
          while (taken.has(next)) next++;
          give(i, next);
        }
      });
    }
    return result;
  }
}

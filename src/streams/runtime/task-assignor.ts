// The group's partition assignor for a streams app (run by the group leader). Kafka's default
// assignors spread topic-partitions independently, which would split a task: a join's task reads
// partition p of two topics and needs both. So this assigns whole tasks (sub-topology, partition)
// round-robin over the members (sorted, so every leader computes the same answer), and gives each
// member all source partitions of its tasks. Like Kafka Streams' StreamsPartitionAssignor, but
// without stickiness or standby replicas: a task that moves restores from its changelog.

import type { GroupPartitionsAssigner } from '../../client/index.js';
import type { Topology } from '../engine/topology.js';

export function taskAssignor(topology: Topology): GroupPartitionsAssigner {
  return (_current, members, _topics, metadata) => {
    const memberIds = [...members.keys()].sort();
    const assignments = memberIds.map((memberId) => ({ memberId, assignments: new Map<string, { topic: string; partitions: number[] }>() }));
    if (memberIds.length === 0) return assignments;
    const tasks: Array<{ topics: readonly string[]; partition: number }> = [];
    const subs = topology.subtopologies();
    let maxPartitions = 0;
    const counts = subs.map((s) => {
      const n = Math.max(0, ...s.sourceTopics.map((t) => metadata.topics.get(t)?.partitionsCount ?? 0));
      maxPartitions = Math.max(maxPartitions, n);
      return n;
    });
    // Partition-major order, so each member gets a mix of sub-topologies rather than all of one.
    for (let p = 0; p < maxPartitions; p++) {
      subs.forEach((s, i) => {
        if (p < counts[i]!) tasks.push({ topics: s.sourceTopics, partition: p });
      });
    }
    tasks.forEach((task, i) => {
      const target = assignments[i % assignments.length]!.assignments;
      for (const topic of task.topics) {
        let a = target.get(topic);
        if (!a) target.set(topic, (a = { topic, partitions: [] }));
        a.partitions.push(task.partition);
      }
    });
    return assignments;
  };
}

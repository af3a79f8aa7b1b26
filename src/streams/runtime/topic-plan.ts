// How many partitions every topic of a topology has, and therefore how many tasks each
// sub-topology runs. Rules (Kafka Streams' InternalTopicManager and CopartitionedTopicsEnforcer):
//   * user source topics must exist; all topics one sub-topology reads must have the same
//     partition count (a join needs key k of both sides in the same task), else NOT_COPARTITIONED;
//   * a repartition topic gets the largest partition count among the source topics of the
//     sub-topology that writes it (resolved upstream first, repeatedly, as repartitions chain);
//   * a changelog topic has one partition per task of the sub-topology owning the store.
// Pure: it takes the existing topics' partition counts and returns the plan.

import { StreamsError } from '../errors.js';
import type { Topology } from '../engine/topology.js';

export interface TopicPlan {
  /** Sub-topology id -> partition (task) count. */
  readonly tasksPerSubtopology: ReadonlyMap<number, number>;
  /** Internal topics to create if missing, with their partition counts. */
  readonly internal: ReadonlyMap<string, number>;
}

export function planTopics(topology: Topology, existing: ReadonlyMap<string, number>): TopicPlan {
  const internal = topology.internalTopics;
  const writers = new Map<string, number>(); // repartition topic -> sub-topology that writes it
  for (const sub of topology.subtopologies()) {
    for (const name of sub.nodes) {
      const node = topology.nodes.get(name)!;
      if (node.kind === 'sink' && internal.get(node.topic)?.kind === 'repartition') writers.set(node.topic, sub.id);
    }
  }
  const counts = new Map<string, number>();
  const tasks = new Map<number, number>();
  const subs = topology.subtopologies();
  // Each pass resolves at least one sub-topology whose inputs are known; at most subs.length passes.
  for (let pass = 0; pass <= subs.length && tasks.size < subs.length; pass++) {
    for (const sub of subs) {
      if (tasks.has(sub.id)) continue;
      const sizes: Array<[string, number]> = [];
      let known = true;
      for (const topic of sub.sourceTopics) {
        const n = internal.get(topic)?.kind === 'repartition' ? counts.get(topic) : existing.get(topic);
        if (n === undefined) {
          if (internal.get(topic)?.kind !== 'repartition') {
            throw new StreamsError('TOPIC_NOT_FOUND', `source topic '${topic}' does not exist; create it before starting app '${topology.appId}'`);
          }
          known = false;
          break;
        }
        sizes.push([topic, n]);
      }
      if (!known) continue;
      const n = sizes[0]![1];
      if (sizes.some(([, c]) => c !== n)) {
        const list = sizes.map(([t, c]) => `${t} (${c})`).join(', ');
        throw new StreamsError('NOT_COPARTITIONED', `sub-topology ${sub.id} joins topics with different partition counts: ${list}; they must be co-partitioned`);
      }
      tasks.set(sub.id, n);
      for (const [topic, writer] of writers) {
        if (writer === sub.id) counts.set(topic, Math.max(counts.get(topic) ?? 0, ...sub.sourceTopics.map((t) => existing.get(t) ?? counts.get(t) ?? 0)));
      }
    }
  }
  if (tasks.size < subs.length) throw new StreamsError('TOPOLOGY_INVALID', 'repartition topics form a cycle; cannot size them');
  const planned = new Map<string, number>();
  for (const [topic, n] of counts) planned.set(topic, n);
  for (const spec of topology.stores.values()) {
    const owner = subs.find((s) => s.stores.includes(spec.name));
    if (owner) planned.set(spec.changelogTopic, tasks.get(owner.id)!);
  }
  for (const [topic, n] of planned) {
    const have = existing.get(topic);
    if (have !== undefined && have !== n) {
      throw new StreamsError('NOT_COPARTITIONED', `internal topic '${topic}' has ${have} partitions but app '${topology.appId}' needs ${n}; delete it (or reset the app) to change partition counts`);
    }
  }
  return { tasksPerSubtopology: tasks, internal: planned };
}

// How many partitions every topic of a topology has, and therefore how many tasks each
// sub-topology runs. Rules (Kafka Streams' InternalTopicManager and CopartitionedTopicsEnforcer):
//   * user source topics must exist; all topics one sub-topology reads must have the same
//     partition count (a join needs key k of both sides in the same task), else NOT_COPARTITIONED;
//   * a repartition topic with a fixed count (repartition({ partitions })) has that count;
//   * a repartition topic read together with topics of known count (a join's other side, the
//     table a foreign-key join's answers come back to) gets their count, so they are
//     co-partitioned (Kafka's CopartitionedTopicsEnforcer does the same);
//   * any other repartition topic gets the largest task count among the sub-topologies that
//     write it (resolved upstream first, repeatedly, as repartitions chain);
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
  const isRepartition = (t: string) => internal.get(t)?.kind === 'repartition';
  const writers = new Map<string, number[]>(); // repartition topic -> sub-topologies that write it
  for (const sub of topology.subtopologies()) {
    for (const name of sub.nodes) {
      const node = topology.nodes.get(name)!;
      if (node.kind === 'sink' && isRepartition(node.topic)) writers.set(node.topic, [...(writers.get(node.topic) ?? []), sub.id]);
    }
  }
  for (const g of topology.globalTables.values()) {
    if (!existing.has(g.topic)) throw new StreamsError('TOPIC_NOT_FOUND', `global table topic '${g.topic}' does not exist; create it before starting app '${topology.appId}'`);
  }
  const counts = new Map<string, number>();
  for (const [name, t] of internal) if (t.kind === 'repartition' && t.partitions !== undefined) counts.set(name, t.partitions);
  const tasks = new Map<number, number>();
  const subs = topology.subtopologies();
  // Each pass resolves at least one sub-topology; at most subs.length passes.
  for (let pass = 0; pass <= subs.length && tasks.size < subs.length; pass++) {
    for (const sub of subs) {
      if (tasks.has(sub.id)) continue;
      const known: Array<[string, number]> = [];
      const unknown: string[] = [];
      for (const topic of sub.sourceTopics) {
        const n = isRepartition(topic) ? counts.get(topic) : existing.get(topic);
        if (n !== undefined) known.push([topic, n]);
        else if (isRepartition(topic)) unknown.push(topic);
        else throw new StreamsError('TOPIC_NOT_FOUND', `source topic '${topic}' does not exist; create it before starting app '${topology.appId}'`);
      }
      if (known.length === 0) {
        // Only unsized repartition topics: size each from its writers, once they are resolved.
        const sized = unknown.map((t) => (writers.get(t) ?? []).map((w) => tasks.get(w)));
        if (sized.some((ws) => ws.length === 0 || ws.some((n) => n === undefined))) continue;
        unknown.forEach((t, i) => {
          counts.set(t, Math.max(...(sized[i] as number[])));
          known.push([t, counts.get(t)!]);
        });
        unknown.length = 0;
      }
      const n = known[0]![1];
      if (known.some(([, c]) => c !== n)) {
        const list = known.map(([t, c]) => `${t} (${c})`).join(', ');
        throw new StreamsError('NOT_COPARTITIONED', `sub-topology ${sub.id} joins topics with different partition counts: ${list}; they must be co-partitioned`);
      }
      for (const t of unknown) counts.set(t, n);
      tasks.set(sub.id, n);
    }
  }
  if (tasks.size < subs.length) throw new StreamsError('TOPOLOGY_INVALID', 'repartition topics form a cycle; cannot size them');
  const planned = new Map<string, number>();
  for (const [topic, n] of counts) planned.set(topic, n);
  // A repartition topic nothing reads (written only) still needs a count: its writers' largest.
  for (const [topic, ws] of writers) if (!planned.has(topic)) planned.set(topic, Math.max(...ws.map((w) => tasks.get(w)!)));
  for (const spec of topology.stores.values()) {
    if (topology.isGlobalStore(spec.name)) continue;
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

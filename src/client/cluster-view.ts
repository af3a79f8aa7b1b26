// What the HTTP gateway (and any tool that shows a cluster) needs to know about topics and
// brokers, read with Metadata through the library and returned as plain values: unknown topics
// are simply absent (so callers answer "not found" instead of auto-creating them), and the
// default partitioner is Kafka's, so a keyed record sent over HTTP lands where a Java producer
// would put it.
import { murmur2, type Admin } from '@platformatic/kafka';

export interface PartitionView {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

export interface TopicView {
  name: string;
  id: string;
  partitions: PartitionView[];
}

export interface BrokerView {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface ClusterView {
  clusterId: string;
  controllerId: number;
  brokers: BrokerView[];
}

/** Every topic name (internal ones only when asked). */
export async function topicNames(admin: Admin, includeInternal = false): Promise<string[]> {
  return (await admin.listTopics({ includeInternals: includeInternal })).sort();
}

/** The named topics that exist, with their partitions; missing ones are left out. */
export async function describeTopics(admin: Admin, names: readonly string[]): Promise<Map<string, TopicView>> {
  const out = new Map<string, TopicView>();
  if (names.length === 0) return out;
  const existing = new Set(await admin.listTopics({ includeInternals: true }));
  const wanted = names.filter((n) => existing.has(n));
  if (wanted.length === 0) return out;
  const metadata = await admin.metadata({ topics: wanted, forceUpdate: true });
  for (const name of wanted) {
    const t = metadata.topics.get(name);
    if (!t) continue;
    out.set(name, {
      name,
      id: t.id,
      partitions: t.partitions.map((p, partition) => ({ partition, leader: p.leader, replicas: [...p.replicas], isr: [...p.isr] })),
    });
  }
  return out;
}

export async function describeCluster(admin: Admin): Promise<ClusterView> {
  const metadata = await admin.metadata({ topics: [], forceUpdate: true });
  const brokers = [...metadata.brokers].map(([nodeId, b]) => ({ nodeId, host: b.host, port: b.port, rack: b.rack ?? null })).sort((a, b) => a.nodeId - b.nodeId);
  return { clusterId: metadata.id, controllerId: metadata.controllerId, brokers };
}

/** Kafka's default partitioner for keyed records: toPositive(murmur2(key)) % partitions (as the Java client). */
export function partitionForKey(key: Buffer, partitionCount: number): number {
  return (murmur2(key) & 0x7fffffff) % partitionCount;
}

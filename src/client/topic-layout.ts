// Partition and replica counts of any topic, internal ones included. @platformatic/kafka's
// Admin.metadata leaves internal topics (__consumer_offsets, __transaction_state) out of its
// answer, so `brook topic list --internal` could name them but not count their partitions; here
// one Metadata v12 request is sent raw to a broker of the cluster and every topic named is read.
import { Connection, metadataV12, type Admin } from '@platformatic/kafka';

export interface TopicLayout {
  partitions: number;
  /** Replicas of partition 0 (every partition of a topic has as many). */
  replicas: number;
  internal: boolean;
}

/** Layout per topic name; a topic the cluster does not know is absent from the map. */
export async function topicLayouts(admin: Admin, names: readonly string[]): Promise<Map<string, TopicLayout>> {
  const out = new Map<string, TopicLayout>();
  if (names.length === 0) return out;
  const cluster = await admin.metadata({ topics: [] });
  const broker = [...cluster.brokers.values()][0];
  if (!broker) throw new Error('the cluster named no brokers');
  const connection = new Connection(admin.clientId);
  try {
    await connection.connect(broker.host, broker.port);
    const response = await metadataV12.api.async(connection, [...names], false, false);
    for (const t of response.topics) {
      if (t.errorCode !== 0 || typeof t.name !== 'string') continue;
      const first = t.partitions.find((p) => p.partitionIndex === 0) ?? t.partitions[0];
      out.set(t.name, { partitions: t.partitions.length, replicas: first?.replicaNodes.length ?? 0, internal: t.isInternal });
    }
    return out;
  } finally {
    await connection.close();
  }
}

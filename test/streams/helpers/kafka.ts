// Broker-side helpers for the streams runtime tests: create topics, produce raw records, read a
// topic back completely, and wait for a condition with a bound (never a fixed sleep).
import { createAdmin, createConsumer, createProducer } from '../../../src/client/index.js';
import { fetchPartitions } from '../../../src/streams/runtime/partition-fetch.js';

export interface RawRecord {
  readonly partition: number;
  readonly offset: bigint;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

export async function createTopics(bootstrap: string, topics: Record<string, number>, configs: Record<string, Record<string, string>> = {}): Promise<void> {
  const admin = createAdmin({ brokers: [bootstrap], clientId: 'streams-test-admin' });
  try {
    for (const [name, partitions] of Object.entries(topics)) {
      const c = Object.entries(configs[name] ?? {}).map(([n, value]) => ({ name: n, value }));
      await admin.createTopics({ topics: [name], partitions, configs: c });
    }
    // Apache Kafka's broker lists a new topic a moment after CreateTopics answers; an app started
    // at once would find its source or output topic missing. Wait until the metadata has them all.
    await waitFor(async () => {
      const listed = new Set(await admin.listTopics());
      return Object.keys(topics).every((t) => listed.has(t));
    }, `topics ${Object.keys(topics).join(', ')} listed`, 30_000);
  } finally {
    await admin.close();
  }
}

export interface ToProduce {
  key: Buffer | string | null;
  value: Buffer | string | null;
  timestamp?: number;
  partition?: number;
}

/** Produces with acks=all; records without a partition go where Kafka's default partitioner puts them. */
export async function produce(bootstrap: string, topic: string, records: readonly ToProduce[], partitions: number): Promise<void> {
  const { defaultPartition } = await import('../../../src/streams/engine/partitioner.js');
  const producer = createProducer({ brokers: [bootstrap], clientId: 'streams-test-producer' });
  try {
    for (let i = 0; i < records.length; i += 500) {
      const messages = records.slice(i, i + 500).map((r) => {
        const key = typeof r.key === 'string' ? Buffer.from(r.key) : r.key;
        const value = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
        const partition = r.partition ?? (key === null ? 0 : defaultPartition(key, partitions));
        return { topic, partition, timestamp: BigInt(r.timestamp ?? Date.now()), ...(key ? { key } : {}), ...(value ? { value } : {}) };
      });
      await producer.send({ messages, acks: -1 });
    }
  } finally {
    await producer.close();
  }
}

/**
 * Every record of every partition of `topic`, partition by partition, in offset order. With
 * `readCommitted`, as a read_committed consumer sees it: up to the last stable offset, aborted
 * transactions left out.
 */
export async function readTopic(bootstrap: string, topic: string, readCommitted = false): Promise<RawRecord[]> {
  const isolationLevel = readCommitted ? 1 : 0;
  const consumer = createConsumer({ brokers: [bootstrap], clientId: 'streams-test-reader' }, { groupId: 'streams-test-reader', autocommit: false });
  try {
    const metadata = await consumer.metadata({ topics: [topic], forceUpdate: true });
    const n = metadata.topics.get(topic)!.partitionsCount;
    const ends = await consumer.listOffsets({ topics: [topic], timestamp: -1n, isolationLevel });
    const out: RawRecord[] = [];
    for (let p = 0; p < n; p++) {
      const end = ends.get(topic)![p]!;
      let at = 0n;
      for (let guard = 0; at < end && guard < 10_000; guard++) {
        const [f] = await fetchPartitions(consumer, metadata, [{ topic, partition: p, offset: at }], { maxWaitMs: 0, maxBytes: 8 << 20, maxBytesPerPartition: 8 << 20, isolationLevel });
        if (f && f.retriableError !== 0) {
          await new Promise((r) => setTimeout(r, 50)); // Kafka: a topic created a moment ago
          continue;
        }
        if (!f || f.next <= at) break;
        for (const r of f.records) if (r.offset < end) out.push({ partition: p, offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value });
        at = f.next;
      }
    }
    return out;
  } finally {
    await consumer.close();
  }
}

/**
 * The read_committed records of `topic` once there are at least `count` of them (bounded wait;
 * returns what there is when the bound passes). Brook writes a transaction's commit markers
 * before EndTxn answers, Kafka just after it (KIP-98): there, committed records become visible
 * to read_committed readers a moment after the commit returns.
 */
export async function readCommitted(bootstrap: string, topic: string, count: number, limitMs = 60_000): Promise<RawRecord[]> {
  let records: RawRecord[] = [];
  await waitFor(async () => (records = await readTopic(bootstrap, topic, true)).length >= count, `${count} committed records in ${topic}`, limitMs).catch(() => undefined);
  return records;
}

/** Polls `condition` until it holds; fails after `limitMs` (a guard against hangs, not a synchronisation). */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

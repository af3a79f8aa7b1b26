// Raw-wire helpers for the resource-limit tests (test/broker/bounds-*.test.ts): exact requests a
// hostile or careless client could send, on WireClient sockets.
import { apis } from '../../src/protocol/messages/index.js';
import { buildRecordBatch } from '../../src/protocol/records/batch-builder.js';
import { WireClient } from './admin-wire.js';

export async function createTopic(port: number, name: string, numPartitions: number, configs: Record<string, string> = {}, timeoutMs = 60_000) {
  const c = await WireClient.connect(port);
  try {
    const res = await c.request(apis.CreateTopics, 7, {
      topics: [{ name, numPartitions, replicationFactor: -1, assignments: [], configs: Object.entries(configs).map(([k, v]) => ({ name: k, value: v })) }],
      timeoutMs,
      validateOnly: false,
    });
    return res.topics[0]!;
  } finally {
    c.close();
  }
}

/** Topic names in an all-topics Metadata response. */
export async function listTopics(port: number): Promise<Map<string, number>> {
  const c = await WireClient.connect(port);
  try {
    const md = await c.request(apis.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    return new Map(md.topics.map((t) => [t.name ?? '', t.partitions.length]));
  } finally {
    c.close();
  }
}

/** One batch of `count` records whose values are `valueBytes` long. */
export function batchOf(count: number, valueBytes: number): Buffer {
  const value = Buffer.alloc(valueBytes, 0x61);
  return buildRecordBatch(Array.from({ length: count }, (_, i) => ({ key: Buffer.from(`k${i}`), value })));
}

export async function produce(c: WireClient, topic: string, partition: number, records: Buffer, acks = -1) {
  const res = await c.request(apis.Produce, 9, {
    transactionalId: null,
    acks,
    timeoutMs: 30_000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
  });
  return res.responses[0]!.partitionResponses[0]!;
}

/** A Fetch v12 request body for one partition. */
export function fetchBody(topic: string, partition: number, fetchOffset: bigint, maxBytes: number, maxWaitMs = 0) {
  return {
    replicaId: -1,
    maxWaitMs,
    minBytes: 1,
    maxBytes,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: maxBytes }] }],
    forgottenTopicsData: [],
    rackId: '',
  };
}

/** Polls `check` (no fixed sleeps: one event-loop turn between tries) until it holds or `tries` run out. */
export async function until(check: () => boolean | Promise<boolean>, what: string, tries = 20_000): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// The broker the handler fuzzer drives: real, in-process, in a temp dir, with small limits so that a
// fuzzed CreateTopics cannot spend the run creating partitions, and a topic with data so Fetch,
// ListOffsets and DeleteRecords have something to read.
import { apis } from '../../src/protocol/messages/index.js';
import { buildRecordBatch } from '../../src/protocol/records/batch-builder.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { WireClient } from '../broker/admin-wire.js';

export async function fuzzBroker(): Promise<TestBroker> {
  const b = await startTestBroker({
    config: {
      'brook.max.partitions': '200',
      'brook.max.partitions.per.request': '20',
      'group.initial.rebalance.delay.ms': '0',
      'offsets.topic.num.partitions': '2',
      'transaction.state.log.num.partitions': '2',
      'brook.connection.max.buffered.bytes': String(4 << 20),
    },
  });
  const c = await WireClient.connect(b.port);
  try {
    await c.request(apis.CreateTopics, 7, { topics: [{ name: 'golden', numPartitions: 2, replicationFactor: -1, assignments: [], configs: [] }], timeoutMs: 30_000, validateOnly: false });
    for (let i = 0; i < 20; i++) {
      const records = buildRecordBatch([{ key: Buffer.from(`k${i}`), value: Buffer.alloc(4096, i) }]);
      await c.request(apis.Produce, 9, { transactionalId: null, acks: -1, timeoutMs: 30_000, topicData: [{ name: 'golden', partitionData: [{ index: i % 2, records }] }] });
    }
  } finally {
    c.close();
  }
  return b;
}

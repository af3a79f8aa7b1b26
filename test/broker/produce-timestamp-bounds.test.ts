// message.timestamp.before.max.ms / after.max.ms (KIP-937): a CreateTime record whose timestamp lies
// too far from the broker's clock is refused with INVALID_TIMESTAMP and nothing is appended; the
// broker-wide log.message.timestamp.* synonyms apply to topics without an override; LogAppendTime
// topics are not checked (the broker stamps them).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Producer, stringSerializers } from '@platformatic/kafka';
import { apis } from '../../src/protocol/messages/index.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { buildRecordBatch } from '../../src/protocol/records/batch-builder.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { WireClient } from './admin-wire.js';

const HOUR = 3_600_000;

let b: TestBroker;
let c: WireClient;
before(async () => {
  // Broker synonym: the future bound comes from the broker for topics that do not set one.
  b = await startTestBroker({ config: { 'log.message.timestamp.after.max.ms': String(HOUR) } });
  c = await WireClient.connect(b.port);
  const res = await c.request(apis.CreateTopics, 7, {
    topics: [
      { name: 'ts-bounded', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'message.timestamp.before.max.ms', value: String(HOUR) }] },
      { name: 'ts-append-time', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] },
    ],
    timeoutMs: 1000,
    validateOnly: false,
  });
  for (const t of res.topics) assert.equal(t.errorCode, ErrorCode.NONE, t.name);
});
after(async () => {
  c.close();
  await b.close();
});

async function produce(topic: string, timestamps: number[]) {
  const records = buildRecordBatch(timestamps.map((timestamp, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from('v'), timestamp })));
  const res = await c.request(apis.Produce, 9, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
  });
  return res.responses[0]!.partitionResponses[0]!;
}

test('raw produce: each record timestamp is checked against the topic and broker bounds', async () => {
  const now = Date.now();
  // The second record is two hours old: the whole batch is refused (Kafka checks every record).
  const old = await produce('ts-bounded', [now, now - 2 * HOUR]);
  assert.equal(old.errorCode, ErrorCode.INVALID_TIMESTAMP, String(old.errorMessage));
  // Two hours ahead, over the broker's log.message.timestamp.after.max.ms.
  const future = await produce('ts-bounded', [now + 2 * HOUR]);
  assert.equal(future.errorCode, ErrorCode.INVALID_TIMESTAMP, String(future.errorMessage));
  assert.equal(b.broker.state.logs.getLog('ts-bounded', 0)!.logEndOffset, 0);
  // Inside both bounds (and -1, "no timestamp", is accepted under CreateTime as in Kafka).
  const ok = await produce('ts-bounded', [now - HOUR / 2, now + HOUR / 2, -1]);
  assert.equal(ok.errorCode, ErrorCode.NONE, String(ok.errorMessage));
  assert.equal(b.broker.state.logs.getLog('ts-bounded', 0)!.logEndOffset, 3);
  // LogAppendTime topics ignore the producer's timestamps.
  const stamped = await produce('ts-append-time', [now - 100 * HOUR]);
  assert.equal(stamped.errorCode, ErrorCode.NONE, String(stamped.errorMessage));
});

test('@platformatic/kafka: a send with a stale timestamp fails with INVALID_TIMESTAMP', async () => {
  const producer = new Producer({ clientId: 'ts-bounds', bootstrapBrokers: [b.bootstrap], serializers: stringSerializers, acks: -1, retries: 0 });
  try {
    const error = await producer
      .send({ messages: [{ topic: 'ts-bounded', partition: 0, key: 'k', value: 'stale', timestamp: BigInt(Date.now() - 3 * HOUR) }] })
      .then(() => null, (e: unknown) => e);
    assert.ok(error, 'the send should fail');
    assert.ok(mentionsInvalidTimestamp(error), `expected INVALID_TIMESTAMP in ${String(error)}`);
    await producer.send({ messages: [{ topic: 'ts-bounded', partition: 0, key: 'k', value: 'fresh', timestamp: BigInt(Date.now()) }] });
  } finally {
    await producer.close();
  }
  assert.equal(b.broker.state.logs.getLog('ts-bounded', 0)!.logEndOffset, 4);
});

/** The library nests protocol errors (MultipleErrors.errors, cause); looks for code 32 anywhere in the tree. */
function mentionsInvalidTimestamp(e: unknown, depth = 0): boolean {
  if (depth > 8 || typeof e !== 'object' || e === null) return false;
  const err = e as { apiId?: unknown; apiCode?: unknown; errors?: unknown; cause?: unknown };
  if (err.apiId === 'INVALID_TIMESTAMP' || err.apiCode === ErrorCode.INVALID_TIMESTAMP) return true;
  if (Array.isArray(err.errors) && err.errors.some((x) => mentionsInvalidTimestamp(x, depth + 1))) return true;
  return mentionsInvalidTimestamp(err.cause, depth + 1);
}

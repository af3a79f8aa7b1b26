// Malformed Produce requests on a raw socket: each partition is answered with Kafka's error code
// (nothing is appended), and the broker keeps serving other clients afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { apis } from '../../src/protocol/messages/index.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { buildRecordBatch } from '../../src/protocol/records/batch-builder.js';
import { DEFAULT_MAX_DECOMPRESSED_BYTES } from '../../src/protocol/records/compression/index.js';
import { crc32cRange } from '../../src/protocol/records/crc32c.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { WireClient } from './admin-wire.js';

// Record batch v2 header offsets (KIP-98).
const BATCH_LENGTH = 8;
const MAGIC = 16;
const CRC = 17;
const ATTRIBUTES = 21;
const RECORD_COUNT = 57;
const RECORDS = 61;

const TOPIC = 'bad-produce';

let b: TestBroker;
let c: WireClient;
before(async () => {
  b = await startTestBroker();
  c = await WireClient.connect(b.port);
  const res = await c.request(apis.CreateTopics, 7, {
    topics: [{ name: TOPIC, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'max.message.bytes', value: '2000' }] }],
    timeoutMs: 1000,
    validateOnly: false,
  });
  assert.equal(res.topics[0]!.errorCode, ErrorCode.NONE);
});
after(async () => {
  c.close();
  await b.close();
});

function batch(n = 2, value = 'v'): Buffer {
  return buildRecordBatch(Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(value) })));
}

/** Recomputes the CRC-32C after editing bytes it covers (attributes to the end). */
function fixCrc(buf: Buffer): Buffer {
  buf.writeUInt32BE(crc32cRange(buf, ATTRIBUTES, buf.length), CRC);
  return buf;
}

async function produce(records: Buffer, options: { topic?: string; partition?: number; acks?: number } = {}) {
  const res = await c.request(apis.Produce, 9, {
    transactionalId: null,
    acks: options.acks ?? -1,
    timeoutMs: 5000,
    topicData: [{ name: options.topic ?? TOPIC, partitionData: [{ index: options.partition ?? 0, records }] }],
  });
  return res.responses[0]!.partitionResponses[0]!;
}

async function assertStillServing(): Promise<void> {
  const fresh = await WireClient.connect(b.port);
  try {
    const md = await fresh.request(apis.Metadata, 12, { topics: [{ name: TOPIC, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    assert.equal(md.topics[0]!.errorCode, ErrorCode.NONE);
  } finally {
    fresh.close();
  }
}

const cases: [string, () => Promise<Awaited<ReturnType<typeof produce>>>, number][] = [
  ['wrong CRC', () => {
    const buf = batch();
    buf[buf.length - 1]! ^= 0xff;
    return produce(buf);
  }, ErrorCode.CORRUPT_MESSAGE],
  ['legacy magic 1', () => {
    const buf = batch();
    buf[MAGIC] = 1;
    return produce(buf);
  }, ErrorCode.INVALID_RECORD],
  ['magic 7', () => {
    const buf = batch();
    buf[MAGIC] = 7;
    return produce(buf);
  }, ErrorCode.CORRUPT_MESSAGE],
  ['lastOffsetDelta inconsistent with the records', () => produce(buildRecordBatch([{ value: Buffer.from('a') }, { value: Buffer.from('b') }], { lastOffsetDelta: 5 })), ErrorCode.INVALID_RECORD],
  ['record count inconsistent with the records', () => {
    const buf = batch(2);
    buf.writeInt32BE(3, RECORD_COUNT);
    buf.writeInt32BE(2, 23); // lastOffsetDelta agrees with the (wrong) count
    return produce(fixCrc(buf));
  }, ErrorCode.INVALID_RECORD],
  ['batch over max.message.bytes', () => produce(batch(1, 'x'.repeat(3000))), ErrorCode.MESSAGE_TOO_LARGE],
  ['control batch from a client', () => produce(buildRecordBatch([{ key: Buffer.from([0, 0, 0, 0]), value: Buffer.from([0, 0, 0, 0, 0, 0]) }], { control: true })), ErrorCode.INVALID_RECORD],
  ['invalid topic name', () => produce(batch(), { topic: 'bad/name' }), ErrorCode.INVALID_TOPIC_EXCEPTION],
  ['unknown partition', () => produce(batch(), { partition: 7 }), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
  ['acks outside -1/0/1', () => produce(batch(), { acks: 2 }), ErrorCode.INVALID_REQUIRED_ACKS],
  ['compression bomb', () => {
    // A gzip block expanding past the decompression cap, in a batch with a valid CRC that is small
    // on the wire; sent to a topic with the default max.message.bytes so only the cap can stop it.
    const bomb = gzipSync(Buffer.alloc(DEFAULT_MAX_DECOMPRESSED_BYTES + (1 << 20)), { level: 9 });
    const header = Buffer.from(buildRecordBatch([{ value: Buffer.from('x') }], { compression: 1 }).subarray(0, RECORDS));
    const buf = Buffer.concat([header, bomb]);
    buf.writeInt32BE(buf.length - 12, BATCH_LENGTH);
    return produce(fixCrc(buf), { topic: 'bad-produce-bomb' });
  }, ErrorCode.MESSAGE_TOO_LARGE],
];

test('malformed produce requests get Kafka error codes and append nothing', async () => {
  const created = await c.request(apis.CreateTopics, 7, {
    topics: [{ name: 'bad-produce-bomb', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
    timeoutMs: 1000,
    validateOnly: false,
  });
  assert.equal(created.topics[0]!.errorCode, ErrorCode.NONE);
  for (const [name, send, expected] of cases) {
    const p = await send();
    assert.equal(p.errorCode, expected, `${name}: got ${p.errorCode} (${p.errorMessage})`);
    await assertStillServing();
  }
  assert.equal(b.broker.state.logs.getLog(TOPIC, 0)!.logEndOffset, 0);
  assert.equal(b.broker.state.logs.getLog('bad-produce-bomb', 0)!.logEndOffset, 0);
  // A good batch on the same connection still succeeds.
  const ok = await produce(batch(2));
  assert.equal(ok.errorCode, ErrorCode.NONE);
  assert.equal(b.broker.state.logs.getLog(TOPIC, 0)!.logEndOffset, 2);
});

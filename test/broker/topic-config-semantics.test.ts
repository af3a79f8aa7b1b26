// Topic configs that change what the broker does with a produced batch, checked on the wire and in the stored
// bytes: compression.type (kept byte for byte when it is `producer` or matches; re-encoded otherwise, as Kafka's
// LogValidator does, with idempotence intact and every record readable by a real client), min.insync.replicas
// (acks=all needs that many in-sync replicas: one node has one), segment.index.bytes (a segment rolls when its
// index is full), and the values Brook refuses (preallocate=true, a file.delete.delay.ms).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { apis } from '../../src/protocol/messages/index.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { buildRecordBatch } from '../../src/protocol/records/batch-builder.js';
import { CompressionCodec, batchCompression, batchCrcIsValid, batchProducerId, batchBaseSequence, forEachBatch } from '../../src/protocol/records/batch-header.js';
import { forEachRecord } from '../../src/protocol/records/record-reader.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient, readAllPlatformatic } from './data-path-helpers.js';

let b: TestBroker;
let c: RawClient;
before(async () => {
  b = await startTestBroker();
  c = await RawClient.open(b.port);
});
after(async () => {
  await b.close();
});

async function createTopic(name: string, configs: Record<string, string>): Promise<number> {
  const res = await c.request(apis.CreateTopics, 7, {
    topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: Object.entries(configs).map(([k, value]) => ({ name: k, value })) }],
    timeoutMs: 5000,
    validateOnly: false,
  });
  return res.topics[0]!.errorCode;
}

async function produce(topic: string, records: Buffer, acks = -1) {
  const res = await c.request(apis.Produce, 11, { transactionalId: null, acks, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
  return res.responses[0]!.partitionResponses[0]!;
}

function values(n: number, tag: string): { key: Buffer; value: Buffer }[] {
  return Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`${tag}-${i} `.repeat(20)) }));
}

/** The stored batches of partition 0, each as its own buffer. */
async function stored(topic: string): Promise<Buffer[]> {
  const log = b.broker.state.logs.getLog(topic, 0)!;
  const r = await log.read(0, 1 << 20, { upTo: 'log-end' });
  assert.equal(r.kind, 'records');
  const out: Buffer[] = [];
  for (const chunk of r.kind === 'records' ? r.chunks : []) forEachBatch(chunk, 0, chunk.length, (pos, size) => out.push(chunk.subarray(pos, pos + size)));
  return out;
}

function recordValues(batch: Buffer): string[] {
  const out: string[] = [];
  forEachRecord(batch, 0, (r) => out.push(r.value?.toString() ?? 'null'));
  return out;
}

test('compression.type=producer (the default) and a matching codec store the batch as sent, byte for byte', async () => {
  assert.equal(await createTopic('as-sent', {}), 0);
  assert.equal(await createTopic('zstd-match', { 'compression.type': 'zstd' }), 0);
  const gzip = buildRecordBatch(values(5, 'g'), { compression: CompressionCodec.Gzip });
  const zstd = buildRecordBatch(values(5, 'z'), { compression: CompressionCodec.Zstd });
  assert.equal((await produce('as-sent', gzip)).errorCode, 0);
  assert.equal((await produce('zstd-match', zstd)).errorCode, 0);
  // From the CRC on, nothing may differ (the broker sets only the base offset and the leader epoch before it).
  assert.deepEqual((await stored('as-sent'))[0]!.subarray(17), gzip.subarray(17));
  assert.deepEqual((await stored('zstd-match'))[0]!.subarray(17), zstd.subarray(17));
});

test('a codec other than the topic compression.type is re-encoded on append; records, sequence and CRC stay valid', async () => {
  assert.equal(await createTopic('to-zstd', { 'compression.type': 'zstd' }), 0);
  assert.equal(await createTopic('to-none', { 'compression.type': 'uncompressed' }), 0);
  const pid = await c.request(apis.InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
  const producerId = Number(pid.producerId);
  const gzip = buildRecordBatch(values(4, 'a'), { compression: CompressionCodec.Gzip, producerId, producerEpoch: pid.producerEpoch, baseSequence: 0 });
  const plain = buildRecordBatch(values(3, 'b'), { producerId, producerEpoch: pid.producerEpoch, baseSequence: 4 });
  assert.equal((await produce('to-zstd', gzip)).errorCode, 0);
  assert.equal((await produce('to-zstd', plain)).errorCode, 0);
  // The retry of the first batch is recognised as a duplicate after re-encoding: idempotence is unaffected.
  const retry = await produce('to-zstd', gzip);
  assert.equal(retry.errorCode, 0);
  assert.equal(retry.baseOffset, 0n);
  assert.equal((await produce('to-none', buildRecordBatch(values(2, 'c'), { compression: CompressionCodec.Lz4 }))).errorCode, 0);

  const zstdBatches = await stored('to-zstd');
  assert.equal(zstdBatches.length, 2);
  for (const batch of zstdBatches) {
    assert.equal(batchCompression(batch), CompressionCodec.Zstd);
    assert.ok(batchCrcIsValid(batch));
    assert.equal(batchProducerId(batch), producerId);
  }
  assert.deepEqual([batchBaseSequence(zstdBatches[0]!), batchBaseSequence(zstdBatches[1]!)], [0, 4]);
  assert.deepEqual(recordValues(zstdBatches[0]!), values(4, 'a').map((r) => r.value.toString()));
  const none = (await stored('to-none'))[0]!;
  assert.equal(batchCompression(none), CompressionCodec.None);
  assert.deepEqual(recordValues(none), values(2, 'c').map((r) => r.value.toString()));

  // An unmodified client reads re-encoded batches (lz4: @platformatic/kafka has no zstd on Node 20).
  assert.equal(await createTopic('to-lz4', { 'compression.type': 'lz4' }), 0);
  await produce('to-lz4', buildRecordBatch(values(4, 'a'), { compression: CompressionCodec.Gzip }));
  await produce('to-lz4', buildRecordBatch(values(3, 'b')));
  const read = await readAllPlatformatic(b.bootstrap, 'to-lz4', [0], 7);
  assert.deepEqual(
    read.map((r) => r.value),
    [...values(4, 'a'), ...values(3, 'b')].map((r) => r.value.toString()),
  );
});

test('max.message.bytes applies to the batch as stored: one that re-encoding makes too large is refused', async () => {
  assert.equal(await createTopic('small-plain', { 'compression.type': 'uncompressed', 'max.message.bytes': '400' }), 0);
  // 20 records of 200 repeated bytes: a few hundred bytes gzipped, some 4 KiB uncompressed.
  const gzip = buildRecordBatch(values(20, 'x'), { compression: CompressionCodec.Gzip });
  assert.ok(gzip.length < 400, `the test batch is ${gzip.length} bytes compressed`);
  const r = await produce('small-plain', gzip);
  assert.equal(r.errorCode, ErrorCode.MESSAGE_TOO_LARGE);
  assert.equal((await stored('small-plain').catch(() => [])).length, 0);
});

test('changing compression.type at run time applies to the next produce', async () => {
  assert.equal(await createTopic('later-lz4', {}), 0);
  await produce('later-lz4', buildRecordBatch(values(1, 'x')));
  const alter = await c.request(apis.IncrementalAlterConfigs, 1, {
    resources: [{ resourceType: 2, resourceName: 'later-lz4', configs: [{ name: 'compression.type', configOperation: 0, value: 'lz4' }] }],
    validateOnly: false,
  });
  assert.equal(alter.responses[0]!.errorCode, 0);
  await produce('later-lz4', buildRecordBatch(values(1, 'y')));
  assert.deepEqual((await stored('later-lz4')).map((x) => batchCompression(x)), [CompressionCodec.None, CompressionCodec.Lz4]);
});

test('min.insync.replicas above 1 refuses acks=all with NOT_ENOUGH_REPLICAS, as a one-broker Kafka does', async () => {
  assert.equal(await createTopic('isr2', { 'min.insync.replicas': '2' }), 0);
  const all = await produce('isr2', buildRecordBatch(values(1, 'x')), -1);
  assert.equal(all.errorCode, ErrorCode.NOT_ENOUGH_REPLICAS);
  assert.match(all.errorMessage ?? '', /min\.insync\.replicas=2/);
  assert.equal((await produce('isr2', buildRecordBatch(values(1, 'y')), 1)).errorCode, 0);
});

test('segment.index.bytes: a segment rolls when its offset index is full', async () => {
  // 16 bytes hold two 8-byte offset entries but one 12-byte time entry (Kafka sizes both indexes by this key), and
  // index.interval.bytes=0 adds entries for every batch: each segment is full after its first batch.
  assert.equal(await createTopic('small-index', { 'segment.index.bytes': '16', 'index.interval.bytes': '0' }), 0);
  for (let i = 0; i < 4; i++) assert.equal((await produce('small-index', buildRecordBatch(values(1, `i${i}`)))).errorCode, 0);
  const logs = readdirSync(join(b.dataDir, 'small-index-0')).filter((f) => f.endsWith('.log'));
  assert.deepEqual(logs.sort(), [0, 1, 2, 3].map((o) => `${String(o).padStart(20, '0')}.log`));
  assert.equal(await createTopic('default-index', { 'index.interval.bytes': '0' }), 0);
  for (let i = 0; i < 4; i++) await produce('default-index', buildRecordBatch(values(1, `d${i}`)));
  assert.equal(readdirSync(join(b.dataDir, 'default-index-0')).filter((f) => f.endsWith('.log')).length, 1);
});

test('values Brook does not honour are refused, not ignored', async () => {
  assert.equal(await createTopic('prealloc', { preallocate: 'true' }), ErrorCode.INVALID_CONFIG);
  assert.equal(await createTopic('delayed', { 'file.delete.delay.ms': '60000' }), ErrorCode.INVALID_CONFIG);
  assert.equal(await createTopic('fine', { preallocate: 'false', 'file.delete.delay.ms': '0' }), 0);
});

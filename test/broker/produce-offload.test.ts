// Produce validation on worker threads (broker/produce/): large batches are validated off the event
// loop with the same verdicts as on it, and a partition's batches are appended in arrival order even
// when a small batch arrives while an earlier large one is still on a worker. Thresholds are set low
// so the batches stay small enough for a fast test; the code paths are those of the defaults.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Admin, Producer, stringSerializers } from '@platformatic/kafka';
import { apis } from '../../src/protocol/messages/index.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { buildRecordBatch } from '../../src/protocol/records/batch-builder.js';
import { crc32cRange } from '../../src/protocol/records/crc32c.js';
import { decodeResponseHeader, encodeRequestFrame } from '../../src/protocol/headers.js';
import { responseHeaderVersion } from '../../src/protocol/messages/index.js';
import { ByteReader } from '../../src/protocol/primitives/byte-reader.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { WireClient } from './admin-wire.js';
import { readAllPlatformatic } from './data-path-helpers.js';

const CRC = 17;
const ATTRIBUTES = 21;
const RECORDS = 61;
const THRESHOLD = 8192; // both thresholds; a "large" batch below is >= 16 KiB, a "small" one < 1 KiB

let b: TestBroker;
let c: WireClient;
before(async () => {
  b = await startTestBroker({
    config: {
      'brook.produce.validation.threads': '1',
      'brook.produce.validation.offload.compressed.bytes': String(THRESHOLD),
      'brook.produce.validation.offload.uncompressed.bytes': String(THRESHOLD),
    },
  });
  c = await WireClient.connect(b.port);
});
after(async () => {
  c.close();
  await b.close();
});

const offloaded = (): number => b.broker.state.produceValidation.offloaded;

async function createTopic(name: string, configs: Record<string, string> = {}): Promise<void> {
  const res = await c.request(apis.CreateTopics, 7, {
    topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }],
    timeoutMs: 1000,
    validateOnly: false,
  });
  assert.equal(res.topics[0]!.errorCode, ErrorCode.NONE);
}

/** Random (incompressible) values, so a compressed batch stays as large as its records. */
function largeBatch(codec: number, tag: string, options: { nullKeys?: boolean } = {}): Buffer {
  const records = Array.from({ length: 40 }, (_, i) => ({ key: options.nullKeys && i === 7 ? null : Buffer.from(`${tag}-${i}`), value: randomBytes(512) }));
  const batch = buildRecordBatch(records, { compression: codec });
  assert.ok(batch.length >= 2 * THRESHOLD);
  return batch;
}

function smallBatch(codec: number, tag: string): Buffer {
  return buildRecordBatch([{ key: Buffer.from(`${tag}-0`), value: Buffer.from('small') }], { compression: codec });
}

function produceBody(topic: string, records: Buffer, acks = 1) {
  return { transactionalId: null, acks, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] };
}

async function produce(topic: string, records: Buffer) {
  const res = await c.request(apis.Produce, 9, produceBody(topic, records));
  return res.responses[0]!.partitionResponses[0]!;
}

/** Recomputes the CRC-32C after editing bytes it covers. */
function fixCrc(buf: Buffer): Buffer {
  buf.writeUInt32BE(crc32cRange(buf, ATTRIBUTES, buf.length), CRC);
  return buf;
}

const CODECS = [
  [0, 'none'],
  [1, 'gzip'],
  [2, 'snappy'],
  [3, 'lz4'],
  [4, 'zstd'],
] as const;

for (const [codec, name] of CODECS) {
  test(`a large ${name} batch is validated on a worker and appended; a corrupted one is CORRUPT_MESSAGE`, async () => {
    const topic = `offload-${name}`;
    await createTopic(topic);
    const before = offloaded();
    const ok = await produce(topic, largeBatch(codec, 'ok'));
    assert.equal(ok.errorCode, ErrorCode.NONE);
    assert.equal(ok.baseOffset, 0n);
    assert.equal(offloaded(), before + 1);

    const corrupted = largeBatch(codec, 'bad');
    corrupted[corrupted.length - 100]! ^= 0xff; // inside the records: the CRC no longer matches
    const bad = await produce(topic, corrupted);
    assert.equal(bad.errorCode, ErrorCode.CORRUPT_MESSAGE);
    assert.equal(offloaded(), before + 2);

    const next = await produce(topic, smallBatch(codec, 'after'));
    assert.equal(next.errorCode, ErrorCode.NONE);
    assert.equal(next.baseOffset, 40n, 'the corrupted batch appended nothing');
  });
}

for (const [codec, name] of CODECS.filter(([id]) => id !== 0)) {
  test(`a large ${name} batch whose block does not decode (valid CRC) is INVALID_RECORD from the worker`, async () => {
    const topic = `offload-undecodable-${name}`;
    await createTopic(topic);
    const batch = largeBatch(codec, 'x');
    // Cut the compressed block short and keep the header consistent: the CRC is valid, decoding fails.
    const cut = fixCrc(Buffer.from(batch.subarray(0, batch.length - 64)));
    cut.writeInt32BE(cut.length - 12, 8);
    fixCrc(cut);
    const before = offloaded();
    const res = await produce(topic, cut);
    assert.equal(res.errorCode, ErrorCode.INVALID_RECORD);
    assert.equal(offloaded(), before + 1);
  });
}

test('a large compressed batch with a null key on a compacted topic is INVALID_RECORD from the worker', async () => {
  const topic = 'offload-compacted';
  await createTopic(topic, { 'cleanup.policy': 'compact' });
  const before = offloaded();
  const res = await produce(topic, largeBatch(1, 'k', { nullKeys: true }));
  assert.equal(res.errorCode, ErrorCode.INVALID_RECORD);
  assert.match(res.errorMessage ?? '', /no key/);
  assert.equal(offloaded(), before + 1);
});

/** Sends every batch to partition 0 of `topic` in one write (so the broker reads them together); the base offsets. */
async function pipelined(topic: string, batches: Buffer[]): Promise<bigint[]> {
  const ws = await WireClient.connect(b.port);
  try {
    const frames = batches.map((records, i) => encodeRequestFrame({ apiKey: apis.Produce.apiKey, apiVersion: 9, correlationId: 100 + i, clientId: 'offload-test' }, apis.Produce.request, produceBody(topic, records, -1)));
    ws.writeRaw(Buffer.concat(frames));
    const baseOffsets: bigint[] = [];
    for (let i = 0; i < batches.length; i++) {
      const frame = await ws.nextFrame();
      assert.ok(frame);
      const header = decodeResponseHeader(frame, responseHeaderVersion(apis.Produce.apiKey, 9));
      assert.equal(header.correlationId, 100 + i);
      const p = apis.Produce.response.read(new ByteReader(frame, header.bodyOffset), 9).responses[0]!.partitionResponses[0]!;
      assert.equal(p.errorCode, ErrorCode.NONE, `batch ${i}: ${p.errorMessage ?? ''}`);
      baseOffsets.push(p.baseOffset);
    }
    return baseOffsets;
  } finally {
    ws.close();
  }
}

test('pipelined in one write: a small batch behind a large one on the same partition keeps its place', async () => {
  const topic = 'offload-pipelined';
  await createTopic(topic);
  const before = offloaded();
  const offsets = await pipelined(topic, [largeBatch(1, 'first'), smallBatch(0, 'second'), largeBatch(0, 'third'), smallBatch(2, 'fourth')]);
  assert.deepEqual(offsets, [0n, 40n, 41n, 81n]);
  assert.equal(offloaded(), before + 2);
});

test('pipelined idempotent batches: the sequence window sees them in order (no OUT_OF_ORDER_SEQUENCE)', async () => {
  const topic = 'offload-idempotent';
  await createTopic(topic);
  const init = await c.request(apis.InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
  assert.equal(init.errorCode, ErrorCode.NONE);
  const producer = { producerId: Number(init.producerId), producerEpoch: init.producerEpoch };
  const records = (n: number, tag: string, large: boolean) => Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`${tag}-${i}`), value: large ? randomBytes(512) : Buffer.from('small') }));
  const offsets = await pipelined(topic, [
    buildRecordBatch(records(40, 'a', true), { compression: 4, ...producer, baseSequence: 0 }),
    buildRecordBatch(records(1, 'b', false), { ...producer, baseSequence: 40 }),
    buildRecordBatch(records(40, 'c', true), { compression: 3, ...producer, baseSequence: 41 }),
    buildRecordBatch(records(1, 'd', false), { compression: 1, ...producer, baseSequence: 81 }),
  ]);
  assert.deepEqual(offsets, [0n, 40n, 41n, 81n]);
});

for (const compression of ['gzip', 'snappy', 'lz4'] as const) {
  test(`@platformatic/kafka (${compression}): concurrent large and small sends to one partition land in send order`, async () => {
    const topic = `offload-client-${compression}`;
    const admin = new Admin({ clientId: 'offload-admin', bootstrapBrokers: [b.bootstrap] });
    try {
      await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    } finally {
      await admin.close();
    }
    const before = offloaded();
    const producer = new Producer({ clientId: 'offload', bootstrapBrokers: [b.bootstrap], serializers: stringSerializers, acks: 1, compression });
    const expected: string[] = [];
    try {
      const sends: Promise<unknown>[] = [];
      for (let s = 0; s < 24; s++) {
        // Every third send is large (random hex does not compress below the threshold), the rest one record.
        const n = s % 3 === 0 ? 30 : 1;
        const messages = Array.from({ length: n }, (_, i) => ({ topic, partition: 0, key: `s${s}-r${i}`, value: s % 3 === 0 ? randomBytes(400).toString('hex') : 'small' }));
        expected.push(...messages.map((m) => m.key));
        sends.push(producer.send({ messages }));
      }
      await Promise.all(sends);
    } finally {
      await producer.close();
    }
    const got = await readAllPlatformatic(b.bootstrap, topic, [0], expected.length);
    assert.deepEqual(got.map((r) => r.key), expected);
    assert.deepEqual(got.map((r) => r.offset), expected.map((_, i) => i));
    assert.ok(offloaded() >= before + 8, `the large sends went to the worker (${offloaded() - before})`);
  });
}

test('with brook.produce.validation.threads=0 every batch is validated on the event loop', async () => {
  const local = await startTestBroker({ config: { 'brook.produce.validation.threads': '0', 'brook.produce.validation.offload.compressed.bytes': '1024' } });
  const wc = await WireClient.connect(local.port);
  try {
    const created = await wc.request(apis.CreateTopics, 7, { topics: [{ name: 't', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000, validateOnly: false });
    assert.equal(created.topics[0]!.errorCode, ErrorCode.NONE);
    const ok = await wc.request(apis.Produce, 9, produceBody('t', largeBatch(1, 'x')));
    assert.equal(ok.responses[0]!.partitionResponses[0]!.errorCode, ErrorCode.NONE);
    const corrupted = largeBatch(1, 'y');
    corrupted[RECORDS + 10]! ^= 0xff;
    const bad = await wc.request(apis.Produce, 9, produceBody('t', corrupted));
    assert.equal(bad.responses[0]!.partitionResponses[0]!.errorCode, ErrorCode.CORRUPT_MESSAGE);
    assert.equal(local.broker.state.produceValidation.offloaded, 0);
  } finally {
    wc.close();
    await local.close();
  }
});

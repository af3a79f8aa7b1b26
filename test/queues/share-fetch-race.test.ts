// ShareFetches that race for the same records. The broker serves a connection's pipelined
// requests concurrently, and members of one share group fetch the same partition at once, so a
// fetch can read records that another acquires before it does. Such a fetch must try again at
// once from the next offset: acquisition wakes no parked fetch, so parking would leave it asleep
// for max_wait_ms beside records it could take (the bounds-memory test once hung on exactly that).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { apis, responseHeaderVersion } from '../../src/protocol/messages/index.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { decodeResponseHeader, encodeRequestFrame } from '../../src/protocol/headers.js';
import { ByteReader } from '../../src/protocol/primitives/byte-reader.js';
import { topicIdToWire } from '../../src/broker/topics/topic-ids.js';
import type { TestBroker } from '../helpers/broker.js';
import { WireClient } from '../broker/admin-wire.js';
import { buildRecordBatch } from '../../src/protocol/records/batch-builder.js';
import { seedTopic, setGroupConfig, startShareBroker } from './share-helpers.js';

const MEMBER = 'AAAAAAAAAAAAAAAAAAAAAR';
const REQUESTS = 8;
const RECORD_BYTES = 40 * 1024;

let b: TestBroker;
before(async () => {
  b = await startShareBroker();
});
after(async () => {
  await b.close();
});

test('pipelined ShareFetches of one member each take the next record, none parks beside acquirable records', async () => {
  // One record per batch, each larger than what a one-record fetch reads past its first batch (a quarter more
  // than the average record): every read window holds exactly one batch, so a fetch that loses the race for it
  // has nothing else in hand to acquire.
  await seedTopic(b, 'race', 0);
  const log = b.broker.state.logs.getLog('race', 0)!;
  for (let i = 0; i < REQUESTS; i++) await log.append(buildRecordBatch([{ key: Buffer.from(`k${i}`), value: Buffer.alloc(RECORD_BYTES, i) }]), { durable: true });
  await setGroupConfig(b.port, 'g-race', { 'share.auto.offset.reset': 'earliest' });
  const topicId = topicIdToWire(b.broker.state.topics.get('race')!.topicId);
  const c = await WireClient.connect(b.port);
  try {
    const frames: Buffer[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      frames.push(
        encodeRequestFrame({ apiKey: apis.ShareFetch.apiKey, apiVersion: 1, correlationId: i + 1, clientId: 'race' }, apis.ShareFetch.request, {
          groupId: 'g-race',
          memberId: MEMBER,
          shareSessionEpoch: i,
          // Long enough that a fetch parked after losing a race is answered empty (and fails below) rather than
          // woken by anything this test does.
          maxWaitMs: 20_000,
          minBytes: 1,
          maxBytes: 1 << 20,
          maxRecords: 1,
          batchSize: 1,
          topics: [{ topicId, partitions: [{ partitionIndex: 0, acknowledgementBatches: [] }] }],
          forgottenTopicsData: [],
        }),
      );
    }
    c.writeRaw(Buffer.concat(frames));
    const taken: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const frame = await c.nextFrame();
      assert.ok(frame, 'the broker closed the connection');
      const h = decodeResponseHeader(frame, responseHeaderVersion(apis.ShareFetch.apiKey, 1));
      const res = apis.ShareFetch.response.read(new ByteReader(frame, h.bodyOffset), 1);
      assert.equal(res.errorCode, ErrorCode.NONE, `request ${h.correlationId}`);
      const ranges = res.responses.flatMap((t) => t.partitions.flatMap((p) => p.acquiredRecords));
      assert.equal(ranges.length, 1, `request ${h.correlationId} acquired ${ranges.length} ranges`);
      for (let o = Number(ranges[0]!.firstOffset); o <= Number(ranges[0]!.lastOffset); o++) taken.push(o);
    }
    assert.deepEqual(
      taken.sort((x, y) => x - y),
      Array.from({ length: REQUESTS }, (_, i) => i),
      'every record acquired once',
    );
  } finally {
    c.close();
  }
});

// Produce requests that arrive split over many socket writes are copied into reused buffers
// (util/frame-pool.ts): the second request's frame reuses the first's buffer, and both batches
// still read back exactly as sent (nothing keeps a view of a reused buffer: the log retains the
// frame during its write and the tail cache does not keep pooled frames).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { encodeRequestFrame } from '../../src/protocol/headers.js';
import { apis } from '../../src/protocol/messages/index.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { buildRecordBatch } from '../../src/protocol/records/batch-builder.js';
import { framePool } from '../../src/util/frame-pool.js';
import { readRecords } from '../../src/protocol/records/record-reader.js';
import { BATCH_OVERHEAD } from '../../src/protocol/records/batch-header.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { WireClient } from './admin-wire.js';

const TOPIC = 'split-frames';
let b: TestBroker;
before(async () => {
  b = await startTestBroker();
});
after(async () => {
  await b.close();
});

function values(round: number): Buffer[] {
  return Array.from({ length: 400 }, (_, i) => Buffer.from(`round-${round}-record-${i}-`.padEnd(300, String.fromCharCode(97 + ((round + i) % 26)))));
}

function produceFrame(correlationId: number, round: number): Buffer {
  return encodeRequestFrame({ apiKey: apis.Produce.apiKey, apiVersion: 9, correlationId, clientId: 'split' }, apis.Produce.request, {
    transactionalId: null,
    acks: 1,
    timeoutMs: 5000,
    topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: buildRecordBatch(values(round).map((value) => ({ value }))) }] }],
  });
}

/** Writes `frame` in 1,000-byte pieces, each its own socket write, so it spans many reads. */
async function writeSplit(c: WireClient, frame: Buffer): Promise<void> {
  for (let at = 0; at < frame.length; at += 1000) {
    c.writeRaw(frame.subarray(at, at + 1000));
    await new Promise((r) => setImmediate(r));
  }
}

test('split Produce frames: pooled, reused, and every record reads back as sent', async () => {
  const c = await WireClient.connect(b.port);
  try {
    const created = await c.request(apis.CreateTopics, 7, {
      topics: [{ name: TOPIC, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 1000,
      validateOnly: false,
    });
    assert.equal(created.topics[0]!.errorCode, ErrorCode.NONE);
    const idleBefore = framePool.idleBytes;
    for (let round = 0; round < 3; round++) {
      await writeSplit(c, produceFrame(round + 1, round));
      const answer = await c.nextFrame();
      assert.ok(answer);
      assert.equal(answer.readInt32BE(0), round + 1);
      // The buffer went back to the pool once the request was answered and written.
      assert.ok(framePool.idleBytes > idleBefore, 'the frame buffer is back in the pool, to be reused by the next round');
    }
  } finally {
    c.close();
  }
  const log = b.broker.state.logs.getLog(TOPIC, 0)!;
  assert.equal(log.logEndOffset, 1200);
  // Read back from the log itself: every batch, every record, byte for byte.
  const got: string[] = [];
  for (let offset = 0; offset < 1200; ) {
    const r = await log.read(offset, 1 << 20);
    assert.equal(r.kind, 'records');
    if (r.kind !== 'records') break;
    const data = Buffer.concat(r.chunks);
    for (let pos = 0; pos < data.length; pos += BATCH_OVERHEAD + data.readInt32BE(pos + 8)) {
      for (const rec of readRecords(data, pos)) got.push(rec.value!.toString());
    }
    r.release();
    offset = r.nextOffset;
  }
  const want = [0, 1, 2].flatMap((round) => values(round).map((v) => v.toString()));
  assert.deepEqual(got, want);
});

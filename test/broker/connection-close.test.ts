// When connections end, on a raw socket:
//  - a failed acks=0 Produce closes the connection (Kafka's only way to tell such a client), with a
//    log line, after answering the requests before it; a good acks=0 Produce keeps it open;
//  - a Fetch parked in a long poll is released as soon as its client's connection closes (no timer
//    left until max_wait_ms, nothing written);
//  - connections.max.idle.ms closes a connection with no traffic (the listener's idle sweep), but not
//    one with a request in hand for longer than the limit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { encodeRequestFrame } from '../../src/protocol/headers.js';
import { apis } from '../../src/protocol/messages/index.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { buildRecordBatch } from '../../src/protocol/records/batch-builder.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { WireClient } from './admin-wire.js';

const TOPIC = 'conn-close';

let b: TestBroker;
before(async () => {
  b = await startTestBroker();
  const c = await WireClient.connect(b.port);
  try {
    const res = await c.request(apis.CreateTopics, 7, {
      topics: [{ name: TOPIC, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 1000,
      validateOnly: false,
    });
    assert.equal(res.topics[0]!.errorCode, ErrorCode.NONE);
  } finally {
    c.close();
  }
});
after(async () => {
  await b.close();
});

function produceFrame(correlationId: number, partition: number): Buffer {
  return encodeRequestFrame({ apiKey: apis.Produce.apiKey, apiVersion: 9, correlationId, clientId: 'acks0' }, apis.Produce.request, {
    transactionalId: null,
    acks: 0,
    timeoutMs: 5000,
    topicData: [{ name: TOPIC, partitionData: [{ index: partition, records: buildRecordBatch([{ value: Buffer.from('v') }]) }] }],
  });
}

test('acks=0: a good produce keeps the connection, a failed one closes it after earlier responses', async () => {
  const c = await WireClient.connect(b.port);
  try {
    c.writeRaw(produceFrame(100, 0));
    // Still open: the next request is answered (and the acks=0 append is ordered before it).
    const md = await c.request(apis.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    assert.ok(md.topics.some((t) => t.name === TOPIC));
    assert.equal(b.broker.state.logs.getLog(TOPIC, 0)!.logEndOffset, 1);

    // Pipelined: ApiVersions, then an acks=0 produce to a partition that does not exist.
    c.writeRaw(encodeRequestFrame({ apiKey: apis.ApiVersions.apiKey, apiVersion: 3, correlationId: 7, clientId: 'acks0' }, apis.ApiVersions.request, {
      clientSoftwareName: 'wire-test',
      clientSoftwareVersion: '1',
    }));
    c.writeRaw(produceFrame(101, 9));
    const first = await c.nextFrame();
    assert.ok(first, 'the ApiVersions response before the failed produce is still written');
    assert.equal(first.readInt32BE(0), 7);
    assert.equal(await c.nextFrame(), null, 'then the broker closes the connection');
    await c.whenClosed();
  } finally {
    c.close();
  }
  const line = b.logs.find((r) => r.msg === 'closing connection' && String(r.fields.reason).includes('acks=0'));
  assert.ok(line, 'a log line names the acks=0 failure');
});

test('a parked fetch is released when its connection closes, long before max_wait_ms', async () => {
  const c = await WireClient.connect(b.port);
  const end = b.broker.state.logs.getLog(TOPIC, 0)!.logEndOffset;
  c.writeRaw(parkedFetch(end, 600_000));
  const waiters = b.broker.state.fetchWaiters;
  await until(() => waiters.size === 1, 'the fetch parks');
  c.close();
  // A 10-minute max wait: only the close can release it within the test's time limit.
  await until(() => waiters.size === 0, 'the park is released on close');
});

/** A Fetch at `end` that parks (nothing to read) for up to maxWaitMs. */
function parkedFetch(end: number, maxWaitMs: number): Buffer {
  return encodeRequestFrame({ apiKey: apis.Fetch.apiKey, apiVersion: 12, correlationId: 1, clientId: 'parked' }, apis.Fetch.request, {
    clusterId: null,
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1n },
    maxWaitMs,
    minBytes: 1,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic: TOPIC, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: BigInt(end), lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20, replicaDirectoryId: 'AAAAAAAAAAAAAAAAAAAAAA' }] }],
    forgottenTopicsData: [],
    rackId: '',
  });
}

test('connections.max.idle.ms closes a quiet connection, not one whose request is being handled', async () => {
  const idle = await startTestBroker({ config: { 'connections.max.idle.ms': '300' } });
  try {
    const c = await WireClient.connect(idle.port);
    try {
      const created = await c.request(apis.CreateTopics, 7, {
        topics: [{ name: TOPIC, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
        timeoutMs: 1000,
        validateOnly: false,
      });
      assert.equal(created.topics[0]!.errorCode, ErrorCode.NONE);
      // Parked for longer than the idle limit: a request in hand is activity, so its answer comes.
      c.writeRaw(parkedFetch(0, 1_500));
      await until(() => idle.broker.state.fetchWaiters.size === 1, 'the fetch parks');
      const answer = await c.nextFrame();
      assert.ok(answer, 'the parked fetch is answered, not cut off as idle');
      assert.equal(answer.readInt32BE(0), 1);
      // Then nothing: the sweep closes the connection.
      assert.equal(await c.nextFrame(), null, 'the idle connection is closed');
      await c.whenClosed();
    } finally {
      c.close();
    }
    assert.ok(idle.logs.some((r) => r.msg === 'closing connection' && r.fields.reason === 'idle for connections.max.idle.ms'), 'a log line says why');
  } finally {
    await idle.close();
  }
});

/** Polls until `cond` holds; polls a local condition, bounded to 2,000 turns. */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2_000; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.fail(`timed out waiting: ${what}`);
}

// Memory budgets with clients that pipeline Fetches of stored data and never read (issue: 600
// pipelined 1 MiB Fetches grew the broker from 163 MiB to ~750 MiB RSS). The budgets are counted in
// bytes: every request from the moment its size is read, every response until the OS has taken it,
// and a Fetch by the size it reserved before reading storage. This test asserts the accounting; the
// RSS it buys is measured by `npm run bench -- soak` (bench/soak.bench.ts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { apis, responseHeaderVersion } from '../../src/protocol/messages/index.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { decodeResponseHeader, encodeRequestFrame } from '../../src/protocol/headers.js';
import { topicIdToWire } from '../../src/broker/topics/topic-ids.js';
import { SMALL_FRAME } from '../../src/broker/limits/byte-budget.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { WireClient } from './admin-wire.js';
import { FrameDecoder } from '../../src/protocol/framing.js';
import { ByteReader } from '../../src/protocol/primitives/byte-reader.js';
import { batchOf, createTopic, fetchBody, produce, until } from './bounds-wire.js';

const MiB = 1024 * 1024;
const PER_CONNECTION = 4 * MiB;
const BROKER_WIDE = 6 * MiB;
const BATCH = 900 * 1024;
const BATCHES = 24;
// A budget may be passed by the frame that crossed it and by one stored batch (KIP-74: a fetch gets
// at least one whole batch), plus one small frame per connection (limits/byte-budget.ts).
const SLACK = BATCH + 64 * 1024 + 4 * SMALL_FRAME;

let b: TestBroker;
before(async () => {
  b = await startTestBroker({
    config: { 'brook.connection.max.buffered.bytes': String(PER_CONNECTION), 'brook.max.buffered.bytes': String(BROKER_WIDE) },
  });
  assert.equal((await createTopic(b.port, 'stored', 1)).errorCode, ErrorCode.NONE);
  const c = await WireClient.connect(b.port);
  try {
    for (let i = 0; i < BATCHES; i++) assert.equal((await produce(c, 'stored', 0, batchOf(1, BATCH))).errorCode, ErrorCode.NONE);
  } finally {
    c.close();
  }
});
after(async () => {
  await b.close();
});

/** A client that pipelines `count` 1 MiB Fetches of stored data and never reads a byte back. */
function hostileFetcher(port: number, count: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => {
      s.pause(); // never read: the kernel buffers fill, then the broker's
      const frames: Buffer[] = [];
      for (let i = 0; i < count; i++) {
        const header = { apiKey: apis.Fetch.apiKey, apiVersion: 12, correlationId: i + 1, clientId: 'hostile' };
        frames.push(encodeRequestFrame(header, apis.Fetch.request, fetchBody('stored', 0, BigInt(i % BATCHES), MiB)));
      }
      s.write(Buffer.concat(frames));
      resolve(s);
    });
    s.on('error', () => undefined);
    s.once('error', reject);
  });
}

test('non-reading clients pipelining 600 x 1 MiB Fetches stay within the per-connection and broker-wide budgets', async () => {
  const budget = b.broker.state.resources.buffered;
  let peak = 0;
  const sample = () => (peak = Math.max(peak, budget.used));
  const first = await hostileFetcher(b.port, 600);
  let second: Socket | undefined;
  try {
    await until(() => (sample(), budget.used >= PER_CONNECTION - BATCH && b.broker.networkStats().pausedConnections === 1), 'the first client to fill its budget');
    for (let i = 0; i < 200; i++) {
      sample();
      await new Promise((r) => setImmediate(r));
    }
    assert.ok(peak <= PER_CONNECTION + SLACK, `one connection held ${peak} bytes, budget ${PER_CONNECTION}`);

    second = await hostileFetcher(b.port, 600);
    await until(() => (sample(), b.broker.networkStats().pausedConnections === 2 && budget.used >= BROKER_WIDE - BATCH), 'the broker-wide budget to fill');
    for (let i = 0; i < 200; i++) {
      sample();
      await new Promise((r) => setImmediate(r));
    }
    assert.ok(peak <= BROKER_WIDE + SLACK, `the broker held ${peak} bytes, budget ${BROKER_WIDE}`);

    // A well-behaved client is still answered: small requests always get in, a Fetch gets what is left.
    const good = await WireClient.connect(b.port);
    try {
      const md = await good.request(apis.Metadata, 12, { topics: [{ name: 'stored', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      assert.equal(md.topics[0]!.errorCode, ErrorCode.NONE);
      const f = await good.request(apis.Fetch, 12, fetchBody('stored', 0, 0n, MiB));
      assert.equal(f.responses[0]!.partitions[0]!.errorCode, ErrorCode.NONE);
  } finally {
    good.close();
  }

  } finally {
    first.destroy();
    second?.destroy();
  }
  await until(() => b.broker.networkStats().connections === 0 && budget.used === 0, 'every byte to be released on close');
  assert.equal(budget.used, 0);
});

test('a reading consumer gets its data through the same budgets, one reservation at a time', async () => {
  const c = await WireClient.connect(b.port);
  try {
    let offset = 0n;
    let bytes = 0;
    while (offset < BigInt(BATCHES)) {
      const f = await c.request(apis.Fetch, 12, fetchBody('stored', 0, offset, 64 * MiB));
      const p = f.responses[0]!.partitions[0]!;
      assert.equal(p.errorCode, ErrorCode.NONE);
      assert.ok(p.records && p.records.length > 0, `records at offset ${offset}`);
      assert.ok(p.records.length <= PER_CONNECTION + BATCH, `a response of ${p.records.length} bytes fits the connection budget`);
      bytes += p.records.length;
      let pos = 0;
      while (pos < p.records.length) {
        offset = p.records.readBigInt64BE(pos) + BigInt(p.records.readInt32BE(pos + 23)) + 1n;
        pos += 12 + p.records.readInt32BE(pos + 8);
      }
    }
    assert.ok(bytes >= BATCHES * BATCH);
  } finally {
    c.close();
  }
  await until(() => b.broker.state.resources.buffered.used === 0, 'the consumer to release its bytes');
});

test('a share consumer pipelining ShareFetches of stored data, never reading, stays within its connection budget', async () => {
  const groupId = 'bounds-share';
  const memberId = 'AAAAAAAAAAAAAAAAAAAAAD';
  // More data than the 'stored' topic holds: a paused reader's kernel receive buffer may grow to tens of MiB
  // (tcp_rmem autotuning) and swallow every response before the broker has to hold any.
  const SHARE_BATCHES = 72;
  const WAVE = 8;
  const MAX_SHARE_REQUESTS = 30 * WAVE;
  assert.equal((await createTopic(b.port, 'share-stored', 1)).errorCode, ErrorCode.NONE);
  const log = b.broker.state.logs.getLog('share-stored', 0)!;
  for (let i = 0; i < SHARE_BATCHES; i++) await log.append(batchOf(1, BATCH), { durable: false });
  const admin = await WireClient.connect(b.port);
  let hostile: Socket | undefined;
  try {
    const configured = await admin.request(apis.IncrementalAlterConfigs, 1, {
      resources: [{ resourceType: 32, resourceName: groupId, configs: [{ name: 'share.auto.offset.reset', configOperation: 0, value: 'earliest' }] }],
      validateOnly: false,
    });
    assert.equal(configured.responses[0]!.errorCode, ErrorCode.NONE);
    let epoch = 0;
    await until(async () => {
      const hb = await admin.request(apis.ShareGroupHeartbeat, 1, { groupId, memberId, memberEpoch: epoch, rackId: null, subscribedTopicNames: epoch === 0 ? ['share-stored'] : null });
      epoch = hb.memberEpoch;
      return (hb.assignment?.topicPartitions.length ?? 0) > 0;
    }, 'the share member to be assigned the partition');
    const topicId = topicIdToWire(b.broker.state.topics.get('share-stored')!.topicId);
    const budget = b.broker.state.resources.buffered;
    let peak = 0;
    const sample = () => (peak = Math.max(peak, budget.used));
    const metrics = b.broker.state.metrics;
    const answeredBefore = metrics.requestsAnswered(apis.ShareFetch.apiKey);
    let sent = 0;
    const wave = (s: Socket): void => {
      const frames: Buffer[] = [];
      for (const end = sent + WAVE; sent < end; sent++) {
        const header = { apiKey: apis.ShareFetch.apiKey, apiVersion: 1, correlationId: sent + 1, clientId: 'hostile-share' };
        frames.push(
          encodeRequestFrame(header, apis.ShareFetch.request, {
            groupId,
            memberId,
            shareSessionEpoch: sent,
            maxWaitMs: 100,
            minBytes: 1,
            maxBytes: 64 * MiB,
            maxRecords: 1000,
            batchSize: 1000,
            topics: [{ topicId, partitions: [{ partitionIndex: 0, acknowledgementBatches: [] }] }],
            forgottenTopicsData: [],
          }),
        );
      }
      s.write(Buffer.concat(frames));
    };
    hostile = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port: b.port }, () => {
        s.pause();
        resolve(s);
      });
      s.on('error', () => undefined);
      s.once('error', reject);
    });
    // Each ShareFetch acquires (locks) what it reads: unbounded, they would read all 72 batches (~63 MiB). How much
    // the kernel's socket buffers take first varies from run to run, and pipelined requests that find the budget
    // full are answered empty at max_wait_ms; so the client sends waves of requests, each once the last wave is
    // answered, until the broker has to hold what the kernel will not.
    let filled = false;
    while (!filled && sent < MAX_SHARE_REQUESTS) {
      wave(hostile);
      await until(
        () => (sample(), (filled = budget.used >= PER_CONNECTION - BATCH) || metrics.requestsAnswered(apis.ShareFetch.apiKey) - answeredBefore >= sent),
        'the share consumer to fill its budget or have every request answered',
      );
    }
    if (!filled) assert.fail(`the share consumer never filled its budget; ${await shareAnswers(hostile, sent, budget.used, peak)}`);
    for (let i = 0; i < 200; i++) {
      sample();
      await new Promise((r) => setImmediate(r));
    }
    assert.ok(peak <= PER_CONNECTION + SLACK, `one share consumer held ${peak} bytes, budget ${PER_CONNECTION}`);
  } finally {
    hostile?.destroy();
    admin.close();
  }
  await until(() => b.broker.networkStats().connections === 0 && b.broker.state.resources.buffered.used === 0, 'every byte to be released on close');
});

/** On a failed wait: what the broker answered the paused share consumer, read back now, for the failure message. */
async function shareAnswers(s: Socket, expected: number, used: number, peak: number): Promise<string> {
  const decoder = new FrameDecoder({ maxFrameSize: 1 << 30 });
  const lines: string[] = [];
  let received = 0;
  await new Promise<void>((resolve) => {
    const give = setTimeout(resolve, 5_000); // a diagnostic on a failure path, not synchronisation
    s.on('data', (chunk: Buffer) => {
      decoder.push(chunk);
      for (let f = decoder.next(); f; f = decoder.next()) {
        const h = decodeResponseHeader(f, responseHeaderVersion(apis.ShareFetch.apiKey, 1));
        const r = apis.ShareFetch.response.read(new ByteReader(f, h.bodyOffset), 1);
        const parts = r.responses.flatMap((t) => t.partitions);
        const acquired = parts.reduce((n, p) => n + p.acquiredRecords.length, 0);
        lines.push(`#${h.correlationId} err=${r.errorCode}${r.errorMessage ? `(${r.errorMessage})` : ''} parts=${parts.map((p) => `${p.errorCode}/${p.acquiredRecords.length}/${p.records?.length ?? 0}`).join(',')} acq=${acquired}`);
        if (++received === expected) {
          clearTimeout(give);
          resolve();
        }
      }
    });
    s.resume();
  });
  return `budget used ${used}, peak ${peak}; ${received}/${expected} answers: ${lines.join(' | ')}`;
}

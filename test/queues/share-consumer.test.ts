// Share groups end to end with Brook's Node share consumer (src/client/share-consumer.ts) against an
// in-process broker: implicit and explicit acknowledgement, release, reject and the delivery limit
// into the dead-letter topic, lock expiry, several consumers sharing one partition, and a consumer
// that dies holding records.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ShareConsumer, type ShareRecord } from '../../src/client/index.js';
import { apis } from '../../src/protocol/messages/index.js';
import { batchIsControl, forEachBatch } from '../../src/protocol/records/batch-header.js';
import { forEachRecord } from '../../src/protocol/records/record-reader.js';
import type { TestBroker } from '../helpers/broker.js';
import { WireClient } from '../broker/admin-wire.js';
import { seedTopic, setGroupConfig, startShareBroker, until } from './share-helpers.js';

let b: TestBroker;

function consumer(group: string, mode: 'implicit' | 'explicit', maxRecords = 50): ShareConsumer {
  return new ShareConsumer({ brokers: [b.bootstrap], clientId: `share-test-${group}`, groupId: group, acknowledgementMode: mode, maxRecords, maxWaitMs: 200 });
}

async function startOffsets(group: string): Promise<number[]> {
  const c = await WireClient.connect(b.port);
  try {
    const res = await c.request(apis.DescribeShareGroupOffsets, 1, { groups: [{ groupId: group, topics: null }] });
    return res.groups[0]!.topics.flatMap((t) => t.partitions.map((p) => Number(p.startOffset)));
  } finally {
    c.close();
  }
}

/** The records of a dead-letter topic's partition 0, once it holds at least `n`. */
function deadLetters(topic: string, n: number): Promise<{ key: Buffer | null; value: string | null; headers: Record<string, string> }[]> {
  return until(`${n} dead-letter records in ${topic}`, async () => {
    const log = b.broker.state.logs.getLog(topic, 0);
    if (!log || log.highWatermark < n) return false;
    const r = await log.read(0, 1 << 20);
    const out: { key: Buffer | null; value: string | null; headers: Record<string, string> }[] = [];
    if (r.kind === 'records') {
      for (const chunk of r.chunks) {
        forEachBatch(chunk, 0, chunk.length, (pos) => {
          if (batchIsControl(chunk, pos)) return;
          forEachRecord(chunk, pos, (rec) => out.push({ key: rec.key, value: rec.value?.toString() ?? null, headers: Object.fromEntries(rec.headers.map((h) => [h.key, h.value?.toString() ?? ''])) }));
        });
      }
    }
    return out;
  });
}

function value(r: ShareRecord): string {
  return r.value?.toString() ?? '';
}

before(async () => {
  b = await startShareBroker();
});

after(async () => {
  await b.close();
});

describe('share consumer (Node)', () => {
  it('implicit acknowledgement: a poll accepts the previous one; accepted records never come back', async () => {
    await seedTopic(b, 'implicit', 50, { batch: 7 });
    await setGroupConfig(b.port, 'g-implicit', { 'share.auto.offset.reset': 'earliest' });
    const c = consumer('g-implicit', 'implicit', 20);
    await c.subscribe(['implicit']);
    const seen: string[] = [];
    await until('all 50 records', async () => {
      for (const r of await c.poll()) seen.push(value(r));
      return seen.length >= 50;
    });
    const results = await c.commit();
    assert.ok(results.length > 0 && results.every((r) => r.errorCode === 0), 'the last poll is accepted by commit()');
    await c.close();
    assert.deepEqual([...new Set(seen)].sort(), Array.from({ length: 50 }, (_, i) => `v${i}`).sort());
    assert.deepEqual(await startOffsets('g-implicit'), [50]);
    const again = consumer('g-implicit', 'implicit');
    await again.subscribe(['implicit']);
    assert.deepEqual(await again.poll(), [], 'nothing is delivered twice');
    await again.close();
  });

  it('release redelivers with delivery count 2; reject and the delivery limit archive into the dead-letter topic', async () => {
    await seedTopic(b, 'orders-dl', 10, { batch: 10 });
    await setGroupConfig(b.port, 'g-dl', { 'share.auto.offset.reset': 'earliest', 'share.delivery.count.limit': '2', 'brook.share.dead.letter.topic': 'orders-dead' });
    const c = consumer('g-dl', 'explicit');
    await c.subscribe(['orders-dl']);
    const deliveries: [string, number][] = [];
    await until('two rounds of deliveries', async () => {
      for (const r of await c.poll()) {
        deliveries.push([value(r), r.deliveryCount]);
        const n = Number(r.offset);
        const kind = r.deliveryCount === 1 ? 'release' : n < 5 ? 'accept' : n < 8 ? 'reject' : 'release';
        c.acknowledge(r, kind);
      }
      const results = await c.commit();
      assert.ok(results.every((x) => x.errorCode === 0), JSON.stringify(results));
      return deliveries.length >= 20;
    });
    assert.deepEqual(deliveries.filter(([, dc]) => dc === 1).length, 10);
    assert.deepEqual(deliveries.filter(([, dc]) => dc === 2).length, 10);
    assert.deepEqual(await c.poll(), [], 'accepted, rejected and exhausted records are done');
    await c.close();
    // Rejected (5-7) and out of deliveries (8-9): one dead-letter record each, with its story in headers.
    const dead = await deadLetters('orders-dead', 5);
    assert.deepEqual(dead.map((d) => [d.value, d.headers['__dlq.errors.offset'], d.headers['__dlq.errors.reason']]), [
      ['v5', '5', 'rejected'],
      ['v6', '6', 'rejected'],
      ['v7', '7', 'rejected'],
      ['v8', '8', 'delivery-limit'],
      ['v9', '9', 'delivery-limit'],
    ]);
    assert.equal(dead[0]!.headers['__dlq.errors.group'], 'g-dl');
    assert.equal(dead[0]!.headers['__dlq.errors.topic'], 'orders-dl');
    assert.equal(dead[0]!.headers['__dlq.errors.partition'], '0');
    assert.equal(dead[3]!.headers['__dlq.errors.delivery.count'], '2');
    assert.equal(dead[0]!.headers['__dlq.errors.message'], 'Offset rejected by client.');
    assert.deepEqual(await startOffsets('g-dl'), [10], 'the start offset passes the archived records once their copies are written');
  });

  it("Kafka's errors.deadletterqueue.topic.name: only a topic that allows it, and without the record unless asked", async () => {
    await seedTopic(b, 'payments', 2, { batch: 2 });
    await setGroupConfig(b.port, 'g-kdlq', { 'share.auto.offset.reset': 'earliest', 'errors.deadletterqueue.topic.name': 'dlq.payments' });
    // The topic does not exist and errors.deadletterqueue.auto.create.topics.enable is false: archived only.
    const c = consumer('g-kdlq', 'explicit');
    await c.subscribe(['payments']);
    const first = await until('a record', async () => {
      const r = await c.poll();
      return r.length > 0 ? r : false;
    });
    c.acknowledge(first[0]!, 'reject');
    for (const r of first.slice(1)) c.acknowledge(r, 'release');
    await c.commit();
    assert.equal(b.broker.state.topics.get('dlq.payments'), undefined, 'no dead-letter topic was created');
    await seedTopic(b, 'dlq.payments', 0, { configs: { 'errors.deadletterqueue.group.enable': 'true' } });
    const second = await until('the released record', async () => {
      const r = await c.poll();
      return r.length > 0 ? r : false;
    });
    for (const r of second) c.acknowledge(r, 'reject');
    await c.commit();
    await c.close();
    const dead = await deadLetters('dlq.payments', 1);
    assert.equal(dead.length, 1);
    assert.deepEqual([dead[0]!.key, dead[0]!.value, dead[0]!.headers['__dlq.errors.offset'], dead[0]!.headers['__dlq.errors.topic']], [null, null, String(second[0]!.offset), 'payments']);
  });

  it('an expired lock redelivers to another member with delivery count 2; the late acknowledgement is refused', async () => {
    await seedTopic(b, 'locks', 5, { batch: 5 });
    await setGroupConfig(b.port, 'g-lock', { 'share.auto.offset.reset': 'earliest', 'share.record.lock.duration.ms': '1000' });
    const slow = consumer('g-lock', 'explicit');
    await slow.subscribe(['locks']);
    const held = await until('the first delivery', async () => {
      const r = await slow.poll();
      return r.length > 0 ? r : false;
    });
    assert.deepEqual(held.map((r) => r.deliveryCount), [1, 1, 1, 1, 1]);
    const fast = consumer('g-lock', 'explicit');
    await fast.subscribe(['locks']);
    const again = await until('the redelivery after the lock expired', async () => {
      const r = await fast.poll();
      return r.length > 0 ? r : false;
    });
    assert.deepEqual(again.map((r) => [value(r), r.deliveryCount]), [0, 1, 2, 3, 4].map((i) => [`v${i}`, 2]));
    // The first member's late acknowledgement names records another member holds now.
    for (const r of held) slow.acknowledge(r, 'accept');
    const late = await slow.commit();
    assert.deepEqual(late.map((r) => r.errorCode), [121], 'INVALID_RECORD_STATE: the lock was lost');
    for (const r of again) fast.acknowledge(r, 'accept');
    assert.ok((await fast.commit()).every((r) => r.errorCode === 0));
    await slow.close();
    await fast.close();
  });

  for (const members of [2, 5]) {
    it(`${members} consumers share one partition: every record accepted once, none lost`, async () => {
      const topic = `shared-${members}`;
      const total = 300;
      await seedTopic(b, topic, total, { batch: 3 });
      await setGroupConfig(b.port, `g-${topic}`, { 'share.auto.offset.reset': 'earliest' });
      const consumers = Array.from({ length: members }, () => consumer(`g-${topic}`, 'explicit', 10));
      for (const c of consumers) await c.subscribe([topic]);
      const confirmed = new Map<number, number>();
      const perMember = consumers.map(() => 0);
      await Promise.all(
        consumers.map(async (c, i) => {
          while (confirmed.size < total) {
            const records = await c.poll();
            for (const r of records) c.acknowledge(r, 'accept');
            perMember[i]! += records.length;
            for (const res of await c.commit()) {
              assert.equal(res.errorCode, 0);
              for (const o of res.offsets) confirmed.set(o, (confirmed.get(o) ?? 0) + 1);
            }
          }
        }),
      );
      for (const c of consumers) await c.close();
      assert.equal(confirmed.size, total, 'no record lost');
      assert.ok([...confirmed.values()].every((n) => n === 1), 'no record accepted twice');
      assert.ok(perMember.filter((n) => n > 0).length >= 2, `records spread over members: ${perMember}`);
    });
  }

  it('a consumer that dies holding records: they are redelivered at once, not after the lock expires', async () => {
    await seedTopic(b, 'dies', 8, { batch: 8 });
    await setGroupConfig(b.port, 'g-dies', { 'share.auto.offset.reset': 'earliest', 'share.record.lock.duration.ms': '60000' });
    const doomed = consumer('g-dies', 'explicit');
    await doomed.subscribe(['dies']);
    const held = await until('the doomed consumer got records', async () => {
      const r = await doomed.poll();
      return r.length > 0 ? r : false;
    });
    assert.equal(held.length, 8);
    // Its process dies: the sockets close with no acknowledgement, no leave.
    await (doomed as unknown as { client: { close(): Promise<void> } }).client.close();
    const survivor = consumer('g-dies', 'explicit');
    await survivor.subscribe(['dies']);
    const redelivered = await until(
      'the records of the dead consumer',
      async () => {
        const r = await survivor.poll();
        return r.length > 0 ? r : false;
      },
      20_000,
    );
    assert.deepEqual(redelivered.map((r) => [Number(r.offset), r.deliveryCount]), [0, 1, 2, 3, 4, 5, 6, 7].map((o) => [o, 2]));
    await survivor.close();
  });
});

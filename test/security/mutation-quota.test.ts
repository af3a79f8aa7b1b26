// controller_mutation_rate (KIP-599) as Kafka enforces it: a token bucket of partitions created or
// deleted, `rate x controller.quota.window.num x controller.quota.window.size.seconds` deep. An
// unmodified @platformatic/kafka Admin (CreateTopics v7, CreatePartitions v3, DeleteTopics v6: the
// strict versions) gets THROTTLING_QUOTA_EXCEEDED (89) per topic once the bucket is empty, with
// throttle_time_ms, and nothing is created or deleted; an older CreateTopics (v5) is served and
// throttled instead. Another client id is not affected.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Admin } from '@platformatic/kafka';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { WireClient } from '../broker/admin-wire.js';
import { apis } from '../../src/protocol/messages/index.js';
import { ErrorCode } from '../../src/protocol/errors.js';

let b: TestBroker;

// A rate of 0.01 partitions/s refills one token in 100 s: nothing in this test waits for a refill.
const RATE = 0.01;

before(async () => {
  // Burst: 0.01/s x 100 samples x 10 s = 10 partitions.
  b = await startTestBroker({ config: { 'controller.quota.window.num': '100', 'controller.quota.window.size.seconds': '10' } });
  // @platformatic/kafka's Admin types do not list controller_mutation_rate; the quota is set over the wire.
  const w = await WireClient.connect(Number(b.bootstrap.split(':')[1]));
  try {
    const set = await w.request(apis.AlterClientQuotas, 1, {
      validateOnly: false,
      entries: ['mutator', 'wire-test'].map((c) => ({ entity: [{ entityType: 'client-id', entityName: c }], ops: [{ key: 'controller_mutation_rate', value: RATE, remove: false }] })),
    });
    assert.deepEqual(set.entries.map((e) => e.errorCode), [ErrorCode.NONE, ErrorCode.NONE]);
  } finally {
    w.close();
  }
});
after(async () => {
  await b.close();
});

type Refusal = { codes: number[]; throttleTimeMs: number };

/**
 * One call on a fresh Admin of client id "mutator": a refused call's connection is muted for its
 * throttle time (KIP-219), so each call gets its own; the quota is the client id's, shared by all.
 */
async function asMutator<T>(call: (a: Admin) => Promise<T>, clientId = 'mutator'): Promise<T> {
  const a = new Admin({ clientId, bootstrapBrokers: [b.bootstrap], retries: 0 });
  try {
    return await call(a);
  } finally {
    await a.close();
  }
}

type Failure = { errors?: Failure[]; response?: { throttleTimeMs?: number }; apiCode?: number };

/** The per-topic error codes and throttle time of a refused admin call (@platformatic/kafka's ResponseError, maybe wrapped once more). */
async function refusal(p: Promise<unknown>): Promise<Refusal> {
  try {
    await p;
  } catch (e) {
    let err = e as Failure;
    while (err.response === undefined && err.errors?.length === 1) err = err.errors[0]!;
    return { codes: (err.errors ?? []).map((x) => x.apiCode ?? -1), throttleTimeMs: err.response?.throttleTimeMs ?? -1 };
  }
  assert.fail('the call was not refused');
}

test('@platformatic/kafka Admin: creating past the burst is THROTTLING_QUOTA_EXCEEDED per topic with throttle_time_ms, for CreateTopics, CreatePartitions and DeleteTopics; nothing changes; other client ids are served', async () => {
  // 10 tokens, used up by 10 partitions (a strict quota accepts while the bucket is not below zero).
  await asMutator((a) => a.createTopics({ topics: ['mq-a'], partitions: 10, replicas: 1 }));
  // Still at zero: one more is accepted and takes the bucket below zero.
  await asMutator((a) => a.createTopics({ topics: ['mq-b'], partitions: 3, replicas: 1 }));
  const refused = await refusal(asMutator((a) => a.createTopics({ topics: ['mq-c', 'mq-d'], partitions: 1, replicas: 1 })));
  assert.deepEqual(refused.codes, [ErrorCode.THROTTLING_QUOTA_EXCEEDED, ErrorCode.THROTTLING_QUOTA_EXCEEDED]);
  // 3 tokens owed at 0.01/s: about 300 s.
  assert.ok(refused.throttleTimeMs > 250_000 && refused.throttleTimeMs <= 300_000, `throttle ${refused.throttleTimeMs}`);
  assert.ok(!b.broker.state.topics.get('mq-c') && !b.broker.state.topics.get('mq-d'), 'nothing was created');

  const partitions = await refusal(asMutator((a) => a.createPartitions({ topics: [{ name: 'mq-a', count: 12 }] })));
  assert.deepEqual(partitions.codes, [ErrorCode.THROTTLING_QUOTA_EXCEEDED]);
  assert.equal(b.broker.state.topics.get('mq-a')?.partitions, 10);
  const deleted = await refusal(asMutator((a) => a.deleteTopics({ topics: ['mq-b'] })));
  assert.deepEqual(deleted.codes, [ErrorCode.THROTTLING_QUOTA_EXCEEDED]);
  assert.ok(b.broker.state.topics.get('mq-b'), 'the topic is still there');

  // The quota is per client id: another client creates freely.
  await asMutator((a) => a.createTopics({ topics: ['mq-other'], partitions: 20, replicas: 1 }), 'someone-else');
});

test('wire: CreateTopics v5 (before THROTTLING_QUOTA_EXCEEDED) is permissive: the topic is created and the answer throttled; validate-only is charged too', async () => {
  const port = Number(b.bootstrap.split(':')[1]);
  const w = await WireClient.connect(port);
  try {
    const create = (name: string, numPartitions: number, validateOnly: boolean) =>
      w.request(apis.CreateTopics, 5, { topics: [{ name, numPartitions, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 30_000, validateOnly });
    const dry = await create('mq-old-dry', 6, true);
    assert.deepEqual([dry.topics[0]!.errorCode, dry.throttleTimeMs], [ErrorCode.NONE, 0]);
    assert.ok(!b.broker.state.topics.get('mq-old-dry'));
    const first = await create('mq-old-1', 12, false);
    assert.equal(first.topics[0]!.errorCode, ErrorCode.NONE);
    // 6 + 12 partitions against a burst of 10: 8 owed at 0.01/s, 800 s.
    assert.ok(first.throttleTimeMs > 750_000 && first.throttleTimeMs <= 800_000, `throttle ${first.throttleTimeMs}`);
    assert.equal(b.broker.state.topics.get('mq-old-1')?.partitions, 12);
  } finally {
    w.close();
  }
});

// Consumer groups through the Node clients in this process: KafkaJS and @platformatic/kafka. Each
// member reports a record only after its commit resolved, so "consumed once" is checked exactly
// (the session-timeout kill is covered by the Python clients, which run as killable processes).
// Static membership is tested with librdkafka: KafkaJS 2.2.4 has none, and @platformatic/kafka 1.35
// sends LeaveGroup with its group.instance.id on close, which (as in Kafka) removes the member.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { consumedValues, createTopic, produceRange, splitsAll, until } from './groups/fixtures.js';
import { KafkaJsMember, PlatformaticMember } from './groups/node-members.js';

let b: TestBroker;
before(async () => {
  b = await startTestBroker({ config: { 'group.initial.rebalance.delay.ms': '0', 'group.min.session.timeout.ms': '1000' } });
});
after(async () => {
  await b.close();
});

const kinds = {
  kafkajs: (group: string, topic: string, name: string) => KafkaJsMember.start(b.bootstrap, group, topic, name),
  platformatic: (group: string, topic: string, name: string) => PlatformaticMember.start(b.bootstrap, group, topic, name),
};

function assertExactlyOnce(consumed: string[], produced: string[]): void {
  assert.equal(consumed.length, new Set(consumed).size, 'no record is consumed twice');
  assert.deepEqual([...consumed].sort(), [...produced].sort());
}

for (const [kind, start] of Object.entries(kinds)) {
  test(`${kind}: subscribe, consume, commit, close; a new member resumes after the committed offsets`, async () => {
    const topic = `gn-resume-${kind}`;
    await createTopic(b.bootstrap, topic, 2);
    const produced = await produceRange(b.bootstrap, topic, 2, 0, 20);
    const first = await start(`resume-${kind}`, topic, 'first');
    await until([first], () => first.records().length >= 20, 'first member consumes everything');
    await first.stop();
    produced.push(...(await produceRange(b.bootstrap, topic, 2, 20, 30)));
    const second = await start(`resume-${kind}`, topic, 'second');
    await until([second], () => second.records().length >= 10, 'second member consumes the new records');
    await second.stop();
    assert.deepEqual(second.records().map((r) => r.v).sort(), produced.slice(20).sort());
    assertExactlyOnce(consumedValues([first, second]), produced);
  });

  test(`${kind}: two then three members split 6 partitions, a leaving member's partitions are taken over`, async () => {
    const topic = `gn-split-${kind}`;
    const group = `split-${kind}`;
    await createTopic(b.bootstrap, topic, 6);
    const a = await start(group, topic, 'a');
    const c2 = await start(group, topic, 'b');
    await until([a, c2], () => splitsAll([a, c2], 6), 'two members split the partitions');
    const c3 = await start(group, topic, 'c');
    await until([a, c2, c3], () => splitsAll([a, c2, c3], 6), 'three members split the partitions');
    const produced = await produceRange(b.bootstrap, topic, 6, 0, 120);
    await until([a, c2, c3], () => new Set(consumedValues([a, c2, c3])).size >= 120, 'three members consume everything');
    await c3.stop();
    await until([a, c2], () => splitsAll([a, c2], 6), 'the other two take over');
    produced.push(...(await produceRange(b.bootstrap, topic, 6, 120, 180)));
    await until([a, c2], () => new Set(consumedValues([a, c2, c3])).size >= 180, 'the rest is consumed');
    await a.stop();
    await c2.stop();
    if (kind === 'kafkajs') assertExactlyOnce(consumedValues([a, c2, c3]), produced);
    // @platformatic/kafka 1.35 keeps fetching a partition it lost in a rebalance for a while (its
    // join event reports the new assignment, yet records of the old one still arrive and their
    // commits carry the current generation, which a classic group accepts, as Kafka's does): for it
    // nothing may be lost, but duplicates are the client's.
    else assert.deepEqual([...new Set(consumedValues([a, c2, c3]))].sort(), [...produced].sort());
  });
}

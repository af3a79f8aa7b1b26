// Consumer groups through the Debian Python clients, as child processes: confluent-kafka (librdkafka)
// and kafka-python. Each member prints a record only after committing it, so "consumed once" is
// checked exactly: every produced record is printed by exactly one member, across joins, a clean
// leave and a SIGKILL that only the session timeout notices.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { clients, skipUnless } from '../helpers/real-clients.js';
import { consumedValues, createTopic, produceRange, splitsAll, until } from './groups/fixtures.js';
import type { LiveProcess } from './groups/live-process.js';
import { startPythonConsumer, type PythonClient } from './groups/python-consumer.js';

let b: TestBroker;
const running: LiveProcess[] = [];
before(async () => {
  // Small session timeouts so a killed member is noticed quickly; no initial delay.
  b = await startTestBroker({ config: { 'group.initial.rebalance.delay.ms': '0', 'group.min.session.timeout.ms': '1000' } });
});
after(async () => {
  for (const p of running) p.kill();
  await b.close();
});

function member(client: PythonClient, group: string, topic: string, extra: { max?: number; instanceId?: string; sessionTimeoutMs?: number; assignor?: 'range' | 'roundrobin' | 'cooperative-sticky' } = {}, name?: string): LiveProcess {
  const p = startPythonConsumer(client, { bootstrap: b.bootstrap, group, topic, sessionTimeoutMs: 3000, ...extra }, name);
  running.push(p);
  return p;
}

async function stop(p: LiveProcess): Promise<void> {
  p.send('stop');
  await p.waitFor((e) => e.ev === 'closed', 30_000);
  await p.exited;
}

function assertExactlyOnce(consumed: string[], produced: string[]): void {
  assert.equal(consumed.length, new Set(consumed).size, 'no record is consumed twice');
  assert.deepEqual([...consumed].sort(), [...produced].sort());
}

const available: Record<PythonClient, () => boolean> = { ck: clients.confluentKafka, kp: clients.kafkaPython };
const label: Record<PythonClient, string> = { ck: 'confluent-kafka', kp: 'kafka-python' };

for (const client of ['ck', 'kp'] as const) {
  const skip = skipUnless(available[client](), label[client]);

  test(`${label[client]}: subscribe, consume, commit, close; a new member resumes after the committed offsets`, { skip }, async () => {
    const topic = `gp-resume-${client}`;
    await createTopic(b.bootstrap, topic, 2);
    const produced = await produceRange(b.bootstrap, topic, 2, 0, 20);
    const first = member(client, `resume-${client}`, topic, { max: 12 });
    await first.waitFor((e) => e.ev === 'idle');
    await stop(first);
    const second = member(client, `resume-${client}`, topic);
    await until([second], () => second.records().length >= 8, 'second member consumes the rest');
    await stop(second);
    assertExactlyOnce(consumedValues([first, second]), produced);
    // The second member starts each partition right after the first one's last commit.
    for (const p of [0, 1]) {
      const last = Math.max(-1, ...first.records().filter((r) => r.p === p).map((r) => r.o));
      const next = second.records().filter((r) => r.p === p);
      if (next.length > 0) assert.equal(next[0]!.o, last + 1);
    }
  });

  test(`${label[client]}: two then three members split 6 partitions; a clean leave and a SIGKILL lose nothing`, { skip }, async () => {
    const topic = `gp-split-${client}`;
    const group = `split-${client}`;
    await createTopic(b.bootstrap, topic, 6);
    const produced = await produceRange(b.bootstrap, topic, 6, 0, 60);
    const a = member(client, group, topic, {}, 'a');
    const bb = member(client, group, topic, {}, 'b');
    await until([a, bb], () => splitsAll([a, bb], 6), 'two members split the partitions');
    const c = member(client, group, topic, {}, 'c');
    await until([a, bb, c], () => splitsAll([a, bb, c], 6), 'three members split the partitions');
    produced.push(...(await produceRange(b.bootstrap, topic, 6, 60, 180)));
    await until([a, bb, c], () => consumedValues([a, bb, c]).length >= 180, 'all 180 records consumed');
    // Clean leave: the others take over c's partitions.
    await stop(c);
    await until([a, bb], () => splitsAll([a, bb], 6), 'a and b take over after c leaves');
    produced.push(...(await produceRange(b.bootstrap, topic, 6, 180, 240)));
    await until([a, bb], () => consumedValues([a, bb, c]).length >= 240, 'all 240 records consumed');
    // b is quiet (everything produced is consumed and committed): kill it; only its session ends.
    bb.kill();
    await bb.exited;
    produced.push(...(await produceRange(b.bootstrap, topic, 6, 240, 300)));
    await until([a], () => consumedValues([a, bb, c]).length >= 300, 'a consumes everything after b is killed', 90_000);
    assert.deepEqual([...(a.events.filter((e) => e.ev === 'assigned').pop()!.parts as number[])], [0, 1, 2, 3, 4, 5]);
    await stop(a);
    assertExactlyOnce(consumedValues([a, bb, c]), produced);
  });
}

test('confluent-kafka: a restarted static member keeps its partitions without a rebalance', { skip: skipUnless(clients.confluentKafka(), 'confluent-kafka') }, async () => {
  const topic = 'gp-static';
  const group = 'static-ck';
  await createTopic(b.bootstrap, topic, 4);
  const s1 = member('ck', group, topic, { instanceId: 'inst-1', sessionTimeoutMs: 30_000 }, 's1');
  const s2 = member('ck', group, topic, { instanceId: 'inst-2', sessionTimeoutMs: 30_000 }, 's2');
  await until([s1, s2], () => splitsAll([s1, s2], 4), 'two static members split the partitions');
  const before = s1.assignment();
  const generation = b.broker.state.groups.groups.get(group)!.generationId;
  const s2Events = s2.events.length;
  // librdkafka does not send LeaveGroup for a static member: the broker keeps its place.
  await stop(s1);
  const again = member('ck', group, topic, { instanceId: 'inst-1', sessionTimeoutMs: 30_000 }, 's1-again');
  await again.waitFor((e) => e.ev === 'assigned');
  assert.deepEqual(again.assignment(), before);
  // Records reach both members in the same generation: nobody rebalanced.
  const produced = await produceRange(b.bootstrap, topic, 4, 0, 40);
  await until([again, s2], () => again.records().length + s2.records().length >= 40, 'both members consume');
  assert.equal(b.broker.state.groups.groups.get(group)!.generationId, generation);
  assert.equal(s2.events.slice(s2Events).filter((e) => e.ev === 'revoked' || e.ev === 'assigned').length, 0, 's2 saw no rebalance');
  await stop(again);
  await stop(s2);
  assertExactlyOnce(consumedValues([again, s2]), produced);
});

test('a group mixing confluent-kafka and kafka-python members (roundrobin) splits and consumes once', { skip: skipUnless(clients.confluentKafka() && clients.kafkaPython(), 'both Python clients') }, async () => {
  const topic = 'gp-mixed';
  const group = 'mixed';
  await createTopic(b.bootstrap, topic, 6);
  const x = member('ck', group, topic, { assignor: 'roundrobin' }, 'ck');
  const y = member('kp', group, topic, { assignor: 'roundrobin' }, 'kp');
  await until([x, y], () => splitsAll([x, y], 6), 'mixed members split the partitions');
  const produced = await produceRange(b.bootstrap, topic, 6, 0, 120);
  await until([x, y], () => consumedValues([x, y]).length >= 120, 'mixed group consumes everything');
  assert.ok(x.records().length > 0 && y.records().length > 0);
  await stop(x);
  await stop(y);
  assertExactlyOnce(consumedValues([x, y]), produced);
});

test('confluent-kafka cooperative-sticky (KIP-429): members join and leave incrementally, nothing lost or repeated', { skip: skipUnless(clients.confluentKafka(), 'confluent-kafka') }, async () => {
  const topic = 'gp-coop';
  const group = 'coop';
  await createTopic(b.bootstrap, topic, 6);
  const opts = { assignor: 'cooperative-sticky' as const };
  const x = member('ck', group, topic, opts, 'x');
  await until([x], () => splitsAll([x], 6), 'one member owns everything');
  const produced = await produceRange(b.bootstrap, topic, 6, 0, 60);
  const y = member('ck', group, topic, opts, 'y');
  await until([x, y], () => splitsAll([x, y], 6) && y.assignment().length > 0, 'two cooperative members split the partitions');
  const z = member('ck', group, topic, opts, 'z');
  await until([x, y, z], () => splitsAll([x, y, z], 6) && z.assignment().length > 0, 'three cooperative members split the partitions');
  produced.push(...(await produceRange(b.bootstrap, topic, 6, 60, 120)));
  await until([x, y, z], () => consumedValues([x, y, z]).length >= 120, 'everything consumed');
  await stop(z);
  await until([x, y], () => splitsAll([x, y], 6), 'z leaves, x and y take over');
  produced.push(...(await produceRange(b.bootstrap, topic, 6, 120, 180)));
  await until([x, y], () => consumedValues([x, y, z]).length >= 180, 'the rest consumed');
  assert.equal(b.broker.state.groups.groups.get(group)!.protocolName, 'cooperative-sticky');
  await stop(x);
  await stop(y);
  assertExactlyOnce(consumedValues([x, y, z]), produced);
});

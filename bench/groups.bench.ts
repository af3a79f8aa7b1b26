// Consumer groups: rebalance latency, classic vs KIP-848 rebalancing, and offset-commit throughput, on an
// in-process broker.
//  - Rebalance latency: two KafkaJS members consume a 6-partition topic; a third joins, and the time
//    from its join to all three members holding their new assignment (each member's GROUP_JOIN event,
//    after SyncGroup) is taken, p50/p99 over repeated joins (the third leaves between rounds). With
//    a 100 ms heartbeat interval, since existing members learn of a rebalance from their heartbeat.
//  - Classic vs consumer protocol (KIP-848), same run, same heartbeat interval (500 ms), 12 partitions:
//    the time for a new member to own its share when it joins a group of 4, and the time a group of 10 needs
//    to settle (every partition owned once, the group Stable) after one member leaves. Members are simulated
//    in raw frames for both protocols (group-members.ts): no Node client speaks KIP-848.
//  - Commit throughput: OffsetCommit requests (one partition each) answered only after the fsync
//    (acks=all); one connection committing back to back, then 32 connections at once (group commit
//    shares each fsync among them).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { Broker } from '../src/broker/broker.js';
import { apis } from '../src/protocol/messages/index.js';
import { createLogger } from '../src/util/logger.js';
import { RawClient } from '../test/broker/data-path-helpers.js';
import { ClassicMember, ConsumerMember, type BenchMember } from './group-members.js';
import { percentile, report } from './harness.js';

const ROUNDS = 15;
const dataDir = mkdtempSync(join(tmpdir(), 'brook-bench-groups-'));
const HEARTBEAT_MS = 500;
const broker = await Broker.start({
  dataDir,
  host: '127.0.0.1',
  port: 0,
  logger: createLogger({ level: 'error' }),
  config: { 'group.initial.rebalance.delay.ms': '0', 'group.consumer.min.heartbeat.interval.ms': String(HEARTBEAT_MS), 'group.consumer.heartbeat.interval.ms': String(HEARTBEAT_MS) },
});
const kafka = new Kafka({ clientId: 'bench', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: [{ topic: 'bench-groups', numPartitions: 6 }, { topic: 'bench-protocols', numPartitions: 12 }] });
await admin.disconnect();

interface Member {
  consumer: Consumer;
  joins: number;
}

async function startMember(name: string, onJoin: () => void): Promise<Member> {
  const consumer = kafka.consumer({ groupId: 'bench-rebalance', heartbeatInterval: 100, sessionTimeout: 10_000, rebalanceTimeout: 10_000, maxWaitTimeInMs: 100 });
  const m: Member = { consumer, joins: 0 };
  consumer.on(consumer.events.GROUP_JOIN, () => {
    m.joins++;
    onJoin();
  });
  await consumer.connect();
  await consumer.subscribe({ topic: 'bench-groups', fromBeginning: true });
  await consumer.run({ eachMessage: async () => {} });
  void name;
  return m;
}

let wake: (() => void) | null = null;
const notify = (): void => wake?.();
function until(cond: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    // Checked on every member event, and every 10 ms for what members are not told (a group turning Stable).
    const poll = setInterval(() => check(), 10);
    const guard = setTimeout(() => {
      clearInterval(poll);
      reject(new Error('rebalance did not finish within 30 s'));
    }, 30_000);
    const check = (): void => {
      if (cond()) {
        clearTimeout(guard);
        clearInterval(poll);
        wake = null;
        resolve();
      }
    };
    wake = check;
    check();
  });
}

const a = await startMember('a', notify);
const b = await startMember('b', notify);
await until(() => a.joins > 0 && b.joins > 0);
await until(() => a.joins === b.joins || Math.abs(a.joins - b.joins) <= 1);
const latencies: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const [ja, jb] = [a.joins, b.joins];
  const t0 = performance.now();
  const c = await startMember('c', notify);
  await until(() => c.joins > 0 && a.joins > ja && b.joins > jb);
  latencies.push(performance.now() - t0);
  const [la, lb] = [a.joins, b.joins];
  await c.consumer.disconnect();
  await until(() => a.joins > la && b.joins > lb);
}
await a.consumer.disconnect();
await b.consumer.disconnect();

// ---- classic vs consumer protocol ----------------------------------------------------------------------

const PROTOCOL_ROUNDS = 6;
const PARTITIONS = 12;

function settled(members: readonly BenchMember[], groupId: string, kind: 'classic' | 'consumer'): boolean {
  const owned = members.flatMap((m) => m.owned());
  if (owned.length !== PARTITIONS || new Set(owned).size !== PARTITIONS) return false;
  const sizes = members.map((m) => m.owned().length);
  if (Math.max(...sizes) - Math.min(...sizes) > 1) return false;
  const groups = broker.state.groups;
  return kind === 'classic' ? groups.groups.get(groupId)?.state === 'Stable' : groups.consumerGroup(groupId)?.state === 'Stable';
}

/**
 * Partition-milliseconds without an owner: the integral over time of the partitions nobody owns (client side),
 * what a stop-the-world rebalance costs in consumption and incremental reconciliation is meant to save.
 */
class Unowned {
  private members: readonly BenchMember[] = [];
  private last = performance.now();
  private count = 0;
  area = 0;

  watch(members: readonly BenchMember[]): void {
    this.members = members;
    this.area = 0;
    this.last = performance.now();
    this.count = this.unowned();
  }

  private unowned(): number {
    return PARTITIONS - new Set(this.members.flatMap((m) => m.owned())).size;
  }

  changed(): void {
    const now = performance.now();
    this.area += this.count * (now - this.last);
    this.last = now;
    this.count = this.unowned();
  }
}
const unowned = new Unowned();

async function protocolRun(kind: 'classic' | 'consumer', assignmentIntervalMs?: number): Promise<{ join: number[]; leave: number[]; joinGap: number[]; leaveGap: number[] }> {
  let n = 0;
  const suffix = assignmentIntervalMs === undefined ? kind : `${kind}-interval-${assignmentIntervalMs}`;
  const joinGroup = `bench-join-${suffix}`;
  const leaveGroup = `bench-leave-${suffix}`;
  if (assignmentIntervalMs !== undefined) {
    // The group config of KIP-1263 (consumer.assignment.interval.ms), set as kafka-configs would.
    for (const g of [joinGroup, leaveGroup]) await broker.state.groups.configs.replace(g, { 'consumer.assignment.interval.ms': String(assignmentIntervalMs) });
  }
  const joinGap: number[] = [];
  const leaveGap: number[] = [];
  const notifyAll = (): void => {
    unowned.changed();
    notify();
  };
  const start = (groupId: string): Promise<BenchMember> =>
    kind === 'classic'
      ? ClassicMember.start(broker.port, `${kind}-${n++}`, groupId, 'bench-protocols', PARTITIONS, HEARTBEAT_MS, notifyAll)
      : ConsumerMember.start(broker.port, `${kind}-${n++}`, groupId, 'bench-protocols', HEARTBEAT_MS, notifyAll);
  const join: number[] = [];
  const leave: number[] = [];
  // A new member joins a group of 4: until it owns its share of the 12 partitions.
  const four: BenchMember[] = [];
  for (let i = 0; i < 4; i++) four.push(await start(joinGroup));
  await until(() => settled(four, joinGroup, kind));
  for (let round = 0; round < PROTOCOL_ROUNDS; round++) {
    const t0 = performance.now();
    const fifth = await start(joinGroup);
    unowned.watch([...four, fifth]);
    await until(() => fifth.owned().length >= Math.floor(PARTITIONS / 5) && settled([...four, fifth], joinGroup, kind));
    join.push(performance.now() - t0);
    unowned.changed();
    joinGap.push(unowned.area);
    await fifth.stop(true);
    await until(() => settled(four, joinGroup, kind));
  }
  for (const m of four) await m.stop(true);
  // A group of 10: one leaves, until the 9 others own everything, balanced, and the group is Stable.
  const ten: BenchMember[] = [];
  for (let i = 0; i < 10; i++) ten.push(await start(leaveGroup));
  await until(() => settled(ten, leaveGroup, kind));
  for (let round = 0; round < PROTOCOL_ROUNDS; round++) {
    const leaving = ten.pop()!;
    const t0 = performance.now();
    unowned.watch(ten);
    await leaving.stop(true);
    unowned.changed();
    await until(() => settled(ten, leaveGroup, kind));
    leave.push(performance.now() - t0);
    unowned.changed();
    leaveGap.push(unowned.area);
    ten.push(await start(leaveGroup));
    await until(() => settled(ten, leaveGroup, kind));
  }
  for (const m of ten) await m.stop(true);
  return { join, leave, joinGap, leaveGap };
}

const classicRun = await protocolRun('classic');
const consumerRun = await protocolRun('consumer');
const consumerNoIntervalRun = await protocolRun('consumer', 0);

async function commitLoop(raw: RawClient, group: string, untilMs: number): Promise<number> {
  let n = 0;
  while (performance.now() < untilMs) {
    const res = await raw.request(apis.OffsetCommit, 8, {
      groupId: group,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [{ name: 'bench-groups', partitions: [{ partitionIndex: n % 6, committedOffset: BigInt(n), committedLeaderEpoch: -1, committedMetadata: null }] }],
    });
    if (res.topics[0]!.partitions[0]!.errorCode !== 0) throw new Error('commit failed');
    n++;
  }
  return n;
}

async function commitRate(connections: number, ms = 2000): Promise<number> {
  const clients = await Promise.all(Array.from({ length: connections }, () => RawClient.open(broker.port)));
  await Promise.all(clients.map((c, i) => commitLoop(c, `bench-commit-${i}`, performance.now() + 100)));
  const start = performance.now();
  const counts = await Promise.all(clients.map((c, i) => commitLoop(c, `bench-commit-${i}`, start + ms)));
  const elapsed = (performance.now() - start) / 1000;
  for (const c of clients) c.close();
  return counts.reduce((x, y) => x + y, 0) / elapsed;
}

const sequential = await commitRate(1);
const concurrent = await commitRate(32);
await broker.close();
rmSync(dataDir, { recursive: true, force: true });

report(
  'groups',
  [
    { name: 'rebalance latency p50 (3rd member joins -> all 3 assigned)', value: percentile(latencies, 50), unit: 'ms' },
    { name: 'rebalance latency p99', value: percentile(latencies, 99), unit: 'ms' },
    { name: 'new member owns its share, classic (eager) p50', value: percentile(classicRun.join, 50), unit: 'ms' },
    { name: 'new member owns its share, consumer (KIP-848) p50', value: percentile(consumerRun.join, 50), unit: 'ms', baseline: { name: 'classic', value: percentile(classicRun.join, 50) } },
    { name: '10 members settle after one leaves, classic p50', value: percentile(classicRun.leave, 50), unit: 'ms' },
    { name: '10 members settle after one leaves, consumer (KIP-848) p50', value: percentile(consumerRun.leave, 50), unit: 'ms', baseline: { name: 'classic', value: percentile(classicRun.leave, 50) } },
    { name: 'new member owns its share, consumer, assignment interval 0 p50', value: percentile(consumerNoIntervalRun.join, 50), unit: 'ms', baseline: { name: 'classic', value: percentile(classicRun.join, 50) } },
    { name: '10 members settle after one leaves, consumer, assignment interval 0 p50', value: percentile(consumerNoIntervalRun.leave, 50), unit: 'ms', baseline: { name: 'classic', value: percentile(classicRun.leave, 50) } },
    { name: 'partition-time without owner while a member joins, classic', value: percentile(classicRun.joinGap, 50), unit: 'partition-ms' },
    { name: 'partition-time without owner while a member joins, consumer', value: percentile(consumerRun.joinGap, 50), unit: 'partition-ms', baseline: { name: 'classic', value: percentile(classicRun.joinGap, 50) } },
    { name: 'partition-time without owner after one of 10 leaves, classic', value: percentile(classicRun.leaveGap, 50), unit: 'partition-ms' },
    { name: 'partition-time without owner after one of 10 leaves, consumer', value: percentile(consumerRun.leaveGap, 50), unit: 'partition-ms', baseline: { name: 'classic', value: percentile(classicRun.leaveGap, 50) } },
    { name: 'offset commits, 1 connection (acks=all)', value: sequential, unit: 'commits/s' },
    { name: 'offset commits, 32 connections (acks=all)', value: concurrent, unit: 'commits/s', baseline: { name: '1 connection', value: sequential } },
  ],
  [
    `${ROUNDS} joins of a third KafkaJS member (heartbeat 100 ms, group.initial.rebalance.delay.ms 0); latencies ${latencies.map((l) => l.toFixed(0)).join(' ')}`,
    `classic vs consumer: ${PROTOCOL_ROUNDS} rounds each, 12 partitions, heartbeat ${HEARTBEAT_MS} ms for both, group.consumer.assignment.interval.ms at Kafka 4.4's default (1000 ms); members simulated in raw frames (bench/group-members.ts)`,
    `join ms classic ${classicRun.join.map((l) => l.toFixed(0)).join(' ')} | consumer ${consumerRun.join.map((l) => l.toFixed(0)).join(' ')}`,
    `leave ms classic ${classicRun.leave.map((l) => l.toFixed(0)).join(' ')} | consumer ${consumerRun.leave.map((l) => l.toFixed(0)).join(' ')}`,
    `consumer with consumer.assignment.interval.ms=0 (group config): join ${consumerNoIntervalRun.join.map((l) => l.toFixed(0)).join(' ')} | leave ${consumerNoIntervalRun.leave.map((l) => l.toFixed(0)).join(' ')}`,
    'each commit is one OffsetCommit of one partition, answered after its fsync; concurrent commits share fsyncs (group commit)',
  ],
);

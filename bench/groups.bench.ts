// Consumer groups: rebalance latency and offset-commit throughput, on an in-process broker.
//  - Rebalance latency: two KafkaJS members consume a 6-partition topic; a third joins, and the time
//    from its join to all three members holding their new assignment (each member's GROUP_JOIN event,
//    after SyncGroup) is taken, p50/p99 over repeated joins (the third leaves between rounds). With
//    a 100 ms heartbeat interval, since existing members learn of a rebalance from their heartbeat.
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
import { percentile, report } from './harness.js';

const ROUNDS = 15;
const dataDir = mkdtempSync(join(tmpdir(), 'brook-bench-groups-'));
const broker = await Broker.start({ dataDir, host: '127.0.0.1', port: 0, logger: createLogger({ level: 'error' }), config: { 'group.initial.rebalance.delay.ms': '0' } });
const kafka = new Kafka({ clientId: 'bench', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: [{ topic: 'bench-groups', numPartitions: 6 }] });
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
    const guard = setTimeout(() => reject(new Error('rebalance did not finish within 30 s')), 30_000);
    const check = (): void => {
      if (cond()) {
        clearTimeout(guard);
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
    { name: 'offset commits, 1 connection (acks=all)', value: sequential, unit: 'commits/s' },
    { name: 'offset commits, 32 connections (acks=all)', value: concurrent, unit: 'commits/s', baseline: { name: '1 connection', value: sequential } },
  ],
  [
    `${ROUNDS} joins of a third KafkaJS member (heartbeat 100 ms, group.initial.rebalance.delay.ms 0); latencies ${latencies.map((l) => l.toFixed(0)).join(' ')}`,
    'each commit is one OffsetCommit of one partition, answered after its fsync; concurrent commits share fsyncs (group commit)',
  ],
);

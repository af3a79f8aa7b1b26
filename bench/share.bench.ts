// Share groups (KIP-932) on an in-process broker, beside a plain consumer group in the same run:
//  - Acknowledged records per second with 1, 2 and 8 Brook share consumers (src/client) on ONE
//    partition, implicit acknowledgement (each poll's records are accepted by the next ShareFetch,
//    every acceptance fsynced before it is answered), until every record is accepted.
//  - The plain consumer-group rate over the same records, with the same client machinery (Brook's
//    LogReader Fetch loop on the library's connections, ~500 records per fetch, the group's offset
//    committed (fsynced) after every fetch, as the share consumers acknowledge after every fetch):
//    the ratio is the cost of per-record delivery state.
//  - Redelivery latency after a lock expiry: one member acquires a record and never acknowledges it;
//    another member's ShareFetch is parked; the time from the lock's deadline to that fetch
//    returning the record (p50/p99 over rounds).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker } from '../src/broker/broker.js';
import { createConsumer, LogReader, ShareConsumer } from '../src/client/index.js';
import { apis } from '../src/protocol/messages/index.js';
import { buildRecordBatch } from '../src/protocol/records/batch-builder.js';
import { createLogger } from '../src/util/logger.js';
import { WireClient } from '../test/broker/admin-wire.js';
import { closeConsumer } from '../test/helpers/close-consumer.js';
import { percentile, report, type BenchRow } from './harness.js';

const RECORDS = Number(process.env.BENCH_SHARE_RECORDS ?? 30_000);
const BATCH = 100;
const ROUNDS = 10;
/** Each rate is measured this many times, interleaved with the others; rows report the median. */
const REPS = Number(process.env.BENCH_REPS ?? 3);
const dataDir = mkdtempSync(join(tmpdir(), 'brook-bench-share-'));
const broker = await Broker.start({
  dataDir,
  host: '127.0.0.1',
  port: 0,
  logger: createLogger({ level: 'error' }),
  config: { 'group.initial.rebalance.delay.ms': '0', 'group.share.min.record.lock.duration.ms': '1000' },
});
const brokers = [broker.bootstrap];
const wire = await WireClient.connect(broker.port);

async function setGroupConfig(group: string, values: Record<string, string>): Promise<void> {
  const res = await wire.request(apis.IncrementalAlterConfigs, 1, { resources: [{ resourceType: 32, resourceName: group, configs: Object.entries(values).map(([name, value]) => ({ name, configOperation: 0, value })) }], validateOnly: false });
  if (res.responses[0]!.errorCode !== 0) throw new Error(`group config: ${res.responses[0]!.errorMessage}`);
}

await broker.state.topics.create({ name: 'bench-share', numPartitions: 1, replicationFactor: -1, configs: {} });
const log = broker.state.logs.getLog('bench-share', 0)!;
const value = Buffer.alloc(100, 'x');
for (let i = 0; i < RECORDS; i += BATCH) {
  await log.append(buildRecordBatch(Array.from({ length: BATCH }, () => ({ value }))), { durable: false });
}
await log.flush();

let run = 0;

/** k share consumers drain the partition; returns records accepted per second. */
async function shareRate(k: number): Promise<number> {
  const group = `bench-share-${k}-${run++}`;
  await setGroupConfig(group, { 'share.auto.offset.reset': 'earliest' });
  const consumers = Array.from({ length: k }, (_, i) => new ShareConsumer({ brokers, clientId: `bench-${k}-${i}`, groupId: group, maxRecords: 500, maxWaitMs: 100 }));
  for (const c of consumers) await c.subscribe(['bench-share']);
  let delivered = 0;
  const t0 = performance.now();
  await Promise.all(
    consumers.map(async (c) => {
      let idle = 0;
      while (delivered < RECORDS && idle < 50) {
        const n = (await c.poll()).length;
        delivered += n;
        idle = n === 0 ? idle + 1 : 0;
      }
      await c.commit();
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  for (const c of consumers) await c.close();
  const d = await wire.request(apis.DescribeShareGroupOffsets, 1, { groups: [{ groupId: group, topics: null }] });
  const start = Number(d.groups[0]!.topics[0]!.partitions[0]!.startOffset);
  if (start !== RECORDS) throw new Error(`${group}: start offset ${start}, expected every record accepted (${RECORDS})`);
  return RECORDS / seconds;
}

/** A plain consumer group over the same records: Fetch ~500 records, commit the offset, repeat. */
async function consumerGroupRate(): Promise<number> {
  const group = `bench-classic-${run++}`;
  const consumer = createConsumer({ brokers, clientId: 'bench-classic' }, { groupId: group, autocommit: false });
  const reader = new LogReader(consumer, { maxWaitMs: 100, partitionMaxBytes: 64 * 1024 });
  let offset = 0n;
  const t0 = performance.now();
  while (offset < BigInt(RECORDS)) {
    const round = await reader.fetch([{ topic: 'bench-share', partition: 0, offset }]);
    for (const r of round.records) if (r.offset >= offset) offset = r.offset + 1n;
    // A standalone commit (generation -1), answered after the fsync like a share acknowledgement.
    const res = await wire.request(apis.OffsetCommit, 8, { groupId: group, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [{ name: 'bench-share', partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: '' }] }] });
    if (res.topics[0]!.partitions[0]!.errorCode !== 0) throw new Error(`commit failed: ${res.topics[0]!.partitions[0]!.errorCode}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  await closeConsumer(consumer);
  return RECORDS / seconds;
}

/** Time from a lock's deadline to a parked fetch of another member receiving the record. */
async function redeliveryLatencies(): Promise<number[]> {
  await broker.state.topics.create({ name: 'bench-redeliver', numPartitions: 1, replicationFactor: -1, configs: {} });
  const rlog = broker.state.logs.getLog('bench-redeliver', 0)!;
  await setGroupConfig('bench-redeliver', { 'share.auto.offset.reset': 'earliest', 'share.record.lock.duration.ms': '1000' });
  const holder = new ShareConsumer({ brokers, clientId: 'holder', groupId: 'bench-redeliver', acknowledgementMode: 'explicit', maxRecords: 1, maxWaitMs: 2000 });
  const waiter = new ShareConsumer({ brokers, clientId: 'waiter', groupId: 'bench-redeliver', acknowledgementMode: 'explicit', maxRecords: 1, maxWaitMs: 5000 });
  await holder.subscribe(['bench-redeliver']);
  await waiter.subscribe(['bench-redeliver']);
  const out: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    await rlog.append(buildRecordBatch([{ value }]), { durable: true });
    const held = await holder.poll();
    if (held.length !== 1) throw new Error('the holder got no record');
    const deadline = performance.now() + 1000;
    const got = await waiter.poll();
    const at = performance.now();
    if (got.length !== 1 || got[0]!.offset !== held[0]!.offset || got[0]!.deliveryCount !== 2) throw new Error('the record was not redelivered');
    out.push(Math.max(0, at - deadline));
    waiter.acknowledge(got[0]!, 'accept');
    await waiter.commit();
  }
  await holder.close();
  await waiter.close();
  return out;
}

function median(xs: number[]): number {
  return percentile(xs, 50);
}

try {
  const samples = { classic: [] as number[], 1: [] as number[], 2: [] as number[], 8: [] as number[] };
  for (let rep = 0; rep < REPS; rep++) {
    samples.classic.push(await consumerGroupRate());
    for (const k of [1, 2, 8] as const) samples[k].push(await shareRate(k));
  }
  const classic = median(samples.classic);
  const rows: BenchRow[] = [];
  for (const k of [1, 2, 8] as const) {
    rows.push({ name: `share group, ${k} consumer${k > 1 ? 's' : ''}, 1 partition: records accepted/s`, value: median(samples[k]), unit: 'rec/s', baseline: { name: 'consumer group', value: classic } });
  }
  rows.push({ name: 'consumer group (fetch ~500, commit each fetch), 1 partition: records/s', value: classic, unit: 'rec/s' });
  const lat = await redeliveryLatencies();
  rows.push({ name: 'redelivery after lock expiry p50 (deadline -> parked fetch answered)', value: percentile(lat, 50), unit: 'ms' });
  rows.push({ name: 'redelivery after lock expiry p99', value: percentile(lat, 99), unit: 'ms' });
  report('share', rows, [
    `${RECORDS} records of 100 bytes in batches of ${BATCH}; share consumers use implicit acknowledgement (acceptances ride on the next ShareFetch and are fsynced before it is answered), max 500 records per fetch`,
    'the client measured is Brook\'s own Node share consumer; its cost per request is part of the figures',
    `redelivery: ${ROUNDS} rounds, lock 1000 ms; the latency includes the lock timer firing and the parked fetch being woken`,
    `rates are medians of ${REPS} interleaved runs; spreads: ${Object.entries(samples).map(([k, xs]) => `${k}: ${Math.round(Math.min(...xs))}-${Math.round(Math.max(...xs))}`).join(', ')}`,
  ]);
} finally {
  wire.close();
  await broker.close();
  rmSync(dataDir, { recursive: true, force: true });
}

// Soak: a broker under a steady mixed load, with hostile clients, for a long time (default 30 minutes;
// BROOK_SOAK_SECONDS=120 for a try). Run with `npm run bench -- soak`.
//
//   1. measure the broker's maximum produce rate (idempotent KafkaJS producers, acks=all), then run at
//      half of it for the duration:
//   2. two idempotent producers (sequence-numbered values), a consumer group of two reading them back,
//      a transactional producer (one transaction a second, every tenth aborted) read back by a
//      read_committed group, and every 15 s a hostile client in turn: a non-reading client pipelining
//      600 x 1 MiB Fetches, CreateTopics for 100,000,000 partitions, garbage frames, a half-sent frame
//      left open, a frame size over socket.request.max.bytes;
//   3. every 10 s the broker process (bench/soak-broker.ts, its own process) reports RSS, open fds and
//      event-loop delay; this side adds produce p99 latency and throughput over the same 10 s;
//   4. pass when RSS and fds are flat over the run (after the first third, which fills the per-partition
//      tail caches of the slow topics and the allocator's free lists),
//      in the steady state a long-running broker reaches: the topics keep 64 MiB a partition
//      (retention.bytes, in 16 MiB segments, checked every 10 s), so what the broker holds per stored
//      segment (its sparse indexes) stops growing once retention deletes as fast as producers write;
//      every acknowledged record was consumed, every committed transactional record was read and no
//      aborted one was.
// The table goes to bench/results/soak.json and the 10 s samples to bench/results/soak-samples.json, nothing talks to anything but 127.0.0.1,
// and every process and temp dir is gone at the end.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { apis } from '../src/protocol/messages/index.js';
import { encodeRequestFrame } from '../src/protocol/headers.js';
import { percentile, report, type BenchRow } from './harness.js';
import { JsonLineChild } from './json-line-child.js';

const DURATION_S = Number(process.env.BROOK_SOAK_SECONDS ?? 30 * 60);
const SAMPLE_MS = Number(process.env.BROOK_SOAK_SAMPLE_MS ?? 10_000);
const TOPIC = 'soak';
const TXN_TOPIC = 'soak-txn';
const PARTITIONS = 6;
const VALUE = Buffer.alloc(200, 0x61);
const root = mkdtempSync(join(tmpdir(), 'brook-soak-'));

interface BrokerSample {
  t: number;
  rss: number;
  heapUsed: number;
  fds: number;
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  bufferedBytes: number;
  connections: number;
  alarm: boolean;
}

interface Sample extends BrokerSample {
  elapsedS: number;
  produceP99Ms: number;
  producedPerS: number;
  consumedPerS: number;
}

/** A growable bit set of sequence numbers (tens of millions of records fit in megabytes). */
class SeqSet {
  private bits = new Uint8Array(1 << 16);
  count = 0;
  add(n: number): void {
    const byte = n >>> 3;
    if (byte >= this.bits.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.bits.length * 2));
      grown.set(this.bits);
      this.bits = grown;
    }
    const mask = 1 << (n & 7);
    if ((this.bits[byte]! & mask) === 0) {
      this.bits[byte]! |= mask;
      this.count++;
    }
  }
  has(n: number): boolean {
    const byte = n >>> 3;
    return byte < this.bits.length && (this.bits[byte]! & (1 << (n & 7))) !== 0;
  }
}

async function startBroker(): Promise<{ child: JsonLineChild; port: number; samples: BrokerSample[] }> {
  const script = fileURLToPath(new URL('./soak-broker.js', import.meta.url));
  const config = { 'num.partitions': String(PARTITIONS), 'log.retention.check.interval.ms': '10000' };
  const samples: BrokerSample[] = [];
  const { child, ready } = await JsonLineChild.start<{ port: number }>(script, [join(root, 'data'), String(SAMPLE_MS), JSON.stringify(config)], {
    label: 'soak broker',
    nodeArgs: ['--expose-gc'],
    onReport: (sample) => samples.push(sample as unknown as BrokerSample),
  });
  return { child, port: ready.port, samples };
}

/** Sends `count` records per call from `index`, returning the acknowledged sequence numbers' latency. */
async function sendSeq(p: Producer, id: number, from: number, count: number): Promise<number> {
  const messages = [];
  for (let i = 0; i < count; i++) messages.push({ key: `${id}-${from + i}`, value: Buffer.concat([Buffer.from(`${id}:${from + i}:`), VALUE]) });
  const start = performance.now();
  await p.send({ topic: TOPIC, acks: -1, messages });
  return performance.now() - start;
}

async function measureMaxRate(kafka: Kafka): Promise<number> {
  const producers = await Promise.all([0, 1, 2, 3].map(async () => {
    const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await p.connect();
    return p;
  }));
  let sent = 0;
  const until = performance.now() + 10_000;
  await Promise.all(producers.map(async (p, i) => {
    let seq = 0;
    while (performance.now() < until) {
      await p.send({ topic: 'soak-warmup', acks: -1, messages: Array.from({ length: 500 }, () => ({ key: `w${i}-${seq++}`, value: VALUE })) });
      sent += 500;
    }
  }));
  for (const p of producers) await p.disconnect();
  return sent / 10;
}

// ------------------------------------------------------------------------------ hostile clients

function rawSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.on('error', () => undefined);
    s.once('error', reject);
  });
}

const hostile: ((port: number) => Promise<string>)[] = [
  async (port) => {
    const s = await rawSocket(port);
    s.pause();
    const frames = Array.from({ length: 600 }, (_, i) =>
      encodeRequestFrame({ apiKey: 1, apiVersion: 12, correlationId: i + 1, clientId: 'hostile' }, apis.Fetch.request, {
        replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic: TOPIC, partitions: [{ partition: i % PARTITIONS, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
        forgottenTopicsData: [], rackId: '',
      }),
    );
    s.write(Buffer.concat(frames));
    await new Promise((r) => setTimeout(r, 5000));
    s.destroy();
    return 'non-reading fetcher';
  },
  async (port) => {
    const s = await rawSocket(port);
    s.write(encodeRequestFrame({ apiKey: 19, apiVersion: 7, correlationId: 1, clientId: 'hostile' }, apis.CreateTopics.request, {
      topics: [{ name: 'hostile-huge', numPartitions: 100_000_000, replicationFactor: -1, assignments: [], configs: [] }], timeoutMs: 30_000, validateOnly: false,
    }));
    await new Promise<void>((r) => { s.once('data', () => r()); s.once('close', () => r()); });
    s.destroy();
    return 'CreateTopics 100,000,000 partitions';
  },
  async (port) => {
    const s = await rawSocket(port);
    const garbage = Buffer.alloc(512);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 131 + 7) & 0xff;
    garbage.writeInt32BE(508, 0);
    s.write(garbage);
    await new Promise<void>((r) => s.once('close', () => r()));
    return 'garbage frame';
  },
  async (port) => {
    const s = await rawSocket(port);
    s.write(Buffer.from([0, 0, 1]));
    await new Promise((r) => setTimeout(r, 5000));
    s.destroy();
    return 'half-sent frame';
  },
  async (port) => {
    const s = await rawSocket(port);
    const b = Buffer.alloc(4);
    b.writeInt32BE(200 * 1024 * 1024);
    s.write(b);
    await new Promise<void>((r) => s.once('close', () => r()));
    return 'oversized frame';
  },
];

// ------------------------------------------------------------------------------ the run

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

async function main(): Promise<void> {
  const broker = await startBroker();
  const kafka = new Kafka({ clientId: 'soak', brokers: [`127.0.0.1:${broker.port}`], logLevel: logLevel.NOTHING, retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 2000 } });
  const admin = kafka.admin();
  await admin.connect();
  const configEntries = [
    { name: 'retention.bytes', value: String(64 * 2 ** 20) },
    { name: 'segment.bytes', value: String(16 * 2 ** 20) },
  ];
  await admin.createTopics({ topics: [TOPIC, TXN_TOPIC, 'soak-warmup'].map((topic) => ({ topic, numPartitions: PARTITIONS, configEntries })) });
  const maxRate = await measureMaxRate(kafka);
  const rate = Math.max(100, Math.floor(maxRate / 2));
  console.log(`soak: max ${maxRate.toFixed(0)} msg/s; running at ${rate} msg/s for ${DURATION_S} s`);

  // Consumers first, so the groups are stable before the load starts.
  const seen = [new SeqSet(), new SeqSet()];
  const txnSeen = new SeqSet();
  let abortedSeen = 0;
  let consumedWindow = 0;
  const consumers = [];
  for (let i = 0; i < 2; i++) {
    const c = kafka.consumer({ groupId: 'soak-group', sessionTimeout: 30_000, heartbeatInterval: 3000 });
    await c.connect();
    await c.subscribe({ topic: TOPIC, fromBeginning: true });
    await c.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          const [id, seq] = m.value!.subarray(0, 24).toString().split(':');
          seen[Number(id)]!.add(Number(seq));
          consumedWindow++;
        }
      },
    });
    consumers.push(c);
  }
  const aborted = new Set<number>();
  const txnConsumer = kafka.consumer({ groupId: 'soak-txn-group', readUncommitted: false });
  await txnConsumer.connect();
  await txnConsumer.subscribe({ topic: TXN_TOPIC, fromBeginning: true });
  await txnConsumer.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) {
        const seq = Number(m.value!.toString());
        if (aborted.has(Math.floor(seq / 100))) abortedSeen++;
        txnSeen.add(seq);
      }
    },
  });

  const producers = await Promise.all([0, 1].map(async () => {
    const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await p.connect();
    return p;
  }));
  const acked = [0, 0];
  let latencies: number[] = [];
  let producedWindow = 0;
  const end = performance.now() + DURATION_S * 1000;
  let stopping = false;
  const perTick = Math.max(1, Math.round(rate / 2 / 10)); // each producer, every 100 ms
  const producerLoops = producers.map(async (p, id) => {
    let next = performance.now();
    while (!stopping && performance.now() < end) {
      latencies.push(await sendSeq(p, id, acked[id]!, perTick));
      acked[id]! += perTick;
      producedWindow += perTick;
      next += 100;
      const wait = next - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      else next = performance.now();
    }
  });

  const txp = kafka.producer({ transactionalId: 'soak-txn', idempotent: true, maxInFlightRequests: 1 });
  await txp.connect();
  let txnNo = 0;
  let committed = 0;
  const txnLoop = (async () => {
    while (!stopping && performance.now() < end) {
      const t = await txp.transaction();
      const messages = Array.from({ length: 100 }, (_, i) => ({ key: String(txnNo * 100 + i), value: String(txnNo * 100 + i) }));
      await t.send({ topic: TXN_TOPIC, messages });
      if (txnNo % 10 === 9) {
        aborted.add(txnNo);
        await t.abort();
      } else {
        await t.commit();
        committed++;
      }
      txnNo++;
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();

  const hostileLog: string[] = [];
  let hostileNo = 0;
  const hostileLoop = (async () => {
    while (!stopping && performance.now() < end) {
      await new Promise((r) => setTimeout(r, 15_000));
      if (stopping || performance.now() >= end) break;
      hostileLog.push(await hostile[hostileNo++ % hostile.length]!(broker.port).catch((e: unknown) => `hostile failed: ${String(e)}`));
    }
  })();

  // Pair each broker sample with this side's figures for the same window.
  const samples: Sample[] = [];
  const started = Date.now();
  const pairing = setInterval(() => {
    const b = broker.samples[broker.samples.length - 1];
    if (!b || samples.some((s) => s.t === b.t)) return;
    samples.push({ ...b, elapsedS: (b.t - started) / 1000, produceP99Ms: percentile(latencies, 99), producedPerS: producedWindow / (SAMPLE_MS / 1000), consumedPerS: consumedWindow / (SAMPLE_MS / 1000) });
    const s = samples[samples.length - 1]!;
    console.log(`  ${s.elapsedS.toFixed(0)}s rss ${(s.rss / 2 ** 20).toFixed(0)} MiB fds ${s.fds} eld p99 ${s.eventLoopDelayP99Ms.toFixed(1)} ms produce p99 ${s.produceP99Ms.toFixed(1)} ms ${s.producedPerS.toFixed(0)} msg/s`);
    latencies = [];
    producedWindow = 0;
    consumedWindow = 0;
  }, 500);

  await Promise.all(producerLoops);
  stopping = true;
  await txnLoop;
  await hostileLoop;
  clearInterval(pairing);

  // Let the consumers catch up (a condition, bounded so a loss cannot hang the bench).
  const caughtUp = () => seen.every((s, id) => s.count >= acked[id]!) && txnSeen.count >= committed * 100;
  for (let i = 0; i < 1200 && !caughtUp(); i++) await new Promise((r) => setTimeout(r, 100));
  let lost = 0;
  for (let id = 0; id < 2; id++) for (let q = 0; q < acked[id]!; q++) if (!seen[id]!.has(q)) lost++;
  let txnLost = 0;
  for (let t = 0; t < txnNo; t++) if (!aborted.has(t)) for (let i = 0; i < 100; i++) if (!txnSeen.has(t * 100 + i)) txnLost++;

  for (const c of [...consumers, txnConsumer]) await c.disconnect();
  for (const p of [...producers, txp]) await p.disconnect();
  await admin.disconnect();
  await broker.child.stop('end-stdin', 120_000);
  rmSync(root, { recursive: true, force: true });

  // Flatness after warm-up: the fitted growth over the run must stay under 10% of the mean (RSS) or 5 fds.
  const steady = samples.slice(Math.floor(samples.length / 3));
  const minutes = steady.map((s) => s.elapsedS / 60);
  const rssSlope = slope(minutes, steady.map((s) => s.rss / 2 ** 20)); // MiB per minute
  const fdSlope = slope(minutes, steady.map((s) => s.fds));
  const span = minutes.length > 1 ? minutes[minutes.length - 1]! - minutes[0]! : 0;
  const meanRss = steady.reduce((a, s) => a + s.rss, 0) / Math.max(1, steady.length) / 2 ** 20;
  const rssFlat = rssSlope * span <= 0.1 * meanRss;
  const fdsFlat = fdSlope * span <= 5;
  const pass = rssFlat && fdsFlat && lost === 0 && txnLost === 0 && abortedSeen === 0;
  const rows: BenchRow[] = [
    { name: 'max produce rate (4 idempotent producers, acks=all)', value: maxRate, unit: 'msg/s' },
    { name: 'soak produce rate (target: half of max)', value: (acked[0]! + acked[1]!) / DURATION_S, unit: 'msg/s', baseline: { name: 'max', value: maxRate } },
    { name: 'RSS mean after warm-up', value: meanRss, unit: 'MiB' },
    { name: 'RSS fitted growth over the run', value: rssSlope * span, unit: 'MiB' },
    { name: 'fds max', value: Math.max(...samples.map((s) => s.fds)), unit: 'fds' },
    { name: 'fds fitted growth over the run', value: fdSlope * span, unit: 'fds' },
    { name: 'event-loop delay p99 (worst window)', value: Math.max(...samples.map((s) => s.eventLoopDelayP99Ms)), unit: 'ms' },
    { name: 'produce p99 acks=all (median window)', value: percentile(samples.map((s) => s.produceP99Ms).filter(Number.isFinite), 50), unit: 'ms' },
    { name: 'produce p99 acks=all (worst window)', value: Math.max(...samples.map((s) => s.produceP99Ms).filter(Number.isFinite)), unit: 'ms' },
    { name: 'records acknowledged', value: acked[0]! + acked[1]!, unit: 'records' },
    { name: 'acknowledged records never consumed', value: lost, unit: 'records' },
    { name: 'transactions committed / aborted', value: committed, unit: `/ ${aborted.size}` },
    { name: 'committed txn records never read', value: txnLost, unit: 'records' },
    { name: 'aborted txn records read', value: abortedSeen, unit: 'records' },
    { name: 'hostile clients run', value: hostileLog.length, unit: 'clients' },
  ];
  report('soak', rows, [
    `duration ${DURATION_S} s, samples every ${SAMPLE_MS / 1000} s; verdict: ${pass ? 'PASS' : 'FAIL'} (RSS ${rssFlat ? 'flat' : 'GROWING'}, fds ${fdsFlat ? 'flat' : 'GROWING'}, lost ${lost + txnLost}, aborted read ${abortedSeen})`,
    `hostile: ${[...new Set(hostileLog)].join('; ')}`,
    'every 10 s sample: bench/results/soak-samples.json',
  ]);
  const results = fileURLToPath(new URL('../../bench/results/', import.meta.url));
  mkdirSync(results, { recursive: true });
  writeFileSync(join(results, 'soak-samples.json'), JSON.stringify({ durationS: DURATION_S, rate, maxRate, pass, samples }, null, 2) + '\n');
  if (!pass) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e);
  rmSync(root, { recursive: true, force: true });
  process.exit(1);
});

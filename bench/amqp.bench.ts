// AMQP 0-9-1: Brook beside a real RabbitMQ (Debian's rabbitmq-server, started by this benchmark on
// free ports in a temp dir), same machine, same run, same client (amqplib). Both servers run as
// their own processes (Brook from a child process, as `brook start` would).
//
// Workload per case: P publishers (own connections, confirm channels, persistent messages, at most
// WINDOW unconfirmed each) and one consumer (prefetch PREFETCH, manual acks, multiple every ACK_EVERY)
// on one durable queue; bodies of 100 B or 1 KiB carry their publish time. Measured: messages per
// second from the first publish to the last delivery, and publish-to-deliver latency p50/p99.
// Systems: Brook (durable queue; a quorum declaration is the same queue here), RabbitMQ durable
// classic queue, RabbitMQ quorum queue (single node). Goal: >= 2x RabbitMQ classic throughput and
// a lower p99.
//
//   npm run bench -- amqp        (AMQP_BENCH_MESSAGES=N to change the message count per case)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import amqplib from 'amqplib';
import { LiveProcess } from '../test/broker/groups/live-process.js';
import { startRabbitMq } from '../test/amqp/rabbitmq-server.js';
import { percentile, report, type BenchRow } from './harness.js';

const MESSAGES = Number(process.env.AMQP_BENCH_MESSAGES ?? 30_000);
const WINDOW = 256;
const PREFETCH = 500;
const ACK_EVERY = 20;

interface CaseResult {
  rate: number;
  p50: number;
  p99: number;
}

async function runCase(url: string, queueType: 'classic' | 'quorum', size: number, publishers: number, tag: string): Promise<CaseResult> {
  const queue = `bench-${tag}-${size}-${publishers}-${queueType}`;
  const admin = await amqplib.connect(url);
  const ach = await admin.createChannel();
  await ach.assertQueue(queue, { durable: true, arguments: queueType === 'quorum' ? { 'x-queue-type': 'quorum' } : {} });
  await ach.purgeQueue(queue);
  const consumerConn = await amqplib.connect(url);
  const cch = await consumerConn.createChannel();
  await cch.prefetch(PREFETCH);
  const latencies: number[] = [];
  let received = 0;
  let lastAt = 0;
  const done = new Promise<void>((resolve) => {
    void cch.consume(queue, (m) => {
      if (!m) return;
      const now = performance.now();
      latencies.push(now - m.content.readDoubleLE(0));
      received++;
      if (received % ACK_EVERY === 0 || received === MESSAGES) cch.ack(m, true);
      if (received === MESSAGES) {
        lastAt = now;
        resolve();
      }
    });
  });
  const pubConns = await Promise.all(Array.from({ length: publishers }, () => amqplib.connect(url)));
  const pubChannels = await Promise.all(pubConns.map((c) => c.createConfirmChannel()));
  const perPublisher = Math.ceil(MESSAGES / publishers);
  const started = performance.now();
  await Promise.all(
    pubChannels.map(async (ch, p) => {
      const count = Math.min(perPublisher, MESSAGES - p * perPublisher);
      let inFlight = 0;
      let wake: (() => void) | null = null;
      for (let i = 0; i < count; i++) {
        while (inFlight >= WINDOW) await new Promise<void>((r) => (wake = r));
        const body = Buffer.alloc(size);
        body.writeDoubleLE(performance.now(), 0);
        inFlight++;
        ch.sendToQueue(queue, body, { persistent: true }, () => {
          inFlight--;
          const w = wake;
          wake = null;
          w?.();
        });
      }
      await ch.waitForConfirms();
    }),
  );
  await done;
  const elapsedMs = lastAt - started;
  for (const c of pubConns) await c.close();
  await consumerConn.close();
  await ach.deleteQueue(queue);
  await admin.close();
  return { rate: (received / elapsedMs) * 1000, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function startBrook(): Promise<{ url: string; stop: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'brook-amqp-bench-'));
  const script = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'test', 'amqp', 'amqp-broker-child.js');
  const child = new LiveProcess(process.execPath, [script, dataDir, '0'], 'brook');
  const started = await child.waitFor((e) => e.ev === 'started');
  return {
    url: `amqp://guest:guest@127.0.0.1:${String(started.amqpPort)}`,
    stop: async () => {
      child.kill();
      await child.exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const cases: [number, number][] = [
  [100, 1],
  [100, 8],
  [1024, 1],
  [1024, 8],
];
const brook = await startBrook();
const rabbit = await startRabbitMq();
const rows: BenchRow[] = [];
const notes: string[] = [`${MESSAGES} messages per case, window ${WINDOW} unconfirmed per publisher, prefetch ${PREFETCH}, acks multiple every ${ACK_EVERY}`];
try {
  const rabbitUrl = rabbit.url;
  for (const [size, publishers] of cases) {
    const name = `${size} B, ${publishers} publisher${publishers > 1 ? 's' : ''}`;
    // Warm-up of each system, then the measured runs (interleaved so load on the machine falls on both).
    await runCase(brook.url, 'classic', size, publishers, 'warm');
    await runCase(rabbitUrl, 'classic', size, publishers, 'warm');
    const b = await runCase(brook.url, 'classic', size, publishers, 'brook');
    const rc = await runCase(rabbitUrl, 'classic', size, publishers, 'rabbit');
    const rq = await runCase(rabbitUrl, 'quorum', size, publishers, 'rabbitq');
    rows.push(
      { name: `${name}: Brook msg/s vs RabbitMQ classic`, value: b.rate, unit: 'msg/s', baseline: { name: 'classic', value: rc.rate }, targetRatio: 2 },
      { name: `${name}: Brook msg/s vs RabbitMQ quorum`, value: b.rate, unit: 'msg/s', baseline: { name: 'quorum', value: rq.rate } },
      { name: `${name}: RabbitMQ classic p99 / Brook p99`, value: rc.p99, unit: 'ms', baseline: { name: 'Brook p99', value: b.p99 }, targetRatio: 1 },
      { name: `${name}: Brook p50 latency vs RabbitMQ classic`, value: b.p50, unit: 'ms', baseline: { name: 'classic', value: rc.p50 } },
      { name: `${name}: Brook p99 latency vs RabbitMQ quorum`, value: b.p99, unit: 'ms', baseline: { name: 'quorum', value: rq.p99 } },
    );
    console.log(`${name}: Brook ${b.rate.toFixed(0)} msg/s p50 ${b.p50.toFixed(2)} p99 ${b.p99.toFixed(2)} | RabbitMQ classic ${rc.rate.toFixed(0)} p50 ${rc.p50.toFixed(2)} p99 ${rc.p99.toFixed(2)} | quorum ${rq.rate.toFixed(0)} p50 ${rq.p50.toFixed(2)} p99 ${rq.p99.toFixed(2)}`);
  }
} finally {
  await brook.stop();
  await rabbit.stop();
}
report('amqp', rows, notes);

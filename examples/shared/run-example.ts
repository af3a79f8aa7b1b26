// The command-line runner every example's main.ts uses:
//
//   node dist/examples/<name>/main.js [--brokers host:port,...] [--demo] [--once]
//
// It creates the example's topics if missing, optionally writes a small demo data set (--demo,
// before the app starts, so one run is deterministic), starts the app and prints every output
// record as one JSON line {"topic","key","value"}. With --once it stops when the input is fully
// processed and committed; otherwise it runs until SIGINT/SIGTERM and shuts down gracefully.

import { parseArgs } from 'node:util';
import { createAdmin, createConsumer, createProducer, resolveBrokers } from '../../src/client/index.js';
import { App, defaultPartition, type RunningApp } from '../../src/streams/index.js';
import { fetchPartitions } from '../../src/streams/runtime/partition-fetch.js';

export interface DemoRecord {
  readonly topic: string;
  readonly key: string;
  readonly value: unknown;
  readonly timestamp: number;
}

export interface ExampleSpec {
  readonly appId: string;
  /** Topic -> partitions, created when missing. */
  readonly topics: Readonly<Record<string, number>>;
  readonly outputs: readonly string[];
  readonly build: (app: App) => void;
  readonly demo: readonly DemoRecord[];
}

export async function runExample(spec: ExampleSpec, argv = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { brokers: { type: 'string' }, demo: { type: 'boolean' }, once: { type: 'boolean' } } });
  const brokers = resolveBrokers(values.brokers);
  const client = { brokers, clientId: `${spec.appId}-example` };
  const admin = createAdmin(client);
  const have = new Set(await admin.listTopics());
  for (const [topic, partitions] of Object.entries(spec.topics)) if (!have.has(topic)) await admin.createTopics({ topics: [topic], partitions });
  await admin.close();
  if (values.demo) await writeDemo(client, spec);

  const app = new App({ appId: spec.appId, brokers, commitIntervalMs: 200 });
  spec.build(app);
  const running = await app.start();
  const printer = new OutputPrinter(client, spec.outputs);
  await running.ready;
  if (values.once) {
    await untilIdle(running);
    await running.commit();
    await printer.printNew();
    await running.close();
    await printer.close();
    return;
  }
  const stop = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  const failed = running.done.then(() => undefined);
  for (let stopped = false; !stopped; ) {
    await printer.printNew();
    stopped = await Promise.race([stop.then(() => true), failed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 500))]);
  }
  await running.close();
  await printer.printNew();
  await printer.close();
}

async function writeDemo(client: { brokers: string[]; clientId: string }, spec: ExampleSpec): Promise<void> {
  const producer = createProducer(client);
  const messages = spec.demo.map((r) => {
    const key = Buffer.from(r.key);
    const partition = defaultPartition(key, spec.topics[r.topic] ?? 1);
    return { topic: r.topic, partition, key, value: Buffer.from(JSON.stringify(r.value)), timestamp: BigInt(r.timestamp) };
  });
  await producer.send({ messages, acks: -1 });
  await producer.close();
}

/** Processed everything: no task lags and nothing changed between two looks. */
async function untilIdle(running: RunningApp): Promise<void> {
  let last = -1;
  for (let i = 0; i < 2_400; i++) {
    const m = Object.values(running.metrics());
    const seen = m.reduce((n, t) => n + t.recordsIn + t.recordsOut, 0);
    if (m.length > 0 && m.every((t) => t.lag === 0 && !t.restoring) && seen === last && seen > 0) return;
    last = seen;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the app did not become idle within 10 minutes');
}

/** Prints output records not printed yet, as JSON lines. */
class OutputPrinter {
  private readonly consumer;
  private readonly positions = new Map<string, bigint>();

  constructor(client: { brokers: string[]; clientId: string }, private readonly topics: readonly string[]) {
    this.consumer = createConsumer(client, { groupId: `${client.clientId}-printer`, autocommit: false });
  }

  async printNew(): Promise<void> {
    const metadata = await this.consumer.metadata({ topics: [...this.topics], forceUpdate: true });
    const ends = await this.consumer.listOffsets({ topics: [...this.topics], timestamp: -1n });
    for (const topic of this.topics) {
      const partitionEnds = ends.get(topic) ?? [];
      for (let p = 0; p < partitionEnds.length; p++) {
        const key = `${topic}:${p}`;
        let at = this.positions.get(key) ?? 0n;
        while (at < partitionEnds[p]!) {
          const [f] = await fetchPartitions(this.consumer, metadata, [{ topic, partition: p, offset: at }], { maxWaitMs: 0, maxBytes: 4 << 20, maxBytesPerPartition: 4 << 20 });
          if (!f || f.next <= at) break;
          for (const r of f.records) {
            const value = r.value === null ? null : (JSON.parse(r.value.toString('utf8')) as unknown);
            console.log(JSON.stringify({ topic, key: r.key?.toString('utf8') ?? null, value }));
          }
          at = f.next;
        }
        this.positions.set(key, at);
      }
    }
  }

  async close(): Promise<void> {
    await this.consumer.close();
  }
}

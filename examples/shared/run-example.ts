// The command-line runner every example's main.ts uses:
//
//   node dist/examples/<name>/main.js [--brokers host:port,...] [--demo] [--once] [--instance N]
//
// It creates the example's topics if missing (each example has topics of its own, named after it),
// optionally writes a small demo data set (--demo: only into input topics that are still empty, so
// running it again does not duplicate the input, and so not the output either), starts the app and
// prints the output topics from their beginning as JSON lines {"topic","key","value"}, then every new
// output record. With --once it stops as soon as every input record present at the start has been
// processed and committed (repartition topics included), which takes seconds; an app that fails
// (an input record its serdes cannot read, a lost broker) ends the run at once with its error.
// Otherwise it runs until SIGINT/SIGTERM and shuts down gracefully.

import { parseArgs } from 'node:util';
import { committedOffsets, createAdmin, createConsumer, createProducer, listOffsetsAt, partitionKey, resolveBrokers, type Admin } from '../../src/client/index.js';
import { App, defaultPartition, type AppOptions } from '../../src/streams/index.js';
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
  /** App options beyond appId, brokers and the commit interval (e.g. exactly-once); `instance` is --instance (default "1"). */
  readonly app?: (instance: string) => Partial<AppOptions>;
}

/** How long --once waits for the input to be processed before giving up. */
const ONCE_LIMIT_MS = 120_000;

export async function runExample(spec: ExampleSpec, argv = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { brokers: { type: 'string' }, demo: { type: 'boolean' }, once: { type: 'boolean' }, instance: { type: 'string', default: '1' } } });
  const brokers = resolveBrokers(values.brokers);
  const client = { brokers, clientId: `${spec.appId}-example` };
  const admin = createAdmin(client);
  try {
    const have = new Set(await admin.listTopics());
    for (const [topic, partitions] of Object.entries(spec.topics)) if (!have.has(topic)) await admin.createTopics({ topics: [topic], partitions });
    // Apache Kafka's brokers learn a new topic a moment after CreateTopics answers: wait until its
    // metadata lists them all (bounded), so the app's own topic checks see them.
    for (let i = 0; i < 100 && !Object.keys(spec.topics).every((t) => have.has(t)); i++) {
      for (const t of await admin.listTopics()) have.add(t);
      if (!Object.keys(spec.topics).every((t) => have.has(t))) await new Promise((r) => setTimeout(r, 100));
    }
    if (values.demo) await writeDemo(admin, client, spec);

    const app = new App({ appId: spec.appId, brokers, commitIntervalMs: 200, ...spec.app?.(values.instance) });
    spec.build(app);
    const exactlyOnce = app.options.guarantee === 'exactly-once';
    const inputs = inputPartitions(app, spec);
    const inputEnds = await listOffsetsAt(admin, inputs.user, -1n);
    const running = await app.start();
    // A failed app ends the run at once, with its error, instead of waiting for input that will never be processed.
    const failure = running.done.then(
      () => null,
      (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
    );
    const printer = new OutputPrinter(client, spec.outputs, exactlyOnce);
    try {
      if (values.once) {
        const outcome = await Promise.race([untilProcessed(admin, spec.appId, inputs, inputEnds), failure.then((e) => e ?? new Error('the app stopped'))]);
        if (outcome instanceof Error) throw outcome;
        await running.commit();
        await printer.printNew();
        return;
      }
      const stop = new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      for (let stopped = false; !stopped; ) {
        await printer.printNew();
        stopped = await Promise.race([stop.then(() => true), failure.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 500))]);
      }
      const failed = await Promise.race([failure, Promise.resolve(null)]);
      if (failed) throw failed;
      await printer.printNew();
    } finally {
      await running.close().catch(() => undefined);
      await printer.close();
    }
  } catch (e) {
    console.error(`${spec.appId}: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  } finally {
    await admin.close();
  }
}

interface InputPartitions {
  /** Partitions of the topics the app reads from outside (their ends at the start are "the input"). */
  user: { topic: string; partition: number }[];
  /** Repartition topics, which the app writes and reads itself. */
  internal: string[];
}

function inputPartitions(app: App, spec: ExampleSpec): InputPartitions {
  const topology = app.topology();
  const out: InputPartitions = { user: [], internal: [] };
  for (const topic of topology.sourceTopics()) {
    const internal = topology.internalTopics.get(topic);
    if (internal?.kind === 'repartition') continue;
    for (let p = 0; p < (spec.topics[topic] ?? 1); p++) out.user.push({ topic, partition: p });
  }
  for (const [topic, t] of topology.internalTopics) if (t.kind === 'repartition') out.internal.push(topic);
  return out;
}

/**
 * Resolves once the app's committed offsets reach the input's end offsets as they were at the start, and then the
 * current end of every repartition topic (records the app wrote to itself while processing that input).
 */
async function untilProcessed(admin: Admin, groupId: string, inputs: InputPartitions, inputEnds: ReadonlyMap<string, bigint>): Promise<void> {
  const deadline = Date.now() + ONCE_LIMIT_MS;
  const caughtUp = (committed: ReadonlyMap<string, bigint>, ends: ReadonlyMap<string, bigint>, parts: readonly { topic: string; partition: number }[]): boolean =>
    parts.every(({ topic, partition }) => {
      const key = partitionKey(topic, partition);
      const end = ends.get(key) ?? 0n;
      return end <= 0n || (committed.get(key) ?? -1n) >= end;
    });
  while (Date.now() < deadline) {
    const committed = await committedOffsets(admin, groupId);
    if (caughtUp(committed, inputEnds, inputs.user)) {
      const metadata = inputs.internal.length > 0 ? await admin.metadata({ topics: inputs.internal, forceUpdate: true }) : undefined;
      const internal = inputs.internal.flatMap((topic) => Array.from({ length: metadata?.topics.get(topic)?.partitionsCount ?? 0 }, (_, partition) => ({ topic, partition })));
      if (caughtUp(committed, await listOffsetsAt(admin, internal, -1n), internal)) return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the input was not processed within ${ONCE_LIMIT_MS / 1000} s`);
}

/** Writes the demo records into input topics that are still empty; says which it left alone. */
async function writeDemo(admin: Admin, client: { brokers: string[]; clientId: string }, spec: ExampleSpec): Promise<void> {
  const topics = [...new Set(spec.demo.map((r) => r.topic))];
  const partitions = topics.flatMap((topic) => Array.from({ length: spec.topics[topic] ?? 1 }, (_, partition) => ({ topic, partition })));
  const ends = await listOffsetsAt(admin, partitions, -1n);
  const filled = new Set(partitions.filter((p) => (ends.get(partitionKey(p.topic, p.partition)) ?? 0n) > 0n).map((p) => p.topic));
  if (filled.size > 0) console.error(`${spec.appId}: demo input already written to ${[...filled].join(', ')}; not writing it again`);
  const messages = spec.demo
    .filter((r) => !filled.has(r.topic))
    .map((r) => {
      const key = Buffer.from(r.key);
      const partition = defaultPartition(key, spec.topics[r.topic] ?? 1);
      return { topic: r.topic, partition, key, value: Buffer.from(JSON.stringify(r.value)), timestamp: BigInt(r.timestamp) };
    });
  if (messages.length === 0) return;
  const producer = createProducer(client);
  await producer.send({ messages, acks: -1 });
  await producer.close();
}

/** Prints output records not printed yet, as JSON lines. */
class OutputPrinter {
  private readonly consumer;
  private readonly positions = new Map<string, bigint>();

  constructor(
    client: { brokers: string[]; clientId: string },
    private readonly topics: readonly string[],
    /** Exactly-once apps: print only committed output (read_committed), never an aborted attempt's. */
    private readonly readCommitted = false,
  ) {
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
        let retries = 0;
        while (at < partitionEnds[p]!) {
          const [f] = await fetchPartitions(this.consumer, metadata, [{ topic, partition: p, offset: at }], {
            maxWaitMs: 0,
            maxBytes: 4 << 20,
            maxBytesPerPartition: 4 << 20,
            isolationLevel: this.readCommitted ? 1 : 0,
          });
          if (f && f.retriableError !== 0 && retries++ < 100) {
            // Apache Kafka may not serve a topic created a moment ago yet: ask again shortly.
            await new Promise((r) => setTimeout(r, 50));
            continue;
          }
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

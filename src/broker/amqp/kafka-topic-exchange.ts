// A Kafka topic as the source of an AMQP exchange (declare argument `x-kafka-topic`, or the broker
// config brook.amqp.topic.exchanges). Publishing to the exchange appends a Kafka record to the topic
// (kafka-mapping.ts: routing key -> key, properties -> headers; durable when the message is
// persistent); the publisher's confirm follows the append. Every record of the topic -- produced by
// Kafka clients or through the exchange -- is routed by its key, with the exchange's type and
// bindings, to the bound queues.
//
// The routing is a reader of each partition with durable progress: one share-partition per topic
// partition in the AMQP queue engine (owner `__amqp.x:<vhost>:<exchange>`), created at the log end
// when the exchange is declared. A turn acquires up to 500 records, publishes them durably to their
// queues, then accepts them; a crash in between routes them again (at least once), never loses them.
import type { PartitionLog } from '../../storage/index.js';
import type { Logger } from '../../util/logger.js';
import { AckType, readWindow, type QueueEngine, type ShareSlot } from '../queues/index.js';
import { forEachRecord } from '../../protocol/records/record-reader.js';
import { batchBaseOffset, batchIsControl, batchLastOffset, forEachBatch } from '../../protocol/records/batch-header.js';
import { buildRecordBatch } from '../../protocol/records/batch-builder.js';
import { amqpToRecord, kafkaPartitionFor, recordToAmqp } from './kafka-mapping.js';
import type { Exchange } from './exchange.js';
import type { AmqpMessage } from './message-record.js';
import type { AmqpQueue } from './queue.js';

export interface TopicAccess {
  topicId: string;
  logs: readonly PartitionLog[];
}

export interface BridgeDeps {
  engine: QueueEngine;
  logger: Logger;
  now(): number;
  /** Routes through the exchange (bindings, exchange-to-exchange, alternate exchange). */
  route(exchange: Exchange, routingKey: string, properties: Buffer): Set<AmqpQueue>;
}

const TURN_RECORDS = 500;
const READ_BYTES = 1 << 20;

export function bridgeOwner(vhost: string, exchange: string): string {
  return `__amqp.x:${vhost}:${exchange}`;
}

export class KafkaTopicBridge {
  private readonly slots: ShareSlot[] = [];
  private readonly busy = new Set<number>();
  private readonly again = new Set<number>();
  private readonly unsubscribes: (() => void)[] = [];
  private nextPartition = 0;
  private stopped = false;

  constructor(
    readonly owner: string,
    readonly exchange: Exchange,
    readonly topic: string,
    private readonly access: TopicAccess,
    private readonly deps: BridgeDeps,
  ) {}

  async start(): Promise<void> {
    const { engine } = this.deps;
    for (let p = 0; p < this.access.logs.length; p++) {
      const log = this.access.logs[p]!;
      const slot = await engine.open(
        { groupId: this.owner, topicId: this.access.topicId, partition: p },
        {
          owner: this.owner,
          topic: this.topic,
          partition: p,
          log,
          policy: () => ({ lockDurationMs: 300_000, deliveryLimit: Infinity, maxInFlight: Number.MAX_SAFE_INTEGER, renewEnabled: false, deadLetter: false }),
          deadLetter: () => null,
        },
        async () => log.logEndOffset,
      );
      this.slots.push(slot);
      this.unsubscribes.push(log.addAppendListener(() => this.pump(p)));
      this.pump(p);
    }
  }

  stop(): void {
    this.stopped = true;
    for (const u of this.unsubscribes) u();
  }

  /** Deletes the reader's state (the exchange was deleted). */
  async forget(): Promise<void> {
    this.stop();
    for (const s of this.slots) await this.deps.engine.delete(s.key).catch(() => {});
  }

  /** Appends a message published to the exchange to the topic; resolves once written (durable when asked). */
  async publish(m: AmqpMessage, durable: boolean): Promise<void> {
    const key = m.routingKey === '' ? null : Buffer.from(m.routingKey, 'utf8');
    const n = this.access.logs.length;
    const p = key ? kafkaPartitionFor(key, n) : this.nextPartition++ % n;
    const record = amqpToRecord(m.routingKey, m.properties, m.body, this.deps.now());
    await this.access.logs[p]!.append(buildRecordBatch([record], { timestamp: this.deps.now() }), { durable });
  }

  private pump(p: number): void {
    if (this.stopped) return;
    if (this.busy.has(p)) {
      this.again.add(p);
      return;
    }
    this.busy.add(p);
    void this.turns(p)
      .catch((e: unknown) => this.deps.logger.warn('routing Kafka records into AMQP queues failed', { topic: this.topic, partition: p, error: String(e) }))
      .finally(() => {
        this.busy.delete(p);
        if (this.again.delete(p)) this.pump(p);
      });
  }

  private async turns(p: number): Promise<void> {
    const { engine } = this.deps;
    const slot = this.slots[p]!;
    const log = this.access.logs[p]!;
    while (!this.stopped && engine.hasAcquirable(slot)) {
      await engine.syncLogStart(slot);
      const read = await readWindow(log, engine.nextFetchOffset(slot), READ_BYTES, null);
      if (!read || read.extents.length === 0) return;
      const ranges = await engine.acquire(slot, 'bridge', read.extents, { maxRecords: TURN_RECORDS, batchSize: 0, recordLimit: true, now: this.deps.now() });
      if (ranges.length === 0) return;
      const first = ranges[0]!.first;
      const last = ranges[ranges.length - 1]!.last;
      const writes: Promise<void>[] = [];
      for (const chunk of read.chunks) {
        forEachBatch(chunk, 0, chunk.length, (pos) => {
          if (batchIsControl(chunk, pos) || batchLastOffset(chunk, pos) < first || batchBaseOffset(chunk, pos) > last) return;
          forEachRecord(chunk, pos, (r) => {
            if (r.offset < first || r.offset > last) return;
            const { routingKey, properties } = recordToAmqp(r.key, r.headers);
            const message: AmqpMessage = { exchange: this.exchange.name, routingKey, properties, body: Buffer.from(r.value ?? Buffer.alloc(0)), persistent: true, expirationMs: undefined };
            for (const q of this.deps.route(this.exchange, routingKey, properties)) {
              writes.push(
                q.publishAsync(message, true).catch((e: unknown) => {
                  // A queue refusing it (x-overflow reject-publish) drops that copy, as for any publish.
                  if (!(e instanceof Error && e.message.startsWith('rejected'))) throw e;
                }),
              );
            }
          });
        });
      }
      try {
        await Promise.all(writes);
        await engine.acknowledge(slot, 'bridge', ranges.map((r) => ({ first: r.first, last: r.last, types: [AckType.Accept] })));
      } catch (e) {
        await engine.acknowledge(slot, 'bridge', ranges.map((r) => ({ first: r.first, last: r.last, types: [AckType.Release] }))).catch(() => {});
        throw e;
      }
    }
  }
}

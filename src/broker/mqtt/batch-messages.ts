// The MQTT messages in a chunk of stored batches, for the log tailer and shared-subscription
// readers: from the decoded-batch cache when the MQTT server wrote the batch itself, else decoded
// (topic from the record key by the mapping's rule, properties from the headers). Control batches
// are skipped; records that are not MQTT messages are visited with null, so readers that must
// account for every offset (shared subscriptions acknowledge them) see them too.
import { CONTROL_FLAG_MASK, batchAttributes, batchBaseOffset, forEachBatch } from '../../protocol/records/batch-header.js';
import { forEachRecord } from '../../protocol/records/record-reader.js';
import type { QoS } from '../../mqtt/index.js';
import type { Logger } from '../../util/logger.js';
import type { DecodedBatches } from './decoded-batches.js';
import { recordToMessage, type MqttMessage } from './message-record.js';
import type { TopicMapping } from './topic-mapping.js';

export interface BatchReadContext {
  mapping: TopicMapping;
  decoded: DecodedBatches;
  kafkaQos: QoS;
  logger: Logger;
}

/** Visits every record at or after `from` in the chunk's batches (control batches skipped). */
export function forEachMessage(ctx: BatchReadContext, topic: string, partition: number, chunk: Buffer, from: number, visit: (m: MqttMessage | null, offset: number) => void): void {
  forEachBatch(chunk, 0, chunk.length, (pos) => {
    if ((batchAttributes(chunk, pos) & CONTROL_FLAG_MASK) !== 0) return;
    const base = batchBaseOffset(chunk, pos);
    const cached = ctx.decoded.get(topic, partition, base);
    if (cached) {
      for (let i = Math.max(0, from - base); i < cached.length; i++) visit(cached[i]!, base + i);
      return;
    }
    try {
      forEachRecord(chunk, pos, (rec) => {
        if (rec.offset < from) return;
        const mqttTopic = ctx.mapping.mqttTopicFor(topic, rec.key);
        visit(mqttTopic === null ? null : recordToMessage(mqttTopic, rec.value, rec.headers, rec.timestamp, ctx.kafkaQos), rec.offset);
      });
    } catch (e) {
      ctx.logger.warn('skipping an unreadable batch of a mapped topic', { topic, partition, offset: base, error: String(e) });
    }
  });
}

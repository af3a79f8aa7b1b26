// The messages of batches the MQTT server appended itself, by (topic, partition, base offset), so
// the log tailer and shared-subscription readers that read those batches back moments later do not
// decode what they already have as values. Bounded: the oldest entries go first, and a miss only
// costs a decode.
import type { MqttMessage } from './message-record.js';

const LIMIT = 4096;

export class DecodedBatches {
  private readonly entries = new Map<string, readonly MqttMessage[]>();

  put(topic: string, partition: number, baseOffset: number, messages: readonly MqttMessage[]): void {
    if (this.entries.size >= LIMIT) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(`${topic}\u0000${partition}\u0000${baseOffset}`, messages);
  }

  get(topic: string, partition: number, baseOffset: number): readonly MqttMessage[] | undefined {
    return this.entries.get(`${topic}\u0000${partition}\u0000${baseOffset}`);
  }
}

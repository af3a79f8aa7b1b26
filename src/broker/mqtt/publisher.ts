// The inbound side of every PUBLISH (and will): the message goes to the Kafka topic its MQTT topic
// maps to (topic-mapping.ts, log-appender.ts) and, when published with RETAIN, to the retained store.
// A durable publish (QoS 1/2) resolves once both are fdatasynced; its outcome is the reason code the
// PUBACK/PUBREC carries (MQTT 5.0 §3.4.2.1), with a reason string for the log and 5.0 clients.
import { ReasonCode } from '../../mqtt/index.js';
import type { Logger } from '../../util/logger.js';
import { AppendError, type LogAppender } from './log-appender.js';
import type { MqttMessage } from './message-record.js';
import type { RetainedStore } from './retained-store.js';
import type { TopicMapping } from './topic-mapping.js';

export interface PublishOutcome {
  reasonCode: number;
  reasonString?: string;
}

const OK: PublishOutcome = { reasonCode: ReasonCode.Success };

export class Publisher {
  constructor(
    private readonly mapping: TopicMapping,
    private readonly appender: LogAppender,
    private readonly retained: RetainedStore,
    private readonly logger: Logger,
  ) {}

  async publish(m: MqttMessage, durable: boolean): Promise<PublishOutcome> {
    const topic = this.mapping.kafkaTopicFor(m.topic);
    if (topic === null) return { reasonCode: ReasonCode.TopicNameInvalid, reasonString: `no mapping takes topic "${m.topic}" (and brook.mqtt.default.topic is empty)` };
    try {
      const appended = this.appender.append(topic, m, durable);
      if (m.retain) await Promise.all([appended, this.retained.update(m, durable)]);
      else await appended;
      return OK;
    } catch (e) {
      if (e instanceof AppendError && e.kind === 'too-large') return { reasonCode: ReasonCode.QuotaExceeded, reasonString: e.message };
      this.logger.warn('an MQTT publish could not be stored', { topic: m.topic, kafkaTopic: topic, error: e instanceof Error ? e.message : String(e) });
      return { reasonCode: ReasonCode.UnspecifiedError, reasonString: 'the message could not be stored' };
    }
  }
}

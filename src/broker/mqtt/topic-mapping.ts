// Where MQTT messages live in the log: rules from MQTT topic filters to Kafka topics
// (`brook.mqtt.topic.mappings`, e.g. "home/+/temperature=home-temperature;sensors/#=sensors"), the
// first matching rule winning, and a default topic for MQTT topics no rule maps
// (`brook.mqtt.default.topic`, "mqtt"; empty refuses them). Each message is one record whose key is
// its MQTT topic (message-record.ts), so a Kafka topic may gather many MQTT topics.
//
// The way back (Kafka records to MQTT subscribers): a record of Kafka topic K whose key is an MQTT
// topic name T is delivered to subscribers of T exactly when T maps to K, so a message has one home
// and is never delivered twice. A record whose key is not such a name (a Kafka producer's own key,
// or none) is delivered only from a topic that a rule with a literal filter (no wildcard) maps to,
// as a message on that filter's topic; otherwise it stays Kafka-only.
import { filtersOverlap, hasWildcard, isValidMqttString, topicFilterProblem, topicMatches, topicNameProblem } from '../../mqtt/index.js';
import { isValidTopicName } from '../../storage/index.js';

export interface MappingRule {
  /** An MQTT topic filter (no `$share/`). */
  filter: string;
  /** The Kafka topic its messages go to. */
  topic: string;
}

/** Parses "filter=topic;filter=topic"; throws Error naming the bad rule. */
export function parseTopicMappings(spec: string): MappingRule[] {
  const rules: MappingRule[] = [];
  for (const raw of spec.split(';')) {
    const text = raw.trim();
    if (text === '') continue;
    // Kafka topic names cannot hold '=', so the last '=' separates the two sides.
    const eq = text.lastIndexOf('=');
    const filter = eq < 0 ? '' : text.slice(0, eq).trim();
    const topic = eq < 0 ? '' : text.slice(eq + 1).trim();
    if (eq <= 0 || topic === '') throw new Error(`brook.mqtt.topic.mappings: "${text}" is not filter=topic`);
    const problem = filter.startsWith('$share/') ? 'a shared subscription is not a topic filter' : topicFilterProblem(filter);
    if (problem) throw new Error(`brook.mqtt.topic.mappings: "${filter}": ${problem}`);
    checkKafkaTopic(topic, 'brook.mqtt.topic.mappings');
    rules.push({ filter, topic });
  }
  return rules;
}

export function checkKafkaTopic(topic: string, key: string): void {
  if (!isValidTopicName(topic) || topic.startsWith('__')) throw new Error(`${key}: "${topic}" is not a usable Kafka topic name (1-249 of [a-zA-Z0-9._-], not starting with "__")`);
}

const CACHE_LIMIT = 10_000;

export class TopicMapping {
  private readonly cache = new Map<string, string | null>();

  constructor(
    readonly rules: readonly MappingRule[],
    /** The topic of unmapped MQTT topics; '' refuses them. */
    readonly defaultTopic: string,
  ) {
    if (defaultTopic !== '') checkKafkaTopic(defaultTopic, 'brook.mqtt.default.topic');
  }

  /** The Kafka topic a message on `mqttTopic` goes to, or null when it is refused. */
  kafkaTopicFor(mqttTopic: string): string | null {
    let topic = this.cache.get(mqttTopic);
    if (topic !== undefined) return topic;
    topic = this.defaultTopic === '' ? null : this.defaultTopic;
    for (const rule of this.rules) {
      if (topicMatches(rule.filter, mqttTopic)) {
        topic = rule.topic;
        break;
      }
    }
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(mqttTopic, topic);
    return topic;
  }

  /** The MQTT topic a record of `kafkaTopic` is delivered on, or null when it is not delivered over MQTT. */
  mqttTopicFor(kafkaTopic: string, key: Buffer | null): string | null {
    if (key !== null && key.length > 0 && key.length <= 65535 && isValidMqttString(key)) {
      const name = key.toString('utf8');
      if (topicNameProblem(name) === null && this.kafkaTopicFor(name) === kafkaTopic) return name;
    }
    for (const rule of this.rules) if (rule.topic === kafkaTopic && !hasWildcard(rule.filter)) return rule.filter;
    return null;
  }

  /** Every Kafka topic MQTT messages may be in. */
  allTopics(): string[] {
    const all = new Set(this.rules.map((r) => r.topic));
    if (this.defaultTopic !== '') all.add(this.defaultTopic);
    return [...all];
  }

  /** The Kafka topics holding messages a subscription to `filter` may receive. */
  topicsFor(filter: string): string[] {
    const out = new Set<string>();
    for (const rule of this.rules) if (filtersOverlap(rule.filter, filter)) out.add(rule.topic);
    if (this.defaultTopic !== '') out.add(this.defaultTopic);
    return [...out];
  }

  /** Whether a Kafka topic holds MQTT messages. */
  isMapped(kafkaTopic: string): boolean {
    return kafkaTopic === this.defaultTopic || this.rules.some((r) => r.topic === kafkaTopic);
  }
}

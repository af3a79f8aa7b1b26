// The MQTT listener's settings, read once at start from the broker config (the keys and their
// documentation are in mqtt-config-definitions.ts).
import type { BrokerConfig } from '../config/broker-config.js';

/** The settings the MQTT server reads, resolved once at start. */
export interface MqttSettings {
  mappings: string;
  defaultTopic: string;
  kafkaQos: 0 | 1 | 2;
  users: string;
  allowAnonymous: boolean;
  maxPacketSize: number;
  receiveMaximum: number;
  maxInflight: number;
  maxQueued: number;
  topicAliasMaximum: number;
  maxKeepAlive: number;
  maxSessionExpiry: number;
  connectTimeoutMs: number;
}

export function mqttSettings(config: BrokerConfig): MqttSettings {
  return {
    mappings: config.get('brook.mqtt.topic.mappings') ?? '',
    defaultTopic: config.get('brook.mqtt.default.topic') ?? '',
    kafkaQos: config.getNumber('brook.mqtt.kafka.qos') as 0 | 1 | 2,
    users: config.get('brook.mqtt.users') ?? '',
    allowAnonymous: config.getBoolean('brook.mqtt.allow.anonymous'),
    maxPacketSize: config.getNumber('brook.mqtt.max.packet.size'),
    receiveMaximum: config.getNumber('brook.mqtt.receive.maximum'),
    maxInflight: config.getNumber('brook.mqtt.max.inflight.messages'),
    maxQueued: config.getNumber('brook.mqtt.max.queued.messages'),
    topicAliasMaximum: config.getNumber('brook.mqtt.topic.alias.maximum'),
    maxKeepAlive: config.getNumber('brook.mqtt.max.keepalive'),
    maxSessionExpiry: config.getNumber('brook.mqtt.max.session.expiry.interval'),
    connectTimeoutMs: config.getNumber('brook.mqtt.connect.timeout.ms'),
  };
}
